"""Console pages for badge classes: create one with its image, import the shipped catalogue, and
for each badge class its page, where it is edited (saying first when an edit makes a new
version), with its alignments, its prerequisites (pathway) and its trainer rule."""

from __future__ import annotations

import base64
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from service.domain import badge_requests as request_rules
from service.errors import FabriqueError, InvalidInput
from service.http.deps import ContextDep
from service.persistence.repositories import BadgeClasses
from service.persistence.tables import BadgeClass, Issuer
from service.persistence.training_tables import TrainerRule
from service.usecases import badge_classes, badge_requests, catalogue, issuers, networks, trainer_rules
from service.usecases.commands import BadgeClassCreate, BadgeClassUpdate
from service.usecases.session_commands import TrainerRuleIn
from service.web.console import console_page
from service.web.console_auth import CheckedDep, ShowPage, SignedIn, SignedInDep, require_read, require_write
from service.web.forms import problems_of, text
from service.web.labels import N_
from service.web.render import tr

router = APIRouter(prefix="/console", include_in_schema=False)
MAX_IMAGE_UPLOAD = 1024 * 1024  # refused before decoding; the configured image limit applies too
ALIGNMENT_ROWS = 3
DONE = {
    "modifie": N_("Badge enregistré."),
    "version": N_(
        "Badge enregistré : une nouvelle version a été créée ; les badges déjà émis ne changent pas."
    ),
    "regle": N_("Règle des formateurs enregistrée."),
    "regle-retiree": N_("Règle des formateurs retirée."),
    "demandes": N_("Règle des demandes enregistrée."),
    "membres": N_("Structures membres autorisées enregistrées."),
}


@router.get("/emetteurs/{issuer_id}/badges/nouveau")
def badge_class_new(request: Request, issuer_id: str, who: SignedInDep, ctx: ContextDep) -> Response:
    issuer = issuers.get(ctx, issuer_id)
    require_write(who, issuer.id)
    return console_page(request, "console/badge_class_new.html", who, issuer=issuer, values={}, problems={})


@router.post("/emetteurs/{issuer_id}/badges/nouveau")
async def badge_class_create(
    request: Request,
    issuer_id: str,
    who: CheckedDep,
    ctx: ContextDep,
    image: Annotated[UploadFile | None, File()] = None,
    name: Annotated[str, Form(max_length=400)] = "",
    description: Annotated[str, Form(max_length=20000)] = "",
    criteria_narrative: Annotated[str, Form(max_length=20000)] = "",
    criteria_url: Annotated[str, Form(max_length=4096)] = "",
    tags: Annotated[str, Form(max_length=2000)] = "",
    validity_days: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    issuer = issuers.get(ctx, issuer_id)
    require_write(who, issuer.id)
    values = {
        "name": name,
        "description": description,
        "criteria_narrative": criteria_narrative,
        "criteria_url": criteria_url,
        "tags": tags,
        "validity_days": validity_days,
    }
    try:
        content, declared = await _image(image)
        command = BadgeClassCreate.model_validate(
            {
                "name": name,
                "description": description,
                "criteria_narrative": text(criteria_narrative),
                "criteria_url": text(criteria_url),
                "tags": _list(tags),
                "validity_days": text(validity_days),
                "image": f"data:{declared};base64,{base64.b64encode(content).decode()}",
            }
        )
        created = badge_classes.create(ctx, issuer, command)
    except (ValidationError, FabriqueError) as exc:
        raise ShowPage(
            console_page(
                request,
                "console/badge_class_new.html",
                who,
                issuer=issuer,
                values=values,
                problems=problems_of(request, exc),
                status_code=422,
            )
        ) from None
    return RedirectResponse(f"/console/emetteurs/{issuer.id}?fait=badge&id={created.id}", status_code=303)


@router.post("/emetteurs/{issuer_id}/catalogue")
def import_catalogue(request: Request, issuer_id: str, who: CheckedDep, ctx: ContextDep) -> Response:
    """The shipped mediator-skills catalogue; entries imported before are kept as they are."""
    issuer = issuers.get(ctx, issuer_id)
    require_write(who, issuer.id)
    imported = catalogue.import_into(ctx, issuer, catalogue.load())
    return RedirectResponse(
        f"/console/emetteurs/{issuer.id}?fait=catalogue&crees={len(imported.created)}&gardes={len(imported.kept)}",
        status_code=303,
    )


def badge_of(
    ctx: ContextDep, who: SignedIn, badge_class_id: str, *, write: bool
) -> tuple[Issuer, BadgeClass]:
    badge_class = badge_classes.get(ctx, badge_class_id)
    (require_write if write else require_read)(who, badge_class.issuer_id)
    return issuers.get(ctx, badge_class.issuer_id), badge_class


@router.get("/badges/{badge_class_id}")
def badge_class_page(
    request: Request, badge_class_id: str, who: SignedInDep, ctx: ContextDep, fait: str | None = None
) -> Response:
    issuer, badge_class = badge_of(ctx, who, badge_class_id, write=False)
    done = tr(request, DONE[fait]) if fait in DONE else None
    return _page(request, who, ctx, issuer, badge_class, _values(badge_class), {}, done=done)


def _page(
    request: Request,
    who: SignedIn,
    ctx: ContextDep,
    issuer: Issuer,
    badge_class: BadgeClass,
    values: dict[str, Any],
    problems: dict[str, str],
    *,
    done: str | None = None,
    rule_values: dict[str, Any] | None = None,
    status: int = 200,
    request_rule: request_rules.Rule | None = None,
) -> Response:
    repository = BadgeClasses(ctx.session)
    others = [
        b
        for b in repository.list_for_issuer(issuer.id, 500, 0)[0]
        if b.replaced_by_id is None and b.id != badge_class.id
    ]
    rule = ctx.session.get(TrainerRule, badge_class.id)
    rows = max(ALIGNMENT_ROWS, sum(1 for key in values if key.startswith("al_name_")) + 1)
    return console_page(
        request,
        "console/badge_class.html",
        who,
        issuer=issuer,
        badge_class=badge_class,
        awarded=repository.has_awards(badge_class.id),
        current=badge_class.replaced_by_id is None,
        others=others,
        values=values,
        problems=problems,
        alignment_rows=range(rows),
        rule=rule,
        rule_values=rule_values if rule_values is not None else _rule_values(rule),
        request_rule=request_rule or badge_requests.rule_of(ctx, badge_class),
        members=networks.members(ctx, issuer),
        granted=networks.grants(ctx, badge_class),
        max_peers=request_rules.MAX_PEERS,
        can_write=who.principal.can_write(issuer.id),
        done=done,
        status_code=status,
    )


def _values(badge_class: BadgeClass) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": badge_class.name,
        "description": badge_class.description,
        "criteria_narrative": badge_class.criteria_narrative or "",
        "criteria_url": badge_class.criteria_url or "",
        "tags": ", ".join(badge_class.tags),
        "validity_days": str(badge_class.validity_days or ""),
        "language": badge_class.language,
        "prerequisites": list(badge_class.prerequisites),
    }
    for row, alignment in enumerate(badge_class.alignments):
        values[f"al_name_{row}"] = alignment.get("targetName", "")
        values[f"al_url_{row}"] = alignment.get("targetUrl", "")
        values[f"al_framework_{row}"] = alignment.get("targetFramework", "")
        values[f"al_code_{row}"] = alignment.get("targetCode", "")
    return values


def _rule_values(rule: TrainerRule | None) -> dict[str, Any]:
    if rule is None:
        return {}
    return {
        "min_sessions": str(rule.min_sessions),
        "min_peers": str(rule.min_peers),
        "min_themes": str(rule.min_themes),
        "min_session_peers": "" if rule.min_session_peers is None else str(rule.min_session_peers),
        "max_session_peers": "" if rule.max_session_peers is None else str(rule.max_session_peers),
        "evaluation_required": "1" if rule.evaluation_required else "",
    }


@router.post("/badges/{badge_class_id}/modifier")
async def badge_class_update(
    request: Request,
    badge_class_id: str,
    who: CheckedDep,
    ctx: ContextDep,
    image: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Save the badge class; once awarded, this makes a new version (the page said so)."""
    issuer, badge_class = badge_of(ctx, who, badge_class_id, write=True)
    form = await request.form()
    values: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf"}
    values["prerequisites"] = [str(v) for v in form.getlist("prerequisites")]
    awarded = BadgeClasses(ctx.session).has_awards(badge_class.id)
    try:
        command = BadgeClassUpdate.model_validate(
            {
                "name": values.get("name", ""),
                "description": values.get("description", ""),
                "criteria_narrative": text(values.get("criteria_narrative")),
                "criteria_url": text(values.get("criteria_url")),
                "tags": _list(str(values.get("tags", ""))),
                "validity_days": text(values.get("validity_days")),
                "language": values.get("language") or badge_class.language,
                "alignments": _alignments(values),
                "prerequisites": values["prerequisites"],
            }
        )
        saved = badge_classes.update(ctx, badge_class, command)
        if image is not None and image.filename:
            content, declared = await _image(image)
            saved = badge_classes.set_image(ctx, saved, content, declared)
    except (ValidationError, FabriqueError) as exc:
        problems = problems_of(request, exc)
        raise ShowPage(_page(request, who, ctx, issuer, badge_class, values, problems, status=422)) from None
    done = "version" if awarded else "modifie"
    return RedirectResponse(f"/console/badges/{saved.id}?fait={done}", status_code=303)


@router.post("/badges/{badge_class_id}/regle-formateurs")
def trainer_rule(
    request: Request,
    badge_class_id: str,
    who: CheckedDep,
    ctx: ContextDep,
    action: Annotated[str, Form(max_length=16)] = "enregistrer",
    min_sessions: Annotated[str, Form(max_length=8)] = "1",
    min_peers: Annotated[str, Form(max_length=8)] = "0",
    min_themes: Annotated[str, Form(max_length=8)] = "0",
    min_session_peers: Annotated[str, Form(max_length=8)] = "",
    max_session_peers: Annotated[str, Form(max_length=8)] = "",
    evaluation_required: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    """What trainers must have given, across sessions, to earn this badge; or no rule."""
    issuer, badge_class = badge_of(ctx, who, badge_class_id, write=True)
    given = {
        "min_sessions": min_sessions,
        "min_peers": min_peers,
        "min_themes": min_themes,
        "min_session_peers": min_session_peers,
        "max_session_peers": max_session_peers,
        "evaluation_required": evaluation_required,
    }
    try:
        if action == "retirer":
            trainer_rules.delete(ctx, badge_class)
            return RedirectResponse(f"/console/badges/{badge_class.id}?fait=regle-retiree", status_code=303)
        command = TrainerRuleIn.model_validate(
            {
                "min_sessions": text(min_sessions) or "1",
                "min_peers": text(min_peers) or "0",
                "min_themes": text(min_themes) or "0",
                "min_session_peers": text(min_session_peers),
                "max_session_peers": text(max_session_peers),
                "evaluation_required": evaluation_required == "1",
            }
        )
        trainer_rules.put(ctx, badge_class, command)
    except (ValidationError, FabriqueError) as exc:
        problems = {f"rule_{k}" if k else k: v for k, v in problems_of(request, exc).items()}
        raise ShowPage(
            _page(
                request,
                who,
                ctx,
                issuer,
                badge_class,
                _values(badge_class),
                problems,
                rule_values=given,
                status=422,
            )
        ) from None
    return RedirectResponse(f"/console/badges/{badge_class.id}?fait=regle", status_code=303)


def _list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _alignments(values: dict[str, Any]) -> list[dict[str, Any]]:
    """The alignment rows that were filled in (a name or an address), in order."""
    rows = sorted(int(key.rsplit("_", 1)[1]) for key in values if key.startswith("al_name_"))
    out = []
    for row in rows:
        name, url = text(values.get(f"al_name_{row}")), text(values.get(f"al_url_{row}"))
        if name is None and url is None:
            continue
        out.append(
            {
                "target_name": name or "",
                "target_url": url or "",
                "target_framework": text(values.get(f"al_framework_{row}")),
                "target_code": text(values.get(f"al_code_{row}")),
            }
        )
    return out


async def _image(upload: UploadFile | None) -> tuple[bytes, str]:
    if upload is None or not upload.filename:
        raise InvalidInput("image-missing", field="image")
    content = await upload.read(MAX_IMAGE_UPLOAD + 1)
    if len(content) > MAX_IMAGE_UPLOAD:
        raise InvalidInput("image-too-large", field="image", size=len(content), limit=MAX_IMAGE_UPLOAD)
    declared = (upload.content_type or "").lower()
    if declared in ("", "application/octet-stream"):  # some browsers do not name the type
        declared = "image/svg+xml" if upload.filename.lower().endswith(".svg") else "image/png"
    if declared not in ("image/png", "image/svg+xml"):
        raise InvalidInput("image-unsupported-type", field="image")
    return content, declared


def badge_page(
    request: Request,
    who: SignedIn,
    ctx: ContextDep,
    issuer: Issuer,
    badge_class: BadgeClass,
    problems: dict[str, str],
    *,
    request_rule: request_rules.Rule | None = None,
    status: int = 200,
) -> Response:
    """The badge class's console page, with ``problems`` of a form posted elsewhere."""
    return _page(
        request,
        who,
        ctx,
        issuer,
        badge_class,
        _values(badge_class),
        problems,
        request_rule=request_rule,
        status=status,
    )


@router.post("/badges/{badge_class_id}/membres")
async def member_grants(request: Request, badge_class_id: str, who: CheckedDep, ctx: ContextDep) -> Response:
    """Which member structures of the network may award this badge class."""
    issuer, badge_class = badge_of(ctx, who, badge_class_id, write=True)
    async with request.form(max_fields=600) as form:
        chosen = [str(value) for value in form.getlist("member")][:500]
    try:
        networks.set_grants(ctx, badge_class, chosen)
    except FabriqueError as exc:
        problems = {"members": next(iter(problems_of(request, exc).values()))}
        raise ShowPage(badge_page(request, who, ctx, issuer, badge_class, problems, status=422)) from None
    return RedirectResponse(f"/console/badges/{badge_class.id}?fait=membres#membres", status_code=303)

"""The coordinators' console: sign-in, issuers, badge classes. Sessions, awards and reports are
in the modules beside this one; each route checks the account's rights on the issuer it acts on,
and every form sent is checked for this session's CSRF token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from service.errors import FabriqueError, Forbidden, InvalidInput
from service.http.deps import ContextDep, RateLimitsDep, ServicesDep, SessionDep
from service.http.rate_limits import SIGNIN, client_address
from service.persistence.repositories import BadgeClasses, Issuers, SigningKeys
from service.persistence.training_repositories import TrainingSessions
from service.signing.keystore import KeyPurpose
from service.usecases import accounts, issuers
from service.usecases.commands import IssuerCreate, IssuerUpdate
from service.web import console_auth
from service.web.console_auth import CheckedDep, ShowPage, SignedInDep, require_read, require_write
from service.web.forms import problems_of, text
from service.web.labels import KEY_PURPOSES
from service.web.render import page, tr

router = APIRouter(prefix="/console", include_in_schema=False)
PRIVATE = {"Cache-Control": "no-store"}


def console_page(
    request: Request,
    template: str,
    who: console_auth.SignedIn | None,
    *,
    status_code: int = 200,
    **context: object,
) -> Response:
    """A console page: never cached, with the signed-in account and its CSRF token for forms."""
    return page(
        request,
        template,
        status_code=status_code,
        json_url=None,
        who=who,
        csrf=who.csrf_token if who else None,
        headers=PRIVATE,
        **context,
    )


@router.get("/connexion")
def signin_page(request: Request, services: ServicesDep, suite: str | None = None) -> Response:
    return _signin_form(request, services, suite)


def _signin_form(
    request: Request, services: ServicesDep, suite: str | None, *, error: str | None = None, status: int = 200
) -> Response:
    token, fresh = console_auth.signin_form_token(request, services)
    response = console_page(
        request,
        "console/signin.html",
        None,
        form_token=token,
        suite=console_auth.safe_next(suite),
        error=error,
        status_code=status,
    )
    if fresh:
        console_auth.set_signin_cookie(response, services, fresh)
    return response


@router.post("/connexion")
def signin(
    request: Request,
    services: ServicesDep,
    limits: RateLimitsDep,
    session: SessionDep,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    form_token: Annotated[str, Form(max_length=128)] = "",
    suite: Annotated[str, Form(max_length=2048)] = "/console",
) -> Response:
    if not console_auth.check_signin_form(request, services, form_token):
        message = tr(request, "Ce formulaire a expiré : recommencez.")
        return _signin_form(request, services, suite, error=message, status=403)
    wait = limits.wait(SIGNIN, client_address(request))
    if wait is not None:  # before any password is checked: guessing from one address is slowed
        message = tr(
            request,
            "Trop de tentatives de connexion depuis votre adresse. Réessayez dans %(secondes)s secondes.",
            secondes=wait,
        )
        refused = _signin_form(request, services, suite, error=message, status=429)
        refused.headers["Retry-After"] = str(wait)
        return refused
    account = accounts.authenticate(session, services.clock, email, password, client_address(request))
    if account is None:
        # The same words whether the account is unknown, locked out from here or the password wrong.
        message = tr(
            request,
            "Adresse ou mot de passe incorrect, ou connexion suspendue depuis votre adresse après "
            "plusieurs échecs : réessayez plus tard, ou demandez à un administrateur de la rétablir.",
        )
        return _signin_form(request, services, suite, error=message, status=401)
    opened = accounts.open_session(session, services.clock, account)
    response = RedirectResponse(console_auth.safe_next(suite), status_code=303)
    console_auth.set_session_cookie(response, services, opened.cookie)
    return response


@router.post("/deconnexion")
def signout(request: Request, services: ServicesDep, session: SessionDep, who: CheckedDep) -> Response:
    accounts.close_session(session, request.cookies.get(console_auth.session_cookie_name(services)))
    response = RedirectResponse("/console/connexion", status_code=303)
    console_auth.clear_session_cookie(response, services)
    return response


@router.get("")
def dashboard(request: Request, who: SignedInDep, ctx: ContextDep) -> Response:
    only = None if who.principal.is_admin else who.principal.issuer_ids
    found, _ = Issuers(ctx.session).list(only, 200, 0)
    return console_page(request, "console/dashboard.html", who, issuers=found)


@router.get("/emetteurs/nouveau")
def issuer_new(request: Request, who: SignedInDep) -> Response:
    if not who.principal.is_admin:
        raise Forbidden("admin-only")
    return console_page(request, "console/issuer_new.html", who, values={}, problems={})


@router.post("/emetteurs/nouveau")
def issuer_create(
    request: Request,
    who: CheckedDep,
    ctx: ContextDep,
    name: Annotated[str, Form(max_length=400)] = "",
    url: Annotated[str, Form(max_length=4096)] = "",
    email: Annotated[str, Form(max_length=640)] = "",
    description: Annotated[str, Form(max_length=20000)] = "",
    siret: Annotated[str, Form(max_length=64)] = "",
    rna: Annotated[str, Form(max_length=64)] = "",
    linkedin_organisation_id: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    if not who.principal.is_admin:
        raise Forbidden("admin-only")
    values = {
        "name": name,
        "url": url,
        "email": email,
        "description": description,
        "siret": siret,
        "rna": rna,
        "linkedin_organisation_id": linkedin_organisation_id,
    }
    try:
        command = IssuerCreate.model_validate({k: v for k, v in values.items() if text(v)})
        issuer = issuers.create(ctx, command)
    except (ValidationError, FabriqueError) as exc:
        raise ShowPage(
            console_page(
                request,
                "console/issuer_new.html",
                who,
                values=values,
                problems=problems_of(request, exc),
                status_code=422,
            )
        ) from None
    return RedirectResponse(f"/console/emetteurs/{issuer.id}", status_code=303)


@router.get("/emetteurs/{issuer_id}/modifier")
def issuer_edit(request: Request, issuer_id: str, who: SignedInDep, ctx: ContextDep) -> Response:
    issuer = issuers.get(ctx, issuer_id)
    require_write(who, issuer.id)
    values = {
        "name": issuer.name,
        "url": issuer.url,
        "email": issuer.email,
        "description": issuer.description or "",
        "siret": issuer.siret or "",
        "rna": issuer.rna or "",
        "linkedin_organisation_id": issuer.linkedin_organisation_id or "",
    }
    return console_page(request, "console/issuer_new.html", who, issuer=issuer, values=values, problems={})


@router.post("/emetteurs/{issuer_id}/modifier")
def issuer_update(
    request: Request,
    issuer_id: str,
    who: CheckedDep,
    ctx: ContextDep,
    name: Annotated[str, Form(max_length=400)] = "",
    url: Annotated[str, Form(max_length=4096)] = "",
    email: Annotated[str, Form(max_length=640)] = "",
    description: Annotated[str, Form(max_length=20000)] = "",
    siret: Annotated[str, Form(max_length=64)] = "",
    rna: Annotated[str, Form(max_length=64)] = "",
    linkedin_organisation_id: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Name, site, contact and identifiers; an emptied SIRET, RNA or description is removed."""
    issuer = issuers.get(ctx, issuer_id)
    require_write(who, issuer.id)
    values = {
        "name": name,
        "url": url,
        "email": email,
        "description": description,
        "siret": siret,
        "rna": rna,
        "linkedin_organisation_id": linkedin_organisation_id,
    }
    try:
        for required in ("name", "url", "email"):
            if not values[required].strip():
                raise InvalidInput("field-required", field=required)
        command = IssuerUpdate.model_validate({key: value.strip() or None for key, value in values.items()})
        issuers.update(ctx, issuer, command)
    except (ValidationError, FabriqueError) as exc:
        raise ShowPage(
            console_page(
                request,
                "console/issuer_new.html",
                who,
                issuer=issuer,
                values=values,
                problems=problems_of(request, exc),
                status_code=422,
            )
        ) from None
    return RedirectResponse(f"/console/emetteurs/{issuer.id}?fait=emetteur", status_code=303)


@router.get("/emetteurs/{issuer_id}")
def issuer_page(
    request: Request,
    issuer_id: str,
    who: SignedInDep,
    ctx: ContextDep,
    fait: str | None = None,
    crees: Annotated[int, Query(ge=0, le=1000)] = 0,
    gardes: Annotated[int, Query(ge=0, le=1000)] = 0,
) -> Response:
    issuer = issuers.get(ctx, issuer_id)
    require_read(who, issuer.id)
    classes, _ = BadgeClasses(ctx.session).list_for_issuer(issuer.id, 500, 0)
    trainings, _ = TrainingSessions(ctx.session).list_for_issuer(issuer.id, None, 200, 0)
    active = SigningKeys(ctx.session).active_by_purpose(issuer.id)
    signing = [(purpose.value, KEY_PURPOSES[purpose.value], active.get(purpose)) for purpose in KeyPurpose]
    retired = [key for key in SigningKeys(ctx.session).for_issuer(issuer.id) if key.retired_at is not None]
    done = {
        "cle-retiree": tr(request, "Clé retirée."),
        "emetteur": tr(request, "Émetteur enregistré."),
        "badge": tr(request, "Badge créé."),
        "catalogue": tr(
            request,
            "Catalogue importé : %(created)s badge(s) créé(s), "
            "%(kept)s déjà présent(s) et gardé(s) tel(s) quel(s).",
            created=crees,
            kept=gardes,
        ),
    }.get(fait or "")
    if done is None and (fait or "").startswith("cle-"):
        done = tr(request, "Clé changée.")
    return console_page(
        request,
        "console/issuer.html",
        who,
        issuer=issuer,
        badge_classes=classes,
        trainings=trainings,
        signing=signing,
        retired=sorted(retired, key=lambda key: key.retired_at or key.created_at, reverse=True),
        done=done,
        can_write=who.principal.can_write(issuer.id),
    )

"""People and access in the console: administrators invite coordinators (a one-time link by
email), set each account's role and issuers, deactivate and reactivate accounts, and manage API
tokens (create, see last use, revoke); anyone resets a forgotten password by email; the one-time
link's page chooses the password."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import TypeAdapter, ValidationError

from service.domain.access import Role
from service.errors import FabriqueError, Forbidden, InvalidInput
from service.http.deps import ContextDep, RateLimitsDep, ServicesDep
from service.http.rate_limits import SIGNIN, client_address
from service.persistence.account_repositories import ConsoleAccounts
from service.persistence.console_tables import ConsoleAccount
from service.persistence.repositories import ApiTokens, Issuers
from service.usecases import accounts, people, tokens
from service.usecases.commands import Email
from service.web import console_auth
from service.web.console import console_page
from service.web.console_auth import CheckedDep, ShowPage, SignedIn, SignedInDep
from service.web.forms import problems_of
from service.web.labels import N_
from service.web.render import tr

router = APIRouter(prefix="/console", include_in_schema=False)
DONE = {
    "invite": N_(
        "Invitation envoyée : la personne reçoit un lien pour choisir son mot de passe (valable 7 jours)."
    ),
    "reinvite": N_("Invitation envoyée de nouveau ; le lien précédent ne fonctionne plus."),
    "acces": N_("Accès enregistrés. La personne se reconnecte pour les utiliser."),
    "desactive": N_("Compte désactivé : ses sessions sont fermées et il ne peut plus se connecter."),
    "reactive": N_("Compte réactivé."),
}
ROLES = {
    "admin": N_("administration (tous les émetteurs, comptes et jetons)"),
    "coordinator": N_("coordination (écrit pour ses émetteurs)"),
    "viewer": N_("consultation (lit ses émetteurs, sans les personnes)"),
}


def _admin(who: SignedIn) -> None:
    if not who.principal.is_admin:
        raise Forbidden("admin-only")


def _accounts_page(
    request: Request,
    who: SignedIn,
    ctx: ContextDep,
    *,
    values: dict[str, Any] | None = None,
    problems: dict[str, str] | None = None,
    done: str | None = None,
    status: int = 200,
) -> Response:
    issuers, _ = Issuers(ctx.session).list(None, 500, 0)
    return console_page(
        request,
        "console/accounts.html",
        who,
        people=ConsoleAccounts(ctx.session).all(),
        issuers=issuers,
        issuer_names={issuer.id: issuer.name for issuer in issuers},
        roles=ROLES,
        values=values or {"role": "coordinator", "issuer_ids": []},
        problems=problems or {},
        done=done,
        status_code=status,
    )


@router.get("/comptes")
def accounts_page(request: Request, who: SignedInDep, ctx: ContextDep, fait: str | None = None) -> Response:
    _admin(who)
    done = tr(request, DONE[fait]) if fait in DONE else None
    return _accounts_page(request, who, ctx, done=done)


def _access(role: str, issuer_ids: list[str], form: Any = None) -> people.Access:
    """The role, the issuers ticked, and for each a role of its own when one was chosen."""
    try:
        chosen = Role(role)
        per_issuer = {}
        for issuer_id in issuer_ids:
            given = str(form.get(f"issuer_role_{issuer_id}", "")) if form is not None else ""
            if given:
                per_issuer[issuer_id] = Role(given)
        if Role.ADMIN in per_issuer.values():
            raise ValueError("an issuer's role is coordinator or viewer")
        return people.Access(chosen, issuer_ids, per_issuer)
    except ValueError:
        raise InvalidInput("unknown-option", field="role") from None


def _issuer_roles(form: Any, issuer_ids: list[str]) -> dict[str, str]:
    return {i: str(form.get(f"issuer_role_{i}", "")) for i in issuer_ids if form.get(f"issuer_role_{i}")}


@router.post("/comptes/inviter")
async def invite(
    request: Request,
    who: CheckedDep,
    ctx: ContextDep,
    email: Annotated[str, Form(max_length=640)] = "",
    name: Annotated[str, Form(max_length=400)] = "",
    role: Annotated[str, Form(max_length=16)] = "coordinator",
    language: Annotated[str, Form(max_length=8)] = "fr",
) -> Response:
    _admin(who)
    form = await request.form()
    issuer_ids = [str(v) for v in form.getlist("issuer_ids")][:100]
    values = {
        "email": email,
        "name": name,
        "role": role,
        "issuer_ids": issuer_ids,
        "issuer_roles": _issuer_roles(form, issuer_ids),
        "language": language,
    }
    try:
        people.invite(ctx, _email(email), name, _access(role, issuer_ids, form), language)
    except (ValidationError, FabriqueError) as exc:
        raise ShowPage(
            _accounts_page(request, who, ctx, values=values, problems=problems_of(request, exc), status=422)
        ) from None
    return RedirectResponse("/console/comptes?fait=invite", status_code=303)


_EMAIL: TypeAdapter[str] = TypeAdapter(Email)


def _email(value: str) -> str:
    try:
        return str(_EMAIL.validate_python(value))
    except ValidationError:
        raise InvalidInput("account-email-invalid", field="email") from None


def _account(ctx: ContextDep, who: SignedIn, account_id: str) -> ConsoleAccount:
    _admin(who)
    return people.get(ctx, account_id)


@router.get("/comptes/{account_id}")
def account_page(
    request: Request, account_id: str, who: SignedInDep, ctx: ContextDep, fait: str | None = None
) -> Response:
    account = _account(ctx, who, account_id)
    done = tr(request, DONE[fait]) if fait in DONE else None
    return _account_page(request, who, ctx, account, done=done)


def _account_page(
    request: Request,
    who: SignedIn,
    ctx: ContextDep,
    account: ConsoleAccount,
    *,
    values: dict[str, Any] | None = None,
    problems: dict[str, str] | None = None,
    done: str | None = None,
    status: int = 200,
) -> Response:
    issuers, _ = Issuers(ctx.session).list(None, 500, 0)
    return console_page(
        request,
        "console/account.html",
        who,
        account=account,
        issuers=issuers,
        roles=ROLES,
        values=values
        or {
            "role": account.role,
            "issuer_ids": sorted(account.issuer_ids),
            "issuer_roles": {scope.issuer_id: scope.role for scope in account.scopes if scope.role},
        },
        problems=problems or {},
        done=done,
        status_code=status,
    )


@router.post("/comptes/{account_id}/acces")
async def change_access(
    request: Request,
    account_id: str,
    who: CheckedDep,
    ctx: ContextDep,
    role: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    account = _account(ctx, who, account_id)
    form = await request.form()
    issuer_ids = [str(v) for v in form.getlist("issuer_ids")][:100]
    try:
        if account.id == who.account.id and role != "admin":
            raise InvalidInput("account-is-yours", field="role")
        people.set_access(ctx, account, _access(role, issuer_ids, form))
    except (ValidationError, FabriqueError) as exc:
        values = {"role": role, "issuer_ids": issuer_ids, "issuer_roles": _issuer_roles(form, issuer_ids)}
        problems = problems_of(request, exc)
        raise ShowPage(
            _account_page(request, who, ctx, account, values=values, problems=problems, status=422)
        ) from None
    return RedirectResponse(f"/console/comptes/{account.id}?fait=acces", status_code=303)


@router.post("/comptes/{account_id}/etat")
def change_state(
    request: Request,
    account_id: str,
    who: CheckedDep,
    ctx: ContextDep,
    action: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    """Deactivate (never one's own account), reactivate, or send the invitation again."""
    account = _account(ctx, who, account_id)
    try:
        if action == "desactiver":
            people.deactivate(ctx, account, who.account)
            done = "desactive"
        elif action == "reactiver":
            people.reactivate(ctx, account)
            done = "reactive"
        elif action == "reinviter":
            people.send_invitation_again(ctx, account)
            done = "reinvite"
        else:
            raise InvalidInput("unknown-option", field=action[:16])
    except FabriqueError as exc:
        problems = problems_of(request, exc)
        raise ShowPage(_account_page(request, who, ctx, account, problems=problems, status=409)) from None
    return RedirectResponse(f"/console/comptes/{account.id}?fait={done}", status_code=303)


# Without a session: the forgotten password and the one-time link. Both forms carry the sign-in
# form's double-submit token, and the request for a link is rate-limited like a sign-in.


def _public_form(
    request: Request, services: ServicesDep, template: str, *, status: int = 200, **context: Any
) -> Response:
    token, fresh = console_auth.signin_form_token(request, services)
    response = console_page(request, template, None, form_token=token, status_code=status, **context)
    if fresh:
        console_auth.set_signin_cookie(response, services, fresh)
    return response


@router.get("/mot-de-passe-oublie")
def forgotten_page(request: Request, services: ServicesDep) -> Response:
    return _public_form(request, services, "console/forgotten.html")


@router.post("/mot-de-passe-oublie")
def forgotten(
    request: Request,
    services: ServicesDep,
    limits: RateLimitsDep,
    ctx: ContextDep,
    email: Annotated[str, Form(max_length=320)] = "",
    form_token: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    """The same answer whether the address has an account or not."""
    if not console_auth.check_signin_form(request, services, form_token):
        error = tr(request, "Ce formulaire a expiré : recommencez.")
        return _public_form(request, services, "console/forgotten.html", error=error, status=403)
    wait = limits.wait(SIGNIN, client_address(request))
    if wait is not None:
        error = tr(request, "Trop de demandes depuis votre adresse : réessayez dans %(s)s secondes.", s=wait)
        refused = _public_form(request, services, "console/forgotten.html", error=error, status=429)
        refused.headers["Retry-After"] = str(wait)
        return refused
    people.request_reset(ctx, email)
    return _public_form(request, services, "console/forgotten.html", sent=True)


@router.get("/lien/{token}")
def link_page(request: Request, token: str, services: ServicesDep, ctx: ContextDep) -> Response:
    link = people.open_link(ctx, services.secret, token)
    return _public_form(request, services, "console/choose_password.html", token=token, purpose=link.purpose)


@router.post("/lien/{token}")
def choose_password(
    request: Request,
    token: str,
    services: ServicesDep,
    ctx: ContextDep,
    password: Annotated[str, Form(max_length=1024)] = "",
    confirmation: Annotated[str, Form(max_length=1024)] = "",
    form_token: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    link = people.open_link(ctx, services.secret, token)
    template = "console/choose_password.html"
    if not console_auth.check_signin_form(request, services, form_token):
        error = tr(request, "Ce formulaire a expiré : recommencez.")
        return _public_form(
            request, services, template, token=token, purpose=link.purpose, error=error, status=403
        )
    try:
        if password != confirmation:
            raise InvalidInput("password-mismatch", field="confirmation")
        account = people.use_link(ctx, services.secret, token, password)
    except FabriqueError as exc:
        problems = problems_of(request, exc)
        return _public_form(
            request, services, template, token=token, purpose=link.purpose, problems=problems, status=422
        )
    opened = accounts.open_session(ctx.session, services.clock, account)
    response = RedirectResponse("/console", status_code=303)
    console_auth.set_session_cookie(response, services, opened.cookie)
    return response


# API tokens, for administrators: who may call the API, and when each token was last used.


def _tokens_page(
    request: Request,
    who: SignedIn,
    ctx: ContextDep,
    *,
    created: tuple[str, str] | None = None,
    values: dict[str, Any] | None = None,
    problems: dict[str, str] | None = None,
    done: str | None = None,
    status: int = 200,
) -> Response:
    issuers, _ = Issuers(ctx.session).list(None, 500, 0)
    found = sorted(
        ApiTokens(ctx.session).all(), key=lambda t: (t.revoked_at is not None, t.created_at), reverse=False
    )
    return console_page(
        request,
        "console/tokens.html",
        who,
        tokens_form=True,  # a token has one role over its issuers
        api_tokens=found,
        issuers=issuers,
        issuer_names={issuer.id: issuer.name for issuer in issuers},
        roles=ROLES,
        values=values or {"role": "coordinator", "issuer_ids": []},
        problems=problems or {},
        created=created,
        done=done,
        status_code=status,
    )


@router.get("/jetons")
def tokens_page(request: Request, who: SignedInDep, ctx: ContextDep, fait: str | None = None) -> Response:
    _admin(who)
    done = tr(request, "Jeton révoqué : il ne donne plus accès à l'API.") if fait == "revoque" else None
    return _tokens_page(request, who, ctx, done=done)


@router.post("/jetons")
async def create_token(
    request: Request,
    who: CheckedDep,
    ctx: ContextDep,
    name: Annotated[str, Form(max_length=200)] = "",
    role: Annotated[str, Form(max_length=16)] = "coordinator",
) -> Response:
    """The token is shown once, on the page that answers; only its hash is kept."""
    _admin(who)
    form = await request.form()
    issuer_ids = [str(v) for v in form.getlist("issuer_ids")][:100]
    values = {"name": name, "role": role, "issuer_ids": issuer_ids}
    try:
        if not name.strip():
            raise InvalidInput("field-required", field="name")
        access = _access(role, issuer_ids)
        if access.role is not Role.ADMIN and not access.issuer_ids:
            raise InvalidInput("account-needs-issuer", field="issuer_ids", role=role)
        scopes = [] if access.role is Role.ADMIN else list(access.issuer_ids)  # an admin token is for all
        token, plaintext = tokens.create(
            ctx.session, ctx.clock, name=name.strip(), role=access.role, issuer_ids=scopes
        )
    except (ValidationError, FabriqueError) as exc:
        problems = problems_of(request, exc)
        raise ShowPage(
            _tokens_page(request, who, ctx, values=values, problems=problems, status=422)
        ) from None
    return _tokens_page(request, who, ctx, created=(token.name, plaintext))


@router.post("/jetons/{token_id}/revoquer")
def revoke_token(token_id: str, who: CheckedDep, ctx: ContextDep) -> Response:
    _admin(who)
    tokens.revoke(ctx.session, ctx.clock, token_id)
    return RedirectResponse("/console/jetons?fait=revoque", status_code=303)

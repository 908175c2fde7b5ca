"""Console pages for an issuer's signing keys: which key signs what, a rotation per purpose
behind a page that says what it changes (before an OB 2.0 rotation, what happens to the files
earners downloaded before), and the withdrawal of a retired key (administrators only) behind a
page that says how many badges it signed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from service.errors import Forbidden, NotFound
from service.http.deps import ContextDep
from service.persistence.repositories import Awards, SigningKeys
from service.persistence.tables import Issuer, SigningKey
from service.signing.keystore import KeyPurpose
from service.usecases import issuers, keys
from service.web.console import console_page
from service.web.console_auth import CheckedDep, SignedIn, SignedInDep, require_write
from service.web.labels import KEY_PURPOSES

router = APIRouter(prefix="/console", include_in_schema=False)


def _purpose(value: str) -> KeyPurpose:
    try:
        return KeyPurpose(value)
    except ValueError:
        raise NotFound("not-found") from None


@router.get("/emetteurs/{issuer_id}/cles/{purpose}/changer")
def rotation_page(
    request: Request, issuer_id: str, purpose: str, who: SignedInDep, ctx: ContextDep
) -> Response:
    """What a rotation of this purpose's key changes, and the button that does it."""
    issuer = issuers.get(ctx, issuer_id)
    require_write(who, issuer.id)
    chosen = _purpose(purpose)
    current = SigningKeys(ctx.session).active(issuer.id, chosen)
    return console_page(
        request,
        "console/key_rotation.html",
        who,
        issuer=issuer,
        purpose=chosen.value,
        purpose_label=KEY_PURPOSES[chosen.value],
        current=current,
    )


@router.post("/emetteurs/{issuer_id}/cles/{purpose}/changer")
def rotate(issuer_id: str, purpose: str, who: CheckedDep, ctx: ContextDep) -> Response:
    issuer = issuers.get(ctx, issuer_id)
    require_write(who, issuer.id)
    keys.rotate(ctx, issuer.id, [_purpose(purpose)])
    return RedirectResponse(f"/console/emetteurs/{issuer.id}?fait=cle-{purpose}", status_code=303)


def _retired_key(ctx: ContextDep, who: SignedIn, issuer_id: str, kid: str) -> tuple[Issuer, SigningKey]:
    issuer = issuers.get(ctx, issuer_id)
    if not who.principal.is_admin:  # a coordinator could end every badge the key signed
        raise Forbidden("admin-only")
    key = SigningKeys(ctx.session).get(kid)
    if key is None or key.issuer_id != issuer.id:
        raise NotFound("key-not-found", id=kid)
    return issuer, key


@router.get("/emetteurs/{issuer_id}/cles/retrait/{kid}")
def withdrawal_page(
    request: Request, issuer_id: str, kid: str, who: SignedInDep, ctx: ContextDep
) -> Response:
    """What withdrawing this key does: every badge it signed stops verifying."""
    issuer, key = _retired_key(ctx, who, issuer_id, kid)
    signed = Awards(ctx.session).made_between(issuer.id, key.created_at, key.retired_at)
    return console_page(
        request,
        "console/key_withdrawal.html",
        who,
        issuer=issuer,
        key=key,
        purpose_label=KEY_PURPOSES.get(key.purpose, key.purpose),
        signed=signed,
    )


@router.post("/emetteurs/{issuer_id}/cles/retrait/{kid}")
def withdraw(
    issuer_id: str,
    kid: str,
    who: CheckedDep,
    ctx: ContextDep,
    confirme: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    issuer, key = _retired_key(ctx, who, issuer_id, kid)
    if confirme != "oui":  # only the confirmation page withdraws
        return RedirectResponse(f"/console/emetteurs/{issuer.id}/cles/retrait/{key.kid}", status_code=303)
    keys.withdraw(ctx, issuer.id, key.kid)
    return RedirectResponse(f"/console/emetteurs/{issuer.id}?fait=cle-retiree", status_code=303)

"""Console pages for an issuer's signing keys: which key signs what, and a rotation per purpose
behind a page that says what it changes (before an OB 2.0 rotation, what happens to the files
earners downloaded before)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from service.errors import NotFound
from service.http.deps import ContextDep
from service.persistence.repositories import SigningKeys
from service.signing.keystore import KeyPurpose
from service.usecases import issuers, keys
from service.web.console import console_page
from service.web.console_auth import CheckedDep, SignedInDep, require_write
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

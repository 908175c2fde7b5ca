"""The sign-in sheet on a participant's phone: ``/emargement/{token}``, the half-day's link (or
QR code) shown in the room. The person gives their work address and types their name; the link
works only during the half-day's window, and only for people enrolled in the session."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from service.errors import FabriqueError, InvalidInput
from service.http.deps import ContextDep, RateLimitsDep, ServicesDep
from service.http.rate_limits import SIGNIN, client_address
from service.usecases import sign_in_sheet
from service.web import console_auth
from service.web.forms import problems_of
from service.web.render import page, tr

router = APIRouter(include_in_schema=False)
# same-origin, not no-referrer: with no-referrer the browser posts the form with "Origin: null",
# which the form's origin check refuses; the link's token still never leaves this origin.
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "same-origin", "X-Robots-Tag": "noindex"}


def _form(
    request: Request,
    services: ServicesDep,
    sheet: sign_in_sheet.Sheet,
    token: str,
    *,
    status: int = 200,
    **context: Any,
) -> Response:
    form_token, fresh = console_auth.signin_form_token(request, services)
    response = page(
        request,
        "sign_in_sheet.html",
        status_code=status,
        headers=PRIVATE,
        json_url=None,
        training=sheet.training,
        half_day=sheet.half_day,
        token=token,
        form_token=form_token,
        **context,
    )
    if fresh:
        console_auth.set_signin_cookie(response, services, fresh)
    return response


@router.get("/emargement/{token}")
def sheet_page(request: Request, token: str, services: ServicesDep, ctx: ContextDep) -> Response:
    sheet = sign_in_sheet.open_sheet(ctx, services.secret, token)
    return _form(request, services, sheet, token, values={})


@router.post("/emargement/{token}")
def sign(
    request: Request,
    token: str,
    services: ServicesDep,
    limits: RateLimitsDep,
    ctx: ContextDep,
    email: Annotated[str, Form(max_length=320)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    certify: Annotated[str, Form(max_length=8)] = "",
    form_token: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    sheet = sign_in_sheet.open_sheet(ctx, services.secret, token)
    values = {"email": email, "name": name}
    if not console_auth.check_signin_form(request, services, form_token):
        error = tr(request, "Ce formulaire a expiré : recommencez.")
        return _form(request, services, sheet, token, values=values, error=error, status=403)
    wait = limits.wait(SIGNIN, client_address(request))  # a room shares an address: generous, yet bounded
    if wait is not None:
        error = tr(request, "Trop de demandes depuis votre adresse : réessayez dans %(s)s secondes.", s=wait)
        refused = _form(request, services, sheet, token, values=values, error=error, status=429)
        refused.headers["Retry-After"] = str(wait)
        return refused
    try:
        if not name.strip():
            raise InvalidInput("field-required", field="name")
        if certify != "1":
            raise InvalidInput("sign-in-certify", field="certify")
        signed = sign_in_sheet.sign(ctx, sheet, email, name)
    except FabriqueError as exc:
        problems = problems_of(request, exc)
        return _form(request, services, sheet, token, values=values, problems=problems, status=422)
    return _form(request, services, sheet, token, values={}, signed=signed)

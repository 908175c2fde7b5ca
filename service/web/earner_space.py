"""The earner's space: ask for a link by email, then see every badge issued to the address and
open each one's own page (publish, hide, download, erase). No password, no cookie: the link is
the key, it lasts an hour, and the pages send no Referer and are never cached."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from service.domain import badge_requests as request_rules
from service.domain import earner_links
from service.errors import FabriqueError, InvalidInput
from service.http.deps import ContextDep, RateLimitsDep, ServicesDep
from service.http.negotiation import language_of
from service.http.rate_limits import SIGNIN, client_address
from service.i18n import messages
from service.persistence.request_repositories import BadgeRequests
from service.usecases import badge_requests, earner_space
from service.web.badge_view import state_of
from service.web.render import page, tr

router = APIRouter(include_in_schema=False)
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}


@router.get("/mon-espace")
def ask_page(request: Request) -> Response:
    return page(request, "earner_space_ask.html", json_url=None, headers=PRIVATE)


@router.post("/mon-espace")
def ask(
    request: Request,
    ctx: ContextDep,
    limits: RateLimitsDep,
    email: Annotated[str, Form(max_length=320)] = "",
) -> Response:
    """The same answer whether the address has badges or not."""
    wait = limits.wait(SIGNIN, client_address(request))
    if wait is not None:
        error = tr(request, "Trop de demandes depuis votre adresse : réessayez dans %(s)s secondes.", s=wait)
        headers = {**PRIVATE, "Retry-After": str(wait)}
        return page(
            request,
            "earner_space_ask.html",
            status_code=429,
            json_url=None,
            error=error,
            email=email,
            headers=headers,
        )
    try:
        earner_space.request_link(ctx, email, language_of(request))
    except InvalidInput:
        error = tr(request, "Cette adresse électronique n'est pas valide : vérifiez-la.")
        return page(
            request,
            "earner_space_ask.html",
            status_code=422,
            json_url=None,
            error=error,
            email=email,
            headers=PRIVATE,
        )
    return page(request, "earner_space_ask.html", json_url=None, sent=True, headers=PRIVATE)


@router.get("/mon-espace/{token}")
def space_page(request: Request, token: str, ctx: ContextDep, services: ServicesDep) -> Response:
    try:
        space = earner_space.open_space(ctx, services.secret, token)
    except FabriqueError as exc:
        title, detail = messages.render(exc.code, language_of(request), exc.params)
        return page(
            request,
            "earner_space_ask.html",
            status_code=exc.status,
            json_url=None,
            link_error=(title, detail),
            headers=PRIVATE,
        )
    now = ctx.clock.now()
    badges = [
        {
            "award": award,
            "state": state_of(award, now),
            "image_url": ctx.urls.badge_class_image(award.badge_class_id),
            "page_url": ctx.urls.award_page(award.id),
            "own_url": f"/mon-badge/{earner_links.token_for(services.secret, award.id)}",
        }
        for award in space.awards
    ]
    requests = [
        {
            "r": found,
            "badge": badge_requests.request_badge(ctx, found),
            "url": f"/mes-demandes/{request_rules.request_token(services.secret, found.id)}",
        }
        for found in BadgeRequests(ctx.session).of_email(space.email)
    ]
    return page(
        request,
        "earner_space.html",
        json_url=None,
        requests=requests,
        requestable=[
            (b, f"/badges/{b.id}/demander?espace={quote(token)}")
            for b in badge_requests.requestable(ctx, space.email)
        ],
        email=space.email,
        expires_at=space.expires_at,
        badges=badges,
        headers=PRIVATE,
    )

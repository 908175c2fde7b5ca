"""OpenID for Verifiable Credential Issuance 1.0 at public URLs (issue 19): the issuer's and the
authorization server's metadata, credential offers by reference, the token, nonce and credential
endpoints; and, on the earner's own page, the offer with its QR code and transaction code.

Errors are the protocols' own JSON (``{"error": …, "error_description": …}``, RFC 6749 §5.2 and
OID4VCI §8.3.1.2), never problem+json: wallets read those. A refusal is an answer: what it
records (a wrong transaction code counted) is committed."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.domain import earner_links
from service.errors import NotFound
from service.http.deps import ContextDep, RateLimitsDep, ServicesDep
from service.http.negotiation import language_of, wants_html
from service.http.rate_limits import SIGNIN, client_address
from service.i18n import messages
from service.services import Services
from service.signing.rdfc_work import TooComplex
from service.usecases import earners, wallet, wallet_exchange
from service.verification.sandbox import SandboxBusy
from service.web.pdf import qr_data_uri
from service.web.render import page

router = APIRouter(include_in_schema=False)
# Wallets may run in a browser (web wallets): every protocol answer may be read from any origin.
# Nothing here rides on a cookie: codes, tokens and proofs are in the requests themselves.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache", "Access-Control-Allow-Origin": "*"}
PUBLIC = {"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"}
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}
MAX_REQUEST = 64 * 1024


def _refused(request: Request, refusal: wallet.WalletRefusal) -> JSONResponse:
    _, detail = messages.render(refusal.code, language_of(request), {})
    headers = dict(NO_STORE)
    if refusal.status == 401:
        headers["WWW-Authenticate"] = f'Bearer error="{refusal.error}"'
    return JSONResponse(
        {"error": refusal.error, "error_description": detail}, status_code=refusal.status, headers=headers
    )


@router.get("/.well-known/openid-credential-issuer")
def issuer_metadata(ctx: ContextDep) -> JSONResponse:
    return JSONResponse(wallet.issuer_metadata(ctx), headers=PUBLIC)


@router.get("/.well-known/openid-configuration")  # what some clients read instead (OIDC Discovery)
@router.get("/.well-known/oauth-authorization-server")
def authorization_server_metadata(ctx: ContextDep) -> JSONResponse:
    return JSONResponse(wallet.authorization_server_metadata(ctx), headers=PUBLIC)


@router.get("/oid4vci/offres/{offer_id}")
def offer(offer_id: str, ctx: ContextDep, services: ServicesDep) -> JSONResponse:
    return JSONResponse(wallet.offer_document(ctx, services.secret, offer_id), headers=NO_STORE)


@router.post("/oid4vci/token")
async def token(request: Request, services: ServicesDep, limits: RateLimitsDep) -> Response:
    wait = await limits.wait_async(SIGNIN, client_address(request))
    if wait is not None:
        refusal = wallet.WalletRefusal("slow_down", "too-many-requests", 429)
        return _refused(request, refusal)
    try:
        async with request.form(max_files=0, max_fields=8, max_part_size=4096) as form:
            fields = {k: form.get(k) for k in ("grant_type", "pre-authorized_code", "tx_code")}
    except (StarletteHTTPException, ValueError):  # a form too large, or not one
        return _refused(request, wallet.WalletRefusal("invalid_request", "wallet-request-invalid"))
    if fields["grant_type"] != wallet.PRE_AUTHORIZED_GRANT:
        return _refused(request, wallet.WalletRefusal("unsupported_grant_type", "wallet-grant-unsupported"))
    code = fields["pre-authorized_code"] if isinstance(fields["pre-authorized_code"], str) else ""
    tx_code = fields["tx_code"] if isinstance(fields["tx_code"], str) else None
    return await run_in_threadpool(_token, services, request, code[:512], tx_code[:64] if tx_code else None)


def _token(services: Services, request: Request, code: str, tx_code: str | None) -> Response:
    with services.database.transaction() as session:
        try:
            granted = wallet.token(services.context(session), code, tx_code)
        except wallet.WalletRefusal as refusal:
            return _refused(request, refusal)
    body = {"access_token": granted.token, "token_type": "Bearer", "expires_in": granted.expires_in}
    return JSONResponse(body, headers=NO_STORE)


@router.post("/oid4vci/nonce")
async def nonce(request: Request, services: ServicesDep, limits: RateLimitsDep) -> Response:
    wait = await limits.wait_async(SIGNIN, client_address(request))
    if wait is not None:
        return _refused(request, wallet.WalletRefusal("slow_down", "too-many-requests", 429))
    return await run_in_threadpool(_nonce, services)


def _nonce(services: Services) -> Response:
    with services.database.transaction() as session:
        value, expires_in = wallet.nonce(services.context(session))
    return JSONResponse({"c_nonce": value, "c_nonce_expires_in": expires_in}, headers=NO_STORE)


@router.post("/oid4vci/credential")
async def credential(request: Request, services: ServicesDep) -> Response:
    authorization = request.headers.get("authorization", "")
    scheme, _, access_token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not access_token.strip():
        return _refused(request, wallet.WalletRefusal("invalid_token", "wallet-token-invalid", 401))
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_REQUEST:
            return _refused(
                request, wallet.WalletRefusal("invalid_credential_request", "wallet-request-invalid")
            )
    try:
        body: Any = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return _refused(request, wallet.WalletRefusal("invalid_credential_request", "wallet-request-invalid"))
    return await run_in_threadpool(_credential, services, request, access_token.strip()[:512], body)


def _credential(services: Services, request: Request, access_token: str, body: Any) -> Response:
    with services.database.transaction() as session:
        try:
            issued = wallet.credential(services.context(session), access_token, body)
        except wallet.WalletRefusal as refusal:
            return _refused(request, refusal)
    return JSONResponse(issued, headers=NO_STORE)


@router.options("/oid4vci/{endpoint}")
@router.options("/exchanges/{offer_id}")
@router.options("/exchanges/{offer_id}/dcc")
def preflight() -> Response:
    """CORS preflight for web wallets: POST with JSON and an Authorization header."""
    return Response(
        status_code=204,
        headers={
            "Access-Control-Allow-Origin": "*",
            "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
            "Access-Control-Allow-Headers": "Authorization, Content-Type, DPoP",
            "Access-Control-Max-Age": "600",
        },
    )


# The earner's side: the offer on their own page.


@router.post("/mon-badge/{token}/portefeuille")
def make_offer(request: Request, token: str, ctx: ContextDep, services: ServicesDep) -> Response:
    award_id = earner_links.award_of(services.secret, token)
    if award_id is None:
        raise NotFound("earner-link-invalid")
    award = earners.get(ctx, award_id)
    made = wallet.make_offer(ctx, services.secret, award)
    uri = wallet.offer_uri(services.urls.base, made.offer_id)
    interaction = wallet_exchange.interaction_url(services.urls.base, made.offer_id)
    return page(
        request,
        "earner_wallet.html",
        json_url=None,
        award=award,
        base=f"/mon-badge/{quote(token)}",
        interaction=interaction,
        interaction_qr=qr_data_uri(interaction),
        lcw=wallet_exchange.lcw_links(ctx, made.offer_id),
        offer_uri=uri,
        qr=qr_data_uri(uri),
        tx_code=made.tx_code,
        expires_at=made.expires_at,
        copies=wallet.copies_of(ctx, award.id),
        headers=PRIVATE,
    )


@router.get("/mon-badge/{token}/portefeuille")
def offer_page_again(token: str) -> Response:
    """An offer is made by the page's button (POST): reloading goes back to the page."""
    return RedirectResponse(f"/mon-badge/{quote(token)}", status_code=303, headers=PRIVATE)


# The Learner Credential Wallet and VC-API exchanges (``usecases.wallet_exchange``).


@router.get("/portefeuille/{offer_id}")
def interaction(request: Request, offer_id: str, ctx: ContextDep) -> Response:
    """The interaction URL: its protocols as JSON for a wallet (``?iuv=1``, or any client that
    does not prefer HTML); for a phone's browser, a page saying what to open it with."""
    try:
        found = wallet_exchange.protocols(ctx, offer_id)
    except wallet.WalletRefusal as refusal:
        return _refused(request, refusal)
    if request.query_params.get("iuv") != "1" and wants_html(request.headers.get("accept")):
        offer = found["protocols"]
        return page(
            request,
            "wallet_interaction.html",
            json_url=None,
            oid4vci=offer["OID4VCI"],
            lcw=wallet_exchange.lcw_links(ctx, offer_id)[0],
            headers=PRIVATE,
        )
    return JSONResponse(found, headers={**NO_STORE, "Access-Control-Allow-Origin": "*"})


@router.post("/exchanges/{offer_id}")
async def exchange(request: Request, offer_id: str, services: ServicesDep, limits: RateLimitsDep) -> Response:
    """``{}`` starts the exchange (the DIDAuthentication request); ``{"verifiablePresentation":
    …}`` answers it and gets the credential."""
    wait = await limits.wait_async(SIGNIN, client_address(request))
    if wait is not None:
        return _refused(request, wallet.WalletRefusal("slow_down", "too-many-requests", 429))
    body = await _json_body(request)
    if body is None or not isinstance(body, dict):
        return _refused(request, wallet.WalletRefusal("invalid_request", "wallet-request-invalid"))
    presentation = body.get("verifiablePresentation")
    return await run_in_threadpool(_exchange, services, request, offer_id, presentation, True)


@router.post("/exchanges/{offer_id}/dcc")
async def dcc_request(
    request: Request, offer_id: str, services: ServicesDep, limits: RateLimitsDep
) -> Response:
    """LCW's older request flow: the signed presentation itself is the body."""
    wait = await limits.wait_async(SIGNIN, client_address(request))
    if wait is not None:
        return _refused(request, wallet.WalletRefusal("slow_down", "too-many-requests", 429))
    body = await _json_body(request)
    if not isinstance(body, dict):
        return _refused(request, wallet.WalletRefusal("invalid_request", "wallet-request-invalid"))
    return await run_in_threadpool(_exchange, services, request, offer_id, body, False)


async def _json_body(request: Request) -> Any:
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_REQUEST:
            return None
    try:
        return json.loads(raw) if raw.strip() else {}
    except (ValueError, UnicodeDecodeError):
        return None


def _exchange(
    services: Services, request: Request, offer_id: str, presentation: Any, with_domain: bool
) -> Response:
    def canonicalize(document: dict[str, Any]) -> str:
        try:
            return services.sandbox.canonicalize(document)
        except SandboxBusy as exc:
            raise TooComplex(str(exc)) from exc

    with services.database.transaction() as session:
        ctx = services.context(session)
        try:
            if presentation is None and with_domain:
                answer = wallet_exchange.request(ctx, offer_id)
            else:
                answer = wallet_exchange.complete(
                    ctx, offer_id, presentation, canonicalize, with_domain=with_domain
                )
        except wallet.WalletRefusal as refusal:
            return _refused(request, refusal)
    return JSONResponse(answer, headers=NO_STORE)

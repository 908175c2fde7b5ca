"""POST /verify: whatever form a badge travels in, a plain verdict and every check.

JSON body: ``{"input": "<URL, JSON badge or compact JWS/JWT>", "expected_email": "…"}`` (or
``{"credential": {…}}``); multipart: a ``file`` (baked PNG or SVG, JSON, JWT) and optionally
``expected_email``. Public: employers have no account. Our own badges are verified from the
database (keys, revocations as they are now); others' documents through the guarded fetcher.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, EmailStr, Field, TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from service.api.check_reasons import in_french
from service.api.deps import Services, ServicesDep, new_context
from service.api.i18n import negotiate
from service.api.public_cache import fresh
from service.api.rate_limits import VERIFY
from service.errors import InvalidInput, PayloadTooLarge
from service.usecases.documents import Memo, NotInMemory, local_fetch, memory_fetch
from service.verification.service import Verdict, Verification, verify_any

router = APIRouter(tags=["verification"])
MAX_UPLOAD = 4 * 1024 * 1024
_EMAIL: TypeAdapter[EmailStr] = TypeAdapter(EmailStr)
CHECK_NAMES = {
    "format": ("Format", "Format"),
    "fetch": ("Accès au document", "Document access"),
    "schema": ("Conformité au schéma", "Schema"),
    "proof": ("Preuve cryptographique", "Cryptographic proof"),
    "signature": ("Signature", "Signature"),
    "key": ("Clé de l'émetteur", "Issuer's key"),
    "issuer-key": ("La clé appartient à l'émetteur", "The key belongs to the issuer"),
    "issuer": ("Émetteur", "Issuer"),
    "status": ("Statut (révocation)", "Status (revocation)"),
    "validity": ("Période de validité", "Validity period"),
    "recipient": ("Titulaire", "Recipient"),
    "badge": ("Badge", "Badge class"),
}
VERDICTS = {
    Verdict.VALID: ("Badge authentique et valide.", "Genuine and valid badge."),
    Verdict.INVALID: (
        "Ce badge n'est pas valide : voir le détail des vérifications.",
        "This badge is not valid: see the checks.",
    ),
    Verdict.CANNOT_TELL: (
        "Impossible de conclure : un document nécessaire est inaccessible.",
        "Cannot tell: a document needed to decide could not be reached.",
    ),
}


class CheckOut(BaseModel):
    name: str
    label: str
    outcome: str
    reason: str


class VerificationOut(BaseModel):
    verdict: Verdict
    message: str
    form: str
    baked_in: str | None
    badge: dict[str, Any] | None
    checks: list[CheckOut]


class VerifyIn(BaseModel):
    input: str | None = Field(
        default=None, max_length=1024 * 1024, description="URL, JSON badge or compact JWS/JWT"
    )
    credential: dict[str, Any] | None = Field(default=None, description="a JSON badge, as an object")
    expected_email: EmailStr | None = None


@router.post(
    "/verify",
    summary="Verify a badge: URL, JSON, JWS/JWT or baked image (multipart `file`)",
    response_model=VerificationOut,
)
async def verify(request: Request, services: ServicesDep) -> VerificationOut:
    services.rate_limits.check(VERIFY, request)
    given, email = await _read(request)
    result = await verify_answer(services, given, email)
    return verification_out(result, negotiate(request.headers.get("accept-language")))


INLINE_MAX = 64 * 1024  # larger inputs (images, long documents) always go to a worker thread


async def verify_answer(services: Services, given: str | bytes, email: str | None) -> Verification:
    """Verify ``given``. When every document it needs is already in memory, and it is small,
    on the event loop: the work is then a millisecond of CPU that a worker thread would do under
    the same GIL, after two thread hops and waits for the GIL that cost more than the work
    (measured: ``bench/README.md``). Otherwise, or as soon as a document is missing, again in a
    worker thread, where the database and the network may be used."""
    memo = await fresh(services.public)
    if len(given) <= INLINE_MAX:
        fetch = memory_fetch(services.urls.host, memo)
        try:
            return verify_any(given, fetch=fetch, now=services.clock.now(), expected_email=email)
        except NotInMemory:
            pass
    return await run_in_threadpool(verify_here, services, memo, given, email)


def verify_here(services: Services, memo: Memo, given: str | bytes, email: str | None) -> Verification:
    """Verify in one worker thread (canonicalization is CPU work, other issuers' documents are
    network I/O: both off the event loop). Our own documents come from ``memo``; the read-only
    session connects to the database only for those it does not hold."""
    with services.database.transaction(write=False) as session:
        ctx = new_context(services, session)
        fetch = local_fetch(ctx, services.signed_lists, fallback=services.fetcher, memo=memo)
        return verify_any(given, fetch=fetch, now=ctx.clock.now(), expected_email=email)


async def _read(request: Request) -> tuple[str | bytes, str | None]:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        async with request.form(max_files=1, max_fields=4) as form:
            return await _read_form(form)
    try:
        body = VerifyIn.model_validate_json(await request.body())
    except ValidationError as exc:
        raise InvalidInput("verify-nothing-given", field="input") from exc
    if body.credential is not None:
        return json.dumps(body.credential), str(body.expected_email) if body.expected_email else None
    if body.input and body.input.strip():
        return body.input, str(body.expected_email) if body.expected_email else None
    raise InvalidInput("verify-nothing-given", field="input")


async def _read_form(form: FormData) -> tuple[str | bytes, str | None]:
    upload = form.get("file")
    raw_email = form.get("expected_email")
    email = parse_expected_email(raw_email if isinstance(raw_email, str) and raw_email else None)
    if upload is not None and not isinstance(upload, str):
        content = await upload.read(MAX_UPLOAD + 1)
        if len(content) > MAX_UPLOAD:
            raise PayloadTooLarge("image-too-large", size=f"> {MAX_UPLOAD}", limit=MAX_UPLOAD)
        return content, email
    text = form.get("input")
    if isinstance(text, str) and text.strip():
        return text, email
    raise InvalidInput("verify-nothing-given", field="file")


def parse_expected_email(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return str(_EMAIL.validate_python(value))
    except ValidationError as exc:
        raise InvalidInput("verify-bad-email", field="expected_email") from exc


def verification_out(result: Verification, language: str) -> VerificationOut:
    index = 0 if language == "fr" else 1
    return VerificationOut(
        verdict=result.verdict,
        message=VERDICTS[result.verdict][index],
        form=result.form.value,
        baked_in=result.baked_in,
        badge=result.badge,
        checks=[
            CheckOut(
                name=check.name,
                label=CHECK_NAMES.get(check.name, (check.name, check.name))[index],
                outcome=check.outcome.value,
                reason=in_french(check.reason) if index == 0 else check.reason,
            )
            for check in result.report.checks
        ],
    )

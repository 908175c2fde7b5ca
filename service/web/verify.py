"""POST /verify: whatever form a badge travels in, a plain verdict and every check.

JSON body: ``{"input": "<URL, JSON badge or compact JWS/JWT>", "expected_email": "…"}`` (or
``{"credential": {…}}``); multipart: a ``file`` (baked PNG or SVG, JSON, JWT) and optionally
``expected_email``. Public: employers have no account. Our own badges are verified from the
database (keys, revocations as they are now); others' documents through the guarded fetcher.
"""

from __future__ import annotations

import asyncio
import json
import weakref
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, EmailStr, Field, TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from service.errors import InvalidInput, PayloadTooLarge
from service.http.deps import RateLimitsDep, ServicesDep
from service.http.negotiation import language_of
from service.http.rate_limits import VERIFY
from service.i18n.language import Language
from service.i18n.verification import check_label, check_reason, form_label, headline, headline_code
from service.services import Services
from service.usecases import verify as verification
from service.usecases.commands import Email
from service.usecases.public_documents import Memo, NotInMemory, memory_fetch
from service.verification.report import Report
from service.verification.sandbox import NeedsWorker, SandboxBusy, cheap_only
from service.verification.service import Verdict, Verification, verify_any
from service.web.public_cache import fresh

router = APIRouter(tags=["verification"])
MAX_UPLOAD = 4 * 1024 * 1024
_EMAIL: TypeAdapter[str] = TypeAdapter(Email)


class CheckOut(BaseModel):
    name: str
    label: str
    outcome: str
    code: str = Field(description="why, as a stable code; `reason` is its sentence")
    params: dict[str, str]
    reason: str


class IssuerOut(BaseModel):
    id: str
    identity: str = Field(description="this-instance, trusted-list, domain or none")
    name: str | None = Field(description="the proven or listed name (the domain for `domain`)")
    domain: str | None
    claimed_name: str | None = Field(description="the name the badge gives itself, unproven")


class EndorsementOut(BaseModel):
    about: str = Field(description="what it endorses: issuer, badge (class) or award")
    verdict: Verdict = Field(description="the endorsement's own verdict; never the badge's")
    author: str | None = Field(description="its author's name, as its own signed document states it")
    author_id: str | None
    comment: str | None
    url: str | None
    checks: list[CheckOut]


class VerificationOut(BaseModel):
    verdict: Verdict
    kind: str = Field(default="badge", description="badge, or endorsement (an EndorsementCredential)")
    headline: str = Field(description="one sentence, in the reader's language, of what is true")
    message: str = Field(description="the headline (kept for earlier clients)")
    form: str
    form_label: str = Field(description="the form, in words")
    baked_in: str | None
    badge: dict[str, Any] | None = Field(description="what was verified; null unless the proof held")
    issuer: IssuerOut | None
    claimed: dict[str, Any] | None = Field(description="what an unverified document claims, never fact")
    checks: list[CheckOut]
    endorsements: list[EndorsementOut] = Field(
        default_factory=list, description="the endorsements the badge carries, each verified on its own"
    )
    endorsements_unchecked: int = Field(default=0, description="endorsements beyond those verified")


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
async def verify(request: Request, services: ServicesDep, limits: RateLimitsDep) -> VerificationOut:
    await limits.check(VERIFY, request)
    given, email = await _read(request)
    result = await verify_answer(services, given, email)
    return verification_out(result, language_of(request))


INLINE_MAX = 64 * 1024  # larger inputs (images, long documents) always go to a worker thread


async def verify_answer(services: Services, given: str | bytes, email: str | None) -> Verification:
    """Verify ``given``. When every document it needs is already in memory, it is small and its
    canonicalization is the cheap kind (a shape already known), on the event loop: the work is
    then a millisecond of CPU that a worker thread would do under the same GIL, after two thread
    hops and waits for the GIL that cost more than the work (measured: ``bench/README.md``).
    Otherwise, or as soon as anything more is needed, again in a worker thread, where the
    database and the network may be used and costly canonicalization goes to the sandbox's
    worker processes, with their deadline."""
    memo = await fresh(services.public)
    if len(given) <= INLINE_MAX:
        fetch = memory_fetch(services.urls.host, memo)
        try:
            return verify_any(
                given,
                fetch=fetch,
                now=services.clock.now(),
                expected_email=email,
                canonicalize=cheap_only,
                trust=services.trust,
            )
        except (NotInMemory, NeedsWorker):
            pass
    slots = _slots(services.settings.verify_concurrency)
    try:
        await asyncio.wait_for(slots.acquire(), timeout=VERIFY_QUEUE_SECONDS)
    except TimeoutError:
        raise SandboxBusy("every verification slot stayed busy") from None
    try:
        return await run_in_threadpool(verify_here, services, memo, given, email)
    finally:
        slots.release()


# Verifications that need more than memory (the database, the network, a new document shape)
# run in worker threads, and their CPU work (parsing a megabyte of JSON, walking it, checking the
# schema) holds the GIL that the event loop needs: at most ``verify_concurrency`` of them at once,
# the others wait in the loop, so /healthz and every page keep answering under a flood.
VERIFY_QUEUE_SECONDS = 5.0
_SLOTS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()


def _slots(limit: int) -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    found = _SLOTS.get(loop)
    if found is None:
        found = _SLOTS[loop] = asyncio.Semaphore(limit)
    return found


def verify_here(services: Services, memo: Memo, given: str | bytes, email: str | None) -> Verification:
    """Verify in one worker thread (other issuers' documents are network I/O, off the event
    loop). Our own documents come from ``memo``; the read-only session connects to the database
    only for those it does not hold."""
    with services.database.transaction(write=False) as session:
        return verification.verify(
            services.context(session),
            given,
            email,
            signed_lists=services.signed_lists,
            network=services.fetcher.within(),
            canonicalize=services.sandbox.canonicalize,
            trust=services.trust,
            memo=memo,
        )


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


def verification_out(result: Verification, language: Language) -> VerificationOut:
    code, cause = headline_code(
        result.report, result.verdict is Verdict.VALID, result.verdict is Verdict.CANNOT_TELL
    )
    sentence = headline(code, cause, result.badge, result.issuer, language)
    return VerificationOut(
        verdict=result.verdict,
        kind=result.kind,
        headline=sentence,
        message=sentence,
        form=result.form.value,
        form_label=form_label(result.form.value, language),
        baked_in=result.baked_in,
        badge=result.badge,
        issuer=IssuerOut(**result.issuer.as_json()) if result.issuer else None,
        claimed=result.claimed,
        checks=_checks(result.report, language),
        endorsements=[
            EndorsementOut(
                about=found.endorsed.about,
                verdict=found.verdict,
                author=found.endorsed.author,
                author_id=found.endorsed.author_id,
                comment=found.endorsed.comment,
                url=found.endorsed.url,
                checks=_checks(found.endorsed.report, language),
            )
            for found in result.endorsements
        ],
        endorsements_unchecked=result.endorsements_unchecked,
    )


def _checks(report: Report, language: Language) -> list[CheckOut]:
    return [
        CheckOut(
            name=check.name,
            label=check_label(check.name, language),
            outcome=check.outcome.value,
            code=check.code,
            params=dict(check.params),
            reason=check_reason(check, language),
        )
        for check in report.checks
    ]

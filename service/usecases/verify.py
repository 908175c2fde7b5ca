"""Verify a badge as this service does, for the API, the pages and the CLI alike: our own
documents from the database (or memory), other issuers' through the guarded network fetcher,
costly canonicalization of documents from outside in the sandbox's worker processes."""

from __future__ import annotations

from service.signing.data_integrity import Canonicalize
from service.usecases.context import Context
from service.usecases.public_documents import Memo, local_fetch
from service.usecases.status import SignedListCache
from service.verification.identity import Trust
from service.verification.ob2 import Fetch
from service.verification.service import Verification, verify_any


def verify(
    ctx: Context,
    given: str | bytes,
    expected_email: str | None,
    *,
    signed_lists: SignedListCache | None,
    network: Fetch,
    canonicalize: Canonicalize,
    trust: Trust,
    memo: Memo | None = None,
) -> Verification:
    fetch = local_fetch(ctx, signed_lists, fallback=network, memo=memo)
    return verify_any(
        given,
        fetch=fetch,
        now=ctx.clock.now(),
        expected_email=expected_email,
        canonicalize=canonicalize,
        trust=trust,
    )

"""Checks and repairs run when the service starts."""

from __future__ import annotations

import logging

from service.persistence.repositories import Issuers, SigningKeys
from service.signing.keystore import KeyFileMissing
from service.usecases import audit
from service.usecases.context import Context
from service.usecases.keys import ISSUER_PURPOSES, create_key

log = logging.getLogger("fabrique.startup")


def ensure_issuer_keys(ctx: Context) -> int:
    """Give every issuer an active key of each purpose; report active keys whose file is missing.

    Returns the number of keys created. A missing private file is reported, never replaced
    silently: another host may hold it, and a new key would change what this one signs with.
    """
    created = 0
    repo = SigningKeys(ctx.session)
    offset = 0
    while True:
        page, _ = Issuers(ctx.session).list(None, 200, offset)
        if not page:
            return created
        for issuer in page:
            for purpose in ISSUER_PURPOSES:
                active = repo.active(issuer.id, purpose)
                if active is None:
                    create_key(ctx, issuer.id, purpose)
                    audit.record(ctx, "key-created", "issuer", issuer.id, issuer.id, purpose=purpose.value)
                    created += 1
                    continue
                try:
                    ctx.keys.load(issuer.id, active.kid)
                except KeyFileMissing:
                    log.error(
                        "issuer %s: private key %s is missing from the keys directory", issuer.id, active.kid
                    )
        offset += len(page)

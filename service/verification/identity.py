"""How the issuer of a verified badge is known to be who it says, and to whom the badge was issued.

A credential can claim any name: a throwaway ``did:key`` may copy the name, URL and email of a
real issuer and sign perfectly. What is proven is only the key's owner: an issuer of this very
instance, an issuer the operator lists as trusted, the holder of a domain (``did:web`` or a
hosted OB 2.0 profile: whoever controls that domain), or nobody in particular (``did:key`` and
anything self-declared). The report says which, and the headline never shows a claimed name as
the issuer without that warning.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit


class Identity(StrEnum):
    THIS_INSTANCE = "this-instance"
    TRUSTED_LIST = "trusted-list"
    DOMAIN = "domain"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class TrustedIssuer:
    name: str  # the legal name shown instead of the name the credential claims
    dids: frozenset[str] = frozenset()
    domains: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class TrustList:
    """Issuers the operator vouches for (``FABRIQUE_TRUSTED_ISSUERS_FILE``): a JSON list of
    ``{"name": legal name, "dids": [...], "domains": [...]}``."""

    issuers: tuple[TrustedIssuer, ...] = ()

    def find(self, issuer_id: str) -> TrustedIssuer | None:
        domain = domain_of(issuer_id)
        for entry in self.issuers:
            if issuer_id in entry.dids or (domain is not None and domain in entry.domains):
                return entry
        return None

    @classmethod
    def load(cls, path: Path | None) -> TrustList:
        if path is None:
            return cls()
        entries = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(entries, list):
            raise ValueError(f"{path}: a JSON list of trusted issuers is expected")
        return cls(
            tuple(
                TrustedIssuer(
                    str(entry["name"]),
                    frozenset(str(d) for d in entry.get("dids", [])),
                    frozenset(str(d).lower() for d in entry.get("domains", [])),
                )
                for entry in entries
            )
        )


@dataclass(frozen=True, slots=True)
class IssuerIdentity:
    id: str
    identity: Identity
    name: str | None  # the proven or listed name; the claimed one when identity is NONE
    domain: str | None = None
    claimed_name: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "identity": self.identity.value,
            "name": self.name,
            "domain": self.domain,
            "claimed_name": self.claimed_name,
        }


@dataclass(frozen=True, slots=True)
class Trust:
    """What verification needs to know about identities: this instance's host, and the list."""

    local_host: str | None = None
    trusted: TrustList = field(default_factory=TrustList)

    def issuer(self, issuer_id: str, claimed_name: str | None) -> IssuerIdentity:
        domain = domain_of(issuer_id)
        if self.local_host is not None and domain == self.local_host.lower():
            return IssuerIdentity(issuer_id, Identity.THIS_INSTANCE, claimed_name, domain, claimed_name)
        listed = self.trusted.find(issuer_id)
        if listed is not None:
            return IssuerIdentity(issuer_id, Identity.TRUSTED_LIST, listed.name, domain, claimed_name)
        if domain is not None:
            return IssuerIdentity(issuer_id, Identity.DOMAIN, domain, domain, claimed_name)
        return IssuerIdentity(issuer_id, Identity.NONE, None, None, claimed_name)


def domain_of(issuer_id: str) -> str | None:
    """The domain that controls an issuer id: a did:web's host, an https URL's host."""
    if issuer_id.startswith("did:web:"):
        host = issuer_id.removeprefix("did:web:").split(":", 1)[0]
        return unquote(host).lower() or None
    parts = urlsplit(issuer_id)
    if parts.scheme in ("https", "http") and parts.netloc:
        return parts.netloc.lower()
    return None

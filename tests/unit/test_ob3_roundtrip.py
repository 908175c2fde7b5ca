"""Property: a signed OB 3.0 credential survives being written out and read back, in both proof
formats. Serialise -> parse -> serialise gives the same text, the same canonical form, and a proof
that still verifies, whatever the people who typed the badge and award put in their texts."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.openbadges import ob3
from service.openbadges.schema import schema_errors
from service.openbadges.urls import PublicUrls
from service.signing import vc_jwt
from service.signing.data_integrity import add_proof, canonicalize, verify_proof
from service.signing.keystore import Algorithm

KEY = ed25519.Ed25519PrivateKey.generate()
DID = "did:web:badges.example.test:issuers:aaaaaaaaaaaaaaaaaaaaaaaaaa"
METHOD = f"{DID}#k1"
URLS = PublicUrls("https://badges.example.test")

# Texts as people type them: accents, typographic quotes, markup, emoji, line breaks.
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00") | st.just("\n"),
    min_size=1,
    max_size=60,
).filter(lambda s: s.strip() != "")
MOMENTS = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2099, 1, 1), timezones=st.just(UTC)
).map(lambda d: d.replace(microsecond=0))


@dataclass
class Issuer:
    id: str = "aaaaaaaaaaaaaaaaaaaaaaaaaa"
    name: str = "Coop des médiateurs"
    url: str = "https://coop.example.org"
    email: str = "contact@coop.example.org"
    description: str | None = None
    image: bytes | None = None


@dataclass
class BadgeClass:
    name: str
    description: str
    criteria_narrative: str | None
    id: str = "bbbbbbbbbbbbbbbbbbbbbbbbbb"
    issuer_id: str = "aaaaaaaaaaaaaaaaaaaaaaaaaa"
    criteria_url: str | None = None
    tags: list[Any] = field(default_factory=list)
    alignments: list[Any] = field(default_factory=list)


@dataclass
class Award:
    issued_on: datetime
    expires_at: datetime | None
    narrative: str | None
    evidence: list[Any]
    recipient_email: str = "camille@example.fr"
    id: str = "cccccccccccccccccccccccccc"
    badge_class_id: str = "bbbbbbbbbbbbbbbbbbbbbbbbbb"
    salt: str = "sel"
    revoked_at: datetime | None = None
    revocation_reason: str | None = None


@st.composite
def credentials(draw: st.DrawFn) -> dict[str, Any]:
    badge = BadgeClass(
        name=draw(TEXT),
        description=draw(TEXT),
        criteria_narrative=draw(TEXT),
        tags=draw(st.lists(TEXT, max_size=3)),
        alignments=draw(
            st.lists(
                st.builds(
                    lambda name, code: {
                        "target_name": name,
                        "target_url": "https://publications.jrc.ec.europa.eu/repository/handle/JRC128415",
                        "target_framework": "DigComp 2.2",
                        "target_code": code,
                    },
                    TEXT,
                    st.sampled_from(["1.1", "5.2", "2.4"]),
                ),
                max_size=2,
            )
        ),
    )
    issued_on = draw(MOMENTS)
    award = Award(
        issued_on=issued_on,
        expires_at=draw(st.none() | st.integers(1, 3650).map(lambda d: issued_on + timedelta(days=d))),
        narrative=draw(st.none() | TEXT),
        evidence=draw(st.lists(st.builds(lambda n: {"narrative": n}, TEXT), max_size=2)),
    )
    return ob3.credential(
        award,
        issuer_profile=ob3.profile(Issuer(), DID, URLS),
        achievement_document=ob3.achievement(badge, URLS, draw(st.sampled_from(["fr", "en", "fr-FR"]))),
        urls=URLS,
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(unsigned=credentials())
def test_a_data_integrity_credential_survives_serialisation(unsigned: dict[str, Any]) -> None:
    assert schema_errors(unsigned) == []
    signed = add_proof(unsigned, KEY, METHOD, datetime(2026, 11, 22, 10, 0, tzinfo=UTC))
    text = json.dumps(signed, ensure_ascii=False)
    parsed = json.loads(text)
    assert parsed == signed
    assert json.dumps(parsed, ensure_ascii=False) == text
    assert canonicalize({k: v for k, v in parsed.items() if k != "proof"}) == canonicalize(unsigned)
    check = verify_proof(parsed, lambda method: KEY.public_key() if method == METHOD else None)
    assert check.verified, check.reason


@settings(max_examples=25, deadline=None)
@given(unsigned=credentials())
def test_a_vc_jwt_survives_serialisation(unsigned: dict[str, Any]) -> None:
    token = vc_jwt.encode(unsigned, KEY, Algorithm.EDDSA, METHOD)
    claims = vc_jwt.decode(token, KEY.public_key())
    assert vc_jwt.credential_of(claims) == unsigned
    # Ed25519 is deterministic: the credential read back from the token signs to the same token.
    assert vc_jwt.encode(vc_jwt.credential_of(claims), KEY, Algorithm.EDDSA, METHOD) == token

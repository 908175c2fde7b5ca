"""Putting a badge into a wallet with OpenID for Verifiable Credential Issuance 1.0, the
pre-authorized code flow (issue 19).

1. The earner asks on their own page: an *offer* is made for one award (``make_offer``). Its
   pre-authorized code is a MAC of the offer's id (nothing to keep in clear), its transaction
   code six random digits shown on the page only, never in the offer; both are stored as
   digests. The offer lasts ``OFFER_LIFETIME``, gives one credential, and dies after
   ``MAX_TX_FAILURES`` wrong transaction codes.
2. The wallet reads the offer (by value in the QR code, or by reference), trades the code and
   the transaction code for an access token (``token``), asks for a nonce (``nonce``), and sends
   a proof of possession of its key signed over that nonce and this issuer (``credential``).
3. It gets a *holder-bound copy*: the award's OB 3.0 credential with a new id, the holder's DID as
   its subject and the award's own status entry (revoking the award revokes every copy), signed
   now with the issuer's Data Integrity key, and recorded with the award.

Every code, token and nonce is single use and short lived; each refusal is an OAuth error code
(``WalletRefusal``), which the web layer answers as RFC 6749 / OID4VCI JSON.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from cryptography.hazmat.primitives.asymmetric import ed25519

from service.domain.audit import EARNER
from service.errors import Conflict, Gone, InvalidInput
from service.ids import new_id
from service.openbadges import ob3
from service.openbadges.schema import schema_errors
from service.persistence.repositories import SigningKeys
from service.persistence.tables import Award
from service.persistence.wallet_repositories import Wallets
from service.persistence.wallet_tables import WalletCopy, WalletNonce, WalletOffer
from service.signing import vc_jwt
from service.signing.data_integrity import add_proof
from service.signing.did_web import verification_method_id
from service.signing.holder import Holder, ProofRefused, verify_proof
from service.signing.keystore import Algorithm, KeyFileMissing, KeyPurpose
from service.usecases import audit, awards, credentials
from service.usecases.context import Context

OFFER_LIFETIME = timedelta(minutes=10)
TOKEN_LIFETIME = timedelta(minutes=5)
NONCE_LIFETIME = timedelta(minutes=5)
MAX_TX_FAILURES = 5
MAX_OPEN_OFFERS = 5  # per award: asking again and again makes no more
TX_CODE_DIGITS = 6
PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
LDP_VC = "OpenBadgeCredential_ldp_vc"
JWT_VC = "OpenBadgeCredential_jwt_vc_json"
CONFIGURATIONS = (LDP_VC, JWT_VC)
_CODE_PURPOSE = b"fabrique/oid4vci-pre-authorized-code/v1"


class WalletRefusal(Exception):
    """An OAuth / OID4VCI error: ``error`` is the protocol's code, ``code`` ours (its words)."""

    def __init__(self, error: str, code: str, status: int = 400) -> None:
        super().__init__(error, code)
        self.error = error
        self.code = code
        self.status = status


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def pre_authorized_code(secret: str, offer_id: str) -> str:
    key = hmac.new(secret.encode(), _CODE_PURPOSE, hashlib.sha256).digest()
    return offer_id + "." + hmac.new(key, offer_id.encode(), hashlib.sha256).hexdigest()


def offer_uri(base: str, offer_id: str) -> str:
    """The OID4VCI offer by reference, as a QR code or a link holds it."""
    return "openid-credential-offer://?credential_offer_uri=" + quote(
        f"{base}/oid4vci/offres/{offer_id}", safe=""
    )


@dataclass(frozen=True, slots=True)
class NewOffer:
    offer_id: str
    tx_code: str  # shown once, on the earner's page
    expires_at: datetime


def make_offer(ctx: Context, secret: str, award: Award) -> NewOffer:
    if award.revoked_at is not None or award.erased_at is not None:
        raise Gone("award-revoked", id=award.id)
    credentials.signed_credential(award)  # NotFound when the award has no OB 3.0 form
    now = ctx.clock.now()
    repo = Wallets(ctx.session)
    if repo.open_offers(award.id, now) >= MAX_OPEN_OFFERS:
        raise Conflict("wallet-offers-too-many", minutes=int(OFFER_LIFETIME.total_seconds() // 60))
    offer_id = new_id()
    tx_code = "".join(secrets.choice("0123456789") for _ in range(TX_CODE_DIGITS))
    ctx.session.add(
        WalletOffer(
            id=offer_id,
            award_id=award.id,
            code_hash=digest(pre_authorized_code(secret, offer_id)),
            tx_code_hash=digest(offer_id + ":" + tx_code),
            tx_code_failures=0,
            challenge=secrets.token_urlsafe(24),
            created_at=now,
            expires_at=now + OFFER_LIFETIME,
        )
    )
    return NewOffer(offer_id, tx_code, now + OFFER_LIFETIME)


def offer_document(ctx: Context, secret: str, offer_id: str) -> dict[str, Any]:
    """The credential offer (§4.1.1), while it can still be used."""
    offer = Wallets(ctx.session).offer(offer_id)
    if offer is None or offer.redeemed_at is not None or ctx.clock.now() >= offer.expires_at:
        raise Gone("wallet-offer-expired")
    return {
        "credential_issuer": ctx.urls.base,
        "credential_configuration_ids": list(CONFIGURATIONS),
        "grants": {
            PRE_AUTHORIZED_GRANT: {
                "pre-authorized_code": pre_authorized_code(secret, offer.id),
                "tx_code": {"input_mode": "numeric", "length": TX_CODE_DIGITS},
            }
        },
    }


@dataclass(frozen=True, slots=True)
class AccessToken:
    token: str
    expires_in: int


def token(ctx: Context, code: str, tx_code: str | None) -> AccessToken:
    """Trade a pre-authorized code and its transaction code for an access token, once."""
    now = ctx.clock.now()
    offer = Wallets(ctx.session).offer_by_code(digest(code)) if code else None
    if offer is None or offer.redeemed_at is not None or now >= offer.expires_at:
        raise WalletRefusal("invalid_grant", "wallet-code-invalid")
    if offer.tx_code_failures >= MAX_TX_FAILURES:
        raise WalletRefusal("invalid_grant", "wallet-code-invalid")
    expected = offer.tx_code_hash
    if not tx_code or not hmac.compare_digest(digest(offer.id + ":" + tx_code), expected):
        offer.tx_code_failures += 1  # kept: the refusal is an answer, not a failed transaction
        raise WalletRefusal("invalid_grant", "wallet-tx-code-wrong")
    value = secrets.token_urlsafe(32)
    offer.redeemed_at = now
    offer.token_hash = digest(value)
    offer.token_expires_at = now + TOKEN_LIFETIME
    return AccessToken(value, int(TOKEN_LIFETIME.total_seconds()))


def nonce(ctx: Context) -> tuple[str, int]:
    now = ctx.clock.now()
    value = secrets.token_urlsafe(24)
    ctx.session.add(WalletNonce(nonce_hash=digest(value), created_at=now, expires_at=now + NONCE_LIFETIME))
    Wallets(ctx.session).forget_nonces(now - timedelta(hours=1))
    return value, int(NONCE_LIFETIME.total_seconds())


def _proof_jwt(body: dict[str, Any]) -> Any:
    """The one JWT proof of a credential request (1.0: ``proofs.jwt``; drafts: ``proof``)."""
    proofs = body.get("proofs")
    if isinstance(proofs, dict):
        found = proofs.get("jwt")
        if not isinstance(found, list) or len(found) != 1 or set(proofs) != {"jwt"}:
            raise WalletRefusal("invalid_proof", "wallet-proof-count")
        return found[0]
    proof = body.get("proof")
    if isinstance(proof, dict) and proof.get("proof_type") == "jwt":
        return proof.get("jwt")
    raise WalletRefusal("invalid_proof", "wallet-proof-missing")


def credential(ctx: Context, access_token: str, body: Any) -> dict[str, Any]:
    """The holder-bound copy for a valid access token and proof (§8): the credential response."""
    now = ctx.clock.now()
    repo = Wallets(ctx.session)
    offer = repo.offer_by_token(digest(access_token)) if access_token else None
    if offer is None or offer.used_at is not None or offer.token_expires_at is None:
        raise WalletRefusal("invalid_token", "wallet-token-invalid", 401)
    if now >= offer.token_expires_at:
        raise WalletRefusal("invalid_token", "wallet-token-invalid", 401)
    if not isinstance(body, dict):
        raise WalletRefusal("invalid_credential_request", "wallet-request-invalid")
    configuration = body.get("credential_configuration_id")
    if configuration is None:  # drafts named the format instead
        configuration = {"ldp_vc": LDP_VC, "jwt_vc_json": JWT_VC}.get(str(body.get("format")))
    if configuration not in CONFIGURATIONS:
        raise WalletRefusal("unknown_credential_configuration", "wallet-configuration-unknown")
    checked = verify_proof(_proof_jwt(body), audience=ctx.urls.base, now=now)
    if isinstance(checked, ProofRefused):
        raise WalletRefusal("invalid_proof", checked.code)
    if not repo.use_nonce(digest(checked.nonce), now):
        raise WalletRefusal("invalid_nonce", "wallet-nonce-invalid")
    award = awards.get(ctx, offer.award_id)
    if award.revoked_at is not None or award.erased_at is not None or award.credential is None:
        raise WalletRefusal("credential_request_denied", "wallet-award-revoked")
    offer.used_at = now
    unsigned = holder_bound_unsigned(ctx, award, checked)
    issued: Any = (
        sign_jwt(ctx, award, unsigned) if configuration == JWT_VC else sign_ldp(ctx, award, unsigned)
    )
    ctx.session.add(
        WalletCopy(
            id=new_id(),
            award_id=award.id,
            credential_id=unsigned["id"],
            holder=checked.did,
            format="jwt_vc_json" if configuration == JWT_VC else "ldp_vc",
            protocol="oid4vci",
            created_at=now,
        )
    )
    audit.act_as(ctx.session, EARNER)  # the earner's offer, claimed by their wallet
    audit.record(ctx, "award-copied-to-wallet", "award", award.id, award.issuer_id, protocol="oid4vci")
    return {"credentials": [{"credential": issued}]}


def holder_bound_copy(ctx: Context, award: Award, holder: Holder) -> dict[str, Any]:
    """The award's OB 3.0 credential issued to the holder's DID, with its Data Integrity proof."""
    return sign_ldp(ctx, award, holder_bound_unsigned(ctx, award, holder))


def holder_bound_unsigned(ctx: Context, award: Award, holder: Holder) -> dict[str, Any]:
    """The award's OB 3.0 credential issued to the holder's DID: a new id, the same status
    entry, checked against the official schema; not signed yet."""
    stored = credentials.signed_credential(award)
    issuer = award.issuer
    unsigned = ob3.credential(
        award,
        issuer_profile=credentials.profile(ctx, issuer),
        achievement_document=credentials.achievement(ctx, award.badge_class, award.issuer),
        urls=ctx.urls,
        credential_status=stored.get("credentialStatus"),
        subject_did=holder.did,
    )
    unsigned["id"] = f"urn:uuid:{uuid.uuid4()}"
    errors = schema_errors(unsigned)
    if errors:
        raise InvalidInput("credential-schema-invalid", errors="; ".join(errors[:5]))
    return unsigned


def _active_key(ctx: Context, issuer_id: str, purpose: KeyPurpose) -> Any:
    key = SigningKeys(ctx.session).active_by_purpose(issuer_id).get(purpose)
    if key is None:
        raise Conflict("issuer-has-no-signing-key", id=issuer_id)
    return key


def sign_jwt(ctx: Context, award: Award, unsigned: dict[str, Any]) -> str:
    """The copy as a VC-JWT, RS256, by the issuer's active VC-JWT key (its DID URL as kid)."""
    key = _active_key(ctx, award.issuer_id, KeyPurpose.VC_JWT)
    method = verification_method_id(credentials.did_of(ctx, award.issuer_id), key.kid)
    return vc_jwt.encode(unsigned, ctx.keys.load(award.issuer_id, key.kid), Algorithm.RS256, method)


def sign_ldp(ctx: Context, award: Award, unsigned: dict[str, Any]) -> dict[str, Any]:
    """The copy with an ``eddsa-rdfc-2022`` proof by the issuer's active Ed25519 key."""
    issuer = award.issuer
    key = _active_key(ctx, issuer.id, KeyPurpose.DATA_INTEGRITY)
    private_key = ctx.keys.load(issuer.id, key.kid)
    if not isinstance(private_key, ed25519.Ed25519PrivateKey):
        raise KeyFileMissing(f"key {key.kid} is not an Ed25519 key")
    method = verification_method_id(credentials.did_of(ctx, issuer.id), key.kid)
    return add_proof(unsigned, private_key, method, ctx.clock.now())


def copies_of(ctx: Context, award_id: str) -> int:
    """How many wallets hold a copy of this award (shown to the earner)."""
    return Wallets(ctx.session).count_copies(award_id)


def issuer_metadata(ctx: Context) -> dict[str, Any]:
    """``/.well-known/openid-credential-issuer`` (§12.2): what this issuer offers and how."""
    base = ctx.urls.base
    display = [{"name": "Fabrique à badges", "locale": "fr"}, {"name": "Fabrique à badges", "locale": "en"}]
    names = [
        {"name": "Badge numérique (Open Badges 3.0)", "locale": "fr"},
        {"name": "Digital badge (Open Badges 3.0)", "locale": "en"},
    ]
    common = {
        "scope": "OpenBadgeCredential",
        "cryptographic_binding_methods_supported": ["did:key", "did:jwk", "jwk"],
        "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": ["EdDSA", "ES256"]}},
        "credential_metadata": {"display": names},
        "display": names,
    }
    types = ["VerifiableCredential", "AchievementCredential"]
    return {
        "credential_issuer": base,
        "credential_endpoint": f"{base}/oid4vci/credential",
        "nonce_endpoint": f"{base}/oid4vci/nonce",
        "display": display,
        "credential_configurations_supported": {
            LDP_VC: {
                "format": "ldp_vc",
                "credential_definition": {"@context": list(ob3.CONTEXT), "type": types},
                "credential_signing_alg_values_supported": ["eddsa-rdfc-2022"],
                **common,
            },
            JWT_VC: {
                "format": "jwt_vc_json",
                "credential_definition": {"type": types},
                "credential_signing_alg_values_supported": ["RS256"],
                **common,
            },
        },
    }


def authorization_server_metadata(ctx: Context) -> dict[str, Any]:
    """``/.well-known/oauth-authorization-server`` (RFC 8414): the token endpoint, pre-authorized
    codes without client authentication."""
    base = ctx.urls.base
    return {
        "issuer": base,
        "token_endpoint": f"{base}/oid4vci/token",
        "grant_types_supported": [PRE_AUTHORIZED_GRANT],
        "pre-authorized_grant_anonymous_access_supported": True,
        "response_types_supported": [],
        "token_endpoint_auth_methods_supported": ["none"],
    }

"""Putting a badge into the Learner Credential Wallet (and any wallet that speaks the W3C CCG's
VC-API exchanges), from the same offer as OID4VCI (issue 19, points 1 and 2).

- The **interaction URL** (``/portefeuille/{offer}?iuv=1``) answers the protocols a wallet may
  choose from: ``vcapi`` (this exchange) and ``OID4VCI`` (the offer). One QR code for every wallet.
- The **exchange** (``POST /exchanges/{offer}``): ``{}`` starts it and gets a Verifiable
  Presentation Request for ``DIDAuthentication`` with the offer's challenge and this host as
  domain; the wallet answers with a presentation signed by its did:key (Ed25519Signature2020, as
  LCW signs, or ``eddsa-rdfc-2022``) and receives, in a presentation, the copy bound to that DID.
- The older **LCW deep link** (``https://lcw.app/request?…&vc_request_url=…``): the wallet posts
  the signed presentation (challenge, no domain) and receives the same.

One credential per offer, whichever protocol claims it first; the offer's 10 minutes apply. The
presentation, a document from outside, is canonicalized in the sandbox's bounded workers.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlencode

from service.domain.audit import EARNER
from service.ids import new_id
from service.persistence.wallet_repositories import Wallets
from service.persistence.wallet_tables import WalletCopy, WalletOffer
from service.signing.data_integrity import Canonicalize
from service.signing.holder import Holder, ProofRefused, check_did_authentication
from service.usecases import audit, awards, wallet
from service.usecases.context import Context
from service.usecases.wallet import WalletRefusal

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"


def _open(ctx: Context, offer_id: str) -> WalletOffer:
    offer = Wallets(ctx.session).offer(offer_id)
    if offer is None or offer.redeemed_at is not None or offer.used_at is not None:
        raise WalletRefusal("invalid_request", "wallet-offer-expired", 410)
    if ctx.clock.now() >= offer.expires_at:
        raise WalletRefusal("invalid_request", "wallet-offer-expired", 410)
    return offer


def exchange_url(base: str, offer_id: str) -> str:
    return f"{base}/exchanges/{offer_id}"


def interaction_url(base: str, offer_id: str) -> str:
    return f"{base}/portefeuille/{offer_id}?iuv=1"


def protocols(ctx: Context, offer_id: str) -> dict[str, Any]:
    """What the interaction URL answers (and what LCW's deep link carries as ``request``)."""
    offer = _open(ctx, offer_id)
    base = ctx.urls.base
    return {
        "credentialRequestOrigin": base,
        "protocols": {"vcapi": exchange_url(base, offer.id), "OID4VCI": wallet.offer_uri(base, offer.id)},
    }


def lcw_links(ctx: Context, offer_id: str) -> tuple[str, str]:
    """(LCW's deep link with the request, the older one with ``vc_request_url``)."""
    offer = _open(ctx, offer_id)
    base = ctx.urls.base
    request = {
        "credentialRequestOrigin": base,
        "protocols": {"vcapi": exchange_url(base, offer.id), "OID4VCI": wallet.offer_uri(base, offer.id)},
    }
    modern = "https://lcw.app/request?request=" + quote(json.dumps(request, separators=(",", ":")), safe="")
    legacy = "https://lcw.app/request?" + urlencode(
        {
            "issuer": base,
            "auth_type": "bearer",
            "challenge": offer.challenge,
            "vc_request_url": f"{exchange_url(base, offer.id)}/dcc",
        }
    )
    return modern, legacy


def request(ctx: Context, offer_id: str) -> dict[str, Any]:
    """The exchange's first answer: what the wallet must prove."""
    offer = _open(ctx, offer_id)
    return {
        "verifiablePresentationRequest": {
            "query": [
                {
                    "type": "DIDAuthentication",
                    "acceptedMethods": [{"method": "key"}],
                    "acceptedCryptosuites": [
                        {"cryptosuite": "Ed25519Signature2020"},
                        {"cryptosuite": "eddsa-rdfc-2022"},
                    ],
                }
            ],
            "challenge": offer.challenge,
            "domain": ctx.urls.host,
            "interact": {
                "service": [
                    {
                        "type": "UnmediatedPresentationService2021",
                        "serviceEndpoint": exchange_url(ctx.urls.base, offer.id),
                    }
                ]
            },
        }
    }


def complete(
    ctx: Context, offer_id: str, presentation: Any, canonicalize: Canonicalize, *, with_domain: bool
) -> dict[str, Any]:
    """The copy bound to the presentation's holder, in a presentation, once its DID
    authentication holds for this offer's challenge (and this host, in an exchange)."""
    offer = _open(ctx, offer_id)
    checked = check_did_authentication(
        presentation,
        challenge=offer.challenge,
        domain=ctx.urls.host if with_domain else None,
        canonicalize=canonicalize,
    )
    if isinstance(checked, ProofRefused):
        raise WalletRefusal("invalid_proof", checked.code)
    award = awards.get(ctx, offer.award_id)
    if award.revoked_at is not None or award.erased_at is not None or award.credential is None:
        raise WalletRefusal("credential_request_denied", "wallet-award-revoked", 410)
    now = ctx.clock.now()
    offer.used_at = now
    offer.redeemed_at = now  # the OID4VCI code of the same offer serves no more
    copy = wallet.holder_bound_copy(ctx, award, Holder(checked, ""))
    ctx.session.add(
        WalletCopy(
            id=new_id(),
            award_id=award.id,
            credential_id=copy["id"],
            holder=checked,
            format="ldp_vc",
            protocol="vc-api",
            created_at=now,
        )
    )
    audit.act_as(ctx.session, EARNER)
    audit.record(ctx, "award-copied-to-wallet", "award", award.id, award.issuer_id, protocol="vc-api")
    return {
        "verifiablePresentation": {
            "@context": [CREDENTIALS_V2],
            "type": ["VerifiablePresentation"],
            "verifiableCredential": [copy],
        }
    }

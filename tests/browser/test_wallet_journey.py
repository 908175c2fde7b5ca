"""Issue 19's journey in a real browser: the earner's page shows one QR code for every wallet and
a transaction code; read from the screen by ZBar, the code is claimed by a Learner Credential
Wallet's messages (VC-API exchange), and a second offer's OpenID4VCI code by the OpenWallet
Foundation's client; the page then shows the badge in two wallets."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from service.domain import earner_links
from service.domain.access import Role
from service.persistence.database import Database
from tests.browser.conftest import Site, all_violations, screenshot
from tests.factories import create_badge_class, create_issuer, make_token

pytestmark = pytest.mark.browser
NODE_DIR = Path(__file__).parents[1] / "interop" / "node"


def read_qr(page: Page, name: str, file: Path) -> str:
    """What a phone's camera reads from the QR code named ``name`` on the screen (ZBar)."""
    page.get_by_role("img", name=name).screenshot(path=str(file))
    done = subprocess.run(["zbarimg", "--raw", "-q", str(file)], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def node(script: str, request: dict[str, Any], site: Site) -> dict[str, Any]:
    """A wallet played by ``script`` (tests/interop/node) against the live site."""
    done = subprocess.run(
        ["node", script],
        input=json.dumps({"public_base": site.url, "local_base": site.url, **request}),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=NODE_DIR,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_the_earners_qr_code_puts_the_badge_in_a_wallet(
    browser: Browser, site: Site, database: Database, tmp_path: Path
) -> None:
    admin = make_token(database, Role.ADMIN)
    issuer = create_issuer(site.client, admin, name="Hub numérique d'Occitanie")
    badge = create_badge_class(site.client, admin, issuer["id"], name="Culture numérique")
    award = site.client.post(
        f"/api/v1/badge-classes/{badge['id']}/awards",
        json={"recipient_email": "camille.durand@mairie.example.fr", "notify": False},
        headers={"Authorization": f"Bearer {admin}"},
    ).json()
    own = f"{site.url}/mon-badge/{earner_links.token_for(site.app.state.services.secret, award['id'])}"
    context = browser.new_context(locale="fr-FR", bypass_csp=True)
    page = context.new_page()
    page.goto(own)
    page.get_by_role("button", name="Ajouter à mon portefeuille").click()
    expect(page.get_by_role("heading", name="Ajouter à mon portefeuille")).to_be_visible()
    screenshot(page, "wallet-01-offre")
    assert all_violations(page) == []
    # The Learner Credential Wallet scans the code: the interaction URL, then the VC-API exchange.
    interaction = read_qr(page, "Code QR pour votre portefeuille", tmp_path / "interaction.png")
    assert interaction.startswith(f"{site.url}/portefeuille/")
    assert interaction.endswith("?iuv=1")
    by_lcw = node("lcw_exchange.mjs", {"interaction": interaction, "flow": "vcapi"}, site)
    assert by_lcw["status"] == 200, by_lcw
    (copy,) = by_lcw["response"]["verifiablePresentation"]["verifiableCredential"]
    assert copy["credentialSubject"]["id"] == by_lcw["holder"]
    # An OID4VCI wallet takes the offer under "Votre portefeuille ne lit pas ce code ?", on a
    # second offer (each gives one credential), with the transaction code shown.
    page.get_by_role("link", name="Retour à mon badge").click()
    page.get_by_role("button", name="Ajouter à mon portefeuille").click()
    page.get_by_text("Votre portefeuille ne lit pas ce code\u202f?").click()
    offer = read_qr(page, "Code QR de l'offre pour votre portefeuille", tmp_path / "offer.png")
    assert offer == page.get_by_role("link", name="Ouvrir dans mon portefeuille").get_attribute("href")
    assert offer.startswith("openid-credential-offer://?credential_offer_uri=")
    tx_code = page.locator(".tx-code").inner_text()
    got = node(
        "oid4vci_wallet.mjs",
        {
            "offer": offer,
            "tx_code": tx_code,
            "now": datetime.now(UTC).isoformat(),
            "key": "EdDSA",
            "binding": "did:key",
            "allow_http": True,
        },
        site,
    )
    assert "error" not in got, got
    assert got["credential"]["credentialSubject"]["id"] == got["holder"]
    page.get_by_role("link", name="Retour à mon badge").click()
    expect(page.get_by_text("Ce badge est déjà dans 2 portefeuilles.")).to_be_visible()
    screenshot(page, "wallet-02-mon-badge")
    assert all_violations(page) == []
    context.close()

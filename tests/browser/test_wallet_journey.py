"""Issue 19's journey in a real browser: the earner's page shows the wallet offer's QR code and
transaction code; the QR code, read from the screen by ZBar, is claimed by an independent wallet
(the OpenWallet Foundation's OID4VCI client); the page then shows the copy in one wallet."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from service.domain import earner_links
from service.domain.access import Role
from service.persistence.database import Database
from tests.browser.conftest import Site, all_violations, screenshot
from tests.factories import create_badge_class, create_issuer, make_token

pytestmark = pytest.mark.browser
NODE_DIR = Path(__file__).parents[1] / "interop" / "node"


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
    tx_code = page.locator(".tx-code").inner_text()
    qr_file = tmp_path / "qr.png"
    page.get_by_role("img", name="Code QR de l'offre pour votre portefeuille").screenshot(path=str(qr_file))
    decoded = subprocess.run(
        ["zbarimg", "--raw", "-q", str(qr_file)], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert decoded.startswith("openid-credential-offer://?credential_offer_uri=")
    assert decoded == page.get_by_role("link", name="Ouvrir dans mon portefeuille").get_attribute("href")
    claimed = subprocess.run(
        ["node", "oid4vci_wallet.mjs"],
        input=json.dumps(
            {
                "offer": decoded,
                "tx_code": tx_code,
                "public_base": site.url,
                "local_base": site.url,
                "now": datetime.now(UTC).isoformat(),
                "key": "EdDSA",
                "binding": "did:key",
                "allow_http": True,
            }
        ),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=NODE_DIR,
    )
    got = json.loads(claimed.stdout)
    assert "error" not in got, got
    assert got["credential"]["credentialSubject"]["id"] == got["holder"]
    page.get_by_role("link", name="Retour à mon badge").click()
    expect(page.get_by_text("Ce badge est déjà dans 1 portefeuille.")).to_be_visible()
    screenshot(page, "wallet-02-mon-badge")
    assert all_violations(page) == []
    context.close()

"""Issue 18's journeys in a real browser, with real emails: a badge is earned, announced,
published, shared, opened by a visitor and verified; a lost link is found again through the
earner space; a revocation is told by email and shown on the page. axe checks every page state."""

from __future__ import annotations

import re
from email.message import EmailMessage
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from service.domain.access import Role
from service.persistence.database import Database
from service.worker import drain_once
from tests.api.test_sessions import sender, services_of
from tests.browser.conftest import Site, all_violations, screenshot
from tests.factories import create_badge_class, create_issuer, make_token
from tests.smtp_server import smtp_server

pytestmark = pytest.mark.browser
EARNER = "camille.durand@mairie.example.fr"


def send_emails(site: Site) -> list[EmailMessage]:
    """What the worker sends now, received by a real SMTP server on loopback."""
    with smtp_server() as (inbox, port):
        drain_once(services_of(site.app), sender(port), "browser-test")
    return list(inbox.messages)


def checked(page: Page, name: str, problems: dict[str, object]) -> None:
    screenshot(page, f"travels-{name}")
    found = all_violations(page)  # issue 18: none at all on these pages, whatever the impact
    if found:
        problems[name] = found


def award(site: Site, database: Database) -> tuple[str, str, str]:
    """(coordinator token, award id, badge name): an award whose email is queued, as the API does."""
    admin = make_token(database, Role.ADMIN)
    issuer = create_issuer(site.client, admin, name="Hub numérique d'Occitanie")
    coordinator = make_token(database, Role.COORDINATOR, [issuer["id"]])
    badge = create_badge_class(
        site.client, coordinator, issuer["id"], name="Accueillir les publics éloignés du numérique"
    )
    created = site.client.post(
        f"/api/v1/badge-classes/{badge['id']}/awards",
        json={"recipient_email": EARNER, "recipient_name": "Camille Durand", "language": "fr"},
        headers={"Authorization": f"Bearer {coordinator}"},
    )
    assert created.status_code == 201, created.text
    return coordinator, created.json()["id"], badge["name"]


def test_earned_announced_published_shared_opened_and_verified(
    browser: Browser, site: Site, database: Database
) -> None:
    problems: dict[str, object] = {}
    _, award_id, badge_name = award(site, database)
    (mail,) = send_emails(site)
    html = mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
    button = re.search(r'<a href="([^"]+)"[^>]*>Voir mon badge</a>', html)
    assert button
    assert any(part.get_content_type() == "image/png" for part in mail.walk())
    assert f'href="{unescape(button.group(1))}#portefeuille"' in unescape(html)  # the wallet, one tap away

    earner = browser.new_context(
        locale="fr-FR", bypass_csp=True, permissions=["clipboard-read", "clipboard-write"]
    )
    page = earner.new_page()
    page.goto(unescape(button.group(1)))
    checked(page, "01-mon-badge", problems)
    page.get_by_label(re.compile("Afficher mon nom")).check()
    page.get_by_role("button", name="Rendre ma page publique").click()
    expect(page.get_by_text("Votre page est publique.", exact=True)).to_be_visible()
    checked(page, "02-mon-badge-public", problems)
    share = page.get_by_role("link", name="Partager dans un post LinkedIn").get_attribute("href")
    assert share
    shared_url = parse_qs(urlsplit(share).query)["url"][0]
    assert shared_url == f"{site.url}/b/{award_id}"
    page.get_by_role("button", name="Copier le lien de la page").click()
    assert page.evaluate("() => navigator.clipboard.readText()") == shared_url
    earner.close()

    visitor = browser.new_context(locale="fr-FR", bypass_csp=True)  # nobody's link, no cookie
    page = visitor.new_page()
    page.goto(shared_url)
    expect(page.get_by_role("heading", name=badge_name)).to_be_visible()
    expect(page.get_by_text("Attribué à Camille Durand")).to_be_visible()
    expect(page.get_by_role("link", name="Ajouter à mon profil LinkedIn")).to_have_count(0)
    expect(page.get_by_role("link", name="Image du badge à publier")).to_have_count(0)
    checked(page, "03-visiteur", problems)
    page.get_by_role("link", name="Vérifier ce badge").click()
    expect(page.locator(".status").first).to_contain_text("Badge valide")
    checked(page, "04-visiteur-verification", problems)
    visitor.close()
    assert problems == {}, problems


def test_a_lost_link_is_found_again_through_the_earner_space(
    browser: Browser, site: Site, database: Database
) -> None:
    problems: dict[str, object] = {}
    _, award_id, badge_name = award(site, database)
    send_emails(site)  # the announcement, then lost
    context = browser.new_context(locale="fr-FR", bypass_csp=True)
    page = context.new_page()
    page.goto(f"{site.url}/b/{award_id}")  # the page is still private: it says how to find it again
    page.goto(f"{site.url}/mon-espace")
    checked(page, "05-mon-espace", problems)
    page.get_by_label("Adresse électronique").fill(EARNER.upper())
    page.get_by_role("button", name="Recevoir un lien vers mes badges").click()
    expect(page.get_by_role("status")).to_contain_text("Si des badges ont été délivrés à cette adresse")
    checked(page, "06-mon-espace-demande", problems)
    (mail,) = send_emails(site)
    assert mail["Subject"] == "Vos badges\u202f: votre lien de connexion"
    link = re.search(r"http://127\.0\.0\.1:\d+/mon-espace/\S+", mail.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    assert link
    page.goto(link.group(0))
    expect(page.get_by_role("heading", name="Mes badges")).to_be_visible()
    expect(page.get_by_role("heading", name=badge_name)).to_be_visible()
    checked(page, "07-mes-badges", problems)
    page.get_by_role("link", name=re.compile("Gérer ce badge")).click()
    expect(page.get_by_role("button", name="Rendre ma page publique")).to_be_visible()
    context.close()
    assert problems == {}, problems


def test_a_revocation_is_told_by_email_and_shown_on_the_page(
    browser: Browser, site: Site, database: Database
) -> None:
    problems: dict[str, object] = {}
    coordinator, award_id, badge_name = award(site, database)
    send_emails(site)  # announced
    revoked = site.client.post(
        f"/api/v1/awards/{award_id}/revoke",
        json={"reason": "Attribué par erreur à la mauvaise personne"},
        headers={"Authorization": f"Bearer {coordinator}"},
    )
    assert revoked.status_code == 200, revoked.text
    (notice,) = send_emails(site)
    text = " ".join(notice.get_body(("plain",)).get_content().split())  # type: ignore[union-attr]
    assert badge_name in text
    assert "Motif donné par l'émetteur : Attribué par erreur à la mauvaise personne" in text
    context = browser.new_context(locale="fr-FR", bypass_csp=True)
    page = context.new_page()
    answer = page.goto(f"{site.url}/b/{award_id}")
    assert answer is not None
    assert answer.status == 410
    expect(page.get_by_text("Ce badge a été révoqué")).to_be_visible()
    expect(page.get_by_text("Attribué par erreur à la mauvaise personne")).to_be_visible()
    assert page.locator('meta[property="og:image"]').count() == 0
    checked(page, "08-revoque", problems)
    context.close()
    assert problems == {}, problems

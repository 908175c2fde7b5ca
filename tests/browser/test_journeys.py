"""The three journeys in a real browser: a coordinator runs a session to its badges, an earner
publishes and downloads theirs from the emailed link, an employer verifies the downloaded image;
a revoked badge then says so. axe-core checks every page on the way, in French and English.
Screenshots of each page are saved under test-artifacts/browser/."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from service.domain import earner_links, earner_space
from service.domain.access import Role
from service.persistence.database import Database
from service.persistence.training_tables import OutboxMessage
from service.worker import drain_once
from tests.api.test_sessions import sender, services_of
from tests.browser.conftest import Site, screenshot, serious_violations
from tests.factories import PASSWORD, create_badge_class, create_issuer, make_account, make_token
from tests.smtp_server import smtp_server

pytestmark = pytest.mark.browser
PARIS = ZoneInfo("Europe/Paris")


def check_accessibility(page: Page, name: str, found: dict[str, list[dict[str, object]]]) -> None:
    screenshot(page, name)
    violations = serious_violations(page)
    if violations:
        found[name] = violations


def test_from_session_to_verified_badge(page: Page, site: Site, database: Database, tmp_path: Path) -> None:
    admin = make_token(database, Role.ADMIN)
    issuer = create_issuer(site.client, admin, name="Hub numérique d'Occitanie")
    coordinator = make_token(database, Role.COORDINATOR, [issuer["id"]])
    badge = create_badge_class(
        site.client, coordinator, issuer["id"], name="Accueillir les publics éloignés du numérique"
    )
    email = make_account(database, Role.COORDINATOR, [issuer["id"]], email="coordination@hub.example.fr")
    problems: dict[str, list[dict[str, object]]] = {}
    day = datetime.now(PARIS).date() - timedelta(days=1)

    # A coordinator signs in.
    page.goto(f"{site.url}/console")
    expect(page).to_have_url(re.compile(r"/console/connexion"))
    check_accessibility(page, "01-connexion", problems)
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()
    check_accessibility(page, "02-tableau-de-bord", problems)

    # Creates a session held yesterday, with a rule for the badge.
    page.get_by_role("link", name="Hub numérique d'Occitanie").click()
    check_accessibility(page, "03-emetteur", problems)
    page.get_by_role("link", name="Nouvelle formation").click()
    page.get_by_label("Intitulé").fill("Accueillir en illectronisme")
    page.locator("#hd_date_0").fill(day.isoformat())
    page.locator("#hd_period_0").select_option("matin")
    page.locator("#hd_date_1").fill(day.isoformat())
    page.locator("#hd_period_1").select_option("apres-midi")
    page.get_by_label("Pair formateur 1\u202f: nom").fill("Nadia Benali")
    page.get_by_label("Pair formateur 1\u202f: adresse électronique").fill("nadia.benali@hub.example.fr")
    page.locator("#rule_badge").select_option(badge["id"])
    check_accessibility(page, "04-nouvelle-formation", problems)
    page.get_by_role("button", name="Créer la formation").click()
    expect(page.get_by_role("heading", name="Accueillir en illectronisme")).to_be_visible()

    # Uploads the attendance sheet: Camille came all day, Samir only in the morning.
    sheet = tmp_path / "emargement.csv"
    date_fr = day.strftime("%d/%m/%Y")
    sheet.write_text(
        f"Nom;Courriel;Structure;{date_fr} matin;{date_fr} après-midi\n"
        "Camille Durand;camille.durand@mairie.example.fr;Mairie;oui;oui\n"
        "Samir Haddad;samir.haddad@caf.example.fr;CAF;oui;non\n",
        encoding="cp1252",
    )
    page.get_by_label("Importer la feuille d'inscription ou d'émargement (CSV)").set_input_files(sheet)
    page.get_by_role("button", name="Importer", exact=True).click()
    expect(page.get_by_text("2 personne(s) importée(s), 3 présence(s) enregistrée(s).")).to_be_visible()

    # Marks Samir present in the afternoon too, on the attendance grid.
    samir_afternoon = page.get_by_role("checkbox", name=re.compile(r"Samir Haddad présent·e le .* 13:30"))
    expect(samir_afternoon).not_to_be_checked()
    samir_afternoon.check()
    page.get_by_role("button", name="Enregistrer les présences").click()
    expect(page.get_by_text("Présences enregistrées.")).to_be_visible()
    expect(page.get_by_role("cell", name="obtenu", exact=True)).to_have_count(2)
    check_accessibility(page, "05-formation-presences", problems)

    # Closes it: badges are issued, emails queued.
    page.get_by_role("link", name="Clôturer la formation et émettre les badges…").click()
    expect(page.get_by_text("2 badges seront émis et signés maintenant.")).to_be_visible()
    check_accessibility(page, "06-confirmer-la-cloture", problems)
    page.get_by_role("button", name="Clôturer et émettre les badges").click()
    expect(page.get_by_text("2 badges émis")).to_be_visible()
    screenshot(page, "06b-formation-cloturee")

    # The worker sends the emails to a real SMTP server; the earner's link is in hers.
    with smtp_server() as (inbox, port):
        drained = drain_once(services_of(site.app), sender(port), "browser-test")
    assert drained.sent == 2
    mail = next(m for m in inbox.messages if "camille.durand" in str(m["To"]))
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    link = re.search(r"http://127\.0\.0\.1:\d+/mon-badge/\S+", text)
    assert link, text

    # The earner opens it, publishes the page with her name, downloads the baked PNG.
    page.goto(link.group(0))
    expect(page.get_by_text("Cette page est votre espace privé pour ce badge.")).to_be_visible()
    check_accessibility(page, "07-mon-badge", problems)
    page.get_by_label(re.compile("Afficher mon nom")).check()
    page.get_by_role("button", name="Rendre ma page publique").click()
    expect(page.get_by_text("Votre page est publique.", exact=True)).to_be_visible()
    public_url = page.get_by_role("link", name=re.compile(r"127\.0\.0\.1.*\/b\/")).first.get_attribute("href")
    assert public_url
    # The downloads are the owner's: on her own page, not on the public one.
    with page.expect_download() as download:
        page.get_by_role("link", name="Image du badge à publier").click()
    baked = tmp_path / "badge.png"
    download.value.save_as(baked)
    assert baked.read_bytes().startswith(b"\x89PNG")
    page.goto(public_url)
    expect(page.get_by_text("Attribué à Camille Durand")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Badge")).to_have_text("Badge valide")
    expect(
        page.get_by_role("img", name="Badge « Accueillir les publics éloignés du numérique »")
    ).to_be_visible()
    check_accessibility(page, "08-page-du-badge", problems)
    expect(page.get_by_role("link", name="Image du badge à publier")).to_have_count(0)

    # An employer drops that image on the verification page.
    page.goto(f"{site.url}/verifier")
    check_accessibility(page, "09-verifier", problems)
    page.get_by_label("Ou l'image du badge, ou son fichier").set_input_files(baked)
    page.get_by_label("Adresse électronique attendue (facultatif)").fill("camille.durand@mairie.example.fr")
    page.get_by_role("button", name="Vérifier", exact=True).click()
    verdict = page.locator(".status")
    expect(verdict).to_contain_text("Badge valide")
    expect(verdict).to_contain_text("valide")
    page.get_by_text("Détail des vérifications").click()
    check_accessibility(page, "10-verifier-resultat", problems)

    # The coordinator revokes it; the page and the verification say so.
    page.goto(f"{site.url}/console/emetteurs/{issuer['id']}/attributions?q=camille")
    check_accessibility(page, "11-attributions", problems)
    page.get_by_label("Motif de révocation").fill("Attribué par erreur")
    page.get_by_role("button", name="Révoquer…").click()
    expect(page.get_by_text("Le motif devient public")).to_be_visible()
    check_accessibility(page, "11b-confirmer-la-revocation", problems)
    page.get_by_role("button", name="Révoquer le badge").click()
    expect(page.get_by_text("Badge révoqué.")).to_be_visible()
    page.goto(public_url)
    expect(page.get_by_role("status").filter(has_text="Badge")).to_contain_text("Badge révoqué")
    expect(page.get_by_role("status").filter(has_text="Badge")).to_contain_text("révoqué")
    screenshot(page, "12-page-du-badge-revoque")
    page.goto(f"{site.url}/verifier")
    page.get_by_label("Ou l'image du badge, ou son fichier").set_input_files(baked)
    page.get_by_role("button", name="Vérifier", exact=True).click()
    expect(page.locator(".status")).to_contain_text("Badge non valide")
    screenshot(page, "13-verifier-revoque")

    page.goto(f"{site.url}/console/emetteurs/{issuer['id']}/rapports")
    expect(page.get_by_role("table", name="Badges émis par mois")).to_be_visible()
    check_accessibility(page, "14-rapports", problems)
    page.goto(f"{site.url}/accessibilite")
    check_accessibility(page, "15-accessibilite", problems)

    # The same pages in English, chosen with the language switch.
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    for name, path in [
        ("en-01-badge-page", public_url.removeprefix(site.url)),
        ("en-02-verify", "/verifier"),
        ("en-03-dashboard", "/console"),
        ("en-04-issuer", f"/console/emetteurs/{issuer['id']}"),
        ("en-05-awards", f"/console/emetteurs/{issuer['id']}/attributions"),
        ("en-06-reports", f"/console/emetteurs/{issuer['id']}/rapports"),
        ("en-07-my-badge", link.group(0).removeprefix(site.url)),
    ]:
        page.goto(f"{site.url}{path}")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        check_accessibility(page, name, problems)
    assert problems == {}, problems


def test_the_verification_form_works_without_javascript(
    browser: Browser, site: Site, database: Database
) -> None:
    admin = make_token(database, Role.ADMIN)
    issuer = create_issuer(site.client, admin)
    coordinator = make_token(database, Role.COORDINATOR, [issuer["id"]])
    badge = create_badge_class(site.client, coordinator, issuer["id"])
    award = site.client.post(
        f"/api/v1/badge-classes/{badge['id']}/awards",
        json={"recipient_email": "lea@example.fr"},
        headers={"Authorization": f"Bearer {coordinator}"},
    ).json()
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{site.url}/verifier")
    page.get_by_label("Lien ou contenu du badge").fill(f"{site.url}/awards/{award['id']}")
    page.get_by_role("button", name="Vérifier", exact=True).click()
    expect(page.locator(".status")).to_contain_text("Badge valide")
    # The skip link is the first thing the keyboard reaches, and it leads to the content.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()
    context.close()


def test_the_accessibility_check_does_find_problems(page: Page, site: Site) -> None:
    """The axe check above would be worthless if it could not fail: on a page built to break the
    rules, it reports them."""
    page.goto(f"{site.url}/accessibilite")
    page.evaluate(
        "() => { const img = document.createElement('img'); img.src = '/static/none.png';"
        " document.querySelector('main').appendChild(img);"
        " const p = document.createElement('p'); p.textContent = 'pâle'; p.style.color = '#eeeeee';"
        " document.querySelector('main').appendChild(p); }"
    )
    found = {v["id"] for v in serious_violations(page)}
    assert {"image-alt", "color-contrast"} <= found


def test_the_api_documentation_runs_from_this_origin_under_the_pages_csp(
    browser: Browser, site: Site
) -> None:
    """Regression (issue 15, point 12): /docs and /redoc loaded floating-version scripts from a
    CDN, without integrity, with no CSP, on the console's origin. Now: Swagger UI's assets from a
    package, served here, under the pages' CSP (this context does not bypass it)."""
    context = browser.new_context()
    page = context.new_page()
    violations: list[str] = []
    elsewhere: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.on(
        "request",
        lambda r: None if r.url.startswith((site.url, "data:", "blob:")) else elsewhere.append(r.url),
    )
    try:
        page.goto(f"{site.url}/docs")
        page.wait_for_selector(".swagger-ui .info .title", timeout=20_000)
        assert "Fabrique à badges" in page.inner_text(".swagger-ui .info .title")
        screenshot(page, "api-docs")
    finally:
        context.close()
    assert violations == []
    assert elsewhere == []
    headers = site.client.get("/docs").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert site.client.get("/redoc").status_code == 404  # its inline styles cannot pass that CSP


# What sticks out of the window, to say which element broke the reflow.
WIDER_THAN_THE_WINDOW = """() => [...document.querySelectorAll('main *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(0, 5).map(e => e.tagName + '.' + e.className)"""


def test_every_console_page_passes_axe_and_reflows_at_320_pixels(
    browser: Browser, site: Site, database: Database
) -> None:
    """Issue 17: the console's pages (new ones included) pass axe at 1280, 640 and 320 px wide, and
    at none of these widths does the page scroll sideways: a wide table scrolls in its own box."""
    admin_token = make_token(database, Role.ADMIN)
    issuer = create_issuer(site.client, admin_token, name="Hub numérique d'Occitanie")
    token = {"Authorization": f"Bearer {admin_token}"}
    badge = create_badge_class(site.client, admin_token, issuer["id"], name="Accueillir les publics")
    site.client.post(
        f"/api/v1/badge-classes/{badge['id']}/awards",
        json={"recipient_email": "lea@example.fr"},
        headers=token,
    )
    session = site.client.post(
        f"/api/v1/issuers/{issuer['id']}/sessions",
        json={
            "title": "Accueillir en illectronisme",
            "half_days": [
                {"starts_at": "2026-11-20T08:00:00Z", "ends_at": "2026-11-20T11:30:00Z"},
                {"starts_at": "2026-11-20T12:30:00Z", "ends_at": "2026-11-20T16:00:00Z"},
            ],
            "rules": [{"badge_class_id": badge["id"], "all_half_days": True}],
        },
        headers=token,
    ).json()
    site.client.post(
        f"/api/v1/sessions/{session['id']}/enrolments",
        json={"enrolments": [{"name": "Camille Durand", "email": "camille@example.fr"}]},
        headers=token,
    )
    site.client.post(
        f"/api/v1/issuers/{issuer['id']}/keys/rotate", params={"purpose": "data-integrity"}, headers=token
    )
    email = make_account(database, Role.ADMIN, email="admin@hub.example.fr")
    problems: dict[str, list[dict[str, object]]] = {}
    for width in (1280, 640, 320):  # 640 px: a 1280 px screen at 200 % zoom; 320 px: at 400 %
        context = browser.new_context(
            viewport={"width": width, "height": 900}, locale="fr-FR", bypass_csp=True
        )
        page = context.new_page()
        page.goto(f"{site.url}/console/connexion")
        page.get_by_label("Adresse électronique").fill(email)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()
        page.goto(f"{site.url}/console/emetteurs/{issuer['id']}")
        retired = page.get_by_role("link", name="Retirer…").first.get_attribute("href")
        assert retired
        paths = {
            "tableau-de-bord": "/console",
            "emetteur": f"/console/emetteurs/{issuer['id']}",
            "emetteur-modifier": f"/console/emetteurs/{issuer['id']}/modifier",
            "badge": f"/console/badges/{badge['id']}",
            "attributions": f"/console/emetteurs/{issuer['id']}/attributions",
            "formation": f"/console/formations/{session['id']}",
            "formation-modifier": f"/console/formations/{session['id']}/modifier",
            "formation-cloturer": f"/console/formations/{session['id']}/cloturer",
            "cle-retrait": retired,
            "rapports": f"/console/emetteurs/{issuer['id']}/rapports",
            "comptes": "/console/comptes",
            "jetons": "/console/jetons",
            "journal": "/console/journal",
        }
        for name, path in paths.items():
            page.goto(f"{site.url}{path}")
            for details in page.locator("details").all():
                details.evaluate("d => d.open = true")
            check_accessibility(page, f"console-{width}-{name}", problems)
            overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            wide = page.evaluate(WIDER_THAN_THE_WINDOW) if overflow > 0 else []
            assert overflow <= 0, (width, name, overflow, wide)
        context.close()
    context = browser.new_context(viewport={"width": 320, "height": 900}, locale="fr-FR", bypass_csp=True)
    page = context.new_page()
    page.goto(f"{site.url}/console/mot-de-passe-oublie")
    check_accessibility(page, "console-320-mot-de-passe-oublie", problems)
    context.close()
    assert problems == {}, problems


def test_participants_sign_the_sheet_on_a_phone(browser: Browser, site: Site, database: Database) -> None:
    """Issue 17, point 9: the half-day's link opened on phones (375 px), each participant signs;
    axe on the form and on the confirmation; the console's grid then says signed."""
    admin_token = make_token(database, Role.ADMIN)
    issuer = create_issuer(site.client, admin_token)
    token = {"Authorization": f"Bearer {admin_token}"}
    now = datetime.now(PARIS).replace(second=0, microsecond=0)
    session = site.client.post(
        f"/api/v1/issuers/{issuer['id']}/sessions",
        json={
            "title": "Accueillir en illectronisme",
            "half_days": [
                {
                    "starts_at": (now - timedelta(minutes=5)).isoformat(),
                    "ends_at": (now + timedelta(hours=3)).isoformat(),
                }
            ],
        },
        headers=token,
    ).json()
    people = [("Camille Durand", "camille@mairie.example.fr"), ("Samir Haddad", "samir@caf.example.fr")]
    site.client.post(
        f"/api/v1/sessions/{session['id']}/enrolments",
        json={"enrolments": [{"name": n, "email": e} for n, e in people]},
        headers=token,
    )
    email = make_account(database, Role.ADMIN, email="coordination@hub.example.fr")
    desk = browser.new_context(locale="fr-FR", bypass_csp=True)
    console = desk.new_page()
    console.goto(f"{site.url}/console/connexion")
    console.get_by_label("Adresse électronique").fill(email)
    console.get_by_label("Mot de passe").fill(PASSWORD)
    console.get_by_role("button", name="Se connecter").click()
    console.goto(f"{site.url}/console/formations/{session['id']}")
    link = console.locator("a[href*='/emargement/']").first.get_attribute("href")
    assert link
    expect(console.get_by_role("img", name=re.compile("Code QR du lien"))).to_be_visible()
    problems: dict[str, list[dict[str, object]]] = {}
    for name, address in people:
        phone_context = browser.new_context(
            viewport={"width": 375, "height": 740}, is_mobile=True, locale="fr-FR", bypass_csp=True
        )
        phone = phone_context.new_page()
        phone.goto(link)
        check_accessibility(phone, f"emargement-{address.split('@')[0]}", problems)
        phone.get_by_label("Votre adresse électronique professionnelle").fill(address)
        phone.get_by_label("Votre nom, qui vaut signature").fill(name)
        phone.get_by_label("Je certifie être présent·e à cette demi-journée.").check()
        phone.get_by_role("button", name="Signer ma présence").click()
        expect(phone.get_by_role("status")).to_contain_text(f"au nom de « {name} »")
        check_accessibility(phone, f"emargement-{address.split('@')[0]}-signe", problems)
        overflow = phone.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        phone_context.close()
    console.reload()
    expect(console.get_by_text(re.compile(r"^signé à \d\d:\d\d$"))).to_have_count(2)
    desk.close()
    assert problems == {}, problems


def earner_space_link(site: Site, database: Database, email: str) -> str:
    """Ask for the earner space's link as an earner would, and make it as the worker does."""
    assert site.client.post("/mon-espace", data={"email": email}).status_code == 200
    with database.transaction(write=False) as session:
        message_id = session.scalars(
            select(OutboxMessage.id).where(OutboxMessage.kind == "earner-space-link")
        ).one()
    return f"/mon-espace/{earner_space.token_for(site.app.state.services.secret, message_id)}"


def test_public_and_earner_pages_reflow_at_320_pixels(
    browser: Browser, site: Site, database: Database
) -> None:
    """Issue 18, point 10: every public and earner page passes axe at 320 and 640 px (200 % zoom)
    and never scrolls sideways (the badge page was 519 px wide at 320)."""
    admin_token = make_token(database, Role.ADMIN)
    issuer = create_issuer(site.client, admin_token, name="Hub numérique d'Occitanie")
    badge = create_badge_class(
        site.client, admin_token, issuer["id"], name="Accueillir les publics éloignés du numérique"
    )
    award = site.client.post(
        f"/api/v1/badge-classes/{badge['id']}/awards",
        json={"recipient_email": "camille.durand@mairie.example.fr", "recipient_name": "Camille Durand"},
        headers={"Authorization": f"Bearer {admin_token}"},
    ).json()
    link = f"/mon-badge/{earner_links.token_for(site.app.state.services.secret, award['id'])}"
    site.client.post(f"{link}/publier", data={"show_name": "1"}, follow_redirects=False)
    space = earner_space_link(site, database, "camille.durand@mairie.example.fr")
    offered = site.client.post(f"{link}/portefeuille").text
    offer_id = re.search(r"offres%2F([a-z2-7]{26})", offered).group(1)  # type: ignore[union-attr]
    problems: dict[str, list[dict[str, object]]] = {}
    for width in (640, 320):
        context = browser.new_context(
            viewport={"width": width, "height": 900}, locale="fr-FR", bypass_csp=True
        )
        page = context.new_page()
        for name, path in {
            "accueil": "/",
            "verifier": "/verifier",
            "badge": f"/awards/{award['id']}",
            "badge-partage": f"/b/{award['id']}",
            "mon-espace": "/mon-espace",
            "mon-espace-badges": space,
            "portefeuille-lien": f"/portefeuille/{offer_id}",
            "modele": f"/badges/{badge['id']}",
            "emetteur": f"/issuers/{issuer['id']}",
            "mon-badge": link,
            "effacer": f"{link}/effacer",
            "accessibilite": "/accessibilite",
            "connexion": "/console/connexion",
        }.items():
            page.goto(f"{site.url}{path}")
            check_accessibility(page, f"public-{width}-{name}", problems)
            overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            wide = page.evaluate(WIDER_THAN_THE_WINDOW) if overflow > 0 else []
            assert overflow <= 0, (width, name, overflow, wide)
        page.goto(f"{site.url}{link}")  # the wallet offer, made by the earner's button
        page.get_by_role("button", name="Ajouter à mon portefeuille").click()
        page.get_by_text("Votre portefeuille ne lit pas ce code\u202f?").click()
        check_accessibility(page, f"public-{width}-portefeuille", problems)
        assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
        context.close()
    assert problems == {}, problems


def test_the_copy_button_copies_the_badge_pages_address(
    browser: Browser, site: Site, database: Database
) -> None:
    """Issue 18, point 3: the copy button (shown only where the script runs) puts the page's
    address on the clipboard and says so to screen readers."""
    admin_token = make_token(database, Role.ADMIN)
    issuer = create_issuer(site.client, admin_token)
    badge = create_badge_class(site.client, admin_token, issuer["id"])
    award = site.client.post(
        f"/api/v1/badge-classes/{badge['id']}/awards",
        json={"recipient_email": "lea@example.fr"},
        headers={"Authorization": f"Bearer {admin_token}"},
    ).json()
    link = f"/mon-badge/{earner_links.token_for(site.app.state.services.secret, award['id'])}"
    site.client.post(f"{link}/publier", data={}, follow_redirects=False)
    context = browser.new_context(locale="fr-FR", permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(f"{site.url}/awards/{award['id']}")
    page.get_by_role("button", name="Copier le lien de la page").click()
    expect(page.get_by_role("status").filter(has_text="Lien copié.")).to_be_visible()
    assert page.evaluate("() => navigator.clipboard.readText()") == f"{site.url}/b/{award['id']}"
    context.close()

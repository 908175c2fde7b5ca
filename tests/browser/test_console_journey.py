"""Issue 17: a network runs from the console alone, in a real browser, from an empty instance to
badges issued, emails visible and documents downloaded; nobody touches the API. The one step
outside the console is the operator's first administrator account (`fabrique accounts create`).
axe checks every page state on the way."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from service.domain.access import Role
from service.persistence.database import Database
from service.worker import drain_once
from tests.api.test_sessions import sender, services_of
from tests.browser.conftest import Site, screenshot, serious_violations
from tests.factories import PASSWORD, make_account
from tests.smtp_server import smtp_server

pytestmark = pytest.mark.browser
PARIS = ZoneInfo("Europe/Paris")
NEW_PASSWORD = "une longue phrase de passe pour nadia"


def checked(page: Page, name: str, problems: dict[str, object]) -> None:
    screenshot(page, f"journey-{name}")
    found = serious_violations(page)
    if found:
        problems[name] = found


def test_a_network_runs_from_the_console_alone(
    browser: Browser, site: Site, database: Database, tmp_path: Path
) -> None:
    problems: dict[str, object] = {}
    admin_email = make_account(database, Role.ADMIN, email="admin@reseau.example.fr")
    admin_context = browser.new_context(accept_downloads=True, bypass_csp=True, locale="fr-FR")
    admin = admin_context.new_page()
    admin.goto(f"{site.url}/console/connexion")
    admin.get_by_label("Adresse électronique").fill(admin_email)
    admin.get_by_label("Mot de passe").fill(PASSWORD)
    admin.get_by_role("button", name="Se connecter").click()

    # The network as an issuer, and the catalogue of mediation skills.
    admin.get_by_role("link", name="Créer un émetteur").click()
    admin.get_by_label("Nom de la structure").fill("Réseau des médiateurs d'Occitanie")
    admin.get_by_label("Site web").fill("https://reseau.example.fr")
    admin.get_by_label("Adresse de contact").fill("contact@reseau.example.fr")
    admin.get_by_role("button", name="Créer").click()
    expect(admin.get_by_role("heading", name="Réseau des médiateurs d'Occitanie")).to_be_visible()
    admin.get_by_role("button", name="Importer le catalogue des compétences de médiation").click()
    expect(admin.get_by_text(re.compile(r"Catalogue importé\s: 12 badge\(s\) créé\(s\)"))).to_be_visible()
    checked(admin, "01-emetteur-catalogue", problems)

    # A coordinator invited by email chooses her password through the link.
    admin.goto(f"{site.url}/console/comptes")
    admin.get_by_label("Adresse électronique").fill("nadia@hub.example.fr")
    admin.get_by_label("Nom", exact=True).fill("Nadia Benali")
    admin.get_by_role("checkbox", name="Réseau des médiateurs d'Occitanie").check()
    admin.get_by_role("button", name="Envoyer l'invitation").click()
    expect(admin.get_by_text(re.compile("Invitation envoyée"))).to_be_visible()
    checked(admin, "02-comptes", problems)
    with smtp_server() as (inbox, port):
        drain_once(services_of(site.app), sender(port), "journey")
    invitation = inbox.messages[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    link = re.search(r"http://\S+/console/lien/\S+", invitation)
    assert link, invitation

    context = browser.new_context(accept_downloads=True, bypass_csp=True, locale="fr-FR")
    nadia = context.new_page()
    nadia.goto(link.group(0))
    checked(nadia, "03-choisir-mot-de-passe", problems)
    nadia.locator("#password").fill(NEW_PASSWORD)
    nadia.get_by_label("Le même mot de passe, encore").fill(NEW_PASSWORD)
    nadia.get_by_role("button", name="Enregistrer et se connecter").click()
    expect(nadia.get_by_role("heading", name="Tableau de bord")).to_be_visible()

    # A session held yesterday, the participants' badge from the catalogue.
    nadia.get_by_role("link", name="Réseau des médiateurs d'Occitanie").click()
    nadia.get_by_role("link", name="Nouvelle formation").click()
    day = datetime.now(PARIS).date() - timedelta(days=1)
    nadia.get_by_label("Intitulé").fill("Accueillir en illectronisme")
    nadia.locator("#hd_date_0").fill(day.isoformat())
    nadia.locator("#hd_period_0").select_option("matin")
    nadia.locator("#hd_date_1").fill(day.isoformat())
    nadia.locator("#hd_period_1").select_option("apres-midi")
    nadia.get_by_label("Pair formateur 1\u202f: nom").fill("Alex Martin")
    nadia.get_by_label("Pair formateur 1\u202f: adresse électronique").fill("alex.martin@coop.example.org")
    nadia.locator("#rule_badge").select_option(label="Participant·e à un cycle entre pairs")
    nadia.get_by_role("button", name="Créer la formation").click()
    expect(nadia.get_by_role("heading", name="Accueillir en illectronisme")).to_be_visible()
    sheet = tmp_path / "feuille.csv"
    date_fr = day.strftime("%d/%m/%Y")
    sheet.write_text(
        f"Nom;Courriel;Structure;{date_fr} matin;{date_fr} après-midi\n"
        "Camille Durand;camille.durand@mairie.example.fr;Mairie;oui;oui\n"
        "Samir Haddad;samir.haddad@caf.example.fr;CAF;oui;non\n",
        encoding="cp1252",
    )
    nadia.get_by_label("Importer la feuille d'inscription ou d'émargement (CSV)").set_input_files(sheet)
    nadia.get_by_role("button", name="Importer", exact=True).click()
    expect(nadia.get_by_text("2 personne(s) importée(s), 3 présence(s) enregistrée(s).")).to_be_visible()
    expect(nadia.get_by_text("non obtenu — une demi-journée manquée")).to_be_visible()
    checked(nadia, "04-formation", problems)

    # Closing, after the page that says what it will do.
    nadia.get_by_role("link", name="Clôturer la formation et émettre les badges…").click()
    expect(nadia.get_by_text("1 badge sera émis et signé maintenant.")).to_be_visible()
    checked(nadia, "05-confirmer-cloture", problems)
    nadia.get_by_role("button", name="Clôturer et émettre les badges").click()
    expect(nadia.get_by_text(re.compile(r"badges? émis"))).to_be_visible()

    # The documents for the funders.
    with nadia.expect_download() as sheet_pdf:
        nadia.get_by_role("link", name="Feuille d'émargement (PDF)").click()
    assert Path(sheet_pdf.value.path()).read_bytes().startswith(b"%PDF-")
    with nadia.expect_download() as certificate:
        nadia.get_by_role("link", name="Attestation de Camille Durand (PDF)").click()
    assert Path(certificate.value.path()).read_bytes().startswith(b"%PDF-")

    # The emails leave; each award says so. One more person, awarded by hand, then revoked.
    with smtp_server() as (inbox, port):
        drained = drain_once(services_of(site.app), sender(port), "journey")
    assert drained.sent >= 1
    nadia.get_by_role("link", name="Retour à l'émetteur").click()
    nadia.get_by_role("link", name="Attributions").click()
    expect(nadia.get_by_text(re.compile("courriel envoyé le")).first).to_be_visible()
    nadia.get_by_text("Attribuer un badge à une personne").click()
    nadia.locator("#badge_class_id").select_option(label="Culture numérique")
    nadia.get_by_label("Nom de la personne").fill("Inès Martin")
    nadia.get_by_label("Adresse électronique", exact=True).fill("ines.martin@mairie.example.fr")
    nadia.get_by_role("button", name="Attribuer le badge").click()
    expect(nadia.get_by_text("Badge attribué.")).to_be_visible()
    expect(nadia.get_by_text("courriel en attente d'envoi")).to_be_visible()
    checked(nadia, "06-attributions", problems)
    nadia.get_by_label(re.compile("Motif de révocation")).first.fill("Attribué par erreur")
    nadia.get_by_role("button", name="Révoquer…").first.click()
    expect(nadia.get_by_text("Le motif devient public", exact=False)).to_be_visible()
    checked(nadia, "07-confirmer-revocation", problems)
    nadia.get_by_role("button", name="Révoquer le badge").click()
    expect(nadia.get_by_text("Badge révoqué.")).to_be_visible()
    context.close()

    # The administrator reads who did what.
    admin.goto(f"{site.url}/console/journal")
    expect(admin.get_by_text("nadia@hub.example.fr").first).to_be_visible()
    for action in ("formation clôturée", "badge révoqué", "catalogue importé"):
        expect(admin.locator("td", has_text=action).first).to_be_visible()
    checked(admin, "08-journal", problems)
    admin_context.close()
    assert problems == {}, problems

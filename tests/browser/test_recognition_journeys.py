"""Issue 20's journeys in a real browser, with real emails: a coordinator invites a partner, who
endorses the badge class through the emailed link, and a visitor reads and verifies it; a
mediator requests a badge with a file of evidence, two peers who hold it and a coordinator
review it, and the badge arrives carrying their endorsements. axe checks every page state."""

from __future__ import annotations

import re
from email.message import EmailMessage
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from service.domain.access import Role
from service.persistence.database import Database
from service.worker import drain_once
from tests.api.test_sessions import sender, services_of
from tests.browser.conftest import Site, all_violations, screenshot
from tests.factories import PASSWORD, create_badge_class, create_issuer, issue_award, make_account, make_token
from tests.smtp_server import smtp_server

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PEERS = ("lea.bernard@cc-vallee.example.fr", "yanis.petit@mediatheque.example.fr")
REQUESTER = "sam.leroy@france-services.example.fr"


def send_emails(site: Site) -> list[EmailMessage]:
    with smtp_server() as (inbox, port):
        drain_once(services_of(site.app), sender(port), "browser-test")
    return list(inbox.messages)


def link_to(mails: list[EmailMessage], recipient: str, path: str) -> str:
    mail = next(m for m in reversed(mails) if recipient in str(m["To"]).lower())
    body = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    found = re.search(r"https?://\S+" + re.escape(path) + r"\S+", body)
    assert found, body
    return found.group(0)


def checked(page: Page, name: str, problems: dict[str, object]) -> None:
    screenshot(page, f"recognition-{name}")
    found = all_violations(page)
    if found:
        problems[name] = found


def network(site: Site, database: Database) -> tuple[str, str, str]:
    """(issuer id, coordinator token, badge class id), and a console account for the coordinator."""
    admin = make_token(database, Role.ADMIN)
    issuer = create_issuer(site.client, admin, name="Réseau des médiateurs d'Occitanie")
    token = make_token(database, Role.COORDINATOR, [issuer["id"]])
    badge = create_badge_class(site.client, token, issuer["id"], name="Accompagner une démarche en ligne")
    make_account(database, Role.COORDINATOR, [issuer["id"]], email="coord@reseau.example.fr")
    return issuer["id"], token, badge["id"]


def console(browser: Browser, site: Site) -> Page:
    page = browser.new_context(locale="fr-FR", bypass_csp=True).new_page()
    page.goto(f"{site.url}/console/connexion")
    page.get_by_label("Adresse électronique").fill("coord@reseau.example.fr")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    return page


def test_an_invited_partner_endorses_a_badge_and_a_visitor_verifies_it(
    browser: Browser, site: Site, database: Database
) -> None:
    problems: dict[str, object] = {}
    _, _, badge_id = network(site, database)
    coordinator = console(browser, site)
    coordinator.goto(f"{site.url}/console/badges/{badge_id}")
    coordinator.get_by_role("link", name="Recommandations").click()
    checked(coordinator, "01-console-recommandations", problems)
    coordinator.get_by_label("À quel titre").select_option(label="organisation partenaire")
    coordinator.get_by_label("Adresse électronique").fill("contact@france-services.example.fr")
    coordinator.get_by_label("Nom (facultatif)").fill("France Services de la Vallée")
    coordinator.get_by_role("button", name="Envoyer l'invitation").click()
    expect(coordinator.get_by_text("Invitation envoyée.")).to_be_visible()
    expect(coordinator.get_by_text("France Services de la Vallée — organisation partenaire")).to_be_visible()

    partner = browser.new_context(locale="fr-FR", bypass_csp=True).new_page()
    partner.goto(link_to(send_emails(site), "contact@france-services.example.fr", "/recommander/"))
    checked(partner, "02-formulaire", problems)
    expect(partner.get_by_role("radio", name="organisation")).to_be_checked()  # a partner endorses as one
    expect(partner.get_by_label(re.compile("Nom affiché"))).to_have_value("France Services de la Vallée")
    partner.get_by_label("Votre recommandation").fill(
        "Nos agents formés par le réseau accueillent mieux les personnes éloignées du numérique."
    )
    partner.get_by_label(re.compile("J'accepte que cette recommandation soit publiée")).check()
    partner.get_by_role("button", name="Signer et publier ma recommandation").click()
    expect(partner.get_by_text("Merci\u202f: votre recommandation est publiée et signée.")).to_be_visible()
    checked(partner, "04-merci", problems)
    partner.get_by_role("link", name="Voir votre recommandation").click()
    expect(partner.get_by_text("Nos agents formés par le réseau")).to_be_visible()
    checked(partner, "05-recommandation", problems)

    visitor = browser.new_context(locale="fr-FR", bypass_csp=True).new_page()
    visitor.goto(f"{site.url}/badges/{badge_id}")
    section = visitor.get_by_role("region", name="Recommandations")
    expect(section.get_by_text("Nos agents formés par le réseau")).to_be_visible()
    expect(section.get_by_role("link", name="France Services de la Vallée")).to_be_visible()
    checked(visitor, "06-page-du-badge", problems)
    section.get_by_role("link", name="Voir et vérifier cette recommandation").click()
    visitor.get_by_role("link", name="Vérifier cette recommandation").click()
    expect(visitor.get_by_text("Recommandation valide", exact=True)).to_be_visible()
    checked(visitor, "07-verification", problems)
    assert problems == {}, problems


def test_a_request_reviewed_by_two_peers_and_a_coordinator(
    browser: Browser, site: Site, database: Database, tmp_path: Path
) -> None:
    problems: dict[str, object] = {}
    issuer_id, token, badge_id = network(site, database)
    for peer in PEERS:
        issue_award(site.client, token, badge_id, recipient_email=peer)
    coordinator = console(browser, site)
    coordinator.goto(f"{site.url}/console/badges/{badge_id}")
    coordinator.get_by_label("Ce badge peut être demandé").check()
    coordinator.get_by_label("Avis favorables de pairs nécessaires").select_option("2")
    coordinator.get_by_label("Accord de l'équipe de coordination nécessaire").check()
    coordinator.get_by_role("button", name="Enregistrer la règle des demandes").click()
    expect(coordinator.get_by_text("Règle des demandes enregistrée.")).to_be_visible()

    # The mediator asks, from the badge's public page, with a file of evidence.
    evidence = tmp_path / "bilan-ateliers.pdf"
    evidence.write_bytes(PDF)
    mediator = browser.new_context(locale="fr-FR", bypass_csp=True).new_page()
    mediator.goto(f"{site.url}/badges/{badge_id}")
    mediator.get_by_role("link", name="Demander ce badge").click()
    checked(mediator, "10-demande", problems)
    mediator.get_by_label("Votre nom").fill("Sam Leroy")
    mediator.get_by_label("Votre adresse électronique professionnelle").fill(REQUESTER)
    mediator.get_by_label("Pourquoi vous remplissez les critères").fill(
        "J'accompagne chaque semaine des démarches en ligne à France Services, depuis deux ans."
    )
    mediator.get_by_label("Liens vers des preuves (facultatif)").fill(
        "https://france-services.example.fr/bilan"
    )
    mediator.get_by_label("Pièces jointes (facultatif)").set_input_files(str(evidence))
    mediator.get_by_label("Pairs à qui demander une relecture").fill("\n".join(PEERS))
    mediator.get_by_label(re.compile("J'accepte que ma demande")).check()
    mediator.get_by_role("button", name="Envoyer ma demande").click()
    expect(mediator.get_by_text(re.compile("Presque fini"))).to_be_visible()
    checked(mediator, "11-envoyee", problems)
    mediator.goto(link_to(send_emails(site), REQUESTER, "/mes-demandes/"))
    checked(mediator, "12-a-confirmer", problems)
    mediator.get_by_role("button", name="Confirmer ma demande").click()
    expect(
        mediator.get_by_text("Votre demande est confirmée\u202f: les relecteur·rices sont invité·es.")
    ).to_be_visible()
    checked(mediator, "13-en-relecture", problems)

    # Two peers review through their links; the first agrees to be named.
    invitations = send_emails(site)
    for number, peer in enumerate(PEERS):
        reviewer = browser.new_context(locale="fr-FR", bypass_csp=True).new_page()
        reviewer.goto(link_to(invitations, peer, "/relecture/"))
        expect(reviewer.get_by_role("link", name="bilan-ateliers.pdf")).to_be_visible()
        if number == 0:
            checked(reviewer, "14-relecture", problems)
        reviewer.get_by_label("Oui, je suis favorable").check()
        reviewer.get_by_label("Votre commentaire, lu par la personne").fill(
            "Je l'ai vu accompagner des démarches avec soin." if number == 0 else "Favorable."
        )
        if number == 0:
            reviewer.get_by_label(re.compile("publier mon avis favorable à mon nom")).check()
            reviewer.get_by_label(re.compile("Votre nom")).fill("Léa Bernard")
        reviewer.get_by_role("button", name="Envoyer mon avis").click()
        expect(reviewer.get_by_text("Merci\u202f: votre avis est enregistré.")).to_be_visible()
    mediator.reload()
    expect(mediator.get_by_text("Avis favorables de pairs\u202f: 2 sur 2.")).to_be_visible()

    # The coordinator gives the last opinion in the console.
    coordinator.goto(f"{site.url}/console/emetteurs/{issuer_id}")
    coordinator.get_by_role("link", name="Demandes de badge").click()
    checked(coordinator, "15-console-demandes", problems)
    coordinator.get_by_role("link", name="Sam Leroy").click()
    checked(coordinator, "16-console-demande", problems)
    coordinator.get_by_label("Favorable", exact=True).check()
    coordinator.get_by_label("Commentaire, lu par la personne").fill("Conforme aux critères du réseau.")
    coordinator.get_by_label(re.compile("publier mon avis à mon nom")).check()
    coordinator.get_by_role("button", name="Enregistrer l'avis").click()
    expect(coordinator.get_by_text("Avis enregistré.")).to_be_visible()

    # The badge arrives, carrying the two named reviewers' endorsements.
    mediator.reload()
    expect(mediator.get_by_text("Acceptée\u202f: le badge vous est délivré")).to_be_visible()
    checked(mediator, "17-acceptee", problems)
    mediator.get_by_role("link", name="Voir mon badge").click()
    section = mediator.get_by_role("region", name="Recommandations")
    expect(section.get_by_role("link", name="Léa Bernard")).to_be_visible()
    expect(section.get_by_text("Conforme aux critères du réseau.")).to_be_visible()
    checked(mediator, "18-mon-badge", problems)
    assert problems == {}, problems

"""Issue 21, point 7: the accessibility statement has what the RGAA's model expects — the
compliance status with the date and method of the evaluation, the contents known not to comply,
a contact to report a problem that the operator sets, and the remedy — and claims no more than
the pages meet (no audit: « non conforme », no compliance rate)."""

from __future__ import annotations

from html import unescape

from fastapi.testclient import TestClient

from service.app import create_app
from service.clock import FixedClock
from service.persistence.database import Database
from service.settings import Settings

BROWSER = {"Accept": "text/html"}


def statement(client: TestClient, language: str = "fr") -> str:
    answer = client.get("/accessibilite", headers={**BROWSER, "Accept-Language": language})
    assert answer.status_code == 200
    return unescape(answer.text)


def test_the_statement_has_every_part_and_claims_no_audit(client: TestClient) -> None:
    text = statement(client)
    for heading in (
        "État de conformité",
        "Comment il est évalué",
        "Contenus non accessibles",
        "Signaler un problème",
        "Voies de recours",
    ):
        assert f">{heading}</h2>" in text, heading
    assert (
        "non conforme au référentiel général d'amélioration de l'accessibilité (RGAA), version 4.1.2" in text
    )
    assert "Aucun audit de conformité n'a encore été réalisé" in text
    assert "4 décembre 2026" in text
    assert "axe-core" in text
    assert "Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07" in text
    assert 'href="https://formulaire.defenseurdesdroits.fr/"' in text
    assert "%" not in text.split("État de conformité")[1].split("Comment")[0]  # no compliance rate
    # Without a configured contact, it says so and points to the badge's issuer.
    assert "n'a pas encore indiqué de contact" in text
    english = statement(client, "en")
    assert "This service does not comply with the French accessibility framework (RGAA)" in english


def test_the_operator_sets_the_contact_and_its_name(
    settings: Settings, clock: FixedClock, database: Database
) -> None:
    for contact, link in (
        ("accessibilite@reseau.example.fr", 'href="mailto:accessibilite@reseau.example.fr"'),
        ("https://reseau.example.fr/accessibilite", 'href="https://reseau.example.fr/accessibilite"'),
    ):
        configured = settings.model_copy(
            update={"accessibility_contact": contact, "operator_name": "Réseau des médiateurs d'Occitanie"}
        )
        with TestClient(create_app(configured, clock=clock, database=database)) as client:
            text = statement(client)
        assert link in text
        assert "Réseau des médiateurs d'Occitanie s'engage à rendre ce service accessible" in text
        assert "n'a pas encore indiqué de contact" not in text

"""The coordinator's daily work in the console (issue 17): what the preview says and why,
confirmations before what cannot be undone, and the known bugs (search by id, erased people in
the attendance grid, ignored CSV columns)."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from fastapi.testclient import TestClient
from sqlalchemy import select

from service.clock import FixedClock
from service.domain.access import Role
from service.persistence.database import Database
from service.persistence.tables import Award, SigningKey
from service.persistence.training_tables import TrainingSession
from tests.api.conftest import World
from tests.api.test_sessions import held_session
from tests.factories import auth, console_csrf, earner_link, make_account, sign_in


def coordinator(client: TestClient, database: Database, world: World) -> str:
    sign_in(client, make_account(database, Role.COORDINATOR, [world.issuer_id]))
    return console_csrf(client)


def awards_page(client: TestClient, world: World, q: str) -> str:
    return unescape(client.get(f"/console/emetteurs/{world.issuer_id}/attributions", params={"q": q}).text)


def test_awards_are_found_by_their_id_and_by_their_badge_url(
    client: TestClient, database: Database, world: World
) -> None:
    """Regression: ids are lower case and the search upper-cased them, so it never matched (and
    the page shown after a revocation or a resend was empty)."""
    coordinator(client, database, world)
    for q in (world.award_id, world.award_id.upper(), f"http://testserver/awards/{world.award_id}?x=1"):
        page = awards_page(client, world, q)
        assert "1 attribution" in page, q
        assert world.award_id in page, q
    assert "0 attributions" in awards_page(client, world, "a" * 26)


def test_the_preview_says_why_a_badge_is_not_earned(
    client: TestClient, database: Database, world: World
) -> None:
    cycle = held_session(client, world)  # Léa came in the morning only
    coordinator(client, database, world)
    page = unescape(client.get(f"/console/formations/{cycle.session['id']}").text)
    assert "non obtenu — une demi-journée manquée" in page
    english = unescape(
        client.get(f"/console/formations/{cycle.session['id']}", headers={"Accept-Language": "en"}).text
    )
    assert "not earned — one half-day missed" in english
    seven_hours = held_session(client, world, title="Sept heures")
    rule = {"badge_class_id": seven_hours.participant_badge, "min_hours": 7}
    changed = client.patch(
        f"/api/v1/sessions/{seven_hours.session['id']}",
        json={"rules": [rule]},
        headers=auth(world.coordinator),
    )
    assert changed.status_code == 200, changed.text
    page = unescape(client.get(f"/console/formations/{seven_hours.session['id']}").text)
    assert "non obtenu — 3,5 h sur 7 requises" in page


def test_closing_needs_its_confirmation_page_which_says_what_will_happen(
    client: TestClient, database: Database, world: World
) -> None:
    cycle = held_session(client, world)
    csrf = coordinator(client, database, world)
    url = f"/console/formations/{cycle.session['id']}"
    assert f'href="{url}/cloturer"' in client.get(url).text
    confirmation = unescape(client.get(f"{url}/cloturer").text)
    # three participants and the trainer earn a badge; Léa does not, and the page says why
    assert "4 badges seront émis et signés maintenant." in confirmation
    assert "4 courriels partiront" in confirmation
    assert re.search(r"Léa Moreau</td><td>[^<]+</td><td>une demi-journée manquée", confirmation)
    for forged in ({"csrf": csrf}, {"csrf": csrf, "confirme": "non"}):
        refused = client.post(f"{url}/cloturer", data=forged, follow_redirects=False)
        assert refused.status_code == 303
    with database.transaction(write=False) as session:
        assert session.get(TrainingSession, cycle.session["id"]).state == "planned"  # type: ignore[union-attr]
    closed = client.post(f"{url}/cloturer", data={"csrf": csrf, "confirme": "oui"})
    assert closed.status_code == 200
    assert "4 badges émis" in unescape(closed.text)
    # once closed, the confirmation page only leads back
    assert client.get(f"{url}/cloturer", follow_redirects=False).status_code == 303


def test_revoking_shows_what_it_does_first_and_a_bad_reason_is_refused_there(
    client: TestClient, database: Database, world: World
) -> None:
    csrf = coordinator(client, database, world)
    url = f"/console/attributions/{world.award_id}/revoquer"
    too_long = client.post(url, data={"csrf": csrf, "reason": "x" * 1001})
    assert too_long.status_code == 422
    page = client.post(url, data={"csrf": csrf, "reason": "Erreur de saisie <b>"})
    text = unescape(page.text)
    assert "Le motif devient public" in text
    assert "Aucun courriel n'est envoyé" in text
    assert "Erreur de saisie &lt;b&gt;" in page.text  # escaped, and kept in the hidden field
    assert 'name="reason" value="Erreur de saisie &lt;b&gt;"' in page.text
    with database.transaction(write=False) as session:
        assert session.get(Award, world.award_id).revoked_at is None  # type: ignore[union-attr]
    client.post(url, data={"csrf": csrf, "reason": "Erreur de saisie <b>", "confirme": "oui"})
    with database.transaction(write=False) as session:
        award = session.get(Award, world.award_id)
        assert award is not None
        assert award.revoked_at is not None
        assert award.revocation_reason == "Erreur de saisie <b>"
    again = client.post(url, data={"csrf": csrf, "reason": "Encore"})
    assert again.status_code == 422
    assert "est déjà révoquée" in unescape(again.text)


def test_a_retired_key_is_withdrawn_by_an_administrator_after_a_page_that_counts_its_badges(
    client: TestClient, database: Database, world: World, clock: FixedClock
) -> None:
    clock.advance(timedelta(minutes=5))  # the world's award was made while the first key was active
    rotated = client.post(
        f"/api/v1/issuers/{world.issuer_id}/keys/rotate?purpose=data-integrity", headers=auth(world.admin)
    )
    assert rotated.status_code == 201, rotated.text
    with database.transaction(write=False) as session:
        old = session.scalars(
            select(SigningKey).where(
                SigningKey.issuer_id == world.issuer_id, SigningKey.retired_at.is_not(None)
            )
        ).one()
        kid = old.kid
    url = f"/console/emetteurs/{world.issuer_id}/cles/retrait/{kid}"
    csrf = coordinator(client, database, world)
    assert "Retirer…" not in client.get(f"/console/emetteurs/{world.issuer_id}").text
    assert client.get(url).status_code == 403  # a coordinator could end every badge the key signed
    assert client.post(url, data={"csrf": csrf, "confirme": "oui"}).status_code == 403
    sign_in(client, make_account(database, Role.ADMIN, email="admin@exemple.fr"))
    csrf = console_csrf(client)
    issuer_page = client.get(f"/console/emetteurs/{world.issuer_id}").text
    assert f'href="{url}"' in issuer_page
    page = unescape(client.get(url).text)
    assert "1 badge a été émis pendant que cette clé était active." in page
    assert client.post(url, data={"csrf": csrf}, follow_redirects=False).status_code == 303
    with database.transaction(write=False) as session:
        assert session.get(SigningKey, kid).withdrawn_at is None  # type: ignore[union-attr]
    done = client.post(url, data={"csrf": csrf, "confirme": "oui"})
    assert "Clé retirée." in unescape(done.text)
    with database.transaction(write=False) as session:
        assert session.get(SigningKey, kid).withdrawn_at is not None  # type: ignore[union-attr]
    assert "Cette clé est déjà retirée." in unescape(client.get(url).text)
    active = client.get(f"/console/emetteurs/{world.issuer_id}/cles/retrait/nope").status_code
    assert active == 404


def test_an_erased_person_shows_as_erased_in_the_grid_never_as_a_placeholder(
    client: TestClient, database: Database, world: World
) -> None:
    cycle = held_session(client, world)
    closed = client.post(f"/api/v1/sessions/{cycle.session['id']}/close", headers=auth(world.coordinator))
    issued = next(i for i in closed.json()["issued"] if i["origin"] == "session")
    erased = client.post(f"{earner_link(client, issued['award_id'])}/effacer", data={"confirm": "1"})
    assert erased.status_code in (200, 303)
    coordinator(client, database, world)
    page = unescape(client.get(f"/console/formations/{cycle.session['id']}").text)
    assert "erased+" not in page
    assert "@invalid" not in page
    assert "(données effacées)" in page
    assert "(données effacées) présent·e le" in page  # the checkbox's name too


def test_the_import_says_which_columns_were_ignored(
    client: TestClient, database: Database, world: World
) -> None:
    csrf = coordinator(client, database, world)
    sheet = (
        "Nom;Courriel;Date de naissance;Téléphone\nCamille Durand;camille@example.fr;01/02/1990;0601020304\n"
    )
    imported = client.post(
        f"/console/formations/{world.session_id}/import",
        data={"csrf": csrf},
        files={"file": ("feuille.csv", sheet.encode(), "text/csv")},
    )
    assert imported.status_code == 200
    text = unescape(imported.text)
    assert "1 personne(s) importée(s)" in text
    assert "Colonnes ignorées (rien n'en est enregistré) : Date de naissance, Téléphone." in text
    assert "01/02/1990" not in text

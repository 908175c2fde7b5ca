"""The coordinator's daily work in the console (issue 17): what the preview says and why,
confirmations before what cannot be undone, and the known bugs (search by id, erased people in
the attendance grid, ignored CSV columns)."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from service.clock import FixedClock
from service.domain.access import Role
from service.persistence.database import Database
from service.persistence.tables import Award, SigningKey
from service.persistence.training_tables import OutboxMessage, TrainingSession
from service.worker import drain_once
from tests.api.conftest import World
from tests.api.test_sessions import held_session, sender, services_of
from tests.factories import auth, console_csrf, earner_link, make_account, row_counts, sign_in
from tests.smtp_server import free_port, smtp_server


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
    assert "Colonnes ignorées (rien n'en est enregistré)\u202f: Date de naissance, Téléphone." in text
    assert "01/02/1990" not in text


def outbox_of(database: Database, award_id: str) -> list[OutboxMessage]:
    with database.transaction(write=False) as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.award_id == award_id)).all()
        session.expunge_all()
        return list(rows)


def test_a_badge_is_awarded_to_one_person_from_the_console_with_its_email(
    client: TestClient, database: Database, world: World
) -> None:
    csrf = coordinator(client, database, world)
    url = f"/console/emetteurs/{world.issuer_id}/attributions/nouvelle"
    form = {
        "csrf": csrf,
        "badge_class_id": world.badge_class_id,
        "recipient_name": "Inès Martin",
        "recipient_email": "ines.martin@mairie.example.fr",
        "language": "en",
        "narrative": "A animé l'atelier « démarches en ligne ».",
        "notify": "1",
    }
    before = row_counts(database)
    for wrong, field, message in (
        ({"recipient_email": "ines.martin@"}, "recipient_email", "adresse électronique invalide"),
        ({"badge_class_id": ""}, "badge_class_id", "Choisissez le badge à attribuer."),
        ({"badge_class_id": "a" * 26}, "badge_class_id", "Aucun badge n'a l'identifiant"),
        ({"language": "français"}, "language", "un code de langue BCP 47 est attendu"),
    ):
        refused = client.post(url, data={**form, **wrong})
        assert refused.status_code == 422, wrong
        page = unescape(refused.text)
        assert message in page, wrong
        assert f'<a href="#{field}">' in refused.text  # the summary links to the field
        assert 'value="Inès Martin"' in page  # what was typed is kept
    assert row_counts(database) == before
    made = client.post(url, data=form, follow_redirects=False)
    assert made.status_code == 303
    award_id = made.headers["location"].split("q=")[1].split("&")[0]
    with database.transaction(write=False) as session:
        award = session.get(Award, award_id)
        assert award is not None
        assert (award.recipient_name, award.badge_class_id) == ("Inès Martin", world.badge_class_id)
    [announced] = outbox_of(database, award_id)
    assert (announced.kind, announced.language, announced.state) == ("award-issued", "en", "pending")
    listing = unescape(client.get(made.headers["location"]).text)
    assert "Badge attribué." in listing
    assert "courriel en attente d'envoi" in listing
    quiet = client.post(url, data={**form, "recipient_email": "sans.courriel@example.fr", "notify": ""})
    assert quiet.status_code == 200
    quiet_id = re.findall(r"<code>([a-z2-7]{26})</code>", quiet.text)[0]
    assert outbox_of(database, quiet_id) == []
    assert "aucun courriel" in unescape(quiet.text)


def test_the_api_sends_the_email_of_an_award_unless_asked_not_to(client: TestClient, world: World) -> None:
    token = auth(world.coordinator)
    url = f"/api/v1/badge-classes/{world.badge_class_id}/awards"
    sent = client.post(url, json={"recipient_email": "a@example.fr", "language": "en-GB"}, headers=token)
    quiet = client.post(url, json={"recipient_email": "b@example.fr", "notify": False}, headers=token)
    refused = client.post(url, json={"recipient_email": "c@example.fr", "language": "english"}, headers=token)
    assert (sent.status_code, quiet.status_code, refused.status_code) == (201, 201, 422)
    assert [e["type"] for e in refused.json()["errors"]] == ["language-tag-invalid"]
    database: Database = client.app.state.services.database  # type: ignore[attr-defined]
    assert [(m.kind, m.language) for m in outbox_of(database, sent.json()["id"])] == [
        ("award-issued", "en-GB")
    ]
    assert outbox_of(database, quiet.json()["id"]) == []


def test_a_list_is_awarded_all_or_nothing_with_each_lines_problem(
    client: TestClient, database: Database, world: World
) -> None:
    csrf = coordinator(client, database, world)
    url = f"/console/emetteurs/{world.issuer_id}/attributions/liste"

    def send(sheet: str, **fields: str):  # type: ignore[no-untyped-def]
        data = {"csrf": csrf, "badge_class_id": world.badge_class_id, "notify": "1", **fields}
        return client.post(url, data=data, files={"file": ("liste.csv", sheet.encode("cp1252"), "text/csv")})

    before = row_counts(database)
    bad = (
        "Nom;Courriel;Langue;Téléphone\n"
        "Inès Martin;ines.martin@example.fr;fr;0600000000\n"
        "Paul Durand;paul.durand@;fr;\n"
        "Inès M.;INES.MARTIN@example.fr;en;\n"
        ";sans.nom@example.fr;fr;\n"
    )
    refused = send(bad)
    assert refused.status_code == 422
    assert re.findall(r'<tr><td class="number">(\d+)</td>', refused.text) == ["3", "4", "5"]
    assert "Aucun badge n'a été attribué" in unescape(refused.text)
    assert row_counts(database) == before
    good = (
        "Nom;Courriel;Langue;Téléphone\n"
        "Inès Martin;ines.martin@example.fr;anglais;0600000000\n"
        "Paul Durand;paul.durand@example.fr;;\n"
    )
    done = send(good)
    assert done.status_code == 200, unescape(done.text)
    text = unescape(done.text)
    assert "2 badge(s) attribué(s). Les courriels partent dans les minutes qui suivent." in text
    assert "Colonnes ignorées (rien n'en est enregistré)\u202f: Téléphone." in text
    assert "0600000000" not in text
    with database.transaction(write=False) as session:
        made = session.scalars(
            select(Award).where(Award.recipient_email.in_(["ines.martin@example.fr"]))
        ).one()
        languages = session.scalars(
            select(OutboxMessage.language).where(OutboxMessage.award_id == made.id)
        ).all()
    assert languages == ["en"]
    assert send(good, badge_class_id="").status_code == 422
    empty = send("")
    assert empty.status_code == 422
    assert "Choisissez un fichier CSV non vide de 256 Ko au plus" in unescape(empty.text)
    header_only = send("Nom;Courriel\n")
    assert "Le fichier n'a qu'une ligne d'en-tête." in unescape(header_only.text)


def test_each_awards_email_shows_whether_it_left_and_why_not_in_french(
    client: TestClient, app: FastAPI, database: Database, world: World
) -> None:
    token = auth(world.coordinator)
    url = f"/api/v1/badge-classes/{world.badge_class_id}/awards"
    refused_id = client.post(url, json={"recipient_email": "inconnu@example.fr"}, headers=token).json()["id"]
    with smtp_server() as (inbox, port):
        inbox.refuse_with = "550 5.1.1 no such mailbox"
        drained = drain_once(services_of(app), sender(port), "w")
    assert drained.failed >= 1
    coordinator(client, database, world)
    page = unescape(awards_page(client, world, refused_id))
    assert "courriel non envoyé\u202f: le message a été refusé par le serveur de messagerie" in page
    assert "550" not in page  # the server's words are for the operator's logs
    english = client.get(
        f"/console/emetteurs/{world.issuer_id}/attributions",
        params={"q": refused_id},
        headers={"Accept-Language": "en"},
    )
    assert "email not sent: the message was refused by the mail server" in unescape(english.text)
    sent_id = client.post(url, json={"recipient_email": "ok@example.fr"}, headers=token).json()["id"]
    with smtp_server() as (inbox, port):
        drain_once(services_of(app), sender(port), "w")
        assert inbox.messages
    assert "courriel envoyé le" in awards_page(client, world, sent_id)
    unreachable_id = client.post(url, json={"recipient_email": "plus@example.fr"}, headers=token).json()["id"]
    drain_once(services_of(app), sender(free_port()), "w")  # nobody listens there
    page = awards_page(client, world, unreachable_id)
    assert "courriel pas encore envoyé (le serveur d'envoi ne répond pas)\u202f; nouvel essai le" in page


def test_a_session_is_edited_from_the_console_keeping_what_the_form_cannot_show(
    client: TestClient, database: Database, world: World
) -> None:
    odd_hours = [  # not the form's 9:00–12:30 and 13:30–17:00 (Paris)
        {"starts_at": "2026-11-20T07:30:00Z", "ends_at": "2026-11-20T10:00:00Z"},
        {"starts_at": "2026-11-20T13:00:00Z", "ends_at": "2026-11-20T15:00:00Z"},
    ]
    cycle = held_session(client, world, half_days=odd_hours)  # attendance marked
    session_id = cycle.session["id"]
    csrf = coordinator(client, database, world)
    form = unescape(client.get(f"/console/formations/{session_id}/modifier").text)
    assert 'value="Accueillir les publics en illectronisme"' in form
    assert 'value="2026-11-20"' in form
    values = dict(
        re.findall(
            r'<input type="(?:text|email|date|number)" id="[^"]+" name="([^"]+)" value="([^"]*)"', form
        )
    )
    values.update(hd_period_0="matin", hd_period_1="apres-midi", format="in_person", rule_condition="all")
    values.update(rule_badge=cycle.participant_badge, title="Accueillir en illectronisme (2e édition)")
    bad = client.post(
        f"/console/formations/{session_id}/modifier", data={**values, "csrf": csrf, "title": ""}
    )
    assert bad.status_code == 422
    assert 'value="2026-11-20"' in bad.text  # what was typed is kept
    saved = client.post(
        f"/console/formations/{session_id}/modifier", data={**values, "csrf": csrf}, follow_redirects=False
    )
    assert saved.status_code == 303, unescape(saved.text)
    session = client.get(f"/api/v1/sessions/{session_id}", headers=auth(world.coordinator)).json()
    assert session["title"] == "Accueillir en illectronisme (2e édition)"
    # the half-days kept their exact hours, the trainer their role, the attendance its marks
    assert [(h["starts_at"], h["ends_at"]) for h in session["half_days"]] == [
        (h["starts_at"], h["ends_at"]) for h in cycle.session["half_days"]
    ]
    assert session["trainers"] == cycle.session["trainers"]
    assert session["level"] == cycle.session["level"]
    enrolments = client.get(f"/api/v1/sessions/{session_id}/enrolments", headers=auth(world.coordinator))
    assert sum(e["attended_hours"] for e in enrolments.json()) == 3 * 4.5 + 2.5
    assert "Formation modifiée." in unescape(client.get(saved.headers["location"]).text)


def test_a_session_is_cancelled_reopened_evaluated_and_loses_a_mistaken_enrolment(
    client: TestClient, database: Database, world: World
) -> None:
    cycle = held_session(client, world)
    session_id = cycle.session["id"]
    url = f"/console/formations/{session_id}"
    csrf = coordinator(client, database, world)
    token = auth(world.coordinator)
    cancelled = client.post(f"{url}/etat", data={"csrf": csrf, "action": "annuler"})
    assert "Formation annulée." in unescape(cancelled.text)
    assert client.get(f"/api/v1/sessions/{session_id}", headers=token).json()["state"] == "cancelled"
    assert "Rouvrir la formation" in unescape(cancelled.text)
    assert client.post(f"{url}/etat", data={"csrf": csrf, "action": "supprimer"}).status_code == 422
    reopened = client.post(f"{url}/etat", data={"csrf": csrf, "action": "rouvrir"})
    assert "Formation rouverte" in unescape(reopened.text)
    assert client.get(f"/api/v1/sessions/{session_id}", headers=token).json()["state"] == "planned"
    evaluated = client.post(
        f"{url}/evaluation", data={"csrf": csrf, "evaluation_done": "1", "evaluation_summary": "Très utile."}
    )
    assert "Évaluation enregistrée." in unescape(evaluated.text)
    session = client.get(f"/api/v1/sessions/{session_id}", headers=token).json()
    assert (session["evaluation_done"], session["evaluation_summary"]) == (True, "Très utile.")
    enrolments = client.get(f"/api/v1/sessions/{session_id}/enrolments", headers=token).json()
    lea = next(e for e in enrolments if e["email"] == "lea.moreau@ccas.example.fr")
    page = unescape(client.get(url).text)
    assert f'form="retirer-{lea["id"]}"' in page
    assert "Retirer Léa Moreau de la formation" in page
    removed = client.post(f"{url}/inscriptions/{lea['id']}/retirer", data={"csrf": csrf})
    assert "Personne retirée de la formation, avec ses présences." in unescape(removed.text)
    left = client.get(f"/api/v1/sessions/{session_id}/enrolments", headers=token).json()
    assert [e["email"] for e in left if e["email"] == lea["email"]] == []
    again = client.post(f"{url}/inscriptions/{lea['id']}/retirer", data={"csrf": csrf})
    assert again.status_code == 409
    assert "Cette formation n'a pas d'inscription" in unescape(again.text)
    # another issuer's enrolment id is as unknown as a made-up one
    assert (
        client.delete(f"/api/v1/sessions/{session_id}/enrolments/{'a' * 26}", headers=token).status_code
        == 404
    )
    closed = client.post(f"/api/v1/sessions/{session_id}/close", headers=token)
    assert closed.status_code == 200
    someone = left[0]["id"]
    assert (
        client.delete(f"/api/v1/sessions/{session_id}/enrolments/{someone}", headers=token).status_code == 409
    )
    assert "Modifier la formation" not in unescape(client.get(url).text)
    assert client.get(f"{url}/modifier", follow_redirects=False).status_code == 303


def test_a_badge_revoked_before_its_email_left_is_never_announced(
    client: TestClient, app: FastAPI, database: Database, world: World
) -> None:
    token = auth(world.coordinator)
    url = f"/api/v1/badge-classes/{world.badge_class_id}/awards"
    mistaken = client.post(url, json={"recipient_email": "erreur@example.fr"}, headers=token).json()["id"]
    client.post(f"/api/v1/awards/{mistaken}/revoke", json={"reason": "Erreur de saisie"}, headers=token)
    with smtp_server() as (inbox, port):
        drain_once(services_of(app), sender(port), "w")
    assert inbox.messages == []
    [message] = outbox_of(database, mistaken)
    assert (message.state, message.error_code) == ("failed", "award-revoked")
    coordinator(client, database, world)
    assert "courriel non envoyé\u202f: le badge a été révoqué avant l'envoi" in awards_page(
        client, world, mistaken
    )


def test_every_error_summary_link_leads_to_its_field(
    client: TestClient, database: Database, world: World
) -> None:
    """Screen readers follow the summary's links: each one must land on an element of the page."""
    csrf = coordinator(client, database, world)
    pages = [
        client.post(f"/console/emetteurs/{world.issuer_id}/attributions/nouvelle", data={"csrf": csrf}),
        client.post(f"/console/emetteurs/{world.issuer_id}/attributions/liste", data={"csrf": csrf}),
        client.post(f"/console/emetteurs/{world.issuer_id}/formations/nouvelle", data={"csrf": csrf}),
        client.post(
            f"/console/emetteurs/{world.issuer_id}/formations/nouvelle",
            data={"csrf": csrf, "title": "T", "tr_name_0": "Nadia", "tr_email_0": "x@"},
        ),
        client.post(f"/console/emetteurs/{world.issuer_id}/badges/nouveau", data={"csrf": csrf}),
        client.post(f"/console/emetteurs/{world.issuer_id}/modifier", data={"csrf": csrf}),
        client.post(
            f"/console/badges/{world.badge_class_id}/regle-formateurs",
            data={"csrf": csrf, "min_sessions": "0"},
        ),
    ]
    for page in pages:
        assert page.status_code == 422, page.url
        targets = re.findall(r'<li><a href="#([^"]+)">', page.text)
        assert targets, page.url
        for target in targets:
            assert f'id="{target}"' in page.text, (page.url, target)


def test_an_announced_badge_that_is_revoked_sends_its_earner_a_notice_with_the_reason(
    client: TestClient, app: FastAPI, database: Database, world: World
) -> None:
    """Issue 18, point 8 (in part): the earner who was told of a badge is told of its revocation,
    with the issuer's reason, in the language of their emails; text and HTML parts."""
    token = auth(world.coordinator)
    url = f"/api/v1/badge-classes/{world.badge_class_id}/awards"
    award_id = client.post(
        url, json={"recipient_email": "jo@example.org", "language": "en"}, headers=token
    ).json()["id"]
    with smtp_server() as (inbox, port):
        drain_once(services_of(app), sender(port), "w")
    assert len(inbox.messages) == 1
    client.post(f"/api/v1/awards/{award_id}/revoke", json={"reason": "Attribué par erreur"}, headers=token)
    with smtp_server() as (inbox, port):
        drain_once(services_of(app), sender(port), "w")
    [notice] = inbox.messages
    assert str(notice["Subject"]).startswith("Your badge “")
    assert "was revoked by" in str(notice["Subject"])
    text = notice.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Reason given by the issuer: Attribué par erreur" in text
    assert "Motif donné par l'émetteur\u202f: Attribué par erreur" in text  # then in French
    assert text.index("Reason given") < text.index("Motif donné")
    assert notice.get_body(("html",)) is not None
    kinds = [m.kind for m in outbox_of(database, award_id)]
    assert sorted(kinds) == ["award-issued", "award-revoked"]


def test_a_badge_revoked_before_its_announcement_left_gets_no_notice_either(
    client: TestClient, app: FastAPI, database: Database, world: World
) -> None:
    token = auth(world.coordinator)
    url = f"/api/v1/badge-classes/{world.badge_class_id}/awards"
    award_id = client.post(url, json={"recipient_email": "vite@example.fr"}, headers=token).json()["id"]
    client.post(f"/api/v1/awards/{award_id}/revoke", json={"reason": "Erreur"}, headers=token)
    with smtp_server() as (inbox, port):
        drain_once(services_of(app), sender(port), "w")
    assert inbox.messages == []
    assert [m.kind for m in outbox_of(database, award_id)] == ["award-issued"]

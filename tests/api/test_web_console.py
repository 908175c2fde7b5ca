"""The console's work, through its forms: a badge with its image, a session, the spreadsheet,
attendance, closing; awards searched, revoked, emailed again; reports with charts and tables.
Every refused form says why and writes nothing."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from service.clock import FixedClock
from service.domain.access import Role
from service.persistence.database import Database
from service.persistence.tables import Award, BadgeClass
from service.persistence.training_tables import OutboxMessage, TrainingSession
from tests.api.conftest import World
from tests.factories import (
    SVG,
    auth,
    console_csrf,
    issue_award,
    make_account,
    png_bytes,
    row_counts,
    sign_in,
)


def signed_in(client: TestClient, database: Database, world: World) -> str:
    sign_in(client, make_account(database, Role.COORDINATOR, [world.issuer_id]))
    return console_csrf(client)


def new_badge(client: TestClient, world: World, csrf: str, image: tuple[str, bytes, str], **fields: str):  # type: ignore[no-untyped-def]
    data = {
        "csrf": csrf,
        "name": "Accueil des publics",
        "description": "Accueillir sans juger.",
        "criteria_narrative": "Avoir suivi les deux demi-journées.",
        **fields,
    }
    return client.post(
        f"/console/emetteurs/{world.issuer_id}/badges/nouveau",
        data=data,
        files={"image": image},
        follow_redirects=False,
    )


def test_a_badge_class_with_its_image(client: TestClient, database: Database, world: World) -> None:
    csrf = signed_in(client, database, world)
    form = client.get(f"/console/emetteurs/{world.issuer_id}/badges/nouveau").text
    assert 'data-preview="image-preview"' in form  # the preview, a progressive enhancement
    created = new_badge(client, world, csrf, ("badge.svg", SVG, "image/svg+xml"), tags="accueil, culture")
    assert created.status_code == 303
    badge_id = created.headers["location"].split("id=")[1]
    with database.transaction(write=False) as session:
        badge = session.get(BadgeClass, badge_id)
        assert badge is not None
        assert (badge.image_type, badge.tags) == ("image/svg+xml", ["accueil", "culture"])


def test_a_bad_image_or_field_is_explained_and_nothing_is_written(
    client: TestClient, database: Database, world: World
) -> None:
    csrf = signed_in(client, database, world)
    before = row_counts(database)
    cases = [
        (
            ("photo.jpg", b"\xff\xd8\xff\xe0 jpeg", "image/jpeg"),
            {},
            "Seules les images PNG et SVG sont acceptées.",
        ),
        (
            ("badge.png", b"\x89PNG\r\n\x1a\n truncated", "image/png"),
            {},
            "Ce fichier PNG est corrompu ou tronqué.",
        ),
        (("evil.svg", b'<!DOCTYPE svg [<!ENTITY x "y">]><svg/>', "image/svg+xml"), {}, "SVG"),
        (("big.png", png_bytes() + b"0" * (1024 * 1024), "image/png"), {}, "la limite est de"),
        (("badge.png", png_bytes(), "image/png"), {"name": ""}, "name"),
        (("badge.png", png_bytes(), "image/png"), {"criteria_url": "ftp://x"}, "criteria_url"),
    ]
    for image, fields, expected in cases:
        refused = new_badge(client, world, csrf, image, **fields)
        assert refused.status_code == 422, (image[0], fields)
        assert expected in unescape(refused.text), (image[0], fields, expected)
        assert 'role="alert"' in refused.text
    assert row_counts(database) == before


def test_a_session_from_creation_to_closing(client: TestClient, database: Database, world: World) -> None:
    csrf = signed_in(client, database, world)
    created = client.post(
        f"/console/emetteurs/{world.issuer_id}/formations/nouvelle",
        data={
            "csrf": csrf,
            "title": "Accueillir en illectronisme",
            "themes": ["inclusion_numerique", "culture_numerique"],
            "format": "in_person",
            "hd_date_0": "2026-11-20",
            "hd_period_0": "matin",
            "hd_date_1": "2026-11-20",
            "hd_period_1": "apres-midi",
            "tr_name_0": "Nadia Formatrice",
            "tr_email_0": "nadia@example.fr",
            "rule_badge": world.badge_class_id,
            "rule_condition": "all",
        },
        follow_redirects=False,
    )
    assert created.status_code == 303, unescape(created.text)
    url = created.headers["location"]
    session_id = url.rsplit("/", 1)[1]
    page = client.get(url).text
    assert "Nadia Formatrice" in page
    # A spreadsheet with a bad line: every problem listed by line, nothing written.
    bad = (
        "Nom;Courriel;20/11/2026 matin;20/11/2026 après-midi\nDurand;pas-une-adresse;x;x\n;b@example.fr;x;\n"
    )
    refused = client.post(
        f"{url}/import", data={"csrf": csrf}, files={"file": ("feuille.csv", bad.encode(), "text/csv")}
    )
    assert refused.status_code == 422
    rows = re.findall(r'<tr><td class="number">(\d+)</td>', refused.text)
    assert rows == ["2", "3"]
    assert "Rien n'a été enregistré." in unescape(refused.text)
    good = (
        "Nom;Courriel;Structure;20/11/2026 matin;20/11/2026 après-midi\n"
        "Camille Durand;camille@example.fr;CCAS;x;x\n"
        "Samir Haddad;samir@example.fr;CAF;x;\n"
    )
    imported = client.post(
        f"{url}/import",
        data={"csrf": csrf},
        files={"file": ("feuille.csv", good.encode("cp1252"), "text/csv")},
    )
    assert imported.status_code == 200
    assert "2 personne(s) importée(s), 3 présence(s) enregistrée(s)." in unescape(imported.text)
    # The attendance grid: tick Samir's afternoon too.
    boxes = re.findall(r'<input type="checkbox" name="present" value="([^"]+)"[^>]*>', imported.text)
    tags = re.findall(r'<input type="checkbox" name="present"[^>]*>', imported.text)
    assert len(boxes) == 4
    assert sum(" checked" in tag for tag in tags) == 3
    ticked = boxes
    marked = client.post(f"{url}/presences", data={"csrf": csrf, "present": ticked}, follow_redirects=False)
    assert marked.status_code == 303
    preview = client.get(url).text
    assert preview.count(">obtenu<") == 2
    unconfirmed = client.post(f"{url}/cloturer", data={"csrf": csrf}, follow_redirects=False)
    assert unconfirmed.status_code == 303  # only the confirmation page closes
    assert unconfirmed.headers["location"] == f"{url}/cloturer"
    confirmation = unescape(client.get(f"{url}/cloturer").text)
    assert "2 badges seront émis et signés maintenant." in confirmation
    assert "2 courriels partiront" in confirmation
    closed = client.post(f"{url}/cloturer", data={"csrf": csrf, "confirme": "oui"})
    assert closed.status_code == 200
    assert "2 badges émis" in unescape(closed.text)
    with database.transaction(write=False) as session:
        training = session.get(TrainingSession, session_id)
        assert training is not None
        assert training.state == "closed"
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) >= 2
    again = client.post(f"{url}/cloturer", data={"csrf": csrf, "confirme": "oui"})
    assert again.status_code == 409
    assert "est déjà clôturée\u202f: aucun badge n'a été émis une seconde fois" in unescape(again.text)


def test_a_bad_session_form_is_explained_and_nothing_is_written(
    client: TestClient, database: Database, world: World
) -> None:
    csrf = signed_in(client, database, world)
    before = row_counts(database)
    url = f"/console/emetteurs/{world.issuer_id}/formations/nouvelle"
    cases = [
        (
            {"title": "Atelier", "hd_date_0": "2026-02-30"},
            "Date invalide (format attendu\u202f: AAAA-MM-JJ).",
        ),
        ({"title": "", "hd_date_0": "2026-11-20"}, "title"),
        ({"title": "Atelier", "tr_name_0": "Nadia", "tr_email_0": "pas-une-adresse"}, "trainers"),
        ({"title": "Atelier", "capacity": "-3"}, "capacity"),
    ]
    for fields, expected in cases:
        refused = client.post(url, data={"csrf": csrf, **fields})
        assert refused.status_code == 422, fields
        assert expected in unescape(refused.text), fields
        assert 'value="Atelier"' in refused.text or not fields["title"]  # what was typed is kept
    assert row_counts(database) == before


def test_awards_search_revoke_and_resend(client: TestClient, database: Database, world: World) -> None:
    csrf = signed_in(client, database, world)
    listing = client.get(f"/console/emetteurs/{world.issuer_id}/attributions", params={"q": "camille"})
    assert "Camille.Durand@example.fr" in listing.text
    nobody = client.get(f"/console/emetteurs/{world.issuer_id}/attributions", params={"q": "%_"})
    assert "0 attributions" in nobody.text  # LIKE wildcards typed are taken literally
    refused = client.post(
        f"/console/attributions/{world.award_id}/revoquer", data={"csrf": csrf, "reason": ""}
    )
    assert refused.status_code == 422
    resent = client.post(
        f"/console/attributions/{world.award_id}/renvoyer", data={"csrf": csrf}, follow_redirects=False
    )
    assert resent.status_code == 303
    with database.transaction(write=False) as session:
        assert session.scalar(select(func.count()).where(OutboxMessage.award_id == world.award_id)) == 1
    confirmation = client.post(
        f"/console/attributions/{world.award_id}/revoquer", data={"csrf": csrf, "reason": "Doublon"}
    )
    assert confirmation.status_code == 200
    assert "Le motif devient public" in unescape(confirmation.text)
    with database.transaction(write=False) as session:
        assert session.get(Award, world.award_id).revoked_at is None  # type: ignore[union-attr]
    revoked = client.post(
        f"/console/attributions/{world.award_id}/revoquer",
        data={"csrf": csrf, "reason": "Doublon", "confirme": "oui"},
    )
    assert revoked.status_code == 200
    assert "Badge révoqué." in unescape(revoked.text)
    with database.transaction(write=False) as session:
        award = session.get(Award, world.award_id)
        assert award is not None
        assert award.revocation_reason == "Doublon"


def test_reports_with_charts_and_the_same_numbers_as_tables(
    client: TestClient, database: Database, world: World
) -> None:
    signed_in(client, database, world)
    page = client.get(
        f"/console/emetteurs/{world.issuer_id}/rapports", params={"du": "2026-01-01", "au": "2026-11-30"}
    )
    assert page.status_code == 200
    html = unescape(page.text)
    charts = re.findall(r'<img class="chart" src="([^"]+)" alt="([^"]+)"', html)
    assert len(charts) >= 2
    for src, alt in charts:
        svg = client.get(src)
        assert svg.headers["content-type"] == "image/svg+xml"
        assert svg.content.startswith(b"<svg")
        assert b"<script" not in svg.content
        assert "tableau" in alt
    caption = re.search(r'<caption id="([^"]+)">Badges émis par mois</caption>', html)
    assert caption  # and the table scrolls in a region named by it, on a small screen
    assert f'<div class="scroll" role="region" aria-labelledby="{caption.group(1)}" tabindex="0">' in html
    assert re.search(r"<td>novembre 2026</td><td class=\"number\">1</td>", html)
    bad = client.get(f"/console/emetteurs/{world.issuer_id}/rapports", params={"du": "demain"})
    assert bad.status_code == 422
    assert "AAAA-MM-JJ" in unescape(bad.text)
    assert client.get(f"/console/emetteurs/{world.issuer_id}/rapports/inconnu.svg").status_code == 404
    csv = client.get(f"/console/emetteurs/{world.issuer_id}/rapports.csv")
    assert csv.headers["content-type"].startswith("text/csv")


def test_console_pages_escape_what_users_typed(client: TestClient, database: Database, world: World) -> None:
    csrf = signed_in(client, database, world)
    payload = "<img src=x onerror=alert(1)>"
    new_badge(client, world, csrf, ("b.png", png_bytes(), "image/png"), name=payload)
    page = client.get(f"/console/emetteurs/{world.issuer_id}").text
    assert payload not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_a_viewer_account_sees_no_ones_email_or_name_in_the_console(
    client: TestClient, world: World, database: Database
) -> None:
    """Regression (issue 15, point 13), in the console as in the API: a viewer (funder, audit)
    sees awards and sessions, not the people in them, and cannot search by name or email."""
    coordinator_view = TestClient(client.app, base_url=str(client.base_url))
    sign_in(
        coordinator_view, make_account(database, Role.COORDINATOR, [world.issuer_id], email="c@exemple.fr")
    )
    awards_url = f"/console/emetteurs/{world.issuer_id}/attributions"
    earner = client.get(f"/api/v1/awards/{world.award_id}", headers=auth(world.coordinator)).json()
    assert earner["recipient_email"] in coordinator_view.get(awards_url).text
    sign_in(client, make_account(database, Role.VIEWER, [world.issuer_id], email="v@exemple.fr"))
    listing = client.get(awards_url, params={"q": earner["recipient_email"]})
    assert listing.status_code == 200
    assert earner["recipient_email"] not in listing.text.replace(f'value="{earner["recipient_email"]}"', "")
    assert "(réservé aux coordinateurs)" in unescape(listing.text)
    session = client.get(f"/console/formations/{world.session_id}")
    assert session.status_code == 200
    trainers = client.get(f"/api/v1/sessions/{world.session_id}", headers=auth(world.coordinator)).json()[
        "trainers"
    ]
    assert trainers
    assert not [t for t in trainers if t["email"] in session.text]


def test_an_email_can_be_resent_again_limited_in_rate(
    client: TestClient, database: Database, world: World, clock: FixedClock
) -> None:
    """Regression (issue 15, point 10): after the first email, "Renvoyer l'e-mail" failed (one
    email per award in the schema) and the console showed raw JSON 409; that email is the only
    place the earner's private link lives. Resends are rows of their own, limited in rate."""
    csrf = signed_in(client, database, world)
    award_id = issue_award(client, world.coordinator, world.badge_class_id, notify=True)["id"]
    url = f"/console/attributions/{award_id}/renvoyer"

    def resend() -> str:
        answer = client.post(url, data={"csrf": csrf}, follow_redirects=True)
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/html")
        return unescape(answer.text)

    # the award's own email was queued when it was made: a resend waits ten minutes after it
    assert "réessayez dans 10 minutes" in resend()
    clock.advance(timedelta(minutes=11))
    assert "Le courriel partira dans les minutes qui suivent." in resend()
    assert "réessayez dans 10 minutes" in resend()  # at once again: said on the page
    for _ in range(3):
        clock.advance(timedelta(minutes=11))
        assert "Le courriel partira dans les minutes qui suivent." in resend()
    clock.advance(timedelta(minutes=11))
    assert "déjà été envoyé 5 fois aujourd'hui" in resend()  # the announcement and four resends
    with database.transaction(write=False) as session:
        kinds = session.scalars(
            select(OutboxMessage.kind)
            .where(OutboxMessage.award_id == award_id)
            .order_by(OutboxMessage.created_at)
        ).all()
    assert kinds == ["award-issued"] + ["award-resent"] * 4


def test_keys_rotate_per_purpose_from_the_console_after_a_warning_for_ob2(
    client: TestClient, database: Database, world: World
) -> None:
    """Issue 15, point 3: the console warns before an OB 2.0 rotation (files downloaded before
    stop passing the 1EdTech validator) and rotates only the key of the purpose chosen."""

    def active() -> dict[str, str]:
        keys = client.get(f"/api/v1/issuers/{world.issuer_id}", headers=auth(world.admin)).json()["keys"]
        return {k["purpose"]: k["kid"] for k in keys if k["retired_at"] is None}

    before = active()
    sign_in(client, make_account(database, Role.COORDINATOR, [world.issuer_id]))
    issuer_page = unescape(client.get(f"/console/emetteurs/{world.issuer_id}").text)
    assert "Clés de signature" in issuer_page
    assert all(kid in issuer_page for kid in before.values())
    warning = unescape(client.get(f"/console/emetteurs/{world.issuer_id}/cles/ob2/changer").text)
    assert "ne passeront plus le validateur de 1EdTech" in warning
    quiet = unescape(client.get(f"/console/emetteurs/{world.issuer_id}/cles/vc-jwt/changer").text)
    assert "validateur de 1EdTech" not in quiet
    url = f"/console/emetteurs/{world.issuer_id}/cles/ob2/changer"
    assert client.post(url, data={}).status_code == 403  # no CSRF token: nothing rotated
    assert active() == before
    done = client.post(url, data={"csrf": console_csrf(client)}, follow_redirects=False)
    assert done.status_code == 303
    assert "Clé changée." in unescape(client.get(done.headers["location"]).text)
    after = active()
    assert after["ob2"] != before["ob2"]
    assert (after["vc-jwt"], after["data-integrity"]) == (before["vc-jwt"], before["data-integrity"])
    unknown = client.post(
        f"/console/emetteurs/{world.issuer_id}/cles/RS256/changer", data={"csrf": console_csrf(client)}
    )
    assert unknown.status_code == 404
    assert active() == after


def test_a_viewer_cannot_rotate_keys_from_the_console(
    client: TestClient, database: Database, world: World
) -> None:
    sign_in(client, make_account(database, Role.VIEWER, [world.issuer_id]))
    page = unescape(client.get(f"/console/emetteurs/{world.issuer_id}").text)
    assert "Changer la clé" not in page
    assert client.get(f"/console/emetteurs/{world.issuer_id}/cles/ob2/changer").status_code == 403
    refused = client.post(
        f"/console/emetteurs/{world.issuer_id}/cles/ob2/changer", data={"csrf": console_csrf(client)}
    )
    assert refused.status_code == 403

"""Reports for funders: the figures follow from what was recorded, in JSON and in CSV."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import World
from tests.api.test_sessions import held_session
from tests.factories import auth, create_session


def test_a_report_counts_sessions_hours_peers_trainers_and_badges(client: TestClient, world: World) -> None:
    token = auth(world.coordinator)
    cycle = held_session(client, world)  # 4 peers present, 3 full days; one trainer
    closed = client.post(f"/api/v1/sessions/{cycle.session['id']}/close", headers=token).json()
    revoked = closed["issued"][0]["award_id"]
    client.post(f"/api/v1/awards/{revoked}/revoke", json={"reason": "Erreur"}, headers=token)
    cancelled = create_session(client, world.coordinator, world.issuer_id, title="Annulée")
    client.patch(f"/api/v1/sessions/{cancelled['id']}", json={"state": "cancelled"}, headers=token)
    report = client.get(
        f"/api/v1/issuers/{world.issuer_id}/report",
        params={"start": "2026-11-01", "end": "2026-11-30"},
        headers=auth(world.viewer),
    )
    assert report.status_code == 200, report.text
    figures = report.json()
    assert (figures["sessions_held"], figures["sessions_cancelled"]) == (1, 1)
    assert figures["planned_hours"] == 7.0
    assert figures["training_hours"] == 7.0 * 3 + 3.5  # three full days and one morning
    assert (figures["peers_trained"], figures["trainers_active"]) == (4, 1)
    # The world's direct award, 3 participant badges and the trainer's badge; one revoked.
    assert (figures["badges_issued"], figures["badges_revoked"]) == (5, 1)
    assert figures["by_origin"] == {"direct": 1, "session": 3, "trainer": 1}
    by_class = {line["label"]: line for line in figures["by_badge_class"]}
    assert by_class["Participant·e à un cycle"]["awarded"] == 3
    assert sum(line["revoked"] for line in figures["by_badge_class"]) == 1
    assert figures["sessions_by_theme"] == {"aide_aux_demarches_administratives": 1, "culture_numerique": 1}
    assert figures["by_month"] == {"2026-11": 5}
    # The four peers present in the one session; the trainer does not count as their own peer.
    assert figures["peers_by_trainer"] == [
        {"key": "alex.martin@coop.example.org", "label": "Alex Martin", "value": 4}
    ]

    as_csv = client.get(
        f"/api/v1/issuers/{world.issuer_id}/report",
        params={"start": "2026-11-01", "end": "2026-11-30", "format": "csv"},
        headers=auth(world.viewer),
    )
    assert as_csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in as_csv.headers["content-disposition"]
    assert as_csv.content.startswith(b"\xef\xbb\xbf")  # so that spreadsheets read UTF-8
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["rubrique", "clé", "libellé", "valeur", "dont révoqués"]
    totals = {row[1]: row[3] for row in rows if row[0] == "total"}
    assert totals["training_hours"] == "24,5"  # French decimal comma
    assert totals["peers_trained"] == "4"
    by_accept = client.get(
        f"/api/v1/issuers/{world.issuer_id}/report",
        params={"start": "2026-11-01", "end": "2026-11-30"},
        headers={**auth(world.viewer), "Accept": "text/csv", "Accept-Language": "en"},
    )
    assert by_accept.text.splitlines()[0].lstrip("\ufeff") == "section;key;label;value;of which revoked"
    english = list(csv.reader(io.StringIO(by_accept.text.lstrip("\ufeff")), delimiter=";"))
    assert {row[0] for row in english[1:]} <= {
        "period",
        "total",
        "origin",
        "badge",
        "theme",
        "sessions by theme",
    }
    assert "Hours attended (summed over people)" in {row[2] for row in english}
    assert {row[0] for row in rows[1:]} <= {
        "période",
        "total",
        "origine",
        "badge",
        "thème",
        "sessions par thème",
    }


def test_a_period_outside_the_activity_is_empty_and_bad_periods_are_refused(
    client: TestClient, world: World
) -> None:
    url = f"/api/v1/issuers/{world.issuer_id}/report"
    empty = client.get(
        url, params={"start": "2025-01-01", "end": "2025-12-31"}, headers=auth(world.viewer)
    ).json()
    assert (empty["sessions_held"], empty["badges_issued"], empty["by_badge_class"]) == (0, 0, [])
    reversed_period = client.get(
        url, params={"start": "2026-12-01", "end": "2026-11-01"}, headers=auth(world.viewer)
    )
    assert reversed_period.status_code == 422
    assert reversed_period.json()["code"] == "period-reversed"
    too_long = client.get(
        url, params={"start": "2000-01-01", "end": "2026-11-01"}, headers=auth(world.viewer)
    )
    assert too_long.json()["code"] == "period-too-long"
    not_a_date = client.get(
        url, params={"start": "31/12/2026", "end": "2026-11-01"}, headers=auth(world.viewer)
    )
    assert not_a_date.status_code == 422
    assert (
        client.get(
            url, params={"start": "2026-01-01", "end": "2026-12-31"}, headers=auth(world.other_coordinator)
        ).status_code
        == 403
    )


def test_a_badge_named_like_a_formula_is_text_in_the_csv() -> None:
    from datetime import date

    from service.domain.reports import AwardFacts, build
    from service.usecases.reports import as_csv

    found = build(
        date(2026, 1, 1), date(2026, 1, 31), [], [AwardFacts("s", '=HYPERLINK("x")', ("t",), "direct", False)]
    )
    assert "'=HYPERLINK" in as_csv(found)


@pytest.mark.parametrize(
    "typed", ['=HYPERLINK("https://x.test","y")', "+1+cmd", "-2", "@SUM(A1)", "  =1+1", "＝1"]
)
def test_every_cell_of_the_report_is_neutralised_keys_included(typed: str) -> None:
    """Regression (issue 15, point 11): the key column (badge tags, session themes typed freely)
    was written raw, so a theme or tag like =HYPERLINK(…) ran in the funder's spreadsheet."""
    import csv
    import io
    from datetime import date

    from service.domain.reports import AwardFacts, SessionFacts, build
    from service.usecases.reports import as_csv

    found = build(
        date(2026, 1, 1),
        date(2026, 1, 31),
        [SessionFacts("s1", "closed", (typed,), 3.5, (), {})],
        [AwardFacts("s", "Badge", (typed,), "direct", False, "2026-01")],
    )
    rows = list(csv.reader(io.StringIO(as_csv(found).lstrip("\ufeff")), delimiter=";"))
    cells = [cell for row in rows for cell in row]
    assert any(typed in cell for cell in cells)  # the text is still there, as text
    assert not [cell for cell in cells if cell.lstrip(" ")[:1] in set("=+-@＝")]


def test_the_default_period_is_this_year_to_date(client: TestClient, world: World) -> None:
    figures = client.get(f"/api/v1/issuers/{world.issuer_id}/report", headers=auth(world.viewer)).json()
    assert (figures["start"], figures["end"]) == ("2026-01-01", "2026-11-22")  # the tests' clock
    assert figures["badges_issued"] == 1

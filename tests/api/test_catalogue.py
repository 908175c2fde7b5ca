"""The shipped catalogue: twelve badge classes that are valid Open Badges, imported idempotently."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from service.usecases import catalogue
from tests.api.conftest import World
from tests.factories import auth, issue_award
from tests.test_cli import cli_env, run


def test_the_catalogue_file_is_well_formed() -> None:
    loaded = catalogue.load()
    assert len(loaded.badges) == 12
    assert len({entry.key for entry in loaded.badges}) == 12
    frameworks = {a.target_framework for entry in loaded.badges for a in entry.alignments}
    assert {"DigComp 2.2", "Pix / CRCN (RS5875)", "ESCO"} <= frameworks
    assert all("RNCP" not in (a.target_framework or "") for e in loaded.badges for a in e.alignments)


def test_import_twice_creates_once_and_every_badge_issues_in_both_standards(
    client: TestClient, world: World, database_url: str, tmp_path: Path
) -> None:
    first = run("catalogue", "import", "--issuer", world.issuer_id, env=cli_env(database_url, tmp_path))
    assert first.returncode == 0, first.stderr
    assert "12 badge(s) créé(s), 0 déjà présent(s)" in first.stdout
    again = client.post(f"/api/v1/issuers/{world.issuer_id}/catalogue", headers=auth(world.coordinator))
    assert again.status_code == 200
    assert (len(again.json()["created"]), len(again.json()["kept"])) == (0, 12)
    classes = again.json()["kept"]
    for badge_class in classes:  # the OB 3.0 schema accepts each: alignments, tags, image
        award = issue_award(client, world.coordinator, badge_class["id"])
        credential = client.get(f"/awards/{award['id']}/credential").json()
        achievement = credential["credentialSubject"]["achievement"]
        assert achievement["name"] == badge_class["name"]
        assert all(a["targetUrl"].startswith("http") for a in achievement["alignment"])
        image = client.get(f"/badges/{badge_class['id']}/image")
        assert image.headers["content-type"].startswith("image/svg+xml")
    by_name = {c["name"]: c["id"] for c in classes}
    rule = client.get(
        f"/api/v1/badge-classes/{by_name['Formateur·rice pair']}/trainer-rule",
        headers=auth(world.coordinator),
    ).json()
    assert (rule["min_session_peers"], rule["max_session_peers"], rule["evaluation_required"]) == (3, 5, True)
    confirmed = client.get(
        f"/api/v1/badge-classes/{by_name['Formateur·rice pair confirmé·e']}/trainer-rule",
        headers=auth(world.coordinator),
    ).json()
    assert (confirmed["min_sessions"], confirmed["min_peers"], confirmed["min_themes"]) == (5, 20, 2)
    unknown = run("catalogue", "import", "--issuer", "x" * 26, env=cli_env(database_url, tmp_path))
    assert unknown.returncode == 1
    assert "issuer-not-found" in unknown.stderr

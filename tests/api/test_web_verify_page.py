"""The verification page for employers: a link, pasted JSON or a dropped image; a verdict in plain
words, the checks folded beneath; every bad input a readable message, never a 500."""

from __future__ import annotations

import json
from html import unescape

from fastapi.testclient import TestClient

from tests.api.conftest import World
from tests.conftest import PUBLIC_URL
from tests.factories import auth

BROWSER = {"Accept": "text/html"}


def submit(
    client: TestClient, *, text: str = "", email: str = "", file: bytes | None = None, lang: str = "fr"
):  # type: ignore[no-untyped-def]
    files = {"file": ("badge.png", file, "image/png")} if file is not None else None
    data = {"input": text, "expected_email": email}
    return client.post("/verifier", data=data, files=files, headers={**BROWSER, "Accept-Language": lang})


def test_the_empty_page_has_a_labelled_form(client: TestClient) -> None:
    html = client.get("/verifier", headers=BROWSER).text
    for field in ("input", "file", "expected_email"):
        assert f'<label for="{field}">' in html
        assert f'id="{field}"' in html
    assert 'enctype="multipart/form-data"' in html


def test_a_baked_image_with_the_right_email_is_valid(client: TestClient, world: World) -> None:
    image = client.get(f"/awards/{world.award_id}/image").content
    response = submit(client, file=image, email="camille.durand@example.fr")
    assert response.status_code == 200
    html = unescape(response.text)
    assert 'class="status status-valid"' in html
    assert "Badge valide" in html
    assert "<details>" in html
    assert "Détail des vérifications" in html
    assert "intégré dans une image png" in html


def test_a_link_pasted_and_a_link_given_in_the_address(client: TestClient, world: World) -> None:
    url = f"{PUBLIC_URL}/awards/{world.award_id}"
    assert "Badge valide" in unescape(submit(client, text=url).text)
    shown = client.get("/verifier", params={"lien": url}, headers=BROWSER)
    assert "Badge valide" in unescape(shown.text)


def test_pasted_json_of_a_revoked_badge_is_not_valid(client: TestClient, world: World) -> None:
    credential = client.get(f"/awards/{world.award_id}/credential").json()
    client.post(
        f"/api/v1/awards/{world.award_id}/revoke", json={"reason": "Fraude"}, headers=auth(world.coordinator)
    )
    html = unescape(submit(client, text=json.dumps(credential)).text)
    assert 'class="status status-invalid"' in html
    assert "Badge non valide" in html


def test_a_wrong_email_is_not_valid_and_english_on_request(client: TestClient, world: World) -> None:
    image = client.get(f"/awards/{world.award_id}/image").content
    html = unescape(submit(client, file=image, email="someone.else@example.fr", lang="en").text)
    assert "Badge not valid" in html
    assert '<html lang="en">' in html


def test_bad_inputs_get_readable_messages(client: TestClient) -> None:
    nothing = submit(client)
    assert nothing.status_code == 422
    assert "Donnez un lien, collez un badge ou choisissez un fichier." in unescape(nothing.text)
    bad_email = submit(client, text="{}", email="pas-une-adresse")
    assert bad_email.status_code == 422
    assert "L'adresse électronique attendue n'est pas valide." in unescape(bad_email.text)
    too_big = submit(client, file=b"\x89PNG" + b"0" * (4 * 1024 * 1024))
    assert too_big.status_code == 422  # over 4 MB: this page says so
    assert "Le fichier dépasse 4 Mo." in unescape(too_big.text)
    huge = submit(client, file=b"\x89PNG" + b"0" * (6 * 1024 * 1024))
    assert huge.status_code == 413  # over the request limit: refused before it is read
    assert huge.headers["content-type"].startswith("text/html")  # a page, since a browser asked
    junk = submit(client, text="<script>alert(1)</script>")
    assert junk.status_code == 200
    assert "<script>alert(1)</script>" not in junk.text  # echoed back escaped
    assert "Badge non valide" in unescape(junk.text)


def test_oversize_inputs_get_the_page_with_its_message_and_4_mb_files_are_taken(client: TestClient) -> None:
    """Regression (issue 15, point 13): a pasted badge over 1 MiB got a bare error (JSON or a
    generic page), and the documented 4 MB upload was refused by a 2 MiB body limit."""
    pasted = client.post("/verifier", data={"input": "x" * (1024 * 1024 + 10)}, headers=BROWSER)
    assert pasted.status_code == 422
    assert "Le contenu collé dépasse 1 Mo." in unescape(pasted.text)
    assert "<form" in pasted.text  # the verification page itself, to try again
    three_mb = submit(client, file=b"\x89PNG" + b"0" * (3 * 1024 * 1024))
    assert three_mb.status_code == 200, three_mb.status_code  # read and judged, not refused
    assert "Badge non valide" in unescape(three_mb.text)

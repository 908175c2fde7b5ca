"""The badge page an earner shares: private until published, then everything a reader needs, in
French or English, escaped, with a LinkedIn link, a QR code and share cards; JSON for machines."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient
from PIL import Image

from service.clock import FixedClock
from service.web.headers import PAGE_CSP
from tests.api.conftest import World
from tests.conftest import PUBLIC_URL
from tests.factories import SVG, auth, create_badge_class, data_uri, earner_link, issue_award, publish

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def page(client: TestClient, award_id: str, **headers: str) -> str:
    return page_at(client, f"/awards/{award_id}", **headers)


def page_at(client: TestClient, path: str, **headers: str) -> str:
    response = client.get(path, headers={**BROWSER, **headers})
    assert response.status_code == 200, response.status_code
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def meta(html: str, key: str) -> str:
    found = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', html)
    assert found, key
    return unescape(found.group(1))


def test_a_new_badge_page_is_private_but_its_json_stays_public(client: TestClient, world: World) -> None:
    response = client.get(f"/awards/{world.award_id}", headers=BROWSER)
    assert response.status_code == 404
    assert "Cette page de badge n'est pas publique" in unescape(response.text)
    assert '<meta name="robots" content="noindex">' in response.text
    assert "Camille" not in response.text
    # Verifiers still read the hosted assertion: privacy is about the page, not the proof.
    hosted = client.get(f"/awards/{world.award_id}", headers={"Accept": "application/ld+json"})
    assert hosted.status_code == 200
    assert hosted.json()["type"] == "Assertion"
    assert hosted.headers["content-type"].startswith("application/ld+json")


def test_a_published_page_shows_a_visitor_the_badge_and_how_to_verify_it(
    client: TestClient, world: World
) -> None:
    """Issue 18, point 6: a visitor sees the badge, its state and "Vérifier ce badge"; the owner's
    controls (downloads, LinkedIn) are on the owner's page only."""
    publish(client, world.award_id)
    for path in (f"/b/{world.award_id}", f"/awards/{world.award_id}"):
        html = page_at(client, path)
        for text in ("Badge valide", "Émis par", "Critères", "Date d'émission", "22 novembre 2026"):
            assert text in unescape(html), text
        assert "Camille" not in html  # the earner did not ask for their name to be shown
        image = re.search(r'<img src="([^"]+/image)" alt="([^"]+)"', html)
        assert image
        assert unescape(image.group(2)).startswith("Badge « ")
        assert " download>" not in html
        assert "linkedin.com" not in html
        verify = re.search(r'<a class="button" href="(/verifier\?lien=[^"]+)">Vérifier ce badge</a>', html)
        assert verify
        checked = client.get(unescape(verify.group(1)), headers=BROWSER)
        assert "Badge valide" in unescape(checked.text) or "valide" in unescape(checked.text)
        assert f'data-copy="{PUBLIC_URL}/b/{world.award_id}"' in html
        assert 'href="/mon-espace"' in html  # the owner is told where their controls are


def test_the_owners_page_has_the_downloads(client: TestClient, world: World) -> None:
    publish(client, world.award_id)
    html = client.get(earner_link(client, world.award_id), headers=BROWSER).text
    downloads = re.findall(r'<a href="([^"]+)" download>', html)[:6]
    assert len(downloads) == 6
    # Named for what they are for, the technical name on a line of its own (issue 18, point 5).
    labels = re.findall(r'download>([^<]+)</a><br><span class="hint">([^<]+)</span>', unescape(html))
    assert [label for label, _ in labels] == [
        "Image du badge à publier",
        "Image du badge pour les plateformes Open Badges 2.0",
        "Image du badge en dessin vectoriel (SVG)",
        "Pour un portefeuille numérique (Open Badges 3.0)",
        "Pour un portefeuille numérique, en jeton (Open Badges 3.0)",
        "Fichier technique Open Badges 2.0",
    ]
    assert (
        labels[3][1]
        == "credential vérifiable JSON-LD avec sa preuve Data Integrity (eddsa-rdfc-2022) (JSON-LD)"
    )
    expected_types = [
        "image/png",
        "image/png",
        "image/svg+xml",  # the PNG design offered as SVG as well
        "application/json",
        "application/jwt",
        "application/json",
    ]
    for url, media_type in zip(downloads, expected_types, strict=True):
        got = client.get(unescape(url).removeprefix(PUBLIC_URL))
        assert got.status_code == 200, url
        assert got.headers["content-type"].startswith(media_type), (url, got.headers["content-type"])
    qr = client.get(f"/awards/{world.award_id}/qr.svg")
    assert qr.headers["content-type"] == "image/svg+xml"
    assert b"<svg" in qr.content
    assert b"<script" not in qr.content


def test_the_earner_may_show_their_name(client: TestClient, world: World) -> None:
    publish(client, world.award_id, show_name=True)
    assert "Attribué à Camille Durand" in page(client, world.award_id)


def test_share_cards_and_linkedin_link(client: TestClient, world: World) -> None:
    publish(client, world.award_id)
    html = page(client, world.award_id)
    assert meta(html, "og:url") == f"{PUBLIC_URL}/b/{world.award_id}"
    assert meta(html, "og:image") == f"{PUBLIC_URL}/awards/{world.award_id}/card.png"
    assert (meta(html, "og:image:width"), meta(html, "og:image:height")) == ("1200", "630")
    assert meta(html, "twitter:card") == "summary_large_image"
    assert meta(html, "og:title")
    assert f'<link rel="canonical" href="{PUBLIC_URL}/b/{world.award_id}">' in html
    title = meta(html, "og:title")
    html = client.get(earner_link(client, world.award_id), headers=BROWSER).text
    link = re.search(r'href="(https://www\.linkedin\.com/profile/add\?[^"]+)"', html)
    assert link
    query = parse_qs(urlsplit(unescape(link.group(1))).query)
    issuer = client.get(f"/issuers/{world.issuer_id}").json()
    assert query["startTask"] == ["CERTIFICATION_NAME"]
    assert query["name"] == [title]
    assert query["organizationName"] == [issuer["name"]]
    assert (query["issueYear"], query["issueMonth"]) == (["2026"], ["11"])
    assert query["certUrl"] == [f"{PUBLIC_URL}/b/{world.award_id}"]
    assert query["certId"] == [world.award_id]
    # Issue 18, point 3: a post sharing the page, and the page's address to copy.
    share = re.search(r'href="(https://www\.linkedin\.com/sharing/share-offsite/\?[^"]+)"', html)
    assert share
    assert parse_qs(urlsplit(unescape(share.group(1))).query) == {"url": [f"{PUBLIC_URL}/b/{world.award_id}"]}
    assert f'data-copy="{PUBLIC_URL}/b/{world.award_id}"' in html


def test_an_issuers_linkedin_page_id_puts_its_logo_on_the_certification(
    client: TestClient, world: World
) -> None:
    """Issue 18, point 3: with the organisation's LinkedIn id, "Add to profile" names it by id
    (LinkedIn shows its logo) instead of by name; a wrong id is refused in words."""
    token = auth(world.admin)
    wrong = client.patch(
        f"/api/v1/issuers/{world.issuer_id}",
        json={"linkedin_organisation_id": "linkedin.com/company/coop"},
        headers={**token, "Accept-Language": "fr"},
    )
    assert wrong.status_code == 422
    assert [e["type"] for e in wrong.json()["errors"]] == ["linkedin-id-invalid"]
    assert "le nombre qui suit /company/" in wrong.json()["errors"][0]["message"]
    saved = client.patch(
        f"/api/v1/issuers/{world.issuer_id}", json={"linkedin_organisation_id": " 1234567 "}, headers=token
    )
    assert saved.json()["linkedin_organisation_id"] == "1234567"
    publish(client, world.award_id)
    html = client.get(earner_link(client, world.award_id), headers=BROWSER).text
    link = re.search(r'href="(https://www\.linkedin\.com/profile/add\?[^"]+)"', html)
    assert link
    query = parse_qs(urlsplit(unescape(link.group(1))).query)
    assert query["organizationId"] == ["1234567"]
    assert "organizationName" not in query


def test_same_url_gives_json_ld_to_machines(client: TestClient, world: World) -> None:
    publish(client, world.award_id)
    for accept in ("application/ld+json", "application/json", "*/*", None):
        headers = {"Accept": accept} if accept else {}
        response = client.get(f"/awards/{world.award_id}", headers=headers)
        assert response.headers["content-type"].startswith("application/"), accept
        assert response.json()["id"] == f"{PUBLIC_URL}/awards/{world.award_id}"
    assert "Accept" in client.get(f"/awards/{world.award_id}", headers=BROWSER).headers["vary"]


def test_revoked_and_expired_pages_say_so(client: TestClient, world: World, clock: FixedClock) -> None:
    publish(client, world.award_id)
    client.post(
        f"/api/v1/awards/{world.award_id}/revoke",
        json={"reason": "Erreur de saisie"},
        headers=auth(world.coordinator),
    )
    revoked = client.get(f"/awards/{world.award_id}", headers=BROWSER)
    assert revoked.status_code == 410
    assert revoked.headers["x-robots-tag"] == "noindex"  # a revoked badge is not indexed
    assert '<meta name="robots" content="noindex">' in revoked.text
    html = unescape(revoked.text)
    assert "Badge révoqué" in html
    assert "motif\u202f: Erreur de saisie" in html
    assert " download>" not in html  # nothing to download once revoked
    expiring = issue_award(client, world.coordinator, world.badge_class_id, expires_at="2026-12-01T00:00:00Z")
    publish(client, expiring["id"])
    clock.advance(timedelta(days=30))
    assert "Badge expiré le 1 décembre 2026" in unescape(page(client, expiring["id"]))


def test_english_from_the_browser_or_the_readers_choice(client: TestClient, world: World) -> None:
    publish(client, world.award_id)
    english = page(client, world.award_id, **{"Accept-Language": "en-GB,en;q=0.9,fr;q=0.5"})
    assert '<html lang="en">' in english
    assert "Valid badge" in english
    assert "22 November 2026" in english
    # The reader's explicit choice beats the browser's.
    switched = client.get(
        f"/langue?choix=fr&retour=/awards/{world.award_id}", headers=BROWSER, follow_redirects=False
    )
    assert switched.status_code == 303
    assert switched.headers["location"] == f"/awards/{world.award_id}"
    french = page(client, world.award_id, **{"Accept-Language": "en"})
    assert '<html lang="fr">' in french
    assert "Badge valide" in french
    client.cookies.clear()


def test_the_language_switch_only_goes_back_to_this_site(client: TestClient) -> None:
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
        response = client.get("/langue", params={"choix": "en", "retour": target}, follow_redirects=False)
        assert response.headers["location"] == "/", target
    client.cookies.clear()


def test_user_text_is_escaped_everywhere_on_the_page(client: TestClient, world: World) -> None:
    payload = "<script>alert('x')</script>"
    evil = create_badge_class(client, world.coordinator, world.issuer_id, name=payload, description=payload)
    award = issue_award(client, world.coordinator, evil["id"], recipient_name=payload, narrative=payload)
    publish(client, award["id"], show_name=True)
    html = page(client, award["id"])
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html
    # Nor in the earner's page, the meta tags or the LinkedIn link.
    private = client.get(earner_link(client, award["id"]), headers=BROWSER).text
    assert "<script>alert" not in private


def test_pages_carry_security_headers(client: TestClient, world: World) -> None:
    publish(client, world.award_id)
    response = client.get(f"/awards/{world.award_id}", headers=BROWSER)
    csp = response.headers["content-security-policy"]
    assert csp == PAGE_CSP
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["strict-transport-security"] == "max-age=31536000"  # the tests' URL is https
    assert "<script>" not in response.text  # no inline script: only /static/fabrique.js
    image = client.get(f"/awards/{world.award_id}/qr.svg")
    assert "sandbox" in image.headers["content-security-policy"]


def test_no_hsts_over_plain_http(tmp_path, database) -> None:  # type: ignore[no-untyped-def]
    from service.app import create_app
    from service.settings import Environment, Settings

    settings = Settings(
        environment=Environment.TEST,
        public_url="http://localhost:8000",
        keys_dir=tmp_path / "keys",
        data_dir=tmp_path,
        database_url=str(database.engine.url.render_as_string(hide_password=False)),
    )
    with TestClient(create_app(settings, database=database), base_url="http://localhost:8000") as plain:
        response = plain.get("/", headers=BROWSER)
    assert response.status_code == 200
    assert "strict-transport-security" not in response.headers


def test_an_erased_badge_keeps_its_address_and_says_revoked(client: TestClient, world: World) -> None:
    archive = client.get(f"{earner_link(client, world.award_id)}/archive.zip")
    assert zipfile.ZipFile(io.BytesIO(archive.content)).testzip() is None
    client.post(f"{earner_link(client, world.award_id)}/effacer", data={"confirm": "1"})
    hosted = client.get(f"/awards/{world.award_id}", headers={"Accept": "application/json"})
    assert hosted.status_code == 410
    assert hosted.json() == {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": f"{PUBLIC_URL}/awards/{world.award_id}",
        "revoked": True,
        "revocationReason": "erased at the earner's request",
    }
    for path in ("signed", "credential", "credential.jwt", "image", "assertion.json"):
        assert client.get(f"/awards/{world.award_id}/{path}").status_code == 410, path
    erased = client.get(f"/awards/{world.award_id}", headers=BROWSER)
    assert erased.status_code == 410
    assert "Effacé à la demande de la personne titulaire" in unescape(erased.text)
    assert erased.headers["x-robots-tag"] == "noindex"


def test_a_badge_revoked_before_it_was_published_says_revoked_not_private(
    client: TestClient, world: World
) -> None:
    """Issue 18, point 7: a revoked badge says revoked, published or not; the holder's name, which
    they never made public, stays out; the reason shows as the issuer wrote it."""
    client.post(
        f"/api/v1/awards/{world.award_id}/revoke",
        json={"reason": "Attribué à <la mauvaise> personne"},
        headers=auth(world.coordinator),
    )
    answer = client.get(f"/awards/{world.award_id}", headers=BROWSER)
    assert answer.status_code == 410
    assert answer.headers["x-robots-tag"] == "noindex"
    html = unescape(answer.text)
    assert "Ce badge a été révoqué" in html
    assert "Révoqué par l'émetteur le 22 novembre 2026." in html
    assert "Attribué à <la mauvaise> personne" in html
    assert "&lt;la mauvaise&gt;" in answer.text  # escaped
    assert "n'est pas publique" not in html
    assert "Camille" not in html


def test_public_pages_answer_head_as_they_answer_get(client: TestClient, world: World) -> None:
    """Issue 18, point 1: link checkers and share crawlers ask with HEAD (it was 405)."""
    publish(client, world.award_id)
    for path in (
        "/",
        "/verifier",
        f"/awards/{world.award_id}",
        f"/badges/{world.badge_class_id}",
        f"/issuers/{world.issuer_id}",
        "/accessibilite",
        earner_link(client, world.award_id),
    ):
        got = client.get(path, headers=BROWSER)
        head = client.head(path, headers=BROWSER)
        assert head.status_code == got.status_code == 200, path
        assert head.content == b"", path
        assert head.headers["content-type"] == got.headers["content-type"], path
    json_head = client.head(f"/awards/{world.award_id}", headers={"Accept": "application/ld+json"})
    assert (json_head.status_code, json_head.headers["content-type"]) == (200, "application/ld+json")
    assert client.head(f"/awards/{'a' * 26}", headers=BROWSER).status_code == 404
    assert client.head("/api/v1/issuers").status_code == 401  # the API's rules apply to HEAD too


def test_the_pages_footer_link_gives_the_document_to_a_browser(client: TestClient, world: World) -> None:
    publish(client, world.award_id)
    html = page(client, world.award_id)
    link = re.search(r'<a href="([^"]+)" type="application/ld\+json">', html)
    assert link
    document = client.get(unescape(link.group(1)).removeprefix(PUBLIC_URL), headers=BROWSER)
    assert document.headers["content-type"].startswith("application/json")
    assert document.json()["id"] == f"{PUBLIC_URL}/awards/{world.award_id}"


def test_badge_text_keeps_its_own_language_on_an_english_page(client: TestClient, world: World) -> None:
    """WCAG 3.1.2: the badge's French name and description are marked French on an English page."""
    publish(client, world.award_id)
    html = page(client, world.award_id, **{"Accept-Language": "en"})
    assert '<html lang="en">' in html
    assert re.search(r'<h1 lang="fr">[^<]+</h1>', html)
    # A revoked badge offers no LinkedIn button on the earner's page.
    client.post(
        f"/api/v1/awards/{world.award_id}/revoke", json={"reason": "x"}, headers=auth(world.coordinator)
    )
    assert "linkedin.com" not in client.get(earner_link(client, world.award_id), headers=BROWSER).text


def test_a_png_badge_baked_as_svg_and_an_svg_badge_baked_as_png_verify(
    client: TestClient, world: World
) -> None:
    baked = client.get(f"/awards/{world.award_id}/image", params={"format": "svg"})
    assert baked.headers["content-type"] == "image/svg+xml"
    assert b"data:image/png;base64," in baked.content
    report = client.post("/verify", files={"file": ("badge.svg", baked.content)}).json()
    assert (report["verdict"], report["baked_in"]) == ("valid", "svg")
    svg_badge = create_badge_class(
        client, world.coordinator, world.issuer_id, image=data_uri(SVG, "image/svg+xml")
    )
    svg_award = issue_award(client, world.coordinator, svg_badge["id"])
    # Issue 18, point 2: the SVG design rendered as PNG (resvg), both standards baked in.
    for standard, baked_in in (("ob3", "png"), ("ob2", "png")):
        rendered = client.get(
            f"/awards/{svg_award['id']}/image", params={"format": "png", "standard": standard}
        )
        assert rendered.status_code == 200
        assert rendered.headers["content-type"] == "image/png"
        picture = Image.open(io.BytesIO(rendered.content))
        assert picture.size == (512, 512)
        assert picture.getpixel((256, 256)) != picture.getpixel((2, 2))  # drawn, not blank
        report = client.post("/verify", files={"file": ("badge.png", rendered.content)}).json()
        assert (report["verdict"], report["baked_in"]) == ("valid", baked_in), standard
    svg_default = client.get(f"/awards/{svg_award['id']}/image")
    assert svg_default.headers["content-type"] == "image/svg+xml"  # the design's own format by default


def test_a_badge_awarded_outside_a_training_has_no_attestation(client: TestClient, world: World) -> None:
    own = earner_link(client, world.award_id)
    assert "attestation.pdf" not in client.get(own, headers=BROWSER).text
    missing = client.get(f"{own}/attestation.pdf", headers=BROWSER)
    assert missing.status_code == 404
    assert "il n'a pas d'attestation de formation" in unescape(missing.text)


def test_the_kept_page_follows_every_change_at_once(
    client: TestClient, world: World, clock: FixedClock
) -> None:
    """Issue 18, point 9: the badge page is served from memory, and still never out of date:
    publishing, showing the name, hiding, expiring and revoking show on the next request."""
    expiring = issue_award(client, world.coordinator, world.badge_class_id, expires_at="2026-12-01T00:00:00Z")
    path = f"/b/{expiring['id']}"
    assert client.get(path, headers=BROWSER).status_code == 404  # private, and kept so
    publish(client, expiring["id"])
    assert "Badge valide" in page_at(client, path)
    assert "Badge valide" in page_at(client, path)  # from memory this time
    publish(client, expiring["id"], show_name=True)
    assert "Attribué à Camille Durand" in page_at(client, path)
    clock.advance(timedelta(days=10))
    assert "Badge expiré le 1 décembre 2026" in unescape(page_at(client, path))
    client.post(f"{earner_link(client, expiring['id'])}/masquer")
    assert client.get(path, headers=BROWSER).status_code == 404
    publish(client, expiring["id"])
    client.post(
        f"/api/v1/awards/{expiring['id']}/revoke", json={"reason": "erreur"}, headers=auth(world.coordinator)
    )
    assert client.get(path, headers=BROWSER).status_code == 410
    tracked = client.get(f"{path}?utm_source=linkedin", headers=BROWSER)
    assert tracked.status_code == 410  # built, not kept: the same answer


def test_french_pages_set_narrow_no_break_spaces_and_english_ones_none(
    client: TestClient, world: World
) -> None:
    """Issue 21, point 6, on pages as they are served."""
    french = client.get(
        f"/badges/{world.badge_class_id}", headers={"Accept": "text/html", "Accept-Language": "fr"}
    )
    english = client.get(
        f"/badges/{world.badge_class_id}", headers={"Accept": "text/html", "Accept-Language": "en"}
    )
    visible_fr = re.sub(r"<[^>]+>", "", french.text)
    visible_en = re.sub(r"<[^>]+>", "", english.text)
    assert "Émis par\u202f:" in visible_fr
    assert not re.search(r"[^\S\u202f][:;!?](?=\s)", visible_fr)
    assert "Issued by:" in visible_en
    assert not re.search(r"\s[:;!?](?=\s)", visible_en)

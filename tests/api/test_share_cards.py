"""Issue 18, point 1: a badge link shared on a social site shows a card. Share crawlers (which
ask for ``*/*`` or nothing) get the page with its OpenGraph tags and a 1200 × 630 PNG card, at the
address made for people (``/b/{id}``) and at the document's own address; every machine that asks
for the Open Badges documents keeps getting JSON there."""

from __future__ import annotations

import io
import re
from html import unescape

from fastapi.testclient import TestClient
from PIL import Image

from tests.api.conftest import World
from tests.conftest import PUBLIC_URL
from tests.factories import SVG, auth, create_badge_class, data_uri, earner_link, issue_award, publish

# (User-Agent, Accept) as these sites send them when they build a link preview.
CRAWLERS = [
    ("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", "*/*"),
    ("LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)", "*/*"),
    ("Twitterbot/1.0", None),
    ("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "*/*"),
    ("WhatsApp/2.23.20.0 A", None),
    ("TelegramBot (like TwitterBot)", None),
    ("Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", "*/*"),
    ("http.rb/5.2.0 (Mastodon/4.3.2; +https://mastodon.social/) Bot", "text/html"),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) "
        "Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0",  # iMessage
        "*/*",
    ),
    ("Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5", "*/*"),  # Teams
]
# Machines that read the documents: validators, verifiers, backpacks, scripts.
MACHINES = [
    ("python-requests/2.32.3", "application/ld+json, application/json;q=0.9"),  # 1EdTech validator
    ("python-requests/2.32.3", "*/*"),
    ("curl/8.5.0", None),
    ("node-fetch", "*/*"),
    ("Mozilla/5.0 (compatible; Discordbot/2.0)", "application/ld+json"),  # a crawler asking JSON
]


def _headers(agent: str, accept: str | None) -> dict[str, str]:
    return {"User-Agent": agent, **({"Accept": accept} if accept else {})}


def _og_image(html: str) -> str:
    found = re.search(r'<meta property="og:image" content="([^"]+)"', html)
    assert found
    return unescape(found.group(1))


def _card_size(content: bytes) -> tuple[int, int]:
    picture = Image.open(io.BytesIO(content))
    assert picture.format == "PNG"
    return picture.size


def test_a_share_crawler_gets_the_page_and_its_card(client: TestClient, world: World) -> None:
    publish(client, world.award_id)
    for agent, accept in CRAWLERS:
        crawled(client, world, agent, accept)


def crawled(client: TestClient, world: World, agent: str, accept: str | None) -> None:
    """What one crawler gets: the page and its card at both addresses, the badge class's too."""
    for path in (f"/b/{world.award_id}", f"/awards/{world.award_id}"):
        page = client.get(path, headers=_headers(agent, accept))
        assert page.status_code == 200, (agent, path)
        assert page.headers["content-type"].startswith("text/html"), (agent, path)
        assert "User-Agent" in page.headers["vary"]
        card_url = _og_image(page.text)
        assert card_url == f"{PUBLIC_URL}/awards/{world.award_id}/card.png"
    card = client.get(card_url.removeprefix(PUBLIC_URL), headers=_headers(agent, accept))
    assert card.status_code == 200
    assert card.headers["content-type"] == "image/png"
    assert _card_size(card.content) == (1200, 630)
    badge_page = client.get(f"/badges/{world.badge_class_id}", headers=_headers(agent, accept))
    assert badge_page.headers["content-type"].startswith("text/html")
    class_card = client.get(_og_image(badge_page.text).removeprefix(PUBLIC_URL))
    assert _card_size(class_card.content) == (1200, 630)


def test_machines_keep_the_documents(client: TestClient, world: World) -> None:
    publish(client, world.award_id)
    documents = (
        (f"/awards/{world.award_id}", "Assertion"),
        (f"/badges/{world.badge_class_id}", "BadgeClass"),
        (f"/issuers/{world.issuer_id}", "Issuer"),
    )
    for (agent, accept), (path, kind) in ((m, d) for m in MACHINES for d in documents):
        response = client.get(path, headers=_headers(agent, accept))
        assert response.status_code == 200, (agent, path)
        assert response.headers["content-type"].startswith("application/"), (agent, path)
        assert response.json()["type"] == kind


def test_the_people_address_is_always_the_page(client: TestClient, world: World) -> None:
    """``/b/{id}`` answers the page even to a client asking for JSON, and names the document."""
    publish(client, world.award_id)
    response = client.get(f"/b/{world.award_id}", headers={"Accept": "application/ld+json"})
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["link"] == (
        f'<{PUBLIC_URL}/awards/{world.award_id}>; rel="alternate"; type="application/ld+json"'
    )
    assert client.head(f"/b/{world.award_id}").status_code == 200
    assert client.get(f"/b/{'a' * 26}").status_code == 404


def test_no_card_for_a_badge_that_is_not_public_or_no_longer_stands(client: TestClient, world: World) -> None:
    private = client.get(f"/awards/{world.award_id}/card.png")
    assert private.status_code == 404
    assert private.json()["code"] == "award-page-private"
    crawler = {"User-Agent": "LinkedInBot/1.0", "Accept": "*/*"}
    assert client.get(f"/b/{world.award_id}", headers=crawler).status_code == 404
    publish(client, world.award_id)
    assert client.get(f"/awards/{world.award_id}/card.png").status_code == 200
    client.post(
        f"/api/v1/awards/{world.award_id}/revoke", json={"reason": "erreur"}, headers=auth(world.coordinator)
    )
    revoked = client.get(f"/awards/{world.award_id}/card.png")
    assert revoked.status_code == 410
    page = client.get(f"/b/{world.award_id}", headers=crawler)
    assert page.status_code == 410
    assert "og:image" not in page.text  # a revoked badge is never previewed as if it stood
    erased = issue_award(client, world.coordinator, world.badge_class_id)
    publish(client, erased["id"])
    client.post(f"{earner_link(client, erased['id'])}/effacer", data={"confirm": "1"})
    assert client.get(f"/awards/{erased['id']}/card.png").status_code == 410
    assert client.get(f"/awards/{'a' * 26}/card.png").status_code == 404


def test_the_card_speaks_the_readers_language_and_never_names_the_holder(
    client: TestClient, world: World
) -> None:
    publish(client, world.award_id, show_name=True)
    french = client.get(f"/awards/{world.award_id}/card.png")
    english = client.get(f"/awards/{world.award_id}/card.png", headers={"Accept-Language": "en"})
    assert french.content != english.content
    assert "Accept-Language" in french.headers["vary"]
    assert french.headers["cache-control"] == "public, max-age=3600"


# 10 levels of 10 <use> each: a few hundred bytes that expand to 10^9 circles.
_USE_BOMB = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64"><defs>'
    b'<g id="l0"><circle cx="32" cy="32" r="30" fill="#005aa0"/></g>'
    + b"".join(
        f'<g id="l{level}">'.encode() + f'<use href="#l{level - 1}"/>'.encode() * 10 + b"</g>"
        for level in range(1, 10)
    )
    + b'</defs><use href="#l9"/></svg>'
)


def test_an_svg_that_would_expand_without_end_gets_a_clear_refusal(client: TestClient, world: World) -> None:
    """A design that resvg would have to copy a billion times is refused before rendering: the
    card and the PNG badge say why (409), the SVG badge and the page stay as they are."""
    bomb = create_badge_class(
        client, world.coordinator, world.issuer_id, image=data_uri(_USE_BOMB, "image/svg+xml")
    )
    award = issue_award(client, world.coordinator, bomb["id"])
    publish(client, award["id"])
    for path in (f"/awards/{award['id']}/card.png", f"/awards/{award['id']}/image?format=png"):
        refused = client.get(path)
        assert refused.status_code == 409, path
        assert refused.json()["code"] == "badge-image-unbakable"
    assert client.get(f"/awards/{award['id']}/image").headers["content-type"] == "image/svg+xml"
    assert client.get(f"/b/{award['id']}").status_code == 200


def test_an_svg_design_gets_a_card_with_its_image(client: TestClient, world: World) -> None:
    svg_badge = create_badge_class(
        client, world.coordinator, world.issuer_id, image=data_uri(SVG, "image/svg+xml")
    )
    award = issue_award(client, world.coordinator, svg_badge["id"])
    publish(client, award["id"])
    card = Image.open(io.BytesIO(client.get(f"/awards/{award['id']}/card.png").content)).convert("RGB")
    # The design's blue disc is drawn in the card's left part.
    assert card.getpixel((72 + 210, 307)) == (0, 90, 160)

"""Every page route that writes is guarded: console forms need a session and its CSRF token,
earners' actions a genuine link, the sign-in form its token. A new write route that fits none of
these fails here until someone decides how it is protected."""

from __future__ import annotations

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from service.app import PAGE_ROUTERS
from service.domain.access import Role
from service.persistence.database import Database
from service.persistence.tables import Award
from tests.api.conftest import World
from tests.factories import make_account, sign_in

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Anyone may post these: verifying is a computation that writes nothing (tested on the page too).
PUBLIC = {("POST", "/verifier")}
# Forms without a session: the sign-in form's double-submit token guards them.
SIGN_IN = {("POST", "/console/connexion"), ("POST", "/console/mot-de-passe-oublie")}
# Anyone may ask for the earner space's link: the answer is the same for any address, a link
# leaves only to that address, three an hour, behind the sign-in rate limit (test_earner_space.py).
ASK_BY_EMAIL = {("POST", "/mon-espace")}
# Wallets: the protocols' own codes, tokens, challenges and proofs guard them
# (test_wallet_oid4vci.py, test_wallet_exchange.py); a nonce is given to anyone, and an exchange
# started by anyone who knows the offer's id, behind the sign-in rate limit.
WALLET_PROTOCOL = {
    ("POST", "/oid4vci/token"),
    ("POST", "/oid4vci/nonce"),
    ("POST", "/oid4vci/credential"),
    ("POST", "/exchanges/{offer_id}"),
    ("POST", "/exchanges/{offer_id}/dcc"),
}
# The one-time link is itself the credential (and its form carries the double-submit token too).
ONE_TIME_LINK = {
    ("POST", "/console/lien/{token}"),
    ("POST", "/emargement/{token}"),
    # Recognition between peers (issue 20): an invited author's, a request's author's, a reviewer's.
    ("POST", "/recommander/{token}"),
    ("POST", "/recommandations/retrait/{token}"),
    ("POST", "/mes-demandes/{token}/confirmer"),
    ("POST", "/mes-demandes/{token}/retirer"),
    ("POST", "/relecture/{token}"),
}
# Anyone may request a badge that accepts requests: nothing reaches a reviewer until the author
# confirms through the link sent to the address given (test_badge_requests.py), behind the sign-in
# rate limit and five requests a day per address and badge.
ASK_FOR_BADGE = {("POST", "/badges/{badge_class_id}/demander")}


def page_writes() -> list[tuple[str, str]]:
    found = []
    for router in PAGE_ROUTERS:
        for route in router.routes:
            assert isinstance(route, APIRoute)
            found.extend((method, route.path) for method in route.methods & WRITE_METHODS)
    return sorted(found)


def fill(path: str, world: World) -> str:
    values = {
        "issuer_id": world.issuer_id,
        "session_id": world.session_id,
        "award_id": world.award_id,
        "purpose": "ob2",
        "kid": "A" * 43,
        "enrolment_id": world.award_id,  # any id: the guard answers before the lookup
        "badge_class_id": world.badge_class_id,
        "account_id": world.award_id,  # any id: the guard answers before the lookup
        "token_id": world.award_id,
        "token": f"{world.award_id}.{'A' * 32}",  # a forged earner link
        "kind": "badge",
        "subject_id": world.badge_class_id,
        "request_id": world.award_id,  # any id: the guard answers before the lookup
    }
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    assert "{" not in path, f"teach this test the path parameter in {path}"
    return path


def test_every_page_write_is_guarded(client: TestClient, database: Database, world: World) -> None:
    writes = page_writes()
    assert len(writes) >= 12
    console = [
        (m, p) for m, p in writes if p.startswith("/console/") and (m, p) not in SIGN_IN | ONE_TIME_LINK
    ]
    earner = [(m, p) for m, p in writes if p.startswith("/mon-badge/")]
    classified = (
        set(console)
        | set(earner)
        | PUBLIC
        | SIGN_IN
        | ONE_TIME_LINK
        | ASK_BY_EMAIL
        | WALLET_PROTOCOL
        | ASK_FOR_BADGE
    )
    assert set(writes) == classified, "unclassified"
    forged = client.post(
        "/oid4vci/token",
        data={
            "grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code",
            "pre-authorized_code": "x",
            "tx_code": "000000",
        },
    )
    assert forged.json()["error"] == "invalid_grant"
    assert client.post("/oid4vci/credential", json={}).status_code == 401
    unsigned = {"verifiablePresentation": {"type": "VerifiablePresentation", "holder": "did:key:z6Mk"}}
    assert client.post(f"/exchanges/{'a' * 26}", json=unsigned).status_code == 410
    for method, path in ONE_TIME_LINK:  # a forged link opens nothing
        response = client.request(
            method, fill(path, world), data={"password": "x" * 20, "confirmation": "x" * 20}
        )
        assert response.status_code == 404, (method, path)
    for method, path in earner:
        response = client.request(method, fill(path, world), data={"confirm": "1", "show_name": "1"})
        assert response.status_code == 404, (method, path)
    for method, path in SIGN_IN:
        assert client.request(method, path, data={"email": "a@b.fr", "password": "x" * 12}).status_code == 403
    for method, path in console:  # no session: to the sign-in page
        response = client.request(method, fill(path, world), follow_redirects=False)
        assert response.status_code == 303, (method, path)
        assert response.headers["location"].startswith("/console/connexion")
    sign_in(client, make_account(database, Role.ADMIN))
    for method, path in console:  # a session, but no CSRF token
        response = client.request(method, fill(path, world), data={"reason": "x"})
        assert response.status_code == 403, (method, path)
    with database.transaction(write=False) as session:  # and none of them changed anything
        award = session.get(Award, world.award_id)
        assert award is not None
        assert (award.revoked_at, award.published_at, award.erased_at) == (None, None, None)

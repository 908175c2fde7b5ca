"""Benchmark: verifying our own badges in each form (served from the database, no network),
against the cost of one bare signature check measured in the same run.

    python bench/verification.py [--rounds 5] [--database-url URL]

Writes bench/results/verification-<UTC timestamp>.json. Not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import platform
import socket
import statistics
import subprocess
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import uvicorn
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa
from harness import Bench, bench_services  # bench/harness.py
from issuance import BADGE, ISSUER  # the same issuer and badge as the issuance benchmark

from service.app import create_app
from service.signing.did_web import did_to_url
from service.usecases import awards, badge_classes, baked, issuers
from service.usecases.commands import AwardCreate
from service.usecases.context import Context
from service.usecases.public_documents import local_fetch
from service.verification.fetcher import FetchPolicy, GuardedFetcher
from service.verification.ob2 import Fetched
from service.verification.service import Verdict, verify_any

RESULTS = Path(__file__).parent / "results"


def rate(action: Callable[[], Any], runs: int, rounds: int) -> float:
    action()
    rates = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(runs):
            action()
        rates.append(runs / (time.perf_counter() - start))
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database-url", default=None)
    parser.add_argument(
        "--validator-venv",
        default=str(Path(__file__).parents[1] / ".venv-ob2-validator"),
        help="the 1EdTech validator's venv (tests/interop/ob2_validator/install.sh)",
    )
    args = parser.parse_args()
    bench = bench_services(args.database_url)
    services, url = bench.services, bench.url

    context = bench.context

    with services.database.transaction() as session:
        issuer = issuers.create(context(session), ISSUER)
        badge = badge_classes.create(context(session), issuer, BADGE)
        award = awards.issue(context(session), badge, AwardCreate(recipient_email="camille@example.fr"))
        forms: dict[str, str | bytes] = {
            "ob2-hosted-url": services.urls.award(award.id),
            "ob2-signed": award.signed_assertion,
            "ob3-data-integrity": json.dumps(award.credential),
            "ob3-jwt": str(award.credential_jwt),
            "baked-svg-ob3": baked.baked_image(award, baked.Standard.OB3)[0],
        }
    session = services.database.sessions()
    fetch = local_fetch(context(session), services.signed_lists)
    now = datetime.now(UTC)

    services.public.refresh()  # as the service runs: our documents kept while nothing changes
    from_memory = local_fetch(context(session), services.signed_lists, memo=services.public)

    def check(given: str | bytes, through: Any = fetch) -> None:
        if (
            verify_any(given, fetch=through, now=now, expected_email="camille@example.fr").verdict
            is not Verdict.VALID
        ):
            raise SystemExit(f"not valid: {given!r:.60}")

    ed_key = ed25519.Ed25519PrivateKey.generate()
    ed_sig = ed_key.sign(b"x" * 64)
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    rsa_sig = rsa_key.sign(b"x" * 64, padding.PKCS1v15(), hashes.SHA256())
    bare_ed = rate(lambda: ed_key.public_key().verify(ed_sig, b"x" * 64), 2000, args.rounds)
    bare_rsa = rate(
        lambda: rsa_key.public_key().verify(rsa_sig, b"x" * 64, padding.PKCS1v15(), hashes.SHA256()),
        2000,
        args.rounds,
    )
    per_form = {
        name: rate(lambda given=given: check(given), 20, args.rounds) for name, given in forms.items()
    }
    per_form_memory = {
        name: rate(lambda given=given: check(given, from_memory), 50, args.rounds)
        for name, given in forms.items()
    }
    digital_bazaar = _against_digital_bazaar(bench, context(session), issuer, badge, fetch, now, args.rounds)
    session.close()
    validator = _against_the_validator(bench, forms, args.validator_venv)
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "processor": platform.processor() or platform.machine(),
        },
        "database": url.split(":", 1)[0],
        "bare_ed25519_verify_per_s": round(bare_ed),
        "bare_rs256_verify_per_s": round(bare_rsa),
        "verifications_per_s": {name: round(value, 1) for name, value in per_form.items()},
        "verifications_per_s_documents_in_memory": {
            name: round(value, 1) for name, value in per_form_memory.items()
        },
        "cost_in_bare_checks": {
            name: round((bare_ed if "ob3" in name else bare_rsa) / value, 1)
            for name, value in per_form.items()
        },
        "ob2_over_http_same_server": validator,
        "ob3_data_integrity_vs_digital_bazaar": digital_bazaar,
    }
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"verification-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    print(f"\nwritten to {out}")


NODE_DIR = Path(__file__).parents[1] / "tests" / "interop" / "node"


def _against_digital_bazaar(
    bench: Bench, ctx: Context, issuer: Any, badge: Any, fetch: Any, now: datetime, rounds: int
) -> dict[str, Any]:
    """Our verifier and Digital Bazaar's (@digitalbazaar/vc, eddsa-rdfc-2022, status list) on the
    same 100 distinct credentials, proof and status both checked, documents from memory for both."""
    if not (NODE_DIR / "node_modules" / "@digitalbazaar" / "vc").exists():
        return {"skipped": "run npm ci in tests/interop/node"}
    issued = [
        awards.issue(ctx, badge, AwardCreate(recipient_email=f"pair{i}@example.fr")).credential
        for i in range(100)
    ]
    ctx.session.flush()
    credentials = [c for c in issued if c is not None]
    now = datetime.now(UTC)  # after the issue: validFrom is this very second
    did = credentials[0]["issuer"]["id"]
    status_url = credentials[0]["credentialStatus"]["statusListCredential"]
    documents = {did: fetch(did_to_url(did)).document, status_url: fetch(status_url).document}

    def ours() -> None:
        for credential in credentials:
            outcome = verify_any(json.dumps(credential), fetch=fetch, now=now)
            if outcome.verdict is not Verdict.VALID:
                raise SystemExit(f"our verifier refused our credential: {outcome}")

    ours_per_s = rate(ours, 1, rounds) * len(credentials)
    theirs = []
    for _ in range(rounds):
        done = subprocess.run(
            ["node", "verify_di.mjs"],  # noqa: S607 - Node from PATH, our own script
            input=json.dumps(
                {"credentials": credentials, "documents": documents, "now": now.isoformat(), "timing": True}
            ),
            capture_output=True,
            text=True,
            timeout=600,
            check=True,
            cwd=NODE_DIR,
        )
        verdicts = json.loads(done.stdout)
        if not all(v["verified"] and not any(s["set"] for s in v["statuses"]) for v in verdicts):
            raise SystemExit(f"Digital Bazaar refused our credential: {verdicts[0]}")
        timing = json.loads(done.stderr.strip().splitlines()[-1])
        theirs.append(timing["count"] / (timing["elapsed_ms"] / 1000))
    theirs_per_s = statistics.median(theirs)
    return {
        "credentials": len(credentials),
        "ours_per_s": round(ours_per_s, 1),
        "digital_bazaar_per_s": round(theirs_per_s, 1),
        "ours_over_theirs": round(ours_per_s / theirs_per_s, 2),
    }


def _against_the_validator(bench: Bench, forms: dict[str, str | bytes], venv: str) -> dict[str, Any]:
    """Our verifier and the 1EdTech validator on the same OB 2.0 assertions, both fetching every
    document over HTTP from the same live server (no cache), in the same run."""
    python = Path(venv) / "bin" / "python"
    if not python.exists():
        return {"skipped": f"no validator venv at {venv}"}
    public = bench.services.urls.base
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(bench.services.settings, database=bench.services.database),
            port=port,
            log_level="error",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    local = f"http://127.0.0.1:{port}"
    fetcher = GuardedFetcher(
        FetchPolicy(
            allow_http=True, allowed_networks=(ipaddress.ip_network("127.0.0.1/32"),), cache_seconds=0
        )
    )

    def over_http(url: str) -> Fetched:
        return fetcher(url.replace(public, local, 1))

    now = datetime.now(UTC)
    runs = 20
    out: dict[str, Any] = {}
    for name in ("ob2-hosted-url", "ob2-signed"):
        given = str(forms[name])
        ours = rate(lambda given=given: verify_any(given, fetch=over_http, now=now), runs, 3)
        request = {
            "input": given,
            "email": "camille@example.fr",
            "public_url": public,
            "local_url": local,
            "contexts": {
                "https://w3id.org/openbadges/v2": str(
                    Path(__file__).parents[1] / "schemas/contexts/openbadges-v2.jsonld"
                )
            },
            "repeat": runs,
        }
        done = subprocess.run(  # noqa: S603 - our own script in the validator's venv
            [python, str(Path(__file__).parents[1] / "tests/interop/ob2_validator/run_validator.py")],
            input=json.dumps(request),
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if done.returncode != 0:
            out[name] = {"validator_failed": done.stderr[-500:]}
            continue
        answer = json.loads(done.stdout)
        theirs = runs / answer["seconds"]
        out[name] = {
            "ours_per_s": round(ours, 1),
            "validator_per_s": round(theirs, 1),
            "ours_over_validator": round(ours / theirs, 2),
            "validator_valid": answer["report"].get("valid"),
        }
    server.should_exit = True
    thread.join(timeout=10)
    fetcher.close()
    return out


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


if __name__ == "__main__":
    main()

"""Benchmark: verifying our own badges in each form (served from the database, no network),
against the cost of one bare signature check measured in the same run.

    python bench/verification.py [--rounds 5] [--database-url URL]

Writes bench/results/verification-<UTC timestamp>.json. Not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa
from harness import bench_services  # bench/harness.py
from issuance import BADGE, ISSUER  # the same issuer and badge as the issuance benchmark

from service.usecases import awards, badge_classes, baked, issuers
from service.usecases.commands import AwardCreate
from service.usecases.documents import local_fetch
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

    def check(given: str | bytes) -> None:
        if (
            verify_any(given, fetch=fetch, now=now, expected_email="camille@example.fr").verdict
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
    session.close()
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
        "cost_in_bare_checks": {
            name: round((bare_ed if "ob3" in name else bare_rsa) / value, 1)
            for name, value in per_form.items()
        },
        "not_measured": "the 1EdTech validator on the same assertions (needs its HTTP stub; next step)",
    }
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"verification-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    print(f"\nwritten to {out}")


if __name__ == "__main__":
    main()

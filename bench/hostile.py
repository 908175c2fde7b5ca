"""Hostile inputs against a real server: the worst time to a verdict, and /healthz under attack.

    python bench/hostile.py [--seconds 10] [--attackers 8] [--database-url URL]

Starts ``fabrique serve`` (one process, SQLite by default) on loopback, then:
1. posts each hostile input once to ``POST /verify`` and records the time to its answer (poison
   graphs: cliques of 9, 12 and 30 blank nodes; a deep inline context; about 1 MB of blank nodes
   that each need JSON-LD work; a 1 MB string; junk);
2. runs ``--attackers`` threads that post those inputs in a loop for ``--seconds`` while one probe
   asks ``/healthz`` every 50 ms, and records the probe's latencies.
Targets (issue 14): every answer within 2 s; ``/healthz`` within 100 ms while 8 hostile
verifications run. Writes bench/results/hostile-<UTC>.json. Traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.http_load import _free_port, _wait, server_env
from service.signing.multibase import ed25519_multikey, multibase_z

RESULTS = Path(__file__).parent / "results"


def _did_key() -> str:
    public = ed25519.Ed25519PrivateKey.generate().public_key()
    return "did:key:" + ed25519_multikey(public.public_bytes(Encoding.Raw, PublicFormat.Raw))


def _credential(extra: dict[str, Any], context: list[Any] | None = None) -> dict[str, Any]:
    did = _did_key()
    return {
        "@context": context
        or [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:3f1c6a0e-2f7a-4c55-9e0b-5a1d2c3b4e5f",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": did, "type": ["Profile"], "name": "Hostile"},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:0b0f5f63",
                "type": ["Achievement"],
                "name": "x",
                "criteria": {"narrative": "c"},
            },
        },
        **extra,
        "proof": [
            {
                "type": "DataIntegrityProof",
                "cryptosuite": "eddsa-rdfc-2022",
                "created": "2026-01-01T00:00:00Z",
                "verificationMethod": f"{did}#{did.removeprefix('did:key:')}",
                "proofPurpose": "assertionMethod",
                "proofValue": multibase_z(os.urandom(64)),
            }
        ],
    }


def _clique(size: int) -> dict[str, Any]:
    nodes: list[dict[str, Any]] = [{"@id": f"_:n{i}"} for i in range(size)]
    for a, b in itertools.permutations(range(size), 2):
        nodes[a].setdefault("https://e.test/p", []).append({"@id": f"_:n{b}"})
    return _credential({"evidence": [{"https://e.test/graph": nodes}]})


def _deep_context() -> dict[str, Any]:
    deep: dict[str, Any] = {"@vocab": "https://e.test/v#"}
    for level in range(12):
        deep = {f"p{level}": {"@id": f"https://e.test/p{level}", "@context": deep}}
    base = _credential({})
    return {**base, "@context": [*base["@context"], deep]}


def _many_blank_nodes() -> dict[str, Any]:
    items = [
        {"https://e.test/n": f"entrée {i}", "https://e.test/k": {"https://e.test/v": i}} for i in range(9000)
    ]
    return _credential({"evidence": [{"https://e.test/items": items}]})


def hostile_inputs() -> dict[str, str]:
    return {
        "clique_9": json.dumps(_clique(9)),
        "clique_12": json.dumps(_clique(12)),
        "clique_30": json.dumps(_clique(30)),
        "deep_inline_context": json.dumps(_deep_context()),
        "about_1MB_of_blank_nodes": json.dumps(_many_blank_nodes()),
        "one_1MB_string": json.dumps(_credential({"name": "x" * 1_000_000})),
        "junk": "{" * 100_000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--attackers", type=int, default=8)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="fabrique-hostile-bench-"))
    port = _free_port()
    env = server_env(workdir, port, args.database_url)
    fabrique = str(Path(sys.executable).with_name("fabrique"))
    server = subprocess.Popen(  # noqa: S603 - our own CLI
        [fabrique, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(workdir / "server.log").open("w"),
    )
    inputs = hostile_inputs()
    try:
        base = f"http://127.0.0.1:{port}"
        _wait(base + "/healthz")
        single = {name: _post(base, text) for name, text in inputs.items()}
        under_attack = _attack(base, list(inputs.values()), args.attackers, args.seconds)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cores": os.cpu_count()},
        "database": env["FABRIQUE_DATABASE_URL"].split(":", 1)[0],
        "inputs": {name: {"bytes": len(text)} | single[name] for name, text in inputs.items()},
        "worst_seconds": max(s["seconds"] for s in single.values()),
        "healthz_under_attack": under_attack,
        "targets": {"worst_seconds_max": 2.0, "healthz_p99_ms_max": 100},
    }
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"hostile-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    print(f"\nwritten to {out}")


def _post(base: str, text: str) -> dict[str, Any]:
    started = time.monotonic()
    response = httpx.post(base + "/verify", json={"input": text}, timeout=60)
    seconds = time.monotonic() - started
    body = response.json()
    codes = sorted({c["code"] for c in body.get("checks", []) if c.get("outcome") == "failed"})
    return {
        "seconds": round(seconds, 3),
        "status": response.status_code,
        "verdict": body.get("verdict") or body.get("code"),
        "failed_checks": codes,
    }


PROBE = """
import sys, time, httpx
url, seconds = sys.argv[1], float(sys.argv[2])
with httpx.Client(timeout=30) as client:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.monotonic()
        if client.get(url).status_code != 200:
            raise SystemExit("/healthz failed under attack")
        print((time.monotonic() - started) * 1000, flush=True)
        time.sleep(0.05)
"""


def _attack(base: str, texts: list[str], attackers: int, seconds: int) -> dict[str, Any]:
    stop = threading.Event()
    answers: list[int] = []

    def attack(offset: int) -> None:
        with httpx.Client(timeout=60) as client:
            for text in itertools.islice(itertools.cycle(texts), offset, None):
                if stop.is_set():
                    return
                answers.append(client.post(base + "/verify", json={"input": text}).status_code)

    threads = [threading.Thread(target=attack, args=(i,)) for i in range(attackers)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    # The probe runs in a process of its own: in this one it would wait for the GIL behind the
    # eight attacking threads and measure them, not the server.
    probe = subprocess.run(  # noqa: S603 - this interpreter, the probe written just below
        [sys.executable, "-c", PROBE, base + "/healthz", str(seconds)],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    )
    latencies = [float(line) for line in probe.stdout.split()]
    stop.set()
    for thread in threads:
        thread.join()
    latencies.sort()
    return {
        "attackers": attackers,
        "seconds": seconds,
        "hostile_answers": len(answers),
        "hostile_statuses": {str(s): answers.count(s) for s in sorted(set(answers))},
        "probes": len(latencies),
        "p50_ms": round(statistics.median(latencies), 1),
        "p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 1),
        "max_ms": round(latencies[-1], 1),
    }


if __name__ == "__main__":
    main()

"""Benchmark: the public HTTP documents under 64 concurrent connections (wrk on loopback), against
a bare FastAPI "hello" endpoint served the same way (uvicorn, one process) in the same run.

    python bench/http_load.py [--seconds 10] [--connections 64] [--database-url URL]

Needs wrk (Debian package ``wrk``). Writes bench/results/http-<UTC timestamp>.json and prints it.
Not a test: nothing here asserts a speed. Targets (issue 7): public JSON documents at least 70% of
the bare rate; ``POST /verify`` on our own credential p99 under 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).parent / "results"
BARE_APP = """
import sys
from pathlib import Path

import uvicorn
from fastapi import FastAPI

app = FastAPI()


@app.get("/hello")
def hello() -> dict[str, str]:
    return {"hello": "world"}


if __name__ == "__main__":
    port, workers = int(sys.argv[1]), int(sys.argv[2])
    options = {"proxy_headers": True, "access_log": False, "log_config": None}
    if workers > 1:  # as fabrique serve does: an import string, one app per process
        uvicorn.run("bare_app:app", host="127.0.0.1", port=port, workers=workers,
                    app_dir=str(Path(__file__).parent), **options)
    else:
        uvicorn.run(app, host="127.0.0.1", port=port, **options)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=1, help="server processes, for both apps")
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    workdir = Path(tempfile.mkdtemp(prefix="fabrique-http-bench-"))
    port, bare_port = _free_port(), _free_port()
    env = server_env(workdir, port, args.database_url)
    seeded = _seed(env)
    fabrique = str(Path(sys.executable).with_name("fabrique"))
    server = subprocess.Popen(  # noqa: S603 - our own CLI
        [fabrique, "serve", "--port", str(port), "--workers", str(args.workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(workdir / "server.log").open("w"),
    )
    bare_script = workdir / "bare_app.py"
    bare_script.write_text(BARE_APP, encoding="utf-8")
    bare = subprocess.Popen(  # noqa: S603 - the reference app written just above
        [sys.executable, str(bare_script), str(bare_port), str(args.workers)],
        stdout=subprocess.DEVNULL,
        stderr=(workdir / "bare.log").open("w"),
    )
    try:
        base, bare_base = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{bare_port}"
        _wait(base + "/healthz")
        _wait(bare_base + "/hello")
        verify_body = workdir / "verify.lua"
        verify_body.write_text(
            'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
            f"wrk.body = [==[{json.dumps({'credential': seeded['credential']})}]==]\n",
            encoding="utf-8",
        )
        award = base + f"/awards/{seeded['award']}"
        targets: dict[str, tuple[str, list[str]]] = {
            "bare_fastapi_hello": (bare_base + "/hello", []),
            "hosted_assertion_json": (award, ["-H", "Accept: application/json"]),
            "ob3_credential_json": (award + "/credential", []),
            "status_list": (seeded["status_list"], []),
            "badge_page_html": (award, ["-H", "Accept: text/html"]),
            # The address people share, as a share crawler asks for it (issue 18).
            "badge_page_people": (
                base + f"/b/{seeded['award']}",
                ["-H", "Accept: */*", "-H", "User-Agent: LinkedInBot/1.0"],
            ),
            "post_verify_ob3": (base + "/verify", ["-s", str(verify_body)]),
        }
        for url, extra in targets.values():  # each answers 200 before it is measured
            _check(url, extra, verify_body)
        measured = {
            name: _wrk(url, extra, args.seconds, args.connections) for name, (url, extra) in targets.items()
        }
    finally:
        for process in (server, bare):
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        print(f"server log: {workdir / 'server.log'}", file=sys.stderr)
    reference = measured["bare_fastapi_hello"]["requests_per_s"]
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cores": os.cpu_count()},
        "database": env["FABRIQUE_DATABASE_URL"].split(":", 1)[0],
        "load": f"wrk, 1 thread, {args.connections} connections, {args.seconds} s per endpoint, loopback",
        "server_processes": args.workers,
        "endpoints": measured,
        "ratio_to_bare": {
            name: round(m["requests_per_s"] / reference, 2) for name, m in measured.items() if reference
        },
        "targets": {
            "public_json_ratio_min": 0.7,
            "badge_page_ratio_min": 0.5,
            "post_verify_p99_ms_max": 50,
        },
    }
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"http-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    print(f"\nwritten to {out}")


def _seed(env: dict[str, str]) -> dict[str, Any]:
    """One issuer, one badge class, one published award, in the database the server will use."""
    os.environ.update({k: v for k, v in env.items() if k.startswith("FABRIQUE_")})
    sys.path.insert(0, str(Path(__file__).parent))
    from issuance import BADGE, ISSUER  # the same issuer and badge as the issuance benchmark

    from service.persistence import migrate
    from service.services import build_services
    from service.settings import Settings
    from service.usecases import awards, badge_classes, earners, issuers
    from service.usecases.commands import AwardCreate

    settings = Settings()
    migrate.upgrade(settings.effective_database_url)
    services = build_services(settings)
    with services.database.transaction() as session:
        ctx = services.context(session)
        issuer = issuers.create(ctx, ISSUER)
        badge = badge_classes.create(ctx, issuer, BADGE)
        award = awards.issue(ctx, badge, AwardCreate(recipient_email="camille@example.fr"))
        earners.publish(ctx, award.id, show_name=False)
        seeded = {
            "award": award.id,
            "credential": award.credential,
            "status_list": award.credential["credentialStatus"]["statusListCredential"]
            if award.credential
            else "",
        }
    services.database.dispose()
    return seeded


def _check(url: str, extra: list[str], verify_body: Path) -> None:
    headers = dict(h.split(": ", 1) for h in extra[1::2] if extra and extra[0] == "-H")
    if "-s" in extra:
        body = re.search(r"\[==\[(.*)\]==\]", verify_body.read_text(encoding="utf-8"), re.S)
        answer = httpx.post(
            url, content=body.group(1) if body else "", headers={"Content-Type": "application/json"}
        )
        if answer.status_code != 200 or answer.json().get("verdict") != "valid":
            raise SystemExit(f"{url} did not verify: {answer.status_code} {answer.text[:300]}")
        return
    answer = httpx.get(url, headers=headers)
    if answer.status_code != 200:
        raise SystemExit(f"{url} answered {answer.status_code}: {answer.text[:300]}")


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _wrk(url: str, extra: list[str], seconds: int, connections: int) -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", *extra, url],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    )
    text = done.stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", text)
    lines = re.findall(r"^\s+(50|90|99)%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    latency = {p: float(v) * _UNITS[u] for p, v, u in lines}
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    socket_errors = re.search(r"Socket errors:(.*)", text)
    return {
        "requests_per_s": float(rate.group(1)) if rate else 0.0,
        "p50_ms": round(latency.get("50", 0.0), 2),
        "p90_ms": round(latency.get("90", 0.0), 2),
        "p99_ms": round(latency.get("99", 0.0), 2),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1).strip() if socket_errors else "",
    }


def server_env(workdir: Path, port: int, database_url: str | None) -> dict[str, str]:
    """The environment of a ``fabrique serve`` on loopback for a benchmark."""
    return {
        **os.environ,
        "FABRIQUE_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "FABRIQUE_DATA_DIR": str(workdir),
        "FABRIQUE_KEYS_DIR": str(workdir / "keys"),
        "FABRIQUE_SECRET_KEY": "h" * 40,
        "FABRIQUE_DATABASE_URL": database_url or f"sqlite:///{workdir / 'bench.db'}",
        # The benchmark is one client on loopback: the per-client limits would measure themselves.
        "FABRIQUE_RATE_LIMITS_ENABLED": "false",
    }


def _wait(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not come up")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


if __name__ == "__main__":
    main()

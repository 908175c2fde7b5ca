"""Every benchmark, one after the other, then one table of figures and their references.

    python bench/run.py [--quick] [--database-url URL]

Each script writes its own JSON under bench/results/; this one reads the newest of each and
writes bench/results/summary-<UTC timestamp>.md (the table printed at the end). Needs wrk for the
HTTP part, Node with ``npm ci`` in tests/interop/node for the Digital Bazaar comparison, and the
1EdTech validator's venv (tests/interop/ob2_validator/install.sh) for the OB 2.0 comparison; a
part whose tool is missing says so in its line instead of failing the run.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
RESULTS = HERE / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs (about 3 minutes in all)")
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file per script")
    args = parser.parse_args()
    database = ["--database-url", args.database_url] if args.database_url else []
    runs = {
        "issuance": ["--awards", "100" if args.quick else "200", *database],
        "verification": ["--rounds", "3" if args.quick else "5", *database],
        "http_load": ["--seconds", "5" if args.quick else "15", *database],
        "hostile": ["--seconds", "5" if args.quick else "15", *database],
        "sessions": ["--rows", "1000", "--enrolments", "2000", *database]
        if not args.quick
        else ["--rows", "500", "--enrolments", "500", *database],
    }
    failed = []
    for script, options in runs.items():
        print(f"== {script} {' '.join(options)}", flush=True)
        done = subprocess.run([sys.executable, str(HERE / f"{script}.py"), *options], check=False)  # noqa: S603
        if done.returncode != 0:
            failed.append(script)
    table = summary()
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"summary-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.md"
    out.write_text(table, encoding="utf-8")
    print("\n" + table)
    print(f"written to {out}")
    if failed:
        raise SystemExit(f"failed: {', '.join(failed)}")


def newest(prefix: str) -> dict[str, Any] | None:
    found = sorted(RESULTS.glob(f"{prefix}-*.json"))
    return json.loads(found[-1].read_text(encoding="utf-8")) if found else None


def summary() -> str:
    rows: list[tuple[str, str, str, str]] = []
    issuance = newest("issuance")
    if issuance:
        pyld = issuance["canonicalize_credential_pyld_reference"]["median_per_s"]
        signed = issuance["ob3_both_proofs_not_stored"]["median_per_s"]
        rows += [
            (
                "OB 3.0, both proofs (DI + RS256 VC-JWT), schema-checked, not stored",
                f"{signed:,.0f}/s",
                f"target 1,000/s: {'met' if signed >= 1000 else 'missed'}",
                f"bare Ed25519 sign {issuance['ed25519_sign']['median_per_s']:,.0f}/s",
            ),
            (
                "canonicalization (template per shape + oxigraph RDFC-1.0)",
                f"{issuance['canonicalize_credential']['median_per_s']:,.0f}/s",
                "",
                f"pyld whole URDNA2015 {pyld:,.0f}/s",
            ),
            (
                "award issued and stored (OB 2.0 signed + OB 3.0 both proofs), "
                f"{issuance['issue_batched_per_transaction']} per transaction as a session closing",
                f"{issuance['issue_batched']['median_per_s']:,.0f}/s",
                "",
                f"{issuance['database']}",
            ),
        ]
    verification = newest("verification")
    if verification:
        in_memory = verification.get("verifications_per_s_documents_in_memory", {})
        for form, rate in verification["verifications_per_s"].items():
            memory = f"{in_memory[form]:,.0f}/s with our documents in memory" if form in in_memory else ""
            rows.append((f"verify {form} (documents from the database)", f"{rate:,.0f}/s", "", memory))
        db = verification.get("ob3_data_integrity_vs_digital_bazaar", {})
        if "ours_per_s" in db:
            rows.append(
                (
                    "verify OB 3.0 Data Integrity + status list, 100 credentials",
                    f"{db['ours_per_s']:,.0f}/s",
                    f"x{db['ours_over_theirs']} Digital Bazaar",
                    f"Digital Bazaar (Node) {db['digital_bazaar_per_s']:,.0f}/s",
                )
            )
        for form, figures in verification.get("ob2_over_http_same_server", {}).items():
            if isinstance(figures, dict) and "ours_per_s" in figures:
                rows.append(
                    (
                        f"verify {form} over HTTP",
                        f"{figures['ours_per_s']:,.0f}/s",
                        f"x{figures['ours_over_validator']} 1EdTech validator",
                        f"1EdTech validator {figures['validator_per_s']:,.0f}/s",
                    )
                )
    http = newest("http")
    if http:
        bare = http["endpoints"]["bare_fastapi_hello"]
        for name, figures in http["endpoints"].items():
            if name == "bare_fastapi_hello":
                continue
            target = ""
            if name.endswith("_json") or name == "status_list":
                ratio = http["ratio_to_bare"][name]
                target = f"target 70% of bare: {'met' if ratio >= 0.7 else 'missed'} ({ratio:.0%})"
            if name.startswith("badge_page"):
                ratio = http["ratio_to_bare"][name]
                target = f"target 50% of bare: {'met' if ratio >= 0.5 else 'missed'} ({ratio:.0%})"
            if name == "post_verify_ob3":
                target = f"target p99 < 50 ms: {'met' if figures['p99_ms'] < 50 else 'missed'}"
            rows.append(
                (
                    f"HTTP {name} ({http['load']})",
                    f"{figures['requests_per_s']:,.0f} req/s, p99 {figures['p99_ms']:.0f} ms",
                    target,
                    f"bare FastAPI {bare['requests_per_s']:,.0f} req/s, p99 {bare['p99_ms']:.0f} ms",
                )
            )
    hostile = newest("hostile")
    if hostile:
        attack = hostile["healthz_under_attack"]
        rows += [
            (
                "worst time to a verdict on hostile input (poison graphs, deep contexts, 1 MB)",
                f"{hostile['worst_seconds']:.2f} s",
                f"target 2 s: {'met' if hostile['worst_seconds'] <= 2 else 'missed'}",
                ", ".join(f"{n} {i['seconds']:.2f} s" for n, i in hostile["inputs"].items()),
            ),
            (
                f"/healthz while {attack['attackers']} hostile verifications run",
                f"p50 {attack['p50_ms']:.0f} ms, p99 {attack['p99_ms']:.0f} ms, "
                f"max {attack['max_ms']:.0f} ms",
                f"target p99 100 ms: {'met' if attack['p99_ms'] <= 100 else 'missed'}",
                f"{attack['hostile_answers']} hostile answers {attack['hostile_statuses']}",
            ),
        ]
    sessions = newest("sessions")
    if sessions:
        single = sessions["reference_single_award_per_transaction_per_s"]
        rows.append(
            (
                "session close, end to end",
                _sessions_line(sessions),
                "",
                f"one award per transaction {single}/s",
            )
        )
    lines = ["| measure | figure | target | reference in the same run |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    return "\n".join(lines) + "\n"


def _sessions_line(sessions: dict[str, Any]) -> str:
    close = sessions["close_session"]
    return (
        f"{close['enrolments']:,} enrolments in {close['seconds']} s ({close['awards_per_s']}/s, "
        f"{close['emails_queued']:,} emails queued, {sessions['database']})"
    )


if __name__ == "__main__":
    main()

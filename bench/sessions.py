"""Benchmark: importing a 5,000-row attendance sheet, and closing a session of 2,000 enrolments
end to end (awards in both standards, status entries, emails queued), against issuing one award
per transaction measured in the same run.

    python bench/sessions.py [--rows 5000] [--enrolments 2000] [--database-url URL]

Writes bench/results/sessions-<UTC timestamp>.json. Not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from harness import bench_services  # bench/harness.py
from sqlalchemy import func, select

from service.persistence.training_tables import OutboxMessage
from service.usecases import awards, badge_classes, closing, csv_import, issuers, sessions
from service.usecases.commands import AwardCreate
from service.usecases.session_commands import SessionCreate
from service.worker import close_sessions_once

RESULTS = Path(__file__).parent / "results"


def sheet(rows: int, day: datetime) -> bytes:
    header = f"Nom;Prénom;Courriel;Structure;Fonction;{day:%d/%m/%Y} matin;{day:%d/%m/%Y} après-midi"
    lines = [header]
    for i in range(rows):
        lines.append(f"Nom{i};Prénom{i};pair{i}@structure{i % 50}.example.fr;Structure {i % 50};Agent·e;x;x")
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--enrolments", type=int, default=2000)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    args = parser.parse_args()
    bench = bench_services(args.database_url)
    services, url = bench.services, bench.url

    context = bench.context

    from issuance import BADGE, ISSUER  # the same issuer and badge as the issuance benchmark

    day = (datetime.now(UTC) - timedelta(days=2)).replace(hour=7, minute=0, second=0, microsecond=0)
    half_days = [
        {"starts_at": day, "ends_at": day + timedelta(hours=3, minutes=30)},
        {"starts_at": day + timedelta(hours=5), "ends_at": day + timedelta(hours=8, minutes=30)},
    ]
    with services.database.transaction() as session:
        issuer = issuers.create(context(session), ISSUER)
        badge = badge_classes.create(context(session), issuer, BADGE)
        issuer_id, badge_id = issuer.id, badge.id

    def new_session(title: str) -> str:
        command = SessionCreate.model_validate(
            {
                "title": title,
                "half_days": half_days,
                "trainers": [{"name": "Alex Martin", "email": "alex@coop.example.org"}],
                "rules": [{"badge_class_id": badge_id, "min_hours": 3, "all_half_days": True}],
            }
        )
        with services.database.transaction() as session:
            return sessions.create(context(session), issuers.get(context(session), issuer_id), command).id

    def import_rows(session_id: str, rows: int) -> float:
        content = sheet(rows, day)
        start = time.perf_counter()
        with services.database.transaction() as session:
            training = sessions.get(context(session), session_id)
            report = csv_import.import_sheet(context(session), training, content)
        if report.imported != rows:
            raise SystemExit(f"imported {report.imported} of {rows} rows")
        return time.perf_counter() - start

    csv_seconds = import_rows(new_session("Import"), args.rows)

    # Reference in the same run: one award per transaction, as the API issues one.
    command = AwardCreate(recipient_email="camille@example.fr")

    def issue_one() -> None:
        with services.database.transaction() as session:
            awards.issue(context(session), badge_classes.get(context(session), badge_id), command)

    issue_one()
    start = time.perf_counter()
    for _ in range(50):
        issue_one()
    single_per_s = 50 / (time.perf_counter() - start)

    closing_session = new_session("Clôture")
    import_rows(closing_session, args.enrolments)
    start = time.perf_counter()
    with services.database.transaction() as session:
        queued = closing.close(context(session), closing_session, background=True)
    if not isinstance(queued, closing.Queued):
        raise SystemExit("the closing was not queued")
    while close_sessions_once(services, "bench-worker"):
        pass
    close_seconds = time.perf_counter() - start
    with services.database.transaction(write=False) as session:
        emails = session.scalar(select(func.count()).select_from(OutboxMessage)) or 0
        state = sessions.get(context(session), closing_session).state
    result: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "processor": platform.processor() or platform.machine(),
        },
        "database": url.split(":", 1)[0],
        "csv_import": {
            "rows": args.rows,
            "seconds": round(csv_seconds, 3),
            "rows_per_s": round(args.rows / csv_seconds),
        },
        "close_session": {
            "enrolments": args.enrolments,
            "state_after": state,
            "emails_queued": emails,
            "seconds": round(close_seconds, 2),
            "awards_per_s": round(args.enrolments / close_seconds, 1),
        },
        "reference_single_award_per_transaction_per_s": round(single_per_s, 1),
        "close_over_single_ratio": round((args.enrolments / close_seconds) / single_per_s, 2),
    }
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"sessions-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    print(f"\nwritten to {out}")
    services.database.dispose()


if __name__ == "__main__":
    main()

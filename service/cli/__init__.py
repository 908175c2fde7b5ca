"""The ``fabrique`` command: serve, send emails, verify, migrate; the other commands are grouped
by subject in this package (``admin``: keys, tokens, accounts, issuers; ``instance``: export and
import; ``sessions``: spreadsheets and the catalogue). Only ``serve`` imports the web application."""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from service.cli import admin, instance, sessions
from service.cli.common import app, db_app, settings_or_exit
from service.observability.logs import configure as configure_logs
from service.persistence import migrate
from service.services import Services, build_services
from service.settings import Environment, Settings
from service.usecases import startup

if TYPE_CHECKING:
    from service.verification.service import Verification

__all__ = ["admin", "app", "asgi", "instance", "main", "server_options", "sessions"]


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(help="worker processes")] = 1,
) -> None:
    """Upgrade the database, check issuers' keys, then serve HTTP."""
    import uvicorn

    from service.app import create_app  # the web application, only when serving

    settings = settings_or_exit()
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    migrate.upgrade(settings.effective_database_url)
    services = build_services(settings)
    with services.database.transaction() as session:
        created = startup.ensure_issuer_keys(services.context(session))
    if created:
        typer.echo(f"{created} signing key(s) generated under {settings.keys_dir}/")
    services.database.dispose()
    typer.echo(f"Fabrique à badges on http://{host}:{port} (public URL {settings.public_url})")
    configure_logs(settings.log_format)
    options = server_options(settings, host, port)
    if workers > 1:
        uvicorn.run("service.cli:asgi", workers=workers, factory=True, **options)  # type: ignore[arg-type]
    else:
        uvicorn.run(create_app(settings), **options)  # type: ignore[arg-type]


@app.command()
def worker(
    once: Annotated[bool, typer.Option(help="send what is due, then exit")] = False,
    poll: Annotated[float, typer.Option(help="seconds between polls when idle")] = 2.0,
    sink: Annotated[
        bool,
        typer.Option(help="write each email under var/courriels/ and print its links, send nothing (trials)"),
    ] = False,
) -> None:
    """Send the queued emails (several workers may run at once, on several hosts)."""
    import signal
    import threading

    from service.mail.sink import FileSink
    from service.mail.smtp import Sender, SmtpSender
    from service.worker import close_sessions_once, drain_once, run, worker_name

    settings = settings_or_exit()
    sender: Sender
    if sink:
        if settings.environment is Environment.PRODUCTION:
            typer.echo("--sink is for trials: it keeps private links in files", err=True)
            raise typer.Exit(2)
        sender = FileSink(settings.data_dir / "courriels", say=typer.echo)
    else:
        try:
            sender = SmtpSender.from_settings(settings)
        except ValueError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2) from exc
    configure_logs(settings.log_format)
    services = build_services(settings)
    if once:
        name = worker_name()
        closed = 0
        while close_sessions_once(services, name):
            closed += 1
        if closed:
            typer.echo(f"{closed} session(s) closed")
        total = 0
        while (drained := drain_once(services, sender, name)).claimed:
            total += drained.sent
        typer.echo(f"{total} email(s) {'written' if sink else 'sent'}")
        return
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    run(services, sender, stop=stop, poll_seconds=poll)


@app.command()
def verify(
    source: Annotated[str, typer.Argument(help="a file (baked PNG or SVG, JSON, JWS/JWT) or a URL")],
    email: Annotated[str | None, typer.Option("--email", help="the email the badge should belong to")] = None,
) -> None:
    """Verify a badge; prints each check and exits 0 only when the badge is valid."""
    from pathlib import Path

    from service.verification.sandbox import SandboxBusy
    from service.verification.service import Verdict

    given: str | bytes
    if source.startswith(("https://", "http://")):
        given = source
    else:
        path = Path(source)
        if not path.is_file():
            typer.echo(f"{source}: no such file", err=True)
            raise typer.Exit(2)
        if path.stat().st_size > 4 * 1024 * 1024:
            typer.echo(f"{source}: larger than 4 MiB", err=True)
            raise typer.Exit(2)
        given = path.read_bytes()
    services = build_services(settings_or_exit())
    try:
        result = _verify_once(services, given, email)
    except SandboxBusy:
        typer.echo("vérificateur occupé ou indisponible / verifier busy or unavailable", err=True)
        raise typer.Exit(3) from None
    finally:
        services.sandbox.close()
    _print_verification(result)
    raise typer.Exit(0 if result.verdict is Verdict.VALID else 1)


def _verify_once(services: Services, given: str | bytes, email: str | None) -> Verification:
    from service.usecases import verify as verification

    with services.database.transaction(write=False) as db:
        return verification.verify(
            services.context(db),
            given,
            email,
            signed_lists=None,
            network=services.fetcher.within(),
            canonicalize=services.sandbox.canonicalize,
            trust=services.trust,
        )


def _print_verification(result: Verification) -> None:
    """The headline and each check, French first, English after."""
    from service.i18n.verification import check_label, check_reason, headline, headline_code
    from service.verification.service import Verdict

    code, cause = headline_code(
        result.report, result.verdict is Verdict.VALID, result.verdict is Verdict.CANNOT_TELL
    )
    for language in ("fr", "en"):
        typer.echo(headline(code, cause, result.badge, result.issuer, language))
    marks = {"passed": "✓", "failed": "✗", "skipped": "–"}
    for check in result.report.checks:
        typer.echo(
            f"{marks[check.outcome.value]} {check.name} — {check_label(check.name, 'fr')} : "
            f"{check_reason(check, 'fr')} / {check_reason(check, 'en')}"
        )
    if result.issuer is not None:
        typer.echo(f"issuer.identity: {result.issuer.identity.value}")
    typer.echo(f"{result.verdict.value.upper()} ({result.form.value})")


def server_options(settings: Settings, host: str, port: int) -> dict[str, object]:
    """Uvicorn's options. ``X-Forwarded-For`` and ``-Proto`` are believed only from the proxies
    ``FABRIQUE_TRUSTED_PROXIES`` names; with none, never (any other process on the host could
    otherwise pick the address the rate limits count)."""
    proxies = settings.trusted_proxies.strip()
    return {
        "host": host,
        "port": port,
        "proxy_headers": bool(proxies),
        "forwarded_allow_ips": proxies or None,
        # The app writes its own access lines (request id, route template, no query string).
        "access_log": False,
        "log_config": None,
    }


def asgi() -> object:
    """Application factory for process managers (``uvicorn --factory service.cli:asgi``)."""
    from service.app import create_app

    settings = Settings()
    configure_logs(settings.log_format)  # each worker process configures its own logging
    return create_app(settings)


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Option(help="target revision")] = "head") -> None:
    """Apply the migrations up to REVISION (the latest by default)."""
    settings = settings_or_exit()
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    migrate.upgrade(settings.effective_database_url, revision)
    typer.echo(f"database at revision {migrate.head_revision() if revision == 'head' else revision}")


@db_app.command("current")
def db_current() -> None:
    """Print the database's current revision."""
    services = build_services(settings_or_exit())
    typer.echo(migrate.current_revision(services.database.engine) or "(empty)")


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s", stream=sys.stderr)
    app()


if __name__ == "__main__":
    main()

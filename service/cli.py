"""The ``fabrique`` command: serve, send emails, migrate, manage keys and tokens."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import ValidationError

from service.domain.access import Role
from service.errors import FabriqueError
from service.observability.logs import configure as configure_logs
from service.persistence import migrate
from service.persistence.repositories import ApiTokens, Issuers, SigningKeys
from service.services import Services, build_services
from service.settings import Settings
from service.signing.keystore import KeyPurpose
from service.usecases import keys as key_usecases
from service.usecases import startup, tokens

if TYPE_CHECKING:
    from service.verification.service import Verification

app = typer.Typer(help="Fabrique à badges — Open Badges issuing service.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
keys_app = typer.Typer(help="Issuers' signing keys.", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens.", no_args_is_help=True)
issuers_app = typer.Typer(help="Issuers.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(keys_app, name="keys")
app.add_typer(tokens_app, name="tokens")
accounts_app = typer.Typer(help="Console accounts (coordinators' web sign-in).", no_args_is_help=True)
app.add_typer(accounts_app, name="accounts")
app.add_typer(issuers_app, name="issuers")
catalogue_app = typer.Typer(help="The shipped mediator-skills catalogue.", no_args_is_help=True)
app.add_typer(catalogue_app, name="catalogue")


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        for error in exc.errors():
            typer.echo(f"configuration: {error['msg']}", err=True)
        raise typer.Exit(2) from exc


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(help="worker processes")] = 1,
) -> None:
    """Upgrade the database, check issuers' keys, then serve HTTP."""
    import uvicorn

    from service.app import create_app  # the web application, only when serving

    settings = _settings()
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
) -> None:
    """Send the queued emails (several workers may run at once, on several hosts)."""
    import signal
    import threading

    from service.mail.smtp import SmtpSender
    from service.worker import close_sessions_once, drain_once, run, worker_name

    settings = _settings()
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
        typer.echo(f"{total} email(s) sent")
        return
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    run(services, sender, stop=stop, poll_seconds=poll)


@app.command("import")
def import_command(
    file: Annotated[
        typer.FileBinaryRead,
        typer.Argument(help="a spreadsheet export (with --session), or an instance archive (without)"),
    ],
    session: Annotated[str | None, typer.Option("--session", help="session id (spreadsheet import)")] = None,
    accept_valid_rows: Annotated[
        bool, typer.Option(help="write the valid rows even when others have problems")
    ] = False,
    passphrase_stdin: Annotated[
        bool, typer.Option(help="read the archive's passphrase from standard input")
    ] = False,
) -> None:
    """Import a session's enrolments and attendance from a spreadsheet (--session), or a whole
    instance from `fabrique export`'s archive into an empty database."""
    if session is None:
        _import_instance(file, passphrase_stdin)
        return
    _import_sheet(file, session, accept_valid_rows)


@app.command("export")
def export_command(
    file: Annotated[typer.FileBinaryWrite, typer.Argument(help="the archive to write (.zip)")],
    passphrase_stdin: Annotated[bool, typer.Option(help="read the passphrase from standard input")] = False,
) -> None:
    """Write the whole instance (every table, the private keys and the instance secret, sealed
    with a passphrase) to one archive, for `fabrique import` on another host or database."""
    from service.persistence.archive import ArchiveError, export_instance
    from service.settings import resolve_secret

    settings = _settings()
    passphrase = _passphrase(passphrase_stdin, confirm=True)
    if file.name != "<stdout>":
        os.fchmod(file.fileno(), 0o600)  # the archive holds sealed keys and every earner's data
    services = build_services(settings)
    try:
        summary = export_instance(
            services.database,
            services.keys,
            resolve_secret(settings),
            passphrase,
            file,
            migrate.head_revision(),
        )
    except ArchiveError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    rows = sum(summary.tables.values())
    typer.echo(f"{rows} row(s) in {len(summary.tables)} tables, {summary.keys} private key(s) sealed")
    if summary.keys_missing:
        typer.echo(f"key files missing (withdrawn keys?): {', '.join(summary.keys_missing)}", err=True)


def _passphrase(from_stdin: bool, *, confirm: bool) -> str:
    """From --passphrase-stdin (first line), or asked at the terminal; never from the command line."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt("Phrase de passe / passphrase", hide_input=True, confirmation_prompt=confirm))


def _import_instance(file: typer.FileBinaryRead, passphrase_stdin: bool) -> None:
    from service.persistence.archive import ArchiveError, import_instance
    from service.settings import INSTANCE_SECRET_FILE

    settings = _settings()
    passphrase = _passphrase(passphrase_stdin, confirm=False)
    migrate.upgrade(settings.effective_database_url)
    services = build_services(settings)
    try:
        summary = import_instance(
            services.database,
            services.keys,
            file,
            passphrase,
            migrate.head_revision(),
            settings.keys_dir / INSTANCE_SECRET_FILE,
        )
    except ArchiveError as exc:
        typer.echo(f"{exc} — nothing was imported", err=True)
        raise typer.Exit(1) from None
    rows = sum(summary.tables.values())
    typer.echo(f"{rows} row(s) in {len(summary.tables)} tables and {summary.keys} private key(s) imported")
    if settings.secret_key is not None:
        typer.echo(
            "FABRIQUE_SECRET_KEY is set: it wins over the imported instance secret, so earners' "
            "links made before the export open only if it is the same secret",
            err=True,
        )


def _import_sheet(file: typer.FileBinaryRead, session: str, accept_valid_rows: bool) -> None:
    from service.domain.enrolment_csv import parse
    from service.i18n.csv_messages import line_message
    from service.usecases import csv_import, sessions

    content = file.read(csv_import.MAX_BYTES + 1)
    if len(content) > csv_import.MAX_BYTES:
        typer.echo(f"file larger than {csv_import.MAX_BYTES} bytes: split it", err=True)
        raise typer.Exit(2)
    services = build_services(_settings())
    total = len(parse(content).rows)
    try:
        with (
            services.database.transaction() as db,
            typer.progressbar(length=total, label="Import", file=sys.stderr) as bar,
        ):
            ctx = services.context(db)
            report = csv_import.import_sheet(
                ctx,
                sessions.get(ctx, session),
                content,
                accept_valid_rows=accept_valid_rows,
                progress=bar.update,
            )
    except csv_import.CsvRejected as rejected:
        for found in rejected.report.problems:
            typer.echo(f"ligne {found.line} : {line_message(found, 'fr')}", err=True)
        typer.echo("Rien n'a été enregistré. / Nothing was saved.", err=True)
        raise typer.Exit(1) from None
    except FabriqueError as exc:
        typer.echo(f"{exc.code}: {exc.params}", err=True)
        raise typer.Exit(1) from None
    for found in report.problems:
        typer.echo(f"ligne {found.line} ignorée : {line_message(found, 'fr')}", err=True)
    if report.ignored_columns:
        typer.echo("colonnes ignorées : " + ", ".join(report.ignored_columns), err=True)
    typer.echo(
        f"{report.imported} ligne(s) importée(s), {report.attendance_marks} présence(s) enregistrée(s)"
    )


@catalogue_app.command("import")
def catalogue_import(issuer: Annotated[str, typer.Option("--issuer", help="issuer id")]) -> None:
    """Create the catalogue's badge classes for an issuer; entries already imported are kept."""
    from service.usecases import catalogue, issuers

    services = build_services(_settings())
    try:
        with services.database.transaction() as db:
            ctx = services.context(db)
            imported = catalogue.import_into(ctx, issuers.get(ctx, issuer), catalogue.load())
            lines = [f"+ {bc.id}  {bc.name}" for bc in imported.created]
            lines += [f"= {bc.id}  {bc.name}" for bc in imported.kept]
    except FabriqueError as exc:
        typer.echo(f"{exc.code}: {exc.params}", err=True)
        raise typer.Exit(1) from None
    for line in lines:
        typer.echo(line)
    typer.echo(f"{len(imported.created)} badge(s) créé(s), {len(imported.kept)} déjà présent(s)")


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
    services = build_services(_settings())
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
    settings = _settings()
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    migrate.upgrade(settings.effective_database_url, revision)
    typer.echo(f"database at revision {migrate.head_revision() if revision == 'head' else revision}")


@db_app.command("current")
def db_current() -> None:
    """Print the database's current revision."""
    services = build_services(_settings())
    typer.echo(migrate.current_revision(services.database.engine) or "(empty)")


def _run(action: Callable[[], None]) -> None:
    try:
        action()
    except FabriqueError as exc:
        typer.echo(f"error: {exc.code} {exc.params}", err=True)
        raise typer.Exit(1) from exc


@keys_app.command("rotate")
def keys_rotate(
    issuer: Annotated[str, typer.Option(help="issuer id")],
    purpose: Annotated[
        list[KeyPurpose] | None,
        typer.Option(help="ob2, vc-jwt or data-integrity (repeat for several); all when omitted"),
    ] = None,
) -> None:
    """Make new signing keys for ISSUER, per purpose; retired keys stay published so old
    signatures verify. After an ob2 rotation, OB 2.0 files downloaded before no longer pass the
    1EdTech validator (the issuer profile names the new key only): earners download them again."""
    services = build_services(_settings())

    def action() -> None:
        with services.database.transaction() as session:
            if Issuers(session).get(issuer) is None:
                raise FabriqueError("issuer-not-found", id=issuer)
            for key in key_usecases.rotate(
                services.context(session), issuer, purpose or key_usecases.ISSUER_PURPOSES
            ):
                typer.echo(f"{key.purpose}\t{key.algorithm}\t{key.kid}\t{services.urls.key(key.kid)}")

    _run(action)


@keys_app.command("withdraw")
def keys_withdraw(
    issuer: Annotated[str, typer.Option(help="issuer id")],
    kid: Annotated[str, typer.Option(help="key id (a retired key)")],
) -> None:
    """Stop publishing a retired key, after a compromise: what it signed stops verifying."""
    services = build_services(_settings())

    def action() -> None:
        with services.database.transaction() as session:
            key = key_usecases.withdraw(services.context(session), issuer, kid)
            typer.echo(f"{key.purpose}\t{key.algorithm}\t{key.kid}\twithdrawn")

    _run(action)


@keys_app.command("list")
def keys_list(issuer: Annotated[str, typer.Option(help="issuer id")]) -> None:
    """List an issuer's keys, active and retired."""
    services = build_services(_settings())
    with services.database.transaction() as session:
        for key in SigningKeys(session).for_issuer(issuer):
            state = (
                f"withdrawn {key.withdrawn_at:%Y-%m-%d}"
                if key.withdrawn_at
                else f"retired {key.retired_at:%Y-%m-%d}"
                if key.retired_at
                else "active"
            )
            typer.echo(f"{key.purpose}\t{key.algorithm}\t{key.kid}\t{state}")


@tokens_app.command("create")
def tokens_create(
    role: Annotated[Role, typer.Option(help="admin, coordinator or viewer")],
    issuer: Annotated[list[str] | None, typer.Option(help="issuer id (repeat for several)")] = None,
    name: Annotated[str, typer.Option(help="what the token is for")] = "",
) -> None:
    """Create an API token; the token is printed once, alone on the last line."""
    services = build_services(_settings())

    def action() -> None:
        with services.database.transaction() as session:
            token, plaintext = tokens.create(
                session,
                services.clock,
                name=name or f"{role.value} token",
                role=role,
                issuer_ids=issuer or [],
            )
            scope = ", ".join(sorted(token.issuer_ids)) or "all issuers"
        typer.echo(
            f"token {token.id} ({role.value}; {scope}) — store it now, it is not shown again:", err=True
        )
        typer.echo(plaintext)

    _run(action)


def _new_password(password: str | None) -> str:
    """From --password-stdin, or asked twice at the terminal; never from the command line."""
    if password is not None:
        return password
    return str(
        typer.prompt(
            "Mot de passe / password (12 caractères au moins)", hide_input=True, confirmation_prompt=True
        )
    )


@accounts_app.command("create")
def accounts_create(
    email: Annotated[str, typer.Option(help="the coordinator's email (their sign-in name)")],
    role: Annotated[Role, typer.Option(help="admin, coordinator or viewer")] = Role.COORDINATOR,
    issuer: Annotated[list[str] | None, typer.Option(help="issuer id (repeat for several)")] = None,
    name: Annotated[str, typer.Option(help="name shown in the console")] = "",
    password_stdin: Annotated[bool, typer.Option(help="read the password from standard input")] = False,
) -> None:
    """Create a console account (the password is hashed with argon2id)."""
    from service.usecases import accounts

    password = _new_password(sys.stdin.readline().rstrip("\n") if password_stdin else None)
    services = build_services(_settings())

    def action() -> None:
        with services.database.transaction() as session:
            account = accounts.create(
                session,
                services.clock,
                email=email,
                name=name,
                password=password,
                role=role,
                issuer_ids=issuer or [],
            )
            scope = ", ".join(sorted(account.issuer_ids)) or "all issuers"
        typer.echo(f"account {account.email} ({role.value}; {scope}) created")

    _run(action)


@accounts_app.command("password")
def accounts_password(
    email: Annotated[str, typer.Option(help="the account's email")],
    password_stdin: Annotated[bool, typer.Option(help="read the password from standard input")] = False,
) -> None:
    """Set a new password; the account's open sessions are closed and its locks lifted."""
    from service.usecases import accounts

    password = _new_password(sys.stdin.readline().rstrip("\n") if password_stdin else None)
    services = build_services(_settings())

    def action() -> None:
        with services.database.transaction() as session:
            accounts.set_password(session, email, password)
        typer.echo(f"password of {email} changed")

    _run(action)


@accounts_app.command("unlock")
def accounts_unlock(email: Annotated[str, typer.Option(help="the account's email")]) -> None:
    """Lift the account's sign-in locks, from every address (after repeated wrong passwords)."""
    from service.usecases import accounts

    services = build_services(_settings())

    def action() -> None:
        with services.database.transaction() as session:
            lifted = accounts.unlock(session, email)
        typer.echo(f"{email}: {lifted} address(es) unlocked")

    _run(action)


@tokens_app.command("list")
def tokens_list() -> None:
    """List tokens (never their secret)."""
    services = build_services(_settings())
    with services.database.transaction() as session:
        for token in ApiTokens(session).all():
            state = "revoked" if token.revoked_at else "active"
            scope = ",".join(sorted(token.issuer_ids)) or "*"
            typer.echo(f"{token.id}\t{token.prefix}…\t{token.role}\t{scope}\t{state}\t{token.name}")


@tokens_app.command("revoke")
def tokens_revoke(token_id: str) -> None:
    """Revoke a token: it stops working at once."""
    services = build_services(_settings())
    _run(lambda: _revoke_token(services, token_id))


def _revoke_token(services: Services, token_id: str) -> None:
    with services.database.transaction() as session:
        tokens.revoke(session, services.clock, token_id)
    typer.echo(f"token {token_id} revoked")


@issuers_app.command("list")
def issuers_list() -> None:
    """List issuers with their public URL."""
    services = build_services(_settings())
    with services.database.transaction() as session:
        rows, _ = Issuers(session).list(None, 1000, 0)
        for row in rows:
            typer.echo(f"{row.id}\t{row.name}\t{services.urls.issuer(row.id)}")


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s", stream=sys.stderr)
    app()


if __name__ == "__main__":
    main()

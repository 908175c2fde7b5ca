"""``fabrique export`` and ``fabrique import``: an instance moved whole (database rows, sealed
keys, the instance secret) to another host or database; ``import`` with ``--session`` reads a
session's spreadsheet instead (``service.cli.sessions``)."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from service.cli.common import app, cli_actor, read_passphrase, settings_or_exit
from service.cli.sessions import import_sheet
from service.persistence import migrate
from service.services import build_services


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
    import_sheet(file, session, accept_valid_rows)


@app.command("export")
def export_command(
    file: Annotated[typer.FileBinaryWrite, typer.Argument(help="the archive to write (.zip)")],
    passphrase_stdin: Annotated[bool, typer.Option(help="read the passphrase from standard input")] = False,
) -> None:
    """Write the whole instance (every table, the private keys and the instance secret, sealed
    with a passphrase) to one archive, for `fabrique import` on another host or database."""
    from service.persistence.archive import ArchiveError, export_instance
    from service.settings import resolve_secret

    settings = settings_or_exit()
    passphrase = read_passphrase(passphrase_stdin, confirm=True)
    if file.name != "<stdout>":
        os.fchmod(file.fileno(), 0o600)  # the archive holds sealed keys and every earner's data
    services = build_services(settings, actor=cli_actor())
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


def _import_instance(file: typer.FileBinaryRead, passphrase_stdin: bool) -> None:
    from service.persistence.archive import ArchiveError, import_instance
    from service.settings import INSTANCE_SECRET_FILE

    settings = settings_or_exit()
    passphrase = read_passphrase(passphrase_stdin, confirm=False)
    migrate.upgrade(settings.effective_database_url)
    services = build_services(settings, actor=cli_actor())
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

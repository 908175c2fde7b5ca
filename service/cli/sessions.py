"""Session work from the command line: a session's spreadsheet of enrolments and attendance,
and the shipped catalogue of mediator skills."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from service.cli.common import catalogue_app, cli_actor, settings_or_exit
from service.errors import FabriqueError
from service.services import build_services


def import_sheet(file: typer.FileBinaryRead, session: str, accept_valid_rows: bool) -> None:
    from service.domain.enrolment_csv import parse
    from service.i18n.csv_messages import line_message
    from service.usecases import csv_import, sessions

    content = file.read(csv_import.MAX_BYTES + 1)
    if len(content) > csv_import.MAX_BYTES:
        typer.echo(f"file larger than {csv_import.MAX_BYTES} bytes: split it", err=True)
        raise typer.Exit(2)
    services = build_services(settings_or_exit(), actor=cli_actor())
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

    services = build_services(settings_or_exit(), actor=cli_actor())
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

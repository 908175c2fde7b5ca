"""What every ``fabrique`` command shares: the command groups, settings read or a clear exit,
errors as one line, secrets read from standard input or the terminal, never the command line."""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable

import typer
from pydantic import ValidationError

from service.domain.audit import Actor
from service.errors import FabriqueError
from service.settings import Settings

app = typer.Typer(help="Fabrique à badges — Open Badges issuing service.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
keys_app = typer.Typer(help="Issuers' signing keys.", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens.", no_args_is_help=True)
issuers_app = typer.Typer(help="Issuers.", no_args_is_help=True)
accounts_app = typer.Typer(help="Console accounts (coordinators' web sign-in).", no_args_is_help=True)
catalogue_app = typer.Typer(help="The shipped mediator-skills catalogue.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(keys_app, name="keys")
app.add_typer(tokens_app, name="tokens")
app.add_typer(accounts_app, name="accounts")
app.add_typer(issuers_app, name="issuers")
app.add_typer(catalogue_app, name="catalogue")


def settings_or_exit() -> Settings:
    """The settings, and which instance they name, said on standard error (a command's output
    stays what scripts read): every command says where it works, wherever it is run from."""
    try:
        settings = Settings()
    except ValidationError as exc:
        for error in exc.errors():
            typer.echo(f"configuration: {error['msg']}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(settings.describe(), err=True)
    return settings


def run_or_exit(action: Callable[[], None]) -> None:
    try:
        action()
    except FabriqueError as exc:
        typer.echo(f"error: {exc.code} {exc.params}", err=True)
        raise typer.Exit(1) from exc


def read_passphrase(from_stdin: bool, *, confirm: bool) -> str:
    """From --passphrase-stdin (first line), or asked at the terminal; never from the command line."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt("Phrase de passe / passphrase", hide_input=True, confirmation_prompt=confirm))


def new_password(password: str | None) -> str:
    """From --password-stdin, or asked twice at the terminal; never from the command line."""
    if password is not None:
        return password
    return str(
        typer.prompt(
            "Mot de passe / password (12 caractères au moins)", hide_input=True, confirmation_prompt=True
        )
    )


def cli_actor() -> Actor:
    """The person at the CLI, for the audit log: the system user running the command."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no name for this uid (a container, say)
        user = f"uid {os.getuid()}"
    return Actor("cli", None, user)

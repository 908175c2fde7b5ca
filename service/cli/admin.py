"""``fabrique keys``, ``tokens``, ``accounts`` and ``issuers``: the operator's administration."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from service.cli.common import (
    accounts_app,
    cli_actor,
    issuers_app,
    keys_app,
    new_password,
    run_or_exit,
    settings_or_exit,
    tokens_app,
)
from service.domain.access import Role
from service.errors import FabriqueError
from service.persistence.repositories import ApiTokens, Issuers, SigningKeys
from service.services import Services, build_services
from service.signing.keystore import KeyPurpose
from service.usecases import keys as key_usecases
from service.usecases import tokens


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
    services = build_services(settings_or_exit(), actor=cli_actor())

    def action() -> None:
        with services.database.transaction() as session:
            if Issuers(session).get(issuer) is None:
                raise FabriqueError("issuer-not-found", id=issuer)
            for key in key_usecases.rotate(
                services.context(session), issuer, purpose or key_usecases.ISSUER_PURPOSES
            ):
                typer.echo(f"{key.purpose}\t{key.algorithm}\t{key.kid}\t{services.urls.key(key.kid)}")

    run_or_exit(action)


@keys_app.command("withdraw")
def keys_withdraw(
    issuer: Annotated[str, typer.Option(help="issuer id")],
    kid: Annotated[str, typer.Option(help="key id (a retired key)")],
) -> None:
    """Stop publishing a retired key, after a compromise: what it signed stops verifying."""
    services = build_services(settings_or_exit(), actor=cli_actor())

    def action() -> None:
        with services.database.transaction() as session:
            key = key_usecases.withdraw(services.context(session), issuer, kid)
            typer.echo(f"{key.purpose}\t{key.algorithm}\t{key.kid}\twithdrawn")

    run_or_exit(action)


@keys_app.command("list")
def keys_list(issuer: Annotated[str, typer.Option(help="issuer id")]) -> None:
    """List an issuer's keys, active and retired."""
    services = build_services(settings_or_exit(), actor=cli_actor())
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
    services = build_services(settings_or_exit(), actor=cli_actor())

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

    run_or_exit(action)


@tokens_app.command("list")
def tokens_list() -> None:
    """List tokens (never their secret)."""
    services = build_services(settings_or_exit(), actor=cli_actor())
    with services.database.transaction() as session:
        for token in ApiTokens(session).all():
            state = "revoked" if token.revoked_at else "active"
            scope = ",".join(sorted(token.issuer_ids)) or "*"
            typer.echo(f"{token.id}\t{token.prefix}…\t{token.role}\t{scope}\t{state}\t{token.name}")


@tokens_app.command("revoke")
def tokens_revoke(token_id: str) -> None:
    """Revoke a token: it stops working at once."""
    services = build_services(settings_or_exit(), actor=cli_actor())
    run_or_exit(lambda: _revoke_token(services, token_id))


def _revoke_token(services: Services, token_id: str) -> None:
    with services.database.transaction() as session:
        tokens.revoke(session, services.clock, token_id)
    typer.echo(f"token {token_id} revoked")


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

    password = new_password(sys.stdin.readline().rstrip("\n") if password_stdin else None)
    services = build_services(settings_or_exit(), actor=cli_actor())

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

    run_or_exit(action)


@accounts_app.command("password")
def accounts_password(
    email: Annotated[str, typer.Option(help="the account's email")],
    password_stdin: Annotated[bool, typer.Option(help="read the password from standard input")] = False,
) -> None:
    """Set a new password; the account's open sessions are closed and its locks lifted."""
    from service.usecases import accounts

    password = new_password(sys.stdin.readline().rstrip("\n") if password_stdin else None)
    services = build_services(settings_or_exit(), actor=cli_actor())

    def action() -> None:
        with services.database.transaction() as session:
            accounts.set_password(session, email, password)
        typer.echo(f"password of {email} changed")

    run_or_exit(action)


@accounts_app.command("unlock")
def accounts_unlock(email: Annotated[str, typer.Option(help="the account's email")]) -> None:
    """Lift the account's sign-in locks, from every address (after repeated wrong passwords)."""
    from service.usecases import accounts

    services = build_services(settings_or_exit(), actor=cli_actor())

    def action() -> None:
        with services.database.transaction() as session:
            lifted = accounts.unlock(session, email)
        typer.echo(f"{email}: {lifted} address(es) unlocked")

    run_or_exit(action)


@issuers_app.command("list")
def issuers_list() -> None:
    """List issuers with their public URL."""
    services = build_services(settings_or_exit(), actor=cli_actor())
    with services.database.transaction() as session:
        rows, _ = Issuers(session).list(None, 1000, 0)
        for row in rows:
            typer.echo(f"{row.id}\t{row.name}\t{services.urls.issuer(row.id)}")

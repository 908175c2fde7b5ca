"""People and access, for administrators: invite a coordinator by email (a one-time link to
choose a password), change what an account may do (role, issuers), deactivate and reactivate it,
and let anyone reset a forgotten password by email without telling whether the address has an
account. Every change is in the audit log."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from service.domain import account_links
from service.domain.access import Role
from service.domain.recipients import normalise_email
from service.errors import Conflict, InvalidInput, NotFound
from service.ids import new_id
from service.persistence.account_repositories import ConsoleAccounts
from service.persistence.console_tables import AccountLink, ConsoleAccount, ConsoleAccountIssuer
from service.persistence.tables import Issuer
from service.persistence.training_tables import OutboxMessage
from service.usecases import accounts, audit
from service.usecases.context import Context

ACCOUNT_INVITATION = "account-invitation"
RESET_EMAIL = "password-reset"
KINDS = {account_links.INVITATION: ACCOUNT_INVITATION, account_links.RESET: RESET_EMAIL}


@dataclass(frozen=True, slots=True)
class Access:
    role: Role
    issuer_ids: Sequence[str]
    # Another role for some of these issuers (coordinator or viewer), else the account's role.
    issuer_roles: Mapping[str, Role] = field(default_factory=dict)

    def scopes(self) -> list[ConsoleAccountIssuer]:
        return [
            ConsoleAccountIssuer(
                issuer_id=issuer_id,
                role=self.issuer_roles[issuer_id].value
                if self.issuer_roles.get(issuer_id, self.role) is not self.role
                else None,
            )
            for issuer_id in self.issuer_ids
        ]


def _check_access(ctx: Context, access: Access) -> list[str]:
    scopes = list(dict.fromkeys(access.issuer_ids))
    if access.role is not Role.ADMIN and not scopes:
        raise InvalidInput("account-needs-issuer", field="issuer_ids", role=access.role.value)
    for issuer_id in scopes:
        if ctx.session.get(Issuer, issuer_id) is None:
            raise NotFound("issuer-not-found", id=issuer_id)
    return [] if access.role is Role.ADMIN else scopes


def invite(ctx: Context, email: str, name: str, access: Access, language: str = "fr") -> ConsoleAccount:
    """A new account without a password, and an email with a link to choose one (7 days)."""
    wanted = normalise_email(email)
    repo = ConsoleAccounts(ctx.session)
    if repo.exists(wanted):
        raise Conflict("account-exists", email=wanted)
    scopes = _check_access(ctx, access)
    account = ConsoleAccount(
        id=new_id(),
        email=wanted,
        name=name.strip()[:200] or wanted,
        password_hash="",  # no password matches until the invitation is used
        role=access.role.value,
        language="en" if language == "en" else "fr",
        created_at=ctx.clock.now(),
    )
    account.scopes = Access(access.role, scopes, access.issuer_roles).scopes()
    ctx.session.add(account)
    ctx.session.flush()
    _send_link(ctx, account, account_links.INVITATION)
    audit.record(ctx, "account-invited", "account", account.id, None, role=access.role.value)
    return account


def request_reset(ctx: Context, email: str) -> None:
    """A reset link for an active account with that address; nothing otherwise, and the same
    answer either way (the caller says « if an account exists… »)."""
    account = ConsoleAccounts(ctx.session).by_email(normalise_email(email)[:320])
    if account is None or account.disabled_at is not None:
        return
    _send_link(ctx, account, account_links.RESET)
    audit.record(ctx, "account-reset-requested", "account", account.id)


def send_invitation_again(ctx: Context, account: ConsoleAccount) -> None:
    if account.password_hash:
        raise Conflict("account-already-active", email=account.email)
    _send_link(ctx, account, account_links.INVITATION)
    audit.record(ctx, "account-invited", "account", account.id, None, again=True)


def _send_link(ctx: Context, account: ConsoleAccount, purpose: str) -> AccountLink:
    now = ctx.clock.now()
    repo = ConsoleAccounts(ctx.session)
    for older in repo.open_links(account.id, purpose):  # only the newest link works
        older.used_at = now
    link = AccountLink(
        id=new_id(),
        account_id=account.id,
        purpose=purpose,
        created_at=now,
        expires_at=now + account_links.LIFETIMES[purpose],
        used_at=None,
    )
    ctx.session.add(link)
    ctx.session.flush()
    ctx.session.add(
        OutboxMessage(
            id=new_id(),
            kind=KINDS[purpose],
            award_id=None,
            account_link_id=link.id,
            recipient=account.email,
            language=account.language,
            state="pending",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
    )
    return link


def open_link(ctx: Context, secret: str, token: str) -> AccountLink:
    """The link a genuine, unused, unexpired token names, or ``link-invalid``."""
    link_id = account_links.link_of(secret, token)
    link = ConsoleAccounts(ctx.session).link(link_id) if link_id else None
    if link is None or not account_links.usable(link.expires_at, link.used_at, ctx.clock.now()):
        raise NotFound("account-link-invalid")
    return link


def use_link(ctx: Context, secret: str, token: str, password: str) -> ConsoleAccount:
    """Choose a password through the link: it works once; the account's sessions are closed."""
    link = open_link(ctx, secret, token)
    account = ConsoleAccounts(ctx.session).get(link.account_id)
    if account is None or account.disabled_at is not None:
        raise NotFound("account-link-invalid")
    audit.act_as(ctx.session, audit.account_actor(account))
    accounts.set_password(ctx.session, account.email, password, ctx.clock)
    link.used_at = ctx.clock.now()
    ctx.session.flush()
    return account


def set_access(ctx: Context, account: ConsoleAccount, access: Access) -> ConsoleAccount:
    scopes = _check_access(ctx, access)
    account.role = access.role.value
    existing = {scope.issuer_id: scope for scope in account.scopes}
    kept = []
    for wanted in Access(access.role, scopes, access.issuer_roles).scopes():
        row = existing.get(wanted.issuer_id, wanted)  # the same row for an issuer kept
        row.role = wanted.role
        kept.append(row)
    account.scopes = kept
    ConsoleAccounts(ctx.session).close_sessions(account.id)  # signs in again with the new rights
    ctx.session.flush()
    audit.record(ctx, "account-access-changed", "account", account.id, None, role=access.role.value)
    return account


def deactivate(ctx: Context, account: ConsoleAccount, by: ConsoleAccount | None) -> ConsoleAccount:
    if by is not None and by.id == account.id:
        raise Conflict("account-is-yours")
    account.disabled_at = account.disabled_at or ctx.clock.now()
    ConsoleAccounts(ctx.session).close_sessions(account.id)
    ctx.session.flush()
    audit.record(ctx, "account-deactivated", "account", account.id)
    return account


def reactivate(ctx: Context, account: ConsoleAccount) -> ConsoleAccount:
    account.disabled_at = None
    ctx.session.flush()
    audit.record(ctx, "account-reactivated", "account", account.id)
    return account


def get(ctx: Context, account_id: str) -> ConsoleAccount:
    account = ConsoleAccounts(ctx.session).get(account_id)
    if account is None:
        raise NotFound("account-not-found", email=account_id)
    return account

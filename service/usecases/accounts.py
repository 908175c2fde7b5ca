"""Console accounts: creation (CLI), sign-in with argon2id and a lockout per account and
address, browser sessions."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.orm import Session

from service.clock import Clock, SystemClock
from service.domain import signin
from service.domain.access import Principal, Role
from service.domain.audit import Actor
from service.domain.recipients import normalise_email
from service.errors import Conflict, InvalidInput, NotFound
from service.ids import new_id
from service.persistence.account_repositories import ConsoleAccounts
from service.persistence.console_tables import (
    ConsoleAccount,
    ConsoleAccountIssuer,
    ConsoleSession,
    ConsoleSigninFailure,
)
from service.persistence.tables import Issuer
from service.usecases import audit

MIN_PASSWORD = 12
MAX_PASSWORD = 256  # argon2 hashes anything, but a megabyte "password" is an attack, not a password
SYSTEM_CLOCK = SystemClock()


@cache
def hasher() -> PasswordHasher:
    return PasswordHasher()  # argon2id with the library's current recommended parameters


@cache
def _decoy_hash() -> str:
    """Checked when the account is unknown or locked, so every failure costs the same time."""
    return hasher().hash(secrets.token_urlsafe(16))


def create(
    session: Session,
    clock: Clock,
    *,
    email: str,
    name: str,
    password: str,
    role: Role,
    issuer_ids: list[str],
) -> ConsoleAccount:
    email = normalise_email(email)
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidInput("password-length", minimum=MIN_PASSWORD, maximum=MAX_PASSWORD)
    if ConsoleAccounts(session).exists(email):
        raise Conflict("account-exists", email=email)
    for issuer_id in issuer_ids:
        if session.get(Issuer, issuer_id) is None:
            raise NotFound("issuer-not-found", id=issuer_id)
    account = ConsoleAccount(
        id=new_id(),
        email=email,
        name=name.strip()[:200] or email,
        password_hash=hasher().hash(password),
        role=role.value,
        language="fr",
        created_at=clock.now(),
    )
    account.scopes = [ConsoleAccountIssuer(issuer_id=i) for i in dict.fromkeys(issuer_ids)]
    session.add(account)
    session.flush()
    audit.record_in(session, clock, "account-created", "account", account.id, None, role=role.value)
    return account


def set_password(session: Session, email: str, password: str, clock: Clock = SYSTEM_CLOCK) -> ConsoleAccount:
    repo = ConsoleAccounts(session)
    account = repo.by_email(normalise_email(email))
    if account is None:
        raise NotFound("account-not-found", email=email)
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidInput("password-length", minimum=MIN_PASSWORD, maximum=MAX_PASSWORD)
    account.password_hash = hasher().hash(password)
    repo.forget_failures(account.id)
    repo.close_sessions(account.id)
    session.flush()
    audit.record_in(session, clock, "account-password-set", "account", account.id)
    return account


def unlock(session: Session, email: str) -> int:
    """Lift every sign-in lock of the account, from every address; the number lifted."""
    repo = ConsoleAccounts(session)
    account = repo.by_email(normalise_email(email))
    if account is None:
        raise NotFound("account-not-found", email=email)
    lifted = repo.forget_failures(account.id)
    session.flush()
    audit.record_in(session, SYSTEM_CLOCK, "account-unlocked", "account", account.id, lifted=lifted)
    return lifted


def authenticate(
    session: Session, clock: Clock, email: str, password: str, address: str
) -> ConsoleAccount | None:
    """The account if the password is right, the account not disabled and ``address`` (the
    client's) not locked out of it. Every refusal looks the same and takes one argon2
    verification, whether the account exists or not. Failures lock only the address they come
    from, so a stranger cannot keep an account's owner out."""
    now = clock.now()
    wanted = normalise_email(email)[:320]
    repo = ConsoleAccounts(session)
    account = repo.by_email(wanted, for_update=True)
    if account is None or account.disabled_at is not None or len(password) > MAX_PASSWORD:
        _verify(_decoy_hash(), password[:MAX_PASSWORD])
        return None
    key = signin.address_key(address)
    failure = repo.failure(account.id, key)
    attempts = _attempts(failure)
    if signin.is_locked(attempts, now):
        _verify(_decoy_hash(), password[:MAX_PASSWORD])
        return None
    if not _verify(account.password_hash, password):
        after = signin.after_failure(attempts, now)
        if failure is None:
            failure = ConsoleSigninFailure(account_id=account.id, address=key)
            session.add(failure)
        failure.failures, failure.locks = after.failures, after.locks
        failure.locked_until, failure.last_failure_at = after.locked_until, now
        # Rows no lock can come back from: the table stays as small as the attacks are recent.
        repo.forget_failures(account.id, older_than=now - signin.FORGET_AFTER - signin.LONGEST_LOCK)
        session.flush()
        return None
    if failure is not None:
        session.delete(failure)
    account.last_sign_in_at = now
    if hasher().check_needs_rehash(account.password_hash):
        account.password_hash = hasher().hash(password)
    session.flush()
    audit.act_as(session, Actor("account", account.id, account.email))
    audit.record_in(session, clock, "account-signed-in", "account", account.id)
    return account


def _attempts(failure: ConsoleSigninFailure | None) -> signin.Attempts:
    if failure is None:
        return signin.Attempts()
    return signin.Attempts(failure.failures, failure.locks, failure.locked_until, failure.last_failure_at)


def _verify(stored: str, password: str) -> bool:
    try:
        return hasher().verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def principal_of(account: ConsoleAccount) -> Principal:
    roles = {scope.issuer_id: Role(scope.role) for scope in account.scopes if scope.role}
    return Principal(
        token_id=f"account:{account.id}",
        role=Role(account.role),
        issuer_ids=account.issuer_ids,
        issuer_roles=roles,
    )


@dataclass(frozen=True, slots=True)
class Opened:
    cookie: str  # given to the browser once; only its hash is stored
    csrf_token: str


def _hash(cookie: str) -> str:
    return hashlib.sha256(cookie.encode()).hexdigest()


def open_session(session: Session, clock: Clock, account: ConsoleAccount) -> Opened:
    now = clock.now()
    cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    ConsoleAccounts(session).close_sessions(account.id, expired_at=now)  # cleared at each sign-in
    session.add(
        ConsoleSession(
            id_hash=_hash(cookie),
            account_id=account.id,
            csrf_token=csrf,
            created_at=now,
            last_seen_at=now,
            expires_at=now + signin.ABSOLUTE,
        )
    )
    session.flush()
    return Opened(cookie, csrf)


def find_session(session: Session, clock: Clock, cookie: str | None) -> ConsoleSession | None:
    if not cookie or len(cookie) > 128:
        return None
    found = ConsoleAccounts(session).session_by_hash(_hash(cookie))
    if found is None:
        return None
    if not signin.session_alive(found.created_at, found.last_seen_at, clock.now()):
        return None
    if found.account.disabled_at is not None:
        return None
    return found


def touch(session: Session, clock: Clock, cookie: str) -> None:
    found = ConsoleAccounts(session).session_by_hash(_hash(cookie))
    if found is not None:
        found.last_seen_at = clock.now()
        session.flush()


def close_session(session: Session, cookie: str | None) -> None:
    if cookie:
        ConsoleAccounts(session).close_session(_hash(cookie))

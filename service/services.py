"""What every entry point is built with (the HTTP application, the CLI, the worker, benchmarks,
tests), and the one place a use-case ``Context`` is made from it. Nothing here is HTTP: the
CLI and the worker build the same ``Services`` without importing the web application."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from service.clock import Clock, SystemClock
from service.domain.audit import SYSTEM, Actor
from service.openbadges.urls import PublicUrls
from service.persistence.database import Database
from service.persistence.public_cache import PublicCache
from service.settings import Settings, resolve_secret
from service.signing.keystore import KeyStore
from service.usecases.context import Context
from service.usecases.status import SignedListCache
from service.verification import sandbox
from service.verification.fetcher import FetchPolicy, GuardedFetcher
from service.verification.identity import Trust, TrustList
from service.verification.sandbox import Sandbox

PAGES_KEPT = 1024  # badge pages of about 10 KB: at most ~10 MB per process


@dataclass(frozen=True, slots=True)
class Services:
    """The instance's long-lived parts; the HTTP application keeps it on ``app.state.services``."""

    settings: Settings
    database: Database
    clock: Clock
    keys: KeyStore
    urls: PublicUrls
    public: PublicCache  # public documents in memory, current with the public revision
    pages: PublicCache  # the badge pages people open (HTML), under the same rule, fewer of them
    signed_lists: SignedListCache = field(default_factory=SignedListCache)
    fetcher: GuardedFetcher = field(default_factory=GuardedFetcher)  # other issuers' documents
    # The instance secret: signs earners' links and the console's sign-in form tokens.
    secret: str = field(default="", repr=False)
    # Canonicalization of documents from outside, in worker processes with a deadline.
    sandbox: Sandbox = field(default_factory=sandbox.shared)
    trust: Trust = field(default_factory=Trust)  # this instance's host and the trusted issuers

    def context(self, session: Session) -> Context:
        """What a use case works with, in the transaction ``session``."""
        return Context(
            session=session,
            clock=self.clock,
            keys=self.keys,
            urls=self.urls,
            max_image_bytes=self.settings.max_image_bytes,
        )


def build_services(
    settings: Settings,
    *,
    clock: Clock | None = None,
    database: Database | None = None,
    actor: Actor = SYSTEM,
) -> Services:
    passphrase = settings.key_passphrase.get_secret_value().encode() if settings.key_passphrase else None
    database = database or Database.from_url(settings.effective_database_url)
    database.actor = actor
    public = PublicCache(database.public_revision, interval=settings.public_cache_seconds)
    database.on_public_change(public.stale)
    pages = PublicCache(database.public_revision, interval=settings.public_cache_seconds, size=PAGES_KEPT)
    database.on_public_change(pages.stale)
    urls = PublicUrls(settings.public_url)
    return Services(
        settings=settings,
        database=database,
        public=public,
        pages=pages,
        clock=clock or SystemClock(),
        keys=KeyStore(settings.keys_dir, passphrase),
        urls=urls,
        trust=Trust(urls.host, TrustList.load(settings.trusted_issuers_file)),
        secret=resolve_secret(settings),
        fetcher=GuardedFetcher(
            FetchPolicy(
                timeout=settings.verify_timeout_seconds,
                allow_http=settings.verify_allow_http,
                allowed_networks=settings.verify_networks,
                ca_bundle=settings.verify_ca_bundle,
            )
        ),
    )

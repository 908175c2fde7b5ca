"""Configuration from the environment (prefix ``FABRIQUE_``), validated once at start-up."""

from __future__ import annotations

import ipaddress
import os
import secrets
from enum import StrEnum
from pathlib import Path
from typing import Literal, Self
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "changethis", "secret", "placeholder"})
INSTANCE_SECRET_FILE = "instance-secret"  # noqa: S105 - a file name


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"
    TEST = "test"


class SmtpSecurity(StrEnum):
    NONE = "none"  # a relay on loopback or a private network
    STARTTLS = "starttls"
    TLS = "tls"  # implicit TLS, usually port 465


def default_home() -> Path:
    """The instance directory when none is configured: the checkout this package runs from (a
    ``pyproject.toml`` beside ``service/``), else the per-user data directory
    (``$XDG_DATA_HOME/fabrique-a-badges``, by default ``~/.local/share/fabrique-a-badges``).
    Decided once, whatever the current directory: every ``fabrique`` command run from anywhere
    reaches the instance the server uses."""
    configured = os.environ.get("FABRIQUE_HOME", "").strip()
    if configured:
        return Path(configured).expanduser().resolve()
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "service").is_dir():
        return checkout
    data = os.environ.get("XDG_DATA_HOME", "").strip()
    return (Path(data) if data else Path.home() / ".local" / "share") / "fabrique-a-badges"


class Settings(BaseSettings):
    """Everything the service reads from its environment (and from ``.env`` in the instance
    directory, then in the current directory)."""

    model_config = SettingsConfigDict(
        env_prefix="FABRIQUE_", env_file=(str(default_home() / ".env"), ".env"), extra="ignore"
    )

    environment: Environment = Environment.DEVELOPMENT
    public_url: str = "http://localhost:8000"
    # The instance directory: relative data and keys directories are under it (FABRIQUE_HOME).
    home: Path = Field(default_factory=default_home)
    data_dir: Path = Path("var")
    database_url: str | None = None
    keys_dir: Path = Path("keys")
    key_passphrase: SecretStr | None = None
    secret_key: SecretStr | None = None
    max_image_bytes: int = Field(default=512 * 1024, gt=0)
    # A 4 MB badge image or file to verify, with its form around it.
    max_request_bytes: int = Field(default=5 * 1024 * 1024, gt=0)
    # Emails (sent by `fabrique worker`).
    smtp_host: str | None = None
    smtp_port: int = Field(default=25, gt=0, lt=65536)
    smtp_security: SmtpSecurity = SmtpSecurity.NONE
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout: float = Field(default=30.0, gt=0)
    mail_from: str = "badges@localhost"
    # How long a worker owns what it claimed (emails, a closing batch) before another may take
    # it over: longer than the slowest SMTP exchange, short enough to recover quickly.
    worker_lease_seconds: int = Field(default=300, ge=5, le=86400)
    # The verifier fetches other issuers' documents over https from public addresses only.
    # Networks listed here (comma-separated CIDR, e.g. an intranet) may be reached anyway;
    # plain http is for tests on loopback. The CA bundle adds trust anchors (a test CA).
    verify_allowed_networks: str = ""
    # Reverse proxies whose X-Forwarded-For is believed (comma-separated addresses or networks).
    trusted_proxies: str = ""
    # Issuers the operator vouches for: a JSON list of {"name", "dids", "domains"} (README).
    trusted_issuers_file: Path | None = None
    verify_allow_http: bool = False
    verify_ca_bundle: str | None = None
    verify_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    # The accessibility statement (/accessibilite): who runs the service, and where people report
    # a problem (an email address or an https page); both shown as given.
    operator_name: str = Field(default="", max_length=200)
    accessibility_contact: str = Field(default="", max_length=320)
    # Operations: log lines as JSON objects or text; who may read /metrics (loopback without it).
    log_format: Literal["text", "json"] = "text"
    # Requests inside the application at once (the rest wait without a thread): below the
    # database pool (pool_size + max_overflow = 15) and AnyIO's 40 worker threads.
    # Per client address, in the limits library's notation; shared across processes via Redis.
    redis_url: str | None = None
    rate_limits_enabled: bool = True
    rate_limit_signin: str = "10/minute"
    rate_limit_verify: str = "30/minute"
    # How long a process may answer public documents (hosted assertions, credentials, status
    # lists) from memory before checking that no other process revoked, erased or changed a key
    # meanwhile; this process's own changes show at once. 0 checks on every request.
    public_cache_seconds: float = Field(default=0.25, ge=0, le=60)
    max_concurrent_requests: int = Field(default=12, ge=1, le=35)
    # Time for a request body to arrive whole, before the request takes a slot (408 after).
    body_timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    # Verifications that need a worker thread (not everything in memory), at once per process.
    verify_concurrency: int = Field(default=2, ge=1, le=16)
    metrics_token: SecretStr | None = None

    @field_validator("public_url")
    @classmethod
    def _public_url_is_absolute(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValueError("FABRIQUE_PUBLIC_URL must be an absolute http(s) URL")
        if parts.query or parts.fragment:
            raise ValueError("FABRIQUE_PUBLIC_URL must not carry a query or fragment")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _paths_under_the_instance_directory(self) -> Self:
        """Relative directories are the instance's, never the current directory's."""
        home = self.home.expanduser().resolve()
        self.home = home
        if not self.data_dir.is_absolute():
            self.data_dir = home / self.data_dir
        if not self.keys_dir.is_absolute():
            self.keys_dir = home / self.keys_dir
        if self.trusted_issuers_file is not None and not self.trusted_issuers_file.is_absolute():
            self.trusted_issuers_file = home / self.trusted_issuers_file
        return self

    def describe(self) -> str:
        """One line that says which instance this is: its directory and its database."""
        url = make_url(self.effective_database_url).render_as_string(hide_password=True)
        return f"instance {self.home} — database {url} — keys {self.keys_dir}"

    @model_validator(mode="after")
    def _refuse_placeholders_outside_development(self) -> Self:
        if self.environment is not Environment.PRODUCTION:
            return self
        secret = self.secret_key.get_secret_value() if self.secret_key else ""
        if secret.lower() in PLACEHOLDER_SECRETS or len(secret) < 32:
            raise ValueError(
                "FABRIQUE_SECRET_KEY must be set to a random value of at least 32 characters "
                "in production (python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        if self.key_passphrase is not None:
            passphrase = self.key_passphrase.get_secret_value()
            if passphrase.lower() in PLACEHOLDER_SECRETS or len(passphrase) < 12:
                raise ValueError("FABRIQUE_KEY_PASSPHRASE is a placeholder or too short")
        if not self.public_url.startswith("https://"):
            raise ValueError("FABRIQUE_PUBLIC_URL must be https in production")
        return self

    @field_validator("verify_allowed_networks")
    @classmethod
    def _networks(cls, value: str) -> str:
        for item in filter(None, (part.strip() for part in value.split(","))):
            try:
                ipaddress.ip_network(item)
            except ValueError as exc:
                raise ValueError(f"FABRIQUE_VERIFY_ALLOWED_NETWORKS: {item} is not a CIDR network") from exc
        return value

    @property
    def verify_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        return tuple(
            ipaddress.ip_network(p.strip()) for p in self.verify_allowed_networks.split(",") if p.strip()
        )

    @property
    def effective_database_url(self) -> str:
        """The configured database, or the embedded SQLite file under the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'fabrique.db').as_posix()}"

    @property
    def public_host(self) -> str:
        return urlsplit(self.public_url).netloc


def resolve_secret(settings: Settings) -> str:
    """The instance secret: configured, or (outside production) generated once under keys/."""
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value()
    if settings.environment is Environment.PRODUCTION:  # pragma: no cover - refused by validation
        raise RuntimeError("FABRIQUE_SECRET_KEY is required in production")
    path = settings.keys_dir / INSTANCE_SECRET_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    settings.keys_dir.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    path.touch(mode=0o600)
    path.write_text(value, encoding="utf-8")
    return value

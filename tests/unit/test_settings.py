from pathlib import Path

import pytest
from pydantic import ValidationError

from service.settings import Environment, Settings, resolve_secret

STRONG = "x" * 48


def test_production_refuses_placeholder_or_missing_secret() -> None:
    for secret in (None, "changeme", "short"):
        with pytest.raises(ValidationError, match="FABRIQUE_SECRET_KEY"):
            Settings(environment=Environment.PRODUCTION, public_url="https://b.example", secret_key=secret)


def test_production_refuses_weak_passphrase_and_plain_http() -> None:
    with pytest.raises(ValidationError, match="PASSPHRASE"):
        Settings(
            environment="production",
            public_url="https://b.example",
            secret_key=STRONG,
            key_passphrase="secret",
        )
    with pytest.raises(ValidationError, match="https"):
        Settings(environment="production", public_url="http://b.example", secret_key=STRONG)


def test_development_accepts_defaults_and_builds_sqlite_url(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "var")
    assert settings.effective_database_url == f"sqlite:///{tmp_path}/var/fabrique.db"


def test_public_url_must_be_absolute() -> None:
    with pytest.raises(ValidationError):
        Settings(public_url="badges.example.org")
    assert Settings(public_url="https://b.example/").public_url == "https://b.example"


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FABRIQUE_PUBLIC_URL", "https://badges.coop.example")
    monkeypatch.setenv("FABRIQUE_DATABASE_URL", "postgresql+psycopg://u@h/db")
    monkeypatch.setenv("FABRIQUE_KEYS_DIR", "/srv/keys")
    settings = Settings()
    assert (settings.public_url, settings.effective_database_url, settings.keys_dir) == (
        "https://badges.coop.example",
        "postgresql+psycopg://u@h/db",
        Path("/srv/keys"),
    )


def test_development_secret_is_generated_once_and_kept(tmp_path: Path) -> None:
    settings = Settings(keys_dir=tmp_path / "keys")
    first = resolve_secret(settings)
    assert len(first) >= 48
    assert resolve_secret(settings) == first
    assert (tmp_path / "keys" / "instance-secret").stat().st_mode & 0o777 == 0o600


def test_the_instance_directory_is_decided_once_whatever_the_current_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Issue 21, point 1: relative data and keys directories are the instance's, not the current
    directory's; the instance is FABRIQUE_HOME, else this checkout."""
    from service.settings import default_home

    monkeypatch.delenv("FABRIQUE_HOME", raising=False)
    checkout = Path(__file__).resolve().parents[2]
    monkeypatch.chdir(tmp_path)
    assert default_home() == checkout
    settings = Settings()
    assert (settings.home, settings.data_dir, settings.keys_dir) == (
        checkout,
        checkout / "var",
        checkout / "keys",
    )
    monkeypatch.setenv("FABRIQUE_HOME", str(tmp_path / "instance"))
    settings = Settings()
    assert settings.data_dir == tmp_path / "instance" / "var"
    assert settings.effective_database_url == f"sqlite:///{tmp_path}/instance/var/fabrique.db"
    assert Settings(keys_dir=Path("/srv/keys")).keys_dir == Path("/srv/keys")  # absolute stays
    assert settings.describe().startswith(f"instance {tmp_path}/instance — database sqlite:///")

"""A whole instance in one file: every table's rows, the issuers' private keys and the instance
secret, for a move to another host or from SQLite to PostgreSQL (``fabrique export|import``).

The archive is a zip file:

- ``manifest.json``: format, version, the database schema revision, row counts per table, how the
  secrets are sealed;
- ``tables/<table>.jsonl``: one JSON object per row, tables in foreign-key order;
- ``secrets.sealed``: the private keys (PKCS#8) and the instance secret, sealed with AES-256-GCM
  under a key derived from the operator's passphrase by scrypt. Nothing secret is in clear.

Import writes into an empty, migrated database of the same schema revision, in one transaction;
the key files are written as part of it and removed again if it fails. A wrong passphrase, a
damaged or foreign archive, another schema revision or a database that already holds data are
refused before anything is written.
"""

from __future__ import annotations

import base64
import io
import json
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import Enum
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from sqlalchemy import Column, Integer, Table, func, insert, select, text
from sqlalchemy.types import TypeDecorator

from service.persistence import console_tables, wallet_tables
from service.persistence.base import Base
from service.persistence.database import Database, register_pending_file
from service.persistence.tables import PublicRevision, SigningKey
from service.signing.keystore import KeyFileMissing, KeyStore

FORMAT = "fabrique-instance"
VERSION = 1
MIN_PASSPHRASE = 12
# scrypt at n=2**15 costs ~32 MiB and ~0.1 s: cheap once, expensive for guessing.
SCRYPT = {"n": 2**15, "r": 8, "p": 1}
AAD = b"fabrique-instance-archive-v1"
MAX_MEMBER_BYTES = 4 * 1024**3  # a damaged or hostile archive must not exhaust the disk
BATCH = 500


class ArchiveError(ValueError):
    """Why an archive cannot be written or read; the message is for the operator."""


@dataclass
class Summary:
    tables: dict[str, int] = field(default_factory=dict)
    keys: int = 0
    keys_missing: list[str] = field(default_factory=list)


_NOT_DATA = {
    PublicRevision.__tablename__,  # a per-database counter for caches: the target keeps its own
    console_tables.ConsoleSigninFailure.__tablename__,  # short-lived locks and the addresses they name
    wallet_tables.WalletOffer.__tablename__,  # offers live minutes: a moved instance makes new ones
    wallet_tables.WalletNonce.__tablename__,
}


def tables() -> list[Table]:
    """Every table of the instance's data, parents before children."""
    return [t for t in Base.metadata.sorted_tables if t.name not in _NOT_DATA]


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Enum):
        return value.value
    return value


def _decoder(column: Column[Any]) -> Any:
    sql_type = column.type
    if isinstance(sql_type, TypeDecorator):  # UTCDateTime and the like: what they store
        sql_type = sql_type.impl_instance
    try:
        kind = sql_type.python_type
    except NotImplementedError:
        return lambda v: v
    if kind is datetime:
        return lambda v: None if v is None else datetime.fromisoformat(v)
    if kind is date:
        return lambda v: None if v is None else date.fromisoformat(v)
    if kind is bytes:
        return lambda v: None if v is None else base64.b64decode(v)
    return lambda v: v


def _key(passphrase: str, salt: bytes) -> bytes:
    return Scrypt(salt=salt, length=32, **SCRYPT).derive(passphrase.encode("utf-8"))


def _check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise ArchiveError(f"the passphrase must have at least {MIN_PASSPHRASE} characters")


def export_instance(
    database: Database, keys: KeyStore, secret: str, passphrase: str, out: BinaryIO, revision: str | None
) -> Summary:
    """Write the archive to ``out`` from one consistent read of the database."""
    _check_passphrase(passphrase)
    summary = Summary()
    sealed_keys = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with database.transaction(write=False) as session:
            # One snapshot for every table: PostgreSQL's REPEATABLE READ; on SQLite an explicit
            # BEGIN (its driver opens none for reads, so each SELECT would see the latest commit).
            if database.engine.dialect.name == "postgresql":
                session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
            elif database.engine.dialect.name == "sqlite":
                session.connection().exec_driver_sql("BEGIN")
            for table in tables():
                count = 0
                with archive.open(f"tables/{table.name}.jsonl", "w") as member:
                    for row in session.execute(select(table).order_by(*table.primary_key.columns)).mappings():
                        line = json.dumps({k: _encode(v) for k, v in row.items()}, ensure_ascii=False)
                        member.write(line.encode("utf-8") + b"\n")
                        count += 1
                summary.tables[table.name] = count
            for signing_key in session.scalars(select(SigningKey)).all():
                try:
                    private = keys.load(signing_key.issuer_id, signing_key.kid)
                except KeyFileMissing:
                    summary.keys_missing.append(signing_key.kid)  # withdrawn keys' files may be gone
                    continue
                pem = private.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
                sealed_keys.append(
                    {"issuer_id": signing_key.issuer_id, "kid": signing_key.kid, "pem": pem.decode("ascii")}
                )
        summary.keys = len(sealed_keys)
        salt, nonce = os.urandom(16), os.urandom(12)
        plain = json.dumps({"instance_secret": secret, "keys": sealed_keys}).encode("utf-8")
        archive.writestr("secrets.sealed", nonce + AESGCM(_key(passphrase, salt)).encrypt(nonce, plain, AAD))
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "schema_revision": revision,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "tables": summary.tables,
            "keys": summary.keys,
            "keys_missing": summary.keys_missing,
            "sealed": {
                "kdf": "scrypt",
                **SCRYPT,
                "salt": base64.b64encode(salt).decode(),
                "cipher": "AES-256-GCM",
            },
        }
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
    return summary


@dataclass(frozen=True)
class _Opened:
    manifest: dict[str, Any]
    secret: str
    keys: list[dict[str, str]]


def _open(archive: zipfile.ZipFile, passphrase: str, revision: str | None) -> _Opened:
    names = set(archive.namelist())
    if "manifest.json" not in names or "secrets.sealed" not in names:
        raise ArchiveError("not a Fabrique à badges instance archive")
    if sum(i.file_size for i in archive.infolist()) > MAX_MEMBER_BYTES:
        raise ArchiveError("the archive expands beyond 4 GiB: refused")
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except ValueError as exc:
        raise ArchiveError("the archive's manifest is damaged") from exc
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise ArchiveError("not a Fabrique à badges instance archive of a version this one reads")
    if manifest.get("schema_revision") != revision:
        raise ArchiveError(
            f"the archive is of schema revision {manifest.get('schema_revision')}, this instance of "
            f"{revision}: export and import with the same version of the service"
        )
    expected = {f"tables/{t.name}.jsonl" for t in tables()}
    if not expected <= names:
        raise ArchiveError("the archive lacks tables: " + ", ".join(sorted(expected - names)))
    sealed = archive.read("secrets.sealed")
    try:
        salt = base64.b64decode(manifest["sealed"]["salt"])
        plain = AESGCM(_key(passphrase, salt)).decrypt(sealed[:12], sealed[12:], AAD)
        secrets = json.loads(plain)
    except (InvalidTag, KeyError, ValueError, TypeError) as exc:
        raise ArchiveError("wrong passphrase, or the archive's secrets are damaged") from exc
    return _Opened(manifest, str(secrets["instance_secret"]), list(secrets["keys"]))


def _rows(archive: zipfile.ZipFile, table: Table) -> Iterator[dict[str, Any]]:
    decoders = {c.name: _decoder(c) for c in table.columns}
    with archive.open(f"tables/{table.name}.jsonl") as member:
        for line in io.TextIOWrapper(member, encoding="utf-8"):
            if line.strip():
                row = json.loads(line)
                yield {name: decoders[name](value) for name, value in row.items() if name in decoders}


def import_instance(
    database: Database,
    keys: KeyStore,
    source: BinaryIO,
    passphrase: str,
    revision: str | None,
    secret_path: Path,
) -> Summary:
    """Fill an empty database and keys directory from an archive; all or nothing."""
    try:
        archive = zipfile.ZipFile(source)
    except zipfile.BadZipFile as exc:
        raise ArchiveError("not a zip archive") from exc
    with archive:
        opened = _open(archive, passphrase, revision)
        summary = Summary(keys=len(opened.keys))
        with database.transaction() as session:
            for table in tables():
                if session.scalar(select(func.count()).select_from(table)):
                    raise ArchiveError(
                        f"the database already holds data (table {table.name}): import into an empty one"
                    )
            for table in tables():
                count, batch = 0, []
                for row in _rows(archive, table):
                    batch.append(row)
                    if len(batch) == BATCH:
                        session.execute(insert(table), batch)
                        count, batch = count + len(batch), []
                if batch:
                    session.execute(insert(table), batch)
                    count += len(batch)
                if count != opened.manifest["tables"].get(table.name):
                    raise ArchiveError(f"table {table.name}: {count} rows read, the manifest says otherwise")
                summary.tables[table.name] = count
            if database.engine.dialect.name == "postgresql":
                _advance_sequences(session, tables())
            for item in opened.keys:
                private = serialization.load_pem_private_key(item["pem"].encode("ascii"), password=None)
                path = keys.write_existing(item["issuer_id"], item["kid"], private)
                register_pending_file(session, path)
        secret_path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(secret_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(opened.secret)
    return summary


def _advance_sequences(session: Any, all_tables: list[Table]) -> None:
    """Rows came with their ids: PostgreSQL's sequences must start after them."""
    for table in all_tables:
        for column in table.primary_key.columns:
            if isinstance(column.type, Integer) and column.autoincrement in (True, "auto"):
                session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "  # noqa: S608
                        f"COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"
                    )
                )

"""Private keys as PKCS#8 PEM files under the keys directory, one folder per issuer.

The database holds the public halves (so every process and host publishes the same keys); the
private halves stay in files that only signing processes need. Files are written 0600 and, when a
passphrase is configured, encrypted with the best scheme ``cryptography`` offers.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from service.ids import is_id
from service.signing.jwk import PublicKey, public_jwk, public_pem, thumbprint

PrivateKey = rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey


class Algorithm(StrEnum):
    RS256 = "RS256"  # OB 2.0 signed assertions; OB 3.0 VC-JWT
    EDDSA = "EdDSA"  # OB 3.0 Data Integrity eddsa-rdfc-2022, and VC-JWT on request


class KeyPurpose(StrEnum):
    """What a key signs. Each purpose has its own key and rotates alone: rotating the VC-JWT
    key never changes the key an OB 2.0 issuer profile names, and the reverse."""

    OB2 = "ob2"  # RS256: OB 2.0 signed assertions (the issuer profile's publicKey)
    VC_JWT = "vc-jwt"  # RS256: OB 3.0 VC-JWT (a JsonWebKey method of the DID document)
    DATA_INTEGRITY = "data-integrity"  # Ed25519: eddsa-rdfc-2022 proofs, EdDSA VC-JWT (a Multikey)

    @property
    def algorithm(self) -> Algorithm:
        return Algorithm.EDDSA if self is KeyPurpose.DATA_INTEGRITY else Algorithm.RS256


class KeyFileMissing(RuntimeError):
    """A key published in the database has no usable private file on this host (missing, or
    unreadable with the configured passphrase): an operator's problem, not the caller's."""


@dataclass(frozen=True, slots=True)
class GeneratedKey:
    algorithm: Algorithm
    private_key: PrivateKey
    kid: str
    public_jwk: dict[str, str]
    public_pem: str


def generate(algorithm: Algorithm) -> GeneratedKey:
    private: PrivateKey
    if algorithm is Algorithm.RS256:
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    else:
        private = ed25519.Ed25519PrivateKey.generate()
    public: PublicKey = private.public_key()
    jwk = public_jwk(public)
    return GeneratedKey(algorithm, private, thumbprint(jwk), jwk, public_pem(public))


class KeyStore:
    def __init__(self, directory: Path, passphrase: bytes | None = None) -> None:
        self.directory = directory
        self._passphrase = passphrase
        self._cache: dict[str, PrivateKey] = {}

    def path_for(self, issuer_id: str, kid: str) -> Path:
        # Both parts are ours (random id, base64url thumbprint); checked anyway so a corrupt row
        # can never point outside the keys directory.
        if not is_id(issuer_id) or not kid or not all(c.isalnum() or c in "-_" for c in kid):
            raise ValueError("invalid key location")
        return self.directory / issuer_id / f"{kid}.pem"

    def save(self, issuer_id: str, key: GeneratedKey) -> Path:
        return self.write_existing(issuer_id, key.kid, key.private_key)

    def write_existing(self, issuer_id: str, kid: str, private_key: object) -> Path:
        """Write a private key (new, or from an instance archive), encrypted with this store's
        passphrase when it has one; never over an existing file."""
        if not isinstance(private_key, rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey):
            raise KeyFileMissing(f"key {kid} is of an unsupported type")
        path = self.path_for(issuer_id, kid)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        encryption: serialization.KeySerializationEncryption = (
            serialization.BestAvailableEncryption(self._passphrase)
            if self._passphrase
            else serialization.NoEncryption()
        )
        pem = private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
        )
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
        self._cache[kid] = private_key
        return path

    def load(self, issuer_id: str, kid: str) -> PrivateKey:
        cached = self._cache.get(kid)
        if cached is not None:
            return cached
        path = self.path_for(issuer_id, kid)
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise KeyFileMissing(f"private key file {path} is missing") from exc
        try:
            key = serialization.load_pem_private_key(data, password=self._passphrase)
        except (ValueError, TypeError) as exc:
            raise KeyFileMissing(f"{path} cannot be read with the configured passphrase") from exc
        if not isinstance(key, rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey):
            raise KeyFileMissing(f"{path} holds an unsupported key type")
        self._cache[kid] = key
        return key

    def delete(self, issuer_id: str, kid: str) -> None:
        self._cache.pop(kid, None)
        self.path_for(issuer_id, kid).unlink(missing_ok=True)

"""Compact JWS over a JSON document (OB 2.0 signed assertions; RFC 7515)."""

from __future__ import annotations

import json
from typing import Any

import jwt
from jwt.api_jws import PyJWS

from service.signing.keystore import Algorithm, PrivateKey

_JWS = PyJWS()


def sign_json(document: dict[str, Any], key: PrivateKey, algorithm: Algorithm, kid: str) -> str:
    """Sign the JSON bytes of ``document``; the header names the algorithm and key id only."""
    payload = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return _JWS.encode(payload, key, algorithm=algorithm.value, headers={"kid": kid, "typ": None})


def unverified_header(token: str) -> dict[str, Any]:
    return dict(jwt.get_unverified_header(token))


def verify_json(token: str, public_pem: str, algorithms: list[str]) -> dict[str, Any]:
    """Return the signed document, or raise ``jwt.InvalidTokenError`` (callers turn it into a result)."""
    payload = _JWS.decode(token, public_pem, algorithms=algorithms)
    document = json.loads(payload)
    if not isinstance(document, dict):
        raise jwt.InvalidTokenError("payload is not a JSON object")
    return document

"""Validation against the official 1EdTech OB 3.0 AchievementCredential JSON Schema (2019-09),
from the local copy under ``schemas/json``.

The validator is jsonschema-rs (Rust): a few microseconds per credential, so every credential
is checked before it is signed, and formats (``date-time``, ``uri``…) are enforced, not skipped.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import jsonschema_rs

from service.openbadges.contexts import SCHEMAS_DIR

SCHEMA_FILE = SCHEMAS_DIR / "json" / "ob_v3p0_achievementcredential_schema.json"


@cache
def _validator() -> jsonschema_rs.Draft201909Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return jsonschema_rs.Draft201909Validator(schema, validate_formats=True)


def schema_errors(credential: dict[str, Any]) -> list[str]:
    """Every violation as ``path: message``, ordered by path; empty when the credential is valid."""
    validator = _validator()
    if validator.is_valid(credential):
        return []
    errors = sorted(validator.iter_errors(credential), key=lambda e: list(map(str, e.instance_path)))
    return [f"{'/'.join(map(str, e.instance_path)) or '(root)'}: {e.message}" for e in errors]


@cache
def _endorsement_validator() -> jsonschema_rs.Draft201909Validator:
    """The official schema's own definition of an EndorsementCredential (``$defs``), the one the
    AchievementCredential schema applies to every endorsement embedded in a credential."""
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    definition = {
        "$schema": schema["$schema"],
        "$defs": schema["$defs"],
        "$ref": "#/$defs/EndorsementCredential",
    }
    return jsonschema_rs.Draft201909Validator(definition, validate_formats=True)


def endorsement_schema_errors(credential: dict[str, Any]) -> list[str]:
    """As ``schema_errors``, for an EndorsementCredential."""
    validator = _endorsement_validator()
    if validator.is_valid(credential):
        return []
    errors = sorted(validator.iter_errors(credential), key=lambda e: list(map(str, e.instance_path)))
    return [f"{'/'.join(map(str, e.instance_path)) or '(root)'}: {e.message}" for e in errors]

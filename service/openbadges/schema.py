"""Validation against the official 1EdTech OB 3.0 AchievementCredential JSON Schema (2019-09),
from the local copy under ``schemas/json``."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from jsonschema import Draft201909Validator

from service.openbadges.contexts import SCHEMAS_DIR

SCHEMA_FILE = SCHEMAS_DIR / "json" / "ob_v3p0_achievementcredential_schema.json"


@cache
def _validator() -> Draft201909Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return Draft201909Validator(schema, format_checker=Draft201909Validator.FORMAT_CHECKER)


def schema_errors(credential: dict[str, Any]) -> list[str]:
    """Every violation as ``path: message``; empty when the credential is valid."""
    errors = sorted(_validator().iter_errors(credential), key=lambda e: list(map(str, e.absolute_path)))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in errors]

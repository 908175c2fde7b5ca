"""Why a value is refused, as a code and its parameters. Validators raise ``invalid(code, …)``;
the words for each code, in every language, are in the catalogue
(``service.i18n.messages.FIELD_MESSAGES``), never in the validator."""

from __future__ import annotations

from pydantic_core import PydanticCustomError


def invalid(code: str, **params: object) -> PydanticCustomError:
    """A validation error whose pydantic ``type`` is ``code`` and whose ``ctx`` is ``params``;
    its ``msg`` is the code itself, so no sentence in one language travels with it."""
    return PydanticCustomError(code, code, dict(params))

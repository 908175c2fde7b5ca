"""Domain errors. Each carries a stable code that the API turns into a bilingual problem."""

from __future__ import annotations

from typing import Any


class FabriqueError(Exception):
    """Base class of every error a user can cause; never a programming error."""

    status = 400
    code = "bad-request"

    def __init__(self, code: str | None = None, **params: Any) -> None:
        self.code = code or type(self).code
        self.params = params
        super().__init__(self.code, params)


class NotFound(FabriqueError):
    status = 404
    code = "not-found"


class Gone(FabriqueError):
    status = 410
    code = "gone"


class Conflict(FabriqueError):
    status = 409
    code = "conflict"


class InvalidInput(FabriqueError):
    status = 422
    code = "invalid-input"


class Unauthenticated(FabriqueError):
    status = 401
    code = "unauthenticated"


class Forbidden(FabriqueError):
    status = 403
    code = "forbidden"


class PayloadTooLarge(FabriqueError):
    status = 413
    code = "payload-too-large"

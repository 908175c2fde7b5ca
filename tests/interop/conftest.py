"""Interop tests use the same populated world as the API tests."""

from tests.api.conftest import world

__all__ = ["world"]

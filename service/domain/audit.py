"""Who did what, for the audit log: the actor of a change. Pure."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Actor:
    kind: str  # account (console) | token (API) | cli | earner (their private link) | system
    id: str | None = None  # the account's or the token's id
    label: str = ""  # the account's email, the token's name, the system user of the CLI


SYSTEM = Actor("system")
EARNER = Actor("earner")

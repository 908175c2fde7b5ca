"""People's emails and names in API answers, for the principals that act on them only.

A viewer token (a funder's reporting, an audit) reads awards and sessions within its issuers,
with every email and name set to null: counts, dates, badges and states are theirs; who the
earners and trainers are is not (issue 15, point 13). Every read route that returns people goes
through ``for_principal``; ``tests/api/test_authorisation.py`` reads them all as a viewer.
"""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel

from service.domain.access import Principal

M = TypeVar("M", bound=BaseModel)
PEOPLE_FIELDS = ("email", "name", "recipient_email", "recipient_name")


def for_principal(principal: Principal, model: M) -> M:
    """``model`` as ``principal`` may see it: people's fields nulled for a viewer, nested
    models and lists of models included."""
    if principal.sees_people:
        return model
    return _masked(model)


def _masked(model: M) -> M:
    update: dict[str, object] = {}
    for name, value in model:
        if name in PEOPLE_FIELDS:
            update[name] = None
        elif isinstance(value, BaseModel):
            update[name] = _masked(value)
        elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
            update[name] = [_masked(item) for item in value]
    return model.model_copy(update=update)

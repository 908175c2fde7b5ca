"""The canonicalization sandbox: untrusted JSON-LD work in worker processes with a deadline.
A worker past its deadline is killed and replaced, and the next document is served; shapes a
worker learnt become cheap in the calling process; oversize documents are refused at once."""

from __future__ import annotations

import time
from typing import Any

import pytest

from service.signing.data_integrity import canonicalize, canonicalize_cheap
from service.signing.rdfc_work import TooComplex
from service.verification.sandbox import MAX_OBJECTS, Sandbox, check_size
from tests.unit.test_data_integrity import credential


def many_objects(count: int) -> dict[str, Any]:
    document = credential()
    document["evidence"] = [
        {"type": ["Evidence"], "narrative": f"preuve {i}", "name": f"n{i}"} for i in range(count)
    ]
    return document


def test_a_worker_past_its_deadline_is_killed_and_replaced() -> None:
    sandbox = Sandbox(workers=1, deadline=10)
    try:
        sandbox.start()
        ordinary = credential()
        ordinary["name"] = "une forme que ce processus n'a jamais vue"
        ordinary["description"] = "première"
        assert sandbox.canonicalize(ordinary)  # the worker is up and answers
        sandbox.deadline = 0.05
        slow = many_objects(1500)  # more JSON-LD work than 50 ms allows, however fast the machine
        started = time.monotonic()
        with pytest.raises(TooComplex, match="longer than"):
            sandbox.canonicalize(slow)
        assert time.monotonic() - started < 2
        sandbox.deadline = 10  # the replacement serves the next document
        again = many_objects(3)
        again["description"] = "encore une autre forme"
        assert sandbox.canonicalize(again) == canonicalize(again)
    finally:
        sandbox.close()


def test_a_shape_a_worker_learnt_is_cheap_here() -> None:
    sandbox = Sandbox(workers=1, deadline=10)
    try:
        document = many_objects(2)
        document["awardedDate"] = "2026-01-01T00:00:00Z"
        document["name"] = "forme apprise"
        assert canonicalize_cheap(document) is None
        from_worker = sandbox.canonicalize(document)
        twin = {**document, "name": "même forme, autre valeur"}
        assert canonicalize_cheap(twin) is not None  # the worker's template came back
        assert from_worker == canonicalize(document)
    finally:
        sandbox.close()


def test_oversize_documents_are_refused_before_any_work() -> None:
    with pytest.raises(TooComplex, match="objects"):
        check_size(many_objects(MAX_OBJECTS + 1))
    nested: dict[str, Any] = {}
    for _ in range(60):
        nested = {"a": nested}
    with pytest.raises(TooComplex, match="deeper"):
        check_size(nested)
    check_size(credential())

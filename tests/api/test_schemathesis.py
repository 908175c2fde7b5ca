"""Schemathesis over the whole OpenAPI schema: every operation, without a token and with an
administrator's, never answers a server error (both databases).

Cases come from each operation's Hypothesis strategy, driven here rather than through
schemathesis' pytest plugin (which does not load under the pytest in use). Bounded for CI
(``FABRIQUE_FUZZ_EXAMPLES``, default 8 examples per operation); a release run uses more:
``FABRIQUE_FUZZ_EXAMPLES=200 pytest tests/api/test_schemathesis.py``.
"""

from __future__ import annotations

import os

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from tests.api.conftest import World
from tests.factories import auth

EXAMPLES = int(os.environ.get("FABRIQUE_FUZZ_EXAMPLES", "8"))


def test_no_operation_answers_a_server_error(app: FastAPI, world: World) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40  # the whole API, not a schema that failed to load
    identities = ({}, auth(world.admin), auth(world.coordinator))
    # Random ids mostly meet 404s: each case is also sent with the ids of real objects.
    real = {
        "issuer_id": world.issuer_id,
        "badge_class_id": world.badge_class_id,
        "award_id": world.award_id,
        "session_id": world.session_id,
    }
    tried: set[str] = set()

    for operation in operations:

        @settings(
            max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        @given(case=operation.as_strategy())
        def run(case: schemathesis.Case) -> None:
            for headers in identities:
                response = case.call(headers=headers)
                case.validate_response(response, checks=[not_a_server_error])
            if case.path_parameters and set(case.path_parameters) & set(real):
                case.path_parameters = {k: real.get(k, v) for k, v in case.path_parameters.items()}
                for headers in identities[1:]:
                    response = case.call(headers=headers)
                    case.validate_response(response, checks=[not_a_server_error])
            tried.add(case.operation.label)

        run()
    assert tried == {operation.label for operation in operations}

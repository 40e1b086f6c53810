"""schemathesis against the service's own OpenAPI document (``/api/openapi.json``),
in process through WSGI: every operation, with documents that fit its schema and
documents that break it, finds no 5xx and no response that breaks its schema.

Bounded: :data:`EXAMPLES` examples per operation and mode, derandomized so that
every run tries the same inputs (about 60 s for the whole run); set
``SVCGEN_FUZZ_EXAMPLES`` (and ``SVCGEN_FUZZ_RANDOM=1``) to search longer.
"""

from __future__ import annotations

import os
import time

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from svcgen.api import create_app

from .conftest import create_token, migrate

#: Examples per operation and generation mode.
EXAMPLES = int(os.environ.get("SVCGEN_FUZZ_EXAMPLES", "8"))

#: The whole run may take this long (seconds) before the test fails as too slow.
BUDGET = 150

CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def fuzzed(tmp_path):
    """The app over a migrated SQLite database holding the seed shop, and an admin token."""
    url = f"sqlite:///{tmp_path / 'fuzz.sqlite3'}"
    migrate(url)
    app = create_app({"TESTING": True, "DATABASE_URL": url, "RATELIMIT_ENABLED": False})
    token = create_token(url, "admin", name="fuzz")
    return app, token


def run_operation(operation, mode: GenerationMode, token: str) -> None:
    """Up to :data:`EXAMPLES` calls of ``operation``; raises on the first failure."""

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=not os.environ.get("SVCGEN_FUZZ_RANDOM"),
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def call(case):
        response = case.call(headers={"Authorization": f"Bearer {token}"})
        case.validate_response(response, checks=CHECKS)

    call()


@pytest.mark.slow
def test_no_operation_fails_or_breaks_its_schema(fuzzed, shop):
    app, token = fuzzed
    headers = {"Authorization": f"Bearer {token}"}
    assert (
        app.test_client().post("/api/v1/topologies", json=shop, headers=headers).status_code == 201
    )
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    failures, started = [], time.monotonic()
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                run_operation(operation, mode, token)
            except Unsatisfiable:
                continue  # nothing to break: the operation takes no parameters or body
            except BaseException as exc:  # schemathesis' FailureGroup is an exception group
                if isinstance(exc, KeyboardInterrupt):
                    raise
                failures.append(f"{operation.label} ({mode.value}): {str(exc)[:3000]}")
    elapsed = time.monotonic() - started
    print(
        f"schemathesis: {len(operations)} operations x 2 modes x {EXAMPLES} examples in {elapsed:.1f}s"
    )
    assert not failures, "\n\n".join(failures)
    assert elapsed < BUDGET

"""Property-based run of the whole OpenAPI schema, in process over ASGI, authenticated with a
real API key of each role: whatever the generated input, no answer is a 5xx.

Bounded (``MAX_EXAMPLES`` per operation) so the whole run takes a minute or two on 2 cores.
"""

from __future__ import annotations

import pytest
import schemathesis
from access_world import (
    ANALYST_AREA,
    World,
    build_world,
)
from conftest import app_on
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings

from app.services.access import users

MAX_EXAMPLES = 10
ACCOUNTS = {
    "admin": {},
    "analyst": {"areas": list(ANALYST_AREA)},
    "agency": {"agency": "DINSOS"},
    "viewer": {},
}


@pytest.fixture
def world(conn, settings, wilayah_dir, tmp_path) -> World:
    return build_world(conn, settings, wilayah_dir, tmp_path)


@pytest.mark.parametrize("role", sorted(ACCOUNTS))
def test_no_generated_request_gets_a_server_error(settings, engine, conn, world, role):
    users.create_user(conn, f"st-{role}", role, None, **ACCOUNTS[role])
    headers = {"Authorization": f"Bearer {users.create_api_key(conn, f'st-{role}')}"}
    app = app_on(settings.model_copy(update={"check_rate_per_minute": 10_000}), engine, conn,
                 None)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    server_errors: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @hypothesis_settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
                             suppress_health_check=list(HealthCheck))
        def run(case) -> None:
            try:
                # A 5xx is what is checked, not speed (bench/ measures that): the PDF report
                # alone can take over the default 10 s on the shared 2-core machine.
                response = case.call(headers=headers, timeout=120)
            except Exception as exc:  # the in-process transport re-raises unhandled errors
                server_errors.append(f"{case.operation.label} raised {exc!r:.300}")
                return
            if response.status_code >= 500:
                server_errors.append(f"{case.operation.label} {response.status_code}: "
                                     f"{case.path_parameters} {case.query} {response.text[:200]}")

        run()
    assert operations >= 10
    assert not server_errors, "\n".join(server_errors[:20])

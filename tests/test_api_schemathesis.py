"""Schemathesis sends requests made from /api/v1/openapi.json to every operation of the API,
with a token that works, a token that does not, and none: never a server error, and every
answer (status, content type, headers, body) is what the document says.

Path ids are sometimes those of real teams and assessments, so the 200 answers are checked
too, not only the 404s. Derandomized, so every run sends the same requests.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from assessment.api.openapi import document
from assessment.extensions import db
from assessment.store import api_tokens
from assessment.store.models import User

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 100


@pytest.fixture
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def callers(app, world, owner_id) -> list[dict[str, str]]:
    """Headers to call with: the owner's token, a token that does not work, and none."""
    with app.app_context():
        _, secret = api_tokens.make_token(db.session.get(User, owner_id), "schemathesis", None)
        db.session.commit()
    return [{"Authorization": f"Bearer {secret}"},
            {"Authorization": "Bearer cxa_not-a-token"}, {}]


def test_the_document_loads_with_every_operation_but_its_own(api_schema):
    """Schemathesis leaves out the address it loaded the document from."""
    labels = {result.ok().label for result in api_schema.get_all_operations()}
    assert labels == {f"GET {path}" for path in document()["paths"]} \
        - {"GET /api/v1/openapi.json"}


def test_no_request_made_from_the_document_gets_a_server_error_or_an_undocumented_answer(
        api_schema, world, callers):
    real = {"team_id": world["values"]["team_id"], "public_id": world["finished"],
            "organization_id": world["values"]["organization_id"]}
    seen: set[tuple[str, int]] = set()
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, database=None,
                  deadline=None, suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(), use_real_ids=st.booleans(),
               headers=st.sampled_from(callers))
        def call(case, use_real_ids: bool, headers: dict[str, str]) -> None:
            if use_real_ids:
                for name in case.path_parameters or {}:
                    case.path_parameters[name] = real[name]
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            seen.add((case.operation.label, response.status_code))

        call()
    # The run reached real data: each operation answered 200 at least once, and refused too.
    for result in api_schema.get_all_operations():
        label = result.ok().label
        assert (label, 200) in seen, label
        if "openapi" not in label:
            assert (label, 401) in seen, label

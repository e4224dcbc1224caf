"""The OpenAPI document is valid, and schemathesis finds no server error and no undocumented
answer (status, content type, headers, body) in any operation."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kaderasi.api.tests.conftest import Phone
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_openapi_document_is_valid(client):
    document = client.get("/api/v1/openapi.json").json()

    validate(document)
    assert document["info"]["title"] == "kaderasi API"


@pytest.fixture
def keep_the_test_connection():
    """Django closes the database connection at the start and end of each request; the test
    client stops that for its requests, and so must this WSGI transport, or the test's
    transaction is lost (PostgreSQL)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_every_operation_answers_generated_requests_without_a_server_error(
    world, cadre_user, now, keep_the_test_connection
):
    mother = f.delivered_mother(programme=world.programme, posyandu=world.mawar)
    f.PairingFactory(mother=mother, cadre=cadre_user.cadre)
    phone = Phone(cadre_user, now)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.label for op in operations} >= {
        "POST /api/v1/auth/token",
        "GET /api/v1/sync/pull",
        "POST /api/v1/sync/push",
        "GET /api/v1/mothers/{mother_id}",
    }
    for operation in operations:
        _exercise(operation, phone.secret)


# No server error, and every answer is one the document describes: its status, content type,
# headers and body.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _exercise(operation, secret):
    @given(case=operation.as_strategy())
    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        # Uncompressed: the API gzips its answers for clients that accept it (web/compression.py),
        # and the WSGI test client, unlike an HTTP client, would not undo it before validating.
        case.call_and_validate(
            headers={"Authorization": f"Bearer {secret}", "Accept-Encoding": "identity"},
            checks=CHECKS,
        )

    run()


@pytest.mark.parametrize(
    ("content_type", "body"),
    [("text/plain", "hello"), ("application/json", "{not json"), ("application/json", "[]")],
)
def test_a_token_request_whose_body_is_not_a_json_object_gets_a_documented_answer(
    client, content_type, body
):
    document = client.get("/api/v1/openapi.json").json()
    documented = document["paths"]["/api/v1/auth/token"]["post"]["responses"]

    response = client.post("/api/v1/auth/token", body, content_type=content_type)

    assert str(response.status_code) in documented
    assert response.status_code in (400, 422)
    assert response.json()["code"] in ("invalid", "invalid_type")

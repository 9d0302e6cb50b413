"""The JSON API against its own OpenAPI description (schemathesis): cases generated from the schema of every
operation, sent with and without the platform token, are answered without a server error, and every answer to a
valid token conforms to the schema's status codes. The API has one caller, the continuing-education platform,
which signs with a token rather than a session; a signed-in person's session does not open it."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import openapi

from tests.factories import PASSWORD, PersonFactory
from tests.helpers import log_in
from zhicheng.api import api

pytestmark = pytest.mark.django_db

TOKEN = "schemathesis-platform-token"  # noqa: S105
SCHEMA = openapi.from_dict(api.get_openapi_schema(path_prefix="/api/"))
OPERATIONS = [(path, method.upper()) for path, methods in api.get_openapi_schema(path_prefix="/api/")["paths"].items()
              for method in methods]


def send(client, case, authorization: str | None):
    headers = {key: value for key, value in (case.headers or {}).items() if key.lower() != "authorization"}
    if authorization:
        headers["Authorization"] = authorization
    body = case.body if isinstance(case.body, (str, bytes)) else json.dumps(case.body, ensure_ascii=False)
    return client.generic(case.method, case.formatted_path, body, content_type="application/json", headers=headers,
                          QUERY_STRING="&".join(f"{k}={v}" for k, v in (case.query or {}).items()))


@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_generated_cases_get_no_server_error(client, settings_override, path, method):
    operation = SCHEMA[path][method]
    documented = {int(code) for code in api.get_openapi_schema(path_prefix="/api/")["paths"][path][method.lower()]
                  ["responses"] if str(code).isdigit()}

    @settings(max_examples=60, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(case=operation.as_strategy(), token=st.sampled_from([TOKEN, "wrong", None]))
    def check(case, token):
        response = send(client, case, f"Bearer {token}" if token else None)
        assert response.status_code < 500, (case.body, response.content[:500])
        if token == TOKEN:
            assert response.status_code in documented | {422}, (case.body, response.status_code)
        else:
            assert response.status_code == 401

    check()


def test_a_signed_in_session_does_not_open_the_api(client, regions, captcha_off, settings_override):
    person = PersonFactory()
    assert log_in(client, person.username, PASSWORD).status_code == 302
    for path, method in OPERATIONS:
        assert client.generic(method, path, "{}", content_type="application/json").status_code == 401


@pytest.fixture
def settings_override(settings):
    settings.CE_IMPORT_TOKEN = TOKEN

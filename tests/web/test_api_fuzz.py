"""A bounded schemathesis run against the JSON API's own OpenAPI document: whatever the
generated path, query and body values, as an officer with a token or as nobody, the API
answers with a status below 500 and a JSON body (an error the caller can read), never a
crash. Examples are derandomized so CI sees the same ones on every run."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from tests.web.conftest import MAI, NHUNG, bearer

EXAMPLES = 15  # per operation and identity: bounded, a few seconds per database


def operations(app) -> list[Any]:  # type: ignore[no-untyped-def]
    import schemathesis

    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def send(client, case, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    """The generated request through the test client (the application in this process)."""
    kwargs = case.as_transport_kwargs(base_url="http://testserver", headers=headers)
    kwargs.pop("cookies", None)  # no cookies: the token (or nothing) is the identity
    if isinstance(kwargs.get("data"), bytes | str):  # requests' raw body is httpx's content
        kwargs["content"] = kwargs.pop("data")
    return client.request(**kwargs)


def test_the_document_lists_every_api_route(app) -> None:  # type: ignore[no-untyped-def]
    """The fuzzing below covers the API as its document describes it: every route under
    /api/v1 that a script may call is in the document."""
    listed = {(op.method.upper(), op.path) for op in operations(app)}
    api_routes = {
        (method, route.path)
        for route in app.routes
        if getattr(route, "path", "").startswith("/api/v1/")
        and route.path != "/api/v1/openapi.json"
        for method in getattr(route, "methods", None) or ()
        if method != "HEAD"
    }
    assert api_routes and api_routes <= listed, sorted(api_routes - listed)


@pytest.mark.parametrize("who", ["nobody", NHUNG, MAI])
def test_no_generated_request_makes_a_server_error(client, app, ward, who: str) -> None:  # type: ignore[no-untyped-def]
    headers = {} if who == "nobody" else bearer(ward, who)
    seen: list[str] = []
    for op in operations(app):

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=op.as_strategy())
        def check(case) -> None:  # type: ignore[no-untyped-def]
            response = send(client, case, headers)
            where = f"{case.method} {case.formatted_path} {case.query or ''}"
            assert response.status_code < 500, (where, response.status_code, response.text)
            if response.status_code >= 400:
                body = response.json()  # an error the caller can read, in JSON
                assert isinstance(body, dict) and body, (where, body)
                if who == "nobody":  # a stranger learns nothing: no identity, or a body unread
                    assert response.status_code in (400, 401, 413, 422), (where, response, body)
            else:
                assert who != "nobody", (where, response.status_code, response.text)

        check()
        seen.append(f"{op.method.upper()} {op.path}")
    assert len(seen) >= 10, seen  # the whole API, not an empty document

"""CORS: only the origins in ``CORS_ORIGINS`` get CORS headers; none by default."""

from __future__ import annotations

import pytest

from svcgen.api.cors import allowed_origins

PORTAL = "https://backstage.example.com"
OTHER = "https://evil.example.net"
CORS_HEADERS = (
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers",
    "Access-Control-Expose-Headers",
    "Access-Control-Allow-Credentials",
)


@pytest.fixture
def portal_client(make_app, database_url):
    """A client of an app that allows :data:`PORTAL`."""
    return make_app(DATABASE_URL=database_url, CORS_ORIGINS=[PORTAL]).test_client()


def _preflight(
    client, origin, method="PUT", headers="content-type, if-match, if-none-match, authorization"
):
    return client.options(
        "/api/v1/topologies/shop",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": headers,
        },
    )


def _split(value: str | None) -> set[str]:
    return {part.strip().lower() for part in (value or "").split(",") if part.strip()}


def test_preflight_from_an_allowed_origin(portal_client):
    response = _preflight(portal_client, PORTAL)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == PORTAL
    assert _split(response.headers["Access-Control-Allow-Methods"]) == {
        "delete",
        "get",
        "head",
        "options",
        "post",
        "put",
    }
    assert _split(response.headers["Access-Control-Allow-Headers"]) == {
        "content-type",
        "if-match",
        "if-none-match",
        "authorization",
    }
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert "Origin" in response.headers.get("Vary", "")


def test_preflight_refuses_other_request_headers(portal_client):
    response = _preflight(portal_client, PORTAL, headers="x-secret")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == PORTAL
    assert "Access-Control-Allow-Headers" not in response.headers, response.headers


def test_responses_to_an_allowed_origin_expose_headers(portal_client, shop):
    created = portal_client.post("/api/v1/topologies", json=shop, headers={"Origin": PORTAL})
    assert created.status_code == 201
    assert created.headers["Access-Control-Allow-Origin"] == PORTAL
    assert _split(created.headers["Access-Control-Expose-Headers"]) == {
        "etag",
        "location",
        "content-disposition",
    }
    chart = portal_client.get("/api/v1/topologies/shop/chart", headers={"Origin": PORTAL})
    assert chart.headers["Access-Control-Allow-Origin"] == PORTAL
    assert "Content-Disposition" in chart.headers
    schema = portal_client.get("/schema/topology.json", headers={"Origin": PORTAL})
    assert schema.headers["Access-Control-Allow-Origin"] == PORTAL


def test_errors_to_an_allowed_origin_carry_cors_headers(portal_client):
    response = portal_client.get("/api/v1/topologies/nothing", headers={"Origin": PORTAL})
    assert response.status_code == 404 and response.is_json
    assert response.headers["Access-Control-Allow-Origin"] == PORTAL


@pytest.mark.parametrize("origin", [OTHER, "https://backstage.example.com.evil.net", "null"])
def test_no_cors_headers_for_other_origins(portal_client, origin):
    for response in (
        _preflight(portal_client, origin),
        portal_client.get("/api/v1/topologies", headers={"Origin": origin}),
    ):
        assert not [h for h in CORS_HEADERS if h in response.headers], response.headers


def test_no_cors_headers_by_default(client):
    for response in (
        _preflight(client, PORTAL),
        client.get("/api/v1/topologies", headers={"Origin": PORTAL}),
    ):
        assert not [h for h in CORS_HEADERS if h in response.headers], response.headers


def test_origins_from_the_environment(make_app, database_url, monkeypatch):
    monkeypatch.setenv("SVCGEN_CORS_ORIGINS", f'["{PORTAL}", "http://localhost:3000"]')
    client = make_app(DATABASE_URL=database_url).test_client()
    for origin in (PORTAL, "http://localhost:3000"):
        response = client.get("/healthz", headers={"Origin": origin})
        assert response.headers["Access-Control-Allow-Origin"] == origin
    response = client.get("/healthz", headers={"Origin": OTHER})
    assert "Access-Control-Allow-Origin" not in response.headers


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        (None, []),
        ([], []),
        (PORTAL, [PORTAL]),
        ([PORTAL, "http://[::1]:3000"], [PORTAL, "http://[::1]:3000"]),
        (["*"], ["*"]),
    ],
)
def test_allowed_origins(setting, expected):
    assert allowed_origins(setting) == expected


@pytest.mark.parametrize(
    "setting",
    [
        [f"{PORTAL}/"],
        [f"{PORTAL}/path"],
        ["backstage.example.com"],
        [42],
        {"a": 1},
        ["https://a.*"],
    ],
)
def test_malformed_origins_stop_the_app(make_app, setting):
    with pytest.raises(ValueError, match="CORS_ORIGINS"):
        make_app(DATABASE_URL="sqlite://", CORS_ORIGINS=setting)


def test_preflight_needs_no_token(make_app, database_url):
    """Browsers send a preflight without credentials: it must not meet authentication."""
    from flask.testing import FlaskClient

    app = make_app(DATABASE_URL=database_url, CORS_ORIGINS=[PORTAL])
    response = _preflight(FlaskClient(app), PORTAL, method="DELETE")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == PORTAL
    assert "delete" in _split(response.headers["Access-Control-Allow-Methods"])

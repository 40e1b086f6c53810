"""The per-request work made cheaper for the hot reads: what it precomputes or
keeps must answer as the straightforward code did."""

from __future__ import annotations

import pytest
from flask import Response

from svcgen import metrics
from svcgen.api import auth, security
from tests.test_observe import sample

#: Paths around every edge of the page and open-path lists.
PATHS = [
    "/",
    "//",
    "/x",
    "/topologies",
    "/topologies/",
    "/topologies/shop",
    "/assets",
    "/assets/app.css",
    "/api/docs",
    "/api/docs/",
    "/api/docs/assets/x.js",
    "/api/docsx",
    "/api/openapi.json",
    "/api/openapi.jsonx",
    "/api/openapi.json/x",
    "/healthz",
    "/healthz/",
    "/healthzx",
    "/readyz",
    "/static",
    "/static/",
    "/static/a.css",
    "/api/v1/topologies/shop",
    "/api/v1/tokens",
]


@pytest.mark.parametrize("path", PATHS)
def test_path_kinds_match_their_lists(path):
    page = any(
        path.startswith(p) if p.endswith("/") and p != "/" else path == p
        for p in security.PAGE_PATHS
    )
    open_ = any(path == p or path.startswith(p.rstrip("/") + "/") for p in auth.OPEN_PATHS)
    assert security.is_page(path) is page
    assert auth.is_open(path) is open_


def test_security_headers_keep_what_a_view_chose(app):
    chosen = Response(
        "x", headers={"x-frame-options": "SAMEORIGIN", "Content-Security-Policy": "a"}
    )
    with app.test_request_context("/api/v1/topologies/shop"):
        headers = security.add_security_headers(chosen).headers
    assert headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert headers.getlist("Content-Security-Policy") == ["a"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"


def test_security_headers_by_path_kind(app):
    with app.test_request_context("/api/v1/tokens/x"):
        api = security.add_security_headers(Response("x")).headers
    with app.test_request_context("/topologies/shop"):
        page = security.add_security_headers(Response("x", mimetype="text/html")).headers
    assert api["Content-Security-Policy"] == security.API_CSP
    assert api["Cache-Control"] == "no-store"
    assert page["Content-Security-Policy"] == security.PAGE_CSP.format(scripts="")
    assert "Cache-Control" not in page


def test_request_series_are_kept_per_method_route_and_status(client):
    """The children kept by ``metrics.request_series`` count each request in its
    own series: a child served for the wrong status or method would show here."""
    route = "/api/v1/topologies/<name>"
    before = client.get("/metrics").get_data(as_text=True)
    for _ in range(3):  # the first request of each kind finds the children, the rest reuse them
        assert client.get("/api/v1/topologies/nope").status_code == 404
        assert client.delete("/api/v1/topologies/nope").status_code == 404
        assert client.get("/healthz").status_code == 200
    after = client.get("/metrics").get_data(as_text=True)

    def grew(name, **labels):
        return sample(after, name, **labels) - sample(before, name, **labels)

    requests = "svcgen_http_requests_total"
    assert grew(requests, method="GET", route=route, status="404") == 3
    assert grew(requests, method="DELETE", route=route, status="404") == 3
    assert grew(requests, method="GET", route=route, status="200") == 0
    assert grew(requests, method="GET", route="/healthz", status="200") == 3
    latency = "svcgen_http_request_duration_seconds_count"
    assert grew(latency, method="GET", route=route) == 3
    assert grew(latency, method="DELETE", route=route) == 3
    count, _ = metrics.request_series("GET", route, 404)
    assert count is metrics.REQUESTS.labels("GET", route, "404")

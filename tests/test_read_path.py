"""The per-request work made cheaper for the hot reads: what it precomputes or
keeps must answer as the straightforward code did."""

from __future__ import annotations

import json

import pytest
from flask import Response

from svcgen import history, metrics, repository
from svcgen.api import auth, limits, paths, security, storage, views
from svcgen.web.errors import is_page
from tests.test_observe import sample

#: Paths around every edge of the page, open, unlimited and token path sets:
#: (path, a page, open, never rate limited, the token API).
PATH_KINDS = [
    ("/", True, False, False, False),
    ("//", False, False, False, False),
    ("/x", False, False, False, False),
    ("/topologies", False, False, False, False),
    ("/topologies/", True, False, False, False),
    ("/topologies/shop", True, False, False, False),
    ("/assets", False, False, False, False),
    ("/assets/app.css", True, False, False, False),
    ("/api/docs", True, True, False, False),
    ("/api/docs/", True, True, False, False),
    ("/api/docs/assets/x.js", True, True, True, False),
    ("/api/docsx", False, False, False, False),
    ("/api/openapi.json", False, True, False, False),
    ("/api/openapi.jsonx", False, False, False, False),
    ("/api/openapi.json/x", False, False, False, False),
    ("/healthz", False, True, True, False),
    ("/healthz/", False, False, False, False),
    ("/healthzx", False, False, False, False),
    ("/readyz", False, True, True, False),
    ("/static", False, False, False, False),
    ("/static/", False, True, False, False),
    ("/static/a.css", False, True, False, False),
    ("/api/v1/topologies/shop", False, False, False, False),
    ("/api/v1/tokens", False, False, False, True),
    ("/api/v1/tokens/ci", False, False, False, True),
    ("/api/v1/tokensx", False, False, False, False),
]


@pytest.mark.parametrize("path, page, open_, unlimited, tokens", PATH_KINDS)
def test_path_kinds(path, page, open_, unlimited, tokens):
    assert security.is_page(path) is page
    assert auth.is_open(path) is open_
    assert (path in limits.UNLIMITED_PATHS) is unlimited
    assert (path in paths.TOKEN_PATHS) is tokens


def test_web_error_pages_are_the_web_pages_paths():
    assert [p for p in ("/", "/topologies", "/topologies/x", "/assets/a", "/x") if is_page(p)] == [
        "/",
        "/topologies",
        "/topologies/x",
    ]


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


TOPOLOGY = "/api/v1/topologies/shop"


def _uncached(app, name: str = "shop") -> tuple[dict, dict]:
    """What ``GET /topologies/{name}`` answered before its answers were kept."""
    with app.test_request_context(), storage.open_session() as session, session.begin():
        stored = repository.get_topology(session, name)
        return views.topology_view(stored), views.etag_header(stored.revision)


def test_a_kept_answer_is_the_answer_made_afresh(app, client, shop):
    assert client.post("/api/v1/topologies", json=shop).status_code == 201
    for _ in range(2):  # made, then kept
        got = client.get(TOPOLOGY)
        body, headers = _uncached(app)
        assert got.get_json() == body
        assert got.headers["ETag"] == headers["ETag"]


def test_a_new_revision_is_read_at_once(client, shop):
    """A kept answer is never served for a revision it was not made of."""
    etag = client.post("/api/v1/topologies", json=shop).headers["ETag"]
    assert client.get(TOPOLOGY).headers["ETag"] == etag
    shop["description"] = "changed"
    replaced = client.put(TOPOLOGY, json=shop)
    got = client.get(TOPOLOGY)
    assert got.headers["ETag"] == replaced.headers["ETag"] != etag
    assert (got.json["revision"], got.json["description"]) == (2, "changed")
    assert got.json["updatedAt"] == replaced.json["updatedAt"]
    assert client.delete(TOPOLOGY).status_code == 200
    assert client.get(TOPOLOGY).status_code == 404
    shop["description"] = "made again"
    shop["chartVersion"] = "0.3.0"  # above the deleted topology's charts
    made = client.post("/api/v1/topologies", json=shop)
    got = client.get(TOPOLOGY)
    assert (got.json["revision"], got.json["description"]) == (1, "made again")
    assert got.json["createdAt"] == made.json["createdAt"]


def test_the_node_port_range_is_part_of_the_key(make_app, database_url, shop):
    wide = make_app(DATABASE_URL=database_url).test_client()
    assert wide.post("/api/v1/topologies", json=shop).status_code == 201
    assert wide.get(TOPOLOGY).json["warnings"] == []  # kept for the wide range
    narrow = make_app(DATABASE_URL=database_url, NODE_PORT_RANGE=(31000, 31100)).test_client()
    problems = narrow.get(TOPOLOGY).json["warnings"]
    assert [p["field"] for p in problems] == ["components.0.ports.0.nodePort"]
    assert wide.get(TOPOLOGY).json["warnings"] == []


def test_kept_answers_are_handed_out_as_new_responses(app, client, shop):
    assert client.post("/api/v1/topologies", json=shop).status_code == 201
    with app.test_request_context(), storage.connect() as connection:
        current = history.get_current(connection, "shop")
        first = views.current_view(current)
        expected = first.get_json(), first.headers["ETag"]
        first.set_data(b"{}")
        first.headers["ETag"] = "tampered"
        again = views.current_view(current)
    assert again is not first
    assert (again.get_json(), again.headers["ETag"]) == expected
    assert again.get_json()["revision"] == 1 and again.mimetype == "application/json"


def test_a_kept_answer_is_the_bytes_jsonify_writes(app, client, shop):
    assert client.post("/api/v1/topologies", json=shop).status_code == 201
    for _ in range(2):  # made, then kept
        got = client.get(TOPOLOGY)
        body, _ = _uncached(app)
        with app.test_request_context():
            assert got.data == app.json.response(body).get_data()


def test_kept_answers_stay_within_their_bounds(app, client, shop, monkeypatch):
    monkeypatch.setattr(views, "_views", {})
    monkeypatch.setattr(views, "_view_chars", 0)
    monkeypatch.setattr(views, "VIEW_CACHE_SIZE", 3)
    assert client.post("/api/v1/topologies", json=shop).status_code == 201
    for number in range(6):
        shop["description"] = f"revision {number}"
        assert client.put(TOPOLOGY, json=shop).status_code == 200
        assert client.get(TOPOLOGY).json["description"] == f"revision {number}"
    assert len(views._views) == 3
    assert views._view_chars == sum(len(key[0].document) for key in views._views)
    kept = dict(views._views)
    monkeypatch.setattr(views, "VIEW_CACHE_CHARS", len(json.dumps(shop)) // 2)
    shop["description"] = "too large to keep"
    assert client.put(TOPOLOGY, json=shop).status_code == 200
    assert client.get(TOPOLOGY).json["description"] == "too large to keep"
    assert views._views == kept  # not kept, and nothing dropped for it


def test_a_kept_answer_is_the_bytes_of_its_own_apps_json_provider(make_app, database_url, shop):
    plain = make_app(DATABASE_URL=database_url)
    assert plain.test_client().post("/api/v1/topologies", json=shop).status_code == 201
    compact = plain.test_client().get(TOPOLOGY).get_data()
    debug = make_app(DATABASE_URL=database_url)
    debug.debug = True  # Flask's provider indents in debug mode
    indented = debug.test_client().get(TOPOLOGY).get_data()
    assert indented != compact and b'\n  "' in indented
    assert plain.test_client().get(TOPOLOGY).get_data() == compact
    assert debug.test_client().get(TOPOLOGY).get_data() == indented

"""Views whose query arguments are parsed only when there is a query string
(``svcgen.api.queries``): without one, the view gets the schema's defaults, exactly
what webargs gives; with one, webargs parses it as before, errors included; the
OpenAPI document still lists every argument."""

from __future__ import annotations

import pytest

BASE = "/api/v1/topologies"
#: What a revision number that is not one is told.
WHOLE = "must be a whole number from 1 to 2147483647"


def test_no_query_string_is_the_schemas_defaults(client, shop):
    assert client.post(BASE, json=shop).status_code == 201
    shop["components"][1]["replicas"] = 3
    assert client.put(f"{BASE}/shop", json=shop).status_code == 200
    current = client.get(f"{BASE}/shop/chart")
    assert current.headers["Content-Disposition"].endswith("shop-0.2.0.tgz")
    for query in ("?", "?revision=2"):  # "?" is no query string; "?revision=2": webargs
        assert client.get(f"{BASE}/shop/chart{query}").data == current.data, query
    older = client.get(f"{BASE}/shop/chart?revision=1")
    assert older.headers["Content-Disposition"].endswith("shop-0.1.0.tgz")
    assert (
        client.get(f"{BASE}/shop/chart/files").json
        == client.get(f"{BASE}/shop/chart/files?revision=2").json
    )
    listed = client.get(BASE).json
    assert (listed["page"], listed["pageSize"]) == (1, 20)
    assert listed == client.get(f"{BASE}?page=1&page_size=20").json


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("?revision=0", "revision", "must be from 1 to 2147483647"),
        ("?revision=x", "revision", WHOLE),
        ("?revision=", "revision", WHOLE),
        ("?revision=1.5", "revision", WHOLE),
        (
            "?revision=1_0",
            "revision",
            WHOLE,
        ),  # int() reads 10
        (
            "?revision=%EF%BC%91",
            "revision",
            WHOLE,
        ),  # fullwidth 1
        ("?revision=+1", "revision", WHOLE),
        ("?revision=%201", "revision", WHOLE),
        (
            "?revison=1",
            "revison",
            "is not a query parameter of this path; did you mean 'revision'? It takes: revision",
        ),
        ("?_=123", "_", "is not a query parameter of this path. It takes: revision"),
        ("?revision=-1", "revision", WHOLE),
        ("?revision=1&revision=2", "revision", "is given 2 times: give it once"),
        ("?revision=1&revision=x", "revision", "is given 2 times: give it once"),
    ],
)
def test_a_query_string_is_still_checked(client, shop, query, field, message):
    """A typo in a parameter is a 422 naming the right one, never the current chart
    when an older one was asked for."""
    assert client.post(BASE, json=shop).status_code == 201
    refused = client.get(f"{BASE}/shop/chart{query}")
    assert refused.status_code == 422
    assert [(e["field"], e["message"]) for e in refused.json["errors"]] == [(field, message)]


NOT_TAKEN = "is not a query parameter of this path"


@pytest.mark.parametrize(
    ("path", "field", "message"),
    [
        (
            f"{BASE}?pagesize=5",
            "pagesize",
            f"{NOT_TAKEN}; did you mean 'page_size'? It takes: page, page_size",
        ),
        (f"{BASE}?page_size=101", "page_size", "must be from 1 to 100"),
        (f"{BASE}/shop/diff?from=1", "to", "is required"),
        (
            f"{BASE}/shop/diff?from=1&to=2&too=3",
            "too",
            f"{NOT_TAKEN}; did you mean 'to'? It takes: from, to",
        ),
        (f"{BASE}/shop/diagram.svg?rev=1", "rev", f"{NOT_TAKEN}. It takes: revision"),
        (
            f"{BASE}/shop/catalog-info.yaml?revisions=1",
            "revisions",
            f"{NOT_TAKEN}; did you mean 'revision'? It takes: revision",
        ),
        (
            f"{BASE}/shop/chart?REVISION=1",
            "REVISION",
            f"{NOT_TAKEN}; did you mean 'revision'? It takes: revision",
        ),
    ],
)
def test_every_query_names_what_is_wrong(client, shop, path, field, message):
    assert client.post(BASE, json=shop).status_code == 201
    refused = client.get(path)
    assert refused.status_code == 422, refused.get_data(as_text=True)
    assert [(e["field"], e["message"]) for e in refused.json["errors"]] == [(field, message)]


def test_the_arguments_are_still_documented(client):
    paths = client.get("/api/openapi.json").json["paths"]
    for path, method, names in [
        ("/api/v1/topologies/{name}/chart", "get", ["revision"]),
        ("/api/v1/topologies/{name}/chart/files", "get", ["revision"]),
        ("/api/v1/topologies", "get", ["page", "page_size"]),
    ]:
        parameters = paths[path][method]["parameters"]
        query = [p["name"] for p in parameters if p["in"] == "query"]
        assert query == names, path
        assert "422" in paths[path][method]["responses"], path


TAKE_NONE = [
    ("GET", f"{BASE}/shop"),
    ("PUT", f"{BASE}/shop"),
    ("DELETE", f"{BASE}/shop"),
    ("POST", BASE),
    ("GET", f"{BASE}/shop/revisions"),
    ("GET", f"{BASE}/shop/revisions/1"),
    ("POST", "/api/v1/validate"),
    ("POST", "/api/v1/render"),
    ("GET", "/api/v1/tokens"),
    ("GET", "/charts/index.yaml"),
    ("GET", "/charts/shop-0.1.0.tgz"),
    ("GET", "/schema/topology.json"),
]


@pytest.mark.parametrize(("method", "path"), TAKE_NONE)
def test_an_operation_that_takes_no_query_refuses_one(client, shop, method, path):
    """``GET /topologies/shop?revision=1`` must not answer the current revision, nor
    ``POST /topologies?dryRun=true`` store: a 422 naming each parameter, nothing done."""
    assert client.post(BASE, json={**shop, "name": "other"}).status_code == 201
    if path != BASE:
        assert client.post(BASE, json=shop).status_code == 201
    body = shop if method in ("POST", "PUT") else None
    refused = client.open(f"{path}?revision=1&dryRun=true&revision=2", method=method, json=body)
    assert refused.status_code == 422, refused.get_data(as_text=True)
    assert [(e["field"], e["message"]) for e in refused.json["errors"]] == [
        ("revision", "is not a query parameter of this path: it takes none"),
        ("dryRun", "is not a query parameter of this path: it takes none"),
    ]
    names = [t["name"] for t in client.get(BASE).json["items"]]
    assert sorted(names) == (["other"] if path == BASE else ["other", "shop"])
    if path != BASE:  # nothing replaced or deleted either
        history = client.get(f"{BASE}/shop/revisions").json["items"]
        assert [r["revision"] for r in history] == [1]


def test_the_message_alone_names_the_parameter(client):
    """A client that shows only ``message`` still tells the person which parameter."""
    refused = client.get(f"{BASE}?pagesize=5&page=x")
    assert refused.json["message"] == (
        "invalid request parameter 'page': must be a whole number from 1 to 1000000 (and 1 more)"
    )
    assert [e["field"] for e in refused.json["errors"]] == ["page", "pagesize"]
    alone = client.get(f"{BASE}/shop?x=1").json["message"]
    assert (
        alone
        == "invalid request parameter 'x': is not a query parameter of this path: it takes none"
    )


@pytest.mark.parametrize(
    "path", ["/healthz", "/readyz", "/metrics", "/", "/api/docs", "/api/openapi.json"]
)
def test_probes_pages_and_docs_keep_the_webs_manners(client, path):
    assert client.get(f"{path}?cache=bust").status_code == 200


def test_a_token_is_asked_for_before_the_query(make_app, database_url, shop):
    client = make_app(DATABASE_URL=database_url).test_client(token=None)
    assert client.post(f"{BASE}?dryRun=true", json=shop).status_code == 401

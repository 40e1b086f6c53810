"""Views whose query arguments are parsed only when there is a query string
(``svcgen.api.queries``): without one, the view gets the schema's defaults, exactly
what webargs gives; with one, webargs parses it as before, errors included; the
OpenAPI document still lists every argument."""

from __future__ import annotations

import pytest

BASE = "/api/v1/topologies"


def test_no_query_string_is_the_schemas_defaults(client, shop):
    assert client.post(BASE, json=shop).status_code == 201
    shop["components"][1]["replicas"] = 3
    assert client.put(f"{BASE}/shop", json=shop).status_code == 200
    current = client.get(f"{BASE}/shop/chart")
    assert current.headers["Content-Disposition"].endswith("shop-0.2.0.tgz")
    for query in ("?", "?unknown=1", "?revision=2"):  # "?" is no query string; the others: webargs
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


@pytest.mark.parametrize("query", ["?revision=0", "?revision=x", "?revision="])
def test_a_query_string_is_still_checked(client, shop, query):
    assert client.post(BASE, json=shop).status_code == 201
    refused = client.get(f"{BASE}/shop/chart{query}")
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json["errors"]] == ["revision"]


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

"""Reads made cheap (``make bench``) answer as before: the warnings of stored
revisions are kept per worker (``svcgen.api.views``), and charts are read with one
prepared column query (``svcgen.history.get_archive``): what a read answers is what
validation says, whatever the order of requests, and a missing chart says why."""

from __future__ import annotations

from svcgen.api import views
from svcgen.topology import validate_topology


def _expected(document: dict) -> list[dict]:
    return [w.as_dict() for w in validate_topology(document).warnings]


def test_reads_and_writes_answer_the_same_warnings(client, shop):
    del shop["components"][0]["dependsOn"]  # nothing calls api: a warning
    expected = _expected(shop)
    assert expected
    created = client.post("/api/v1/topologies", json=shop)
    assert created.json["warnings"] == expected
    assert client.get("/api/v1/topologies/shop").json["warnings"] == expected
    shop["components"][0]["dependsOn"] = ["api"]
    replaced = client.put("/api/v1/topologies/shop", json=shop)
    assert replaced.json["warnings"] == _expected(shop) == []
    assert client.get("/api/v1/topologies/shop").json["warnings"] == []
    assert client.get("/api/v1/topologies/shop/revisions/1").json["warnings"] == expected


def test_the_cache_hands_out_copies(app, shop):
    """A caller that changes the warnings it was given cannot change the next answer."""
    del shop["components"][0]["dependsOn"]
    with app.test_request_context():
        given = views.warnings_of(shop, etag="pinned")
        assert given == _expected(shop)
        given.append({"tampered": True})
        given[0]["message"] = "tampered"
        assert views.warnings_of(shop, etag="pinned") == _expected(shop)


def test_chart_reads_say_what_is_missing(client, shop):
    assert client.post("/api/v1/topologies", json=shop).status_code == 201
    missing = client.get("/api/v1/topologies/nope/chart")
    assert (missing.status_code, missing.json["message"]) == (404, "no topology named 'nope'")
    gone = client.get("/api/v1/topologies/shop/chart?revision=9")
    assert (gone.status_code, gone.json["message"]) == (404, "topology 'shop' has no revision 9")
    files = client.get("/api/v1/topologies/shop/chart/files?revision=1")
    assert files.status_code == 200 and "Chart.yaml" in files.json

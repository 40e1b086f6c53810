"""The warnings of stored revisions are kept per worker (``svcgen.api.views``):
what a read answers is what validation says, whatever the order of requests."""

from __future__ import annotations

from svcgen.topology import validate_topology


def _expected(document: dict) -> list[dict]:
    return [w.as_dict() for w in validate_topology(document).warnings]


def test_reads_and_writes_answer_the_same_warnings(client, shop):
    del shop["components"][0]["dependsOn"]  # nothing calls api: a warning
    expected = _expected(shop)
    assert expected
    created = client.post("/api/v1/topologies", json=shop)
    assert created.json["warnings"] == expected
    first = client.get("/api/v1/topologies/shop").json
    first["warnings"].append({"tampered": True})  # an answer is a copy
    assert client.get("/api/v1/topologies/shop").json["warnings"] == expected
    shop["components"][0]["dependsOn"] = ["api"]
    replaced = client.put("/api/v1/topologies/shop", json=shop)
    assert replaced.json["warnings"] == _expected(shop) == []
    assert client.get("/api/v1/topologies/shop").json["warnings"] == []
    assert client.get("/api/v1/topologies/shop/revisions/1").json["warnings"] == expected


def test_a_narrower_node_port_range_is_its_own_entry(make_app, database_url, shop):
    wide = make_app(DATABASE_URL=database_url).test_client()
    assert wide.post("/api/v1/topologies", json=shop).json["warnings"] == []
    narrow = make_app(DATABASE_URL=database_url, NODE_PORT_RANGE=(31000, 31100)).test_client()
    problems = narrow.get("/api/v1/topologies/shop").json["warnings"]
    assert [p["field"] for p in problems] == ["components.0.ports.0.nodePort"]

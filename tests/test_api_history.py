"""Revisions over HTTP: who and when, stored charts that never change, diffs,
``REQUIRE_IF_MATCH`` and what a DELETE reports; and two clients racing on one
topology with the same ``If-Match``."""

from __future__ import annotations

import copy
import hashlib
import threading

import pytest

from svcgen import package

from .test_api_charts import members

BASE = "/api/v1/topologies"


def create(client, document):
    response = client.post(BASE, json=document)
    assert response.status_code == 201, response.get_json()
    return response


def test_revisions_say_who_and_when(client, shop):
    first = create(client, shop)
    created = first.get_json()
    shop["description"] = "second"
    client.put(f"{BASE}/shop", json=shop)
    items = client.get(f"{BASE}/shop/revisions").get_json()["items"]
    assert [i["revision"] for i in items] == [1, 2]
    assert [i["chartVersion"] for i in items] == ["0.1.0", "0.2.0"]
    who = {i["createdBy"] for i in items}  # the name of the fixture's admin token
    assert len(who) == 1 and who.pop().startswith("test-")
    assert items[0]["createdAt"] == created["createdAt"] <= items[1]["createdAt"]
    charts = [client.get(f"{BASE}/shop/chart?revision={n}").data for n in (1, 2)]
    assert [i["digest"] for i in items] == [hashlib.sha256(c).hexdigest() for c in charts]
    one = client.get(f"{BASE}/shop/revisions/1")
    body = one.get_json()
    assert body["createdBy"] == items[0]["createdBy"]
    assert body["createdAt"] == items[0]["createdAt"] and body["revision"] == 1
    assert body["description"] == "Front end, back end and an external data source"
    assert one.headers["ETag"] == first.headers["ETag"]


def test_stored_chart_survives_a_template_change(client, shop, monkeypatch):
    create(client, shop)
    before = client.get(f"{BASE}/shop/chart")
    files = client.get(f"{BASE}/shop/chart/files").get_json()

    def changed_templates(document, chart_version, *, node_port_range):
        return {"Chart.yaml": f"name: {document['name']}\nversion: {chart_version}\n"}

    monkeypatch.setattr(package, "render_chart", changed_templates)
    after = client.get(f"{BASE}/shop/chart")
    assert after.data == before.data and after.headers["ETag"] == before.headers["ETag"]
    assert client.get(f"{BASE}/shop/chart/files").get_json() == files
    assert client.get("/charts/shop-0.1.0.tgz").data == before.data
    # a new revision is rendered by today's templates; the old one stays as it was
    client.put(f"{BASE}/shop", json=shop)
    assert set(members(client.get(f"{BASE}/shop/chart").data)) == {"shop/Chart.yaml"}
    assert client.get(f"{BASE}/shop/chart?revision=1").data == before.data


def test_reading_a_chart_renders_nothing(client, shop, monkeypatch):
    create(client, shop)

    def no_render(*args, **kwargs):
        raise AssertionError("a stored chart was rendered again")

    monkeypatch.setattr(package, "render_chart", no_render)
    for url in (f"{BASE}/shop/chart", f"{BASE}/shop/chart/files", "/charts/index.yaml"):
        assert client.get(url).status_code == 200, url
    assert client.get(f"{BASE}/shop/diff?from=1&to=1").status_code == 200


def test_diff_lists_document_changes_and_chart_file_diffs(client, shop):
    create(client, shop)
    changed = copy.deepcopy(shop)
    changed["components"][0]["ports"][0]["nodePort"] = 30009
    changed["components"][1]["replicas"] = 3
    changed["components"][1]["ports"].append({"name": "admin", "port": 9090})
    changed["components"][1]["ports"][0]["name"] = "http"
    del changed["description"]
    assert client.put(f"{BASE}/shop", json=changed).status_code == 200
    response = client.get(f"{BASE}/shop/diff?from=1&to=2")
    assert response.status_code == 200
    body = response.get_json()
    assert body["name"] == "shop"
    assert body["from"] == {"revision": 1, "chartVersion": "0.1.0"}
    assert body["to"] == {"revision": 2, "chartVersion": "0.2.0"}
    document = body["document"]
    assert {"field": "components.0.ports.0.nodePort", "old": 30008, "new": 30009} in [
        {k: c[k] for k in ("field", "old", "new")} for c in document["changed"]
    ]
    assert document["changed"][0]["path"] == ["components", 0, "ports", 0, "nodePort"]
    added = {c["field"]: c["new"] for c in document["added"]}
    assert added == {
        "components.1.replicas": 3,
        "components.1.ports.0.name": "http",
        "components.1.ports.1": {"name": "admin", "port": 9090},
    }
    assert document["removed"] == [
        {"path": ["description"], "field": "description", "old": shop["description"]}
    ]
    files = {f["path"]: f for f in body["files"]}
    assert {"Chart.yaml", "values.yaml"} <= set(files)
    assert all(f["status"] == "changed" for f in files.values())
    values = files["values.yaml"]["diff"]
    assert values.startswith("--- a/shop/values.yaml\n+++ b/shop/values.yaml\n@@ ")
    assert "-      nodePort: 30008\n" in values and "+      nodePort: 30009\n" in values
    assert '-version: "0.1.0"\n+version: "0.2.0"\n' in files["Chart.yaml"]["diff"]
    backwards = client.get(f"{BASE}/shop/diff?from=2&to=1").get_json()
    assert backwards["document"]["added"][0]["field"] == "description"
    same = client.get(f"{BASE}/shop/diff?from=2&to=2").get_json()
    assert same["document"] == {"added": [], "removed": [], "changed": []}
    assert same["files"] == []


def test_diff_of_added_and_removed_files(client, shop):
    create(client, shop)
    del shop["components"][0]["dependsOn"]  # web's helm test goes
    client.put(f"{BASE}/shop", json=shop)
    files = {f["path"]: f for f in client.get(f"{BASE}/shop/diff?from=1&to=2").get_json()["files"]}
    gone = files["templates/tests/web-test-connection.yaml"]
    assert gone["status"] == "removed"
    assert gone["diff"].startswith(
        "--- a/shop/templates/tests/web-test-connection.yaml\n+++ /dev/null"
    )
    back = client.get(f"{BASE}/shop/diff?from=2&to=1").get_json()["files"]
    assert {f["path"]: f["status"] for f in back}["templates/tests/web-test-connection.yaml"] == (
        "added"
    )


@pytest.mark.parametrize(
    "query", ["from=1&to=3", "from=3&to=1", "from=9&to=9"], ids=["to", "from", "both"]
)
def test_diff_of_unknown_revision_is_404(client, shop, query):
    create(client, shop)
    client.put(f"{BASE}/shop", json=shop)
    response = client.get(f"{BASE}/shop/diff?{query}")
    assert response.status_code == 404 and response.is_json
    assert "has no revision" in response.get_json()["message"]
    assert client.get(f"{BASE}/other/diff?from=1&to=1").status_code == 404


@pytest.mark.parametrize(
    "query, fields",
    [
        ("", {"from", "to"}),
        ("from=1", {"to"}),
        ("from=x&to=1", {"from"}),
        ("from=0&to=1", {"from"}),
        ("from=1&to=-2", {"to"}),
        ("from=1.5&to=2", {"from"}),
    ],
)
def test_diff_bad_parameters_are_422(client, shop, query, fields):
    create(client, shop)
    response = client.get(f"{BASE}/shop/diff?{query}")
    assert response.status_code == 422
    assert {e["field"] for e in response.get_json()["errors"]} == fields


def test_delete_says_what_it_deleted(client, shop):
    shop["chartVersion"] = "1.0.0-rc.1"
    create(client, shop)
    for version in ("1.0.0", "1.1.0"):
        shop["chartVersion"] = version
        client.put(f"{BASE}/shop", json=shop)
    response = client.delete(f"{BASE}/shop")
    assert response.status_code == 200
    assert response.get_json() == {
        "deleted": {
            "name": "shop",
            "revisions": [1, 2, 3],
            "charts": ["shop-1.0.0-rc.1.tgz", "shop-1.0.0.tgz", "shop-1.1.0.tgz"],
        }
    }
    assert client.get("/charts/shop-1.0.0.tgz").status_code == 404
    assert client.get(f"{BASE}/shop/revisions/1").status_code == 404


@pytest.fixture
def strict_client(make_app, database_url):
    """A client of an app that requires ``If-Match``."""
    return make_app(DATABASE_URL=database_url, REQUIRE_IF_MATCH=True).test_client()


def test_require_if_match_makes_it_428(strict_client, shop):
    client = strict_client
    etag = create(client, shop).headers["ETag"]
    for method in ("put", "delete"):
        for headers in ({}, {"If-None-Match": '"other"'}):  # If-None-Match is no If-Match
            response = getattr(client, method)(f"{BASE}/shop", json=shop, headers=headers)
            assert response.status_code == 428, (method, headers)
            assert response.get_json()["message"] == (
                "this server requires If-Match on PUT and DELETE: send the ETag of the "
                "revision your change is based on (GET the topology for it)"
            )
    assert client.get(f"{BASE}/shop").get_json()["revision"] == 1
    response = client.put(f"{BASE}/shop", json=shop, headers={"If-Match": etag})
    assert response.status_code == 200
    stale = client.delete(f"{BASE}/shop", headers={"If-Match": etag})
    assert stale.status_code == 412
    current = response.headers["ETag"]
    assert client.delete(f"{BASE}/shop", headers={"If-Match": current}).status_code == 200


def test_require_if_match_from_environment(make_app, database_url, monkeypatch, shop):
    monkeypatch.setenv("SVCGEN_REQUIRE_IF_MATCH", "true")
    client = make_app(DATABASE_URL=database_url).test_client()
    create(client, shop)
    assert client.put(f"{BASE}/shop", json=shop).status_code == 428


def test_if_match_is_optional_by_default(client, shop):
    create(client, shop)
    assert client.put(f"{BASE}/shop", json=shop).status_code == 200
    assert client.delete(f"{BASE}/shop").status_code == 200


@pytest.mark.slow
def test_two_clients_racing_with_one_if_match(app, shop):
    """Threads with their own test clients, on a file database or PostgreSQL:
    of two PUTs with the same If-Match exactly one wins, round after round."""
    clients = [app.test_client(), app.test_client()]
    create(clients[0], shop)
    rounds, winners = 15, {}
    for round_number in range(rounds):
        etag = clients[0].get(f"{BASE}/shop").headers["ETag"]
        barrier = threading.Barrier(2, timeout=30)
        outcomes = [None, None]

        def race(index, etag=etag, barrier=barrier, outcomes=outcomes, round_number=round_number):
            document = copy.deepcopy(shop)
            document["description"] = f"round {round_number} client {index}"
            barrier.wait()
            response = clients[index].put(f"{BASE}/shop", json=document, headers={"If-Match": etag})
            outcomes[index] = (response.status_code, response.get_json())

        threads = [threading.Thread(target=race, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(status for status, _ in outcomes) == [200, 412], outcomes
        won = next(body for status, body in outcomes if status == 200)
        assert won["revision"] == round_number + 2
        winners[won["revision"]] = won["description"]
    history = clients[1].get(f"{BASE}/shop/revisions").get_json()["items"]
    assert [i["revision"] for i in history] == list(range(1, rounds + 2))
    for number, description in winners.items():
        stored = clients[1].get(f"{BASE}/shop/revisions/{number}").get_json()
        assert stored["description"] == description

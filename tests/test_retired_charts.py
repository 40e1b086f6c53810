"""A topology made again under a deleted one's name never reuses a chart version the
old one published: Helm clients keep pulled charts by name and version."""

from __future__ import annotations

import yaml

BASE = "/api/v1/topologies"


def _index_versions(client) -> dict[str, list[str]]:
    entries = yaml.safe_load(client.get("/charts/index.yaml").data)["entries"]
    return {name: [entry["version"] for entry in charts] for name, charts in entries.items()}


def test_a_recreated_topology_starts_above_the_deleted_ones_charts(client, shop):
    assert client.post(BASE, json=shop).status_code == 201
    first = client.get(f"{BASE}/shop/chart?revision=1").data
    shop["description"] = "second"
    assert client.put(f"{BASE}/shop", json=shop).json["chartVersion"] == "0.2.0"
    assert client.delete(f"{BASE}/shop").status_code == 200

    refused = client.post(BASE, json=shop)  # the server would use 0.1.0 again
    assert refused.status_code == 422
    [problem] = refused.json["errors"]
    assert problem["field"] == "chartVersion"
    assert problem["message"] == (
        "is not set, so the server would use 0.1.0, which is not higher than 0.2.0, the "
        "highest a deleted topology named 'shop' published (Helm clients may hold that "
        "chart, so its versions are never reused); the chart version must rise with every "
        "revision: set chartVersion above 0.2.0"
    )
    assert client.get(f"{BASE}/shop").status_code == 404  # nothing half-written

    given = client.post(BASE, json={**shop, "chartVersion": "0.2.0"})
    assert given.status_code == 422
    assert "0.2.0 is not higher than 0.2.0" in given.json["errors"][0]["message"]

    made = client.post(BASE, json={**shop, "chartVersion": "0.3.0"})
    assert made.status_code == 201 and made.json["revision"] == 1
    again = client.get(f"{BASE}/shop/chart")
    assert yaml.safe_load(_chart_yaml(again.data))["version"] == "0.3.0"
    assert again.data != first
    assert _index_versions(client)["shop"] == ["0.3.0"]


def test_the_highest_version_ever_published_is_kept_across_deletes(client, shop):
    assert client.post(BASE, json={**shop, "chartVersion": "2.0.0"}).status_code == 201
    assert client.delete(f"{BASE}/shop").status_code == 200
    assert client.post(BASE, json={**shop, "chartVersion": "2.1.0"}).status_code == 201
    assert client.delete(f"{BASE}/shop").status_code == 200
    refused = client.post(BASE, json={**shop, "chartVersion": "2.0.5"})
    assert refused.status_code == 422
    assert "not higher than 2.1.0" in refused.json["errors"][0]["message"]
    assert client.post(BASE, json={**shop, "chartVersion": "2.1.1-rc.1"}).status_code == 201


def test_other_names_and_existing_topologies_are_not_affected(client, shop):
    assert client.post(BASE, json=shop).status_code == 201
    assert client.delete(f"{BASE}/shop").status_code == 200
    assert client.post(BASE, json={**shop, "name": "other"}).status_code == 201
    assert client.post(BASE, json={**shop, "name": "other"}).status_code == 409
    made = client.post(BASE, json={**shop, "chartVersion": "0.1.1"})
    assert made.status_code == 201
    assert client.post(BASE, json={**shop, "chartVersion": "9.0.0"}).status_code == 409


def _chart_yaml(archive: bytes) -> str:
    from svcgen.package import archive_files

    return archive_files(archive)["Chart.yaml"]

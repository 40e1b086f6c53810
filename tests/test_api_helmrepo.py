"""``/charts``: the Helm chart repository, in process (the real Helm client
reads it in ``test_served.py``)."""

from __future__ import annotations

import copy
import hashlib
from datetime import UTC, datetime

import pytest
import yaml

from svcgen.api.helmrepo import candidates, index_cache
from svcgen.helmindex import build_index
from svcgen.history import ChartEntry

BASE = "/api/v1/topologies"


def store(client, document, versions=()):
    assert client.post(BASE, json=document).status_code == 201
    for version in versions:
        document = copy.deepcopy(document)
        if version:
            document["chartVersion"] = version
        assert client.put(f"{BASE}/{document['name']}", json=document).status_code == 200


def index(client) -> dict:
    response = client.get("/charts/index.yaml")
    assert response.status_code == 200
    assert response.mimetype == "application/yaml"
    return yaml.safe_load(response.data)


def test_empty_repository(client):
    assert index(client) == {
        "apiVersion": "v1",
        "entries": {},
        "generated": "1970-01-01T00:00:00.000Z",
    }


def test_index_lists_every_revision_newest_first(client, shop):
    store(client, shop, versions=[None, None])
    other = copy.deepcopy(shop)
    other.update(name="a-app", appVersion="2.3.1", chartVersion="1.0.0-rc.1")
    store(client, other, versions=["1.0.0"])
    listed = index(client)
    assert listed["apiVersion"] == "v1"
    assert list(listed["entries"]) == ["a-app", "shop"]
    assert [v["version"] for v in listed["entries"]["shop"]] == ["0.3.0", "0.2.0", "0.1.0"]
    assert [v["version"] for v in listed["entries"]["a-app"]] == ["1.0.0", "1.0.0-rc.1"]
    newest = listed["entries"]["a-app"][0]
    assert newest == {
        "apiVersion": "v2",
        "appVersion": "2.3.1",
        "created": newest["created"],
        "description": shop["description"],
        "digest": newest["digest"],
        "name": "a-app",
        "type": "application",
        "urls": ["a-app-1.0.0.tgz"],
        "version": "1.0.0",
    }
    revisions = client.get(f"{BASE}/a-app/revisions").get_json()["items"]
    assert newest["created"] == revisions[-1]["createdAt"]
    assert listed["generated"] == newest["created"]  # the newest revision stored
    for name, versions in listed["entries"].items():
        for version in versions:
            download = client.get(f"/charts/{version['urls'][0]}")
            assert download.status_code == 200 and download.mimetype == "application/gzip"
            assert hashlib.sha256(download.data).hexdigest() == version["digest"]
            assert download.headers["ETag"] == f'"{version["digest"]}"'
            number = versions.index(version)
            api = client.get(f"{BASE}/{name}/chart?revision={len(versions) - number}")
            assert api.data == download.data


def test_index_bytes_are_stable_and_cached(app, client, shop):
    store(client, shop)
    first = client.get("/charts/index.yaml")
    with app.app_context():
        builds = index_cache().builds
    again = client.get("/charts/index.yaml")
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    with app.app_context():
        assert index_cache().builds == builds  # served from the cache, not rebuilt
    cached = client.get("/charts/index.yaml", headers={"If-None-Match": first.headers["ETag"]})
    assert cached.status_code == 304 and cached.data == b""
    fresh = app.test_client().get("/charts/index.yaml")  # another client, same bytes
    assert fresh.data == first.data
    store(client, dict(shop, name="other"))
    changed = client.get("/charts/index.yaml", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.data != first.data


def test_index_changes_after_put_and_forgets_deleted(client, shop):
    store(client, shop)
    store(client, dict(shop, name="other"))
    before = client.get("/charts/index.yaml").data
    client.put(f"{BASE}/shop", json=shop)
    after_put = client.get("/charts/index.yaml").data
    assert after_put != before
    assert [v["version"] for v in yaml.safe_load(after_put)["entries"]["shop"]] == [
        "0.2.0",
        "0.1.0",
    ]
    assert client.delete(f"{BASE}/shop").status_code == 200
    assert list(index(client)["entries"]) == ["other"]
    for file in ("shop-0.1.0.tgz", "shop-0.2.0.tgz"):
        gone = client.get(f"/charts/{file}")
        assert gone.status_code == 404 and gone.is_json


@pytest.mark.parametrize(
    "filename",
    ["shop-0.2.0.tgz", "shop-0.1.0", "shop.tgz", "other-0.1.0.tgz", "shop-0.1.tgz", "-0.1.0.tgz"],
)
def test_unknown_archive_is_404_json(client, shop, filename):
    store(client, shop)
    response = client.get(f"/charts/{filename}")
    assert response.status_code == 404
    assert response.get_json()["code"] == 404


def test_archive_names_with_dashes_in_name_and_version():
    assert candidates("my-app-1.0.0-rc.1.tgz") == [("my-app", "1.0.0-rc.1")]
    assert candidates("a-1-1.0.0.tgz") == [("a-1", "1.0.0")]
    assert candidates("index.yaml") == []


def test_build_index_is_independent_of_input_order():
    moment = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)
    entries = [
        ChartEntry(name, number, f"0.{number}.0", {"name": name}, "ab" * 32, moment)
        for name in ("b", "a")
        for number in (1, 2)
    ]
    text = build_index(entries)
    assert build_index(reversed(entries)) == text
    parsed = yaml.safe_load(text)
    assert list(parsed["entries"]) == ["a", "b"]
    assert parsed["generated"] == "2026-01-02T03:04:05.678Z"
    assert parsed["entries"]["a"][0]["description"] == "The a topology, as generated by svcgen"

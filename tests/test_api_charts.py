"""Charts over HTTP: downloads, older revisions, files, ``/render``, ``/validate``;
and every shared example stored, read back and downloaded."""

from __future__ import annotations

import hashlib
import io
import tarfile

import pytest
import yaml

from .conftest import document_of
from .examples import EXAMPLES
from .helmcheck import check_chart

BASE = "/api/v1/topologies"


def members(data: bytes) -> dict[str, str]:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        return {
            m.name: archive.extractfile(m).read().decode()
            for m in archive.getmembers()
            if m.isfile()
        }


def assert_chart_download(response, name: str, version: str) -> None:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/gzip"
    assert response.headers["Content-Disposition"] == f"attachment; filename={name}-{version}.tgz"
    assert response.headers["ETag"] == f'"{hashlib.sha256(response.data).hexdigest()}"'
    files = members(response.data)
    chart = yaml.safe_load(files[f"{name}/Chart.yaml"])
    assert chart["name"] == name and chart["version"] == version


def test_chart_download(client, shop):
    client.post(BASE, json=shop)
    response = client.get(f"{BASE}/shop/chart")
    assert_chart_download(response, "shop", "0.1.0")


def test_chart_bytes_identical_across_downloads(client, shop):
    client.post(BASE, json=shop)
    first = client.get(f"{BASE}/shop/chart")
    second = client.get(f"{BASE}/shop/chart")
    assert first.data == second.data
    assert first.headers["ETag"] == second.headers["ETag"]


def test_older_revision_chart_is_byte_identical(client, shop):
    client.post(BASE, json=shop)
    original = client.get(f"{BASE}/shop/chart").data
    shop["components"][0]["replicas"] = 3
    assert client.put(f"{BASE}/shop", json=shop).status_code == 200
    current = client.get(f"{BASE}/shop/chart")
    assert_chart_download(current, "shop", "0.2.0")
    assert current.data != original
    older = client.get(f"{BASE}/shop/chart?revision=1")
    assert_chart_download(older, "shop", "0.1.0")
    assert older.data == original


def test_chart_unknown_revision_or_topology_is_404(client, shop):
    client.post(BASE, json=shop)
    for url in (
        f"{BASE}/shop/chart?revision=2",
        f"{BASE}/other/chart",
        f"{BASE}/other/chart/files",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.is_json


@pytest.mark.parametrize("value", ["0", "x", "-1"])
def test_chart_bad_revision_parameter_is_422(client, shop, value):
    client.post(BASE, json=shop)
    response = client.get(f"{BASE}/shop/chart?revision={value}")
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "revision"


def test_chart_files_match_archive(client, shop):
    client.post(BASE, json=shop)
    response = client.get(f"{BASE}/shop/chart/files")
    assert response.status_code == 200
    files = response.get_json()
    assert "Chart.yaml" in files and "values.yaml" in files
    assert all(isinstance(text, str) for text in files.values())
    archived = members(client.get(f"{BASE}/shop/chart").data)
    assert {f"shop/{path}": text for path, text in files.items()} == archived
    client.put(f"{BASE}/shop", json=shop)
    old = client.get(f"{BASE}/shop/chart/files?revision=1").get_json()
    assert yaml.safe_load(old["Chart.yaml"])["version"] == "0.1.0"


def test_render_returns_chart_without_storing(client, shop):
    response = client.post("/api/v1/render", json=shop)
    assert_chart_download(response, "shop", "0.1.0")
    assert client.post("/api/v1/render", json=shop).data == response.data
    assert client.get(f"{BASE}/shop").status_code == 404
    shop["chartVersion"] = "3.1.4"
    assert_chart_download(client.post("/api/v1/render", json=shop), "shop", "3.1.4")


def test_render_invalid_is_422(client, shop):
    del shop["components"]
    response = client.post("/api/v1/render", json=shop)
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["path"] == ["components"]


def test_stored_chart_equals_rendered_chart(client, shop):
    client.post(BASE, json=shop)
    assert client.get(f"{BASE}/shop/chart").data == client.post("/api/v1/render", json=shop).data


def test_validate_valid_and_invalid(client, shop):
    response = client.post("/api/v1/validate", json=shop)
    assert response.status_code == 200
    assert response.get_json() == {"valid": True, "warnings": []}
    shop["components"][1]["service"] = {"type": "LoadBalancer"}
    warned = client.post("/api/v1/validate", data=yaml.safe_dump(shop), content_type="text/yaml")
    assert warned.status_code == 200
    assert warned.get_json()["warnings"][0]["field"].startswith("components.1")
    shop["components"][0]["ports"][0]["nodePort"] = 99999
    response = client.post("/api/v1/validate", json=shop)
    assert response.status_code == 422
    assert "components.0.ports.0.nodePort" in [e["field"] for e in response.get_json()["errors"]]
    assert client.get(BASE).get_json()["totalItems"] == 0


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_round_trip(client, path, tmp_path):
    text = path.read_text()
    document = yaml.safe_load(text)
    created = client.post(BASE, data=text, content_type="application/yaml")
    assert created.status_code == 201, created.get_json()
    name = document["name"]
    body = client.get(f"{BASE}/{name}").get_json()
    assert document_of(body) == document
    assert body["revision"] == 1
    version = document.get("chartVersion", "0.1.0")
    download = client.get(f"{BASE}/{name}/chart")
    assert_chart_download(download, name, version)
    # the served bytes, not a fresh render: lint, template and strict schema checks
    files = {path.removeprefix(f"{name}/"): text for path, text in members(download.data).items()}
    objects = check_chart(files, name, tmp_path, release=name)
    assert {o["kind"] for o in objects} >= {"Deployment", "Service"}


@pytest.mark.parametrize(
    "path",
    [
        f"{BASE}/shop/chart",
        f"{BASE}/shop/chart?revision=1",
        "/charts/shop-0.1.0.tgz",
        f"{BASE}/shop/chart/files",
        f"{BASE}/shop/chart/files?revision=1",
        f"{BASE}/shop/catalog-info.yaml",
        f"{BASE}/shop/catalog-info.yaml?revision=1",
    ],
)
def test_chart_downloads_answer_if_none_match(client, shop, path):
    """A client holding the archive, or the chart's files or catalog entities a portal
    polls (If-None-Match with its ETag, strong or weak, or ``*``) gets a 304 and no
    body; another tag gets the answer. The tag is the sha256 of the body."""
    assert client.post(BASE, json=shop).status_code == 201
    first = client.get(path)
    tag = first.headers["ETag"]
    assert tag == f'"{hashlib.sha256(first.data).hexdigest()}"'
    for held in (tag, f"W/{tag}", f'"other", {tag}', "*"):
        again = client.get(path, headers={"If-None-Match": held})
        assert (again.status_code, again.data, again.headers["ETag"]) == (304, b"", tag), held
    other = client.get(path, headers={"If-None-Match": '"other"'})
    assert (other.status_code, other.data) == (200, first.data)


@pytest.mark.parametrize(
    "path",
    [
        f"{BASE}/shop",
        f"{BASE}/shop/revisions/1",
        f"{BASE}/shop/chart",
        "/charts/shop-0.1.0.tgz",
        "/charts/index.yaml",
        f"{BASE}/shop/chart/files",
        f"{BASE}/shop/catalog-info.yaml",
    ],
)
def test_downloads_answer_if_match_first(client, shop, path):
    """RFC 9110 section 13.2.2: If-Match (strong comparison) before If-None-Match; a
    client pinning a digest gets a 412, never another archive (nor another document:
    a portal polling a topology gets a 304 while it has not changed)."""
    assert client.post(BASE, json=shop).status_code == 201
    first = client.get(path)
    tag = first.headers["ETag"]
    for held in (tag, "*", f'"other", {tag}'):
        assert client.get(path, headers={"If-Match": held}).data == first.data, held
    for held in ('"other"', f"W/{tag}", "not quoted"):
        refused = client.get(path, headers={"If-Match": held})
        assert refused.status_code == 412, held
        assert refused.json["code"] == 412 and tag.strip('"') in refused.json["message"]
    both = client.get(path, headers={"If-Match": tag, "If-None-Match": tag})
    assert (both.status_code, both.data) == (304, b"")
    crossed = client.get(path, headers={"If-Match": '"other"', "If-None-Match": tag})
    assert crossed.status_code == 412  # If-None-Match asked first would have given 304
    head = client.head(path, headers={"If-None-Match": tag})
    assert (head.status_code, head.data) == (304, b"")


def test_render_answers_whatever_if_none_match_says(client, shop):
    """POST /render makes a chart: no precondition turns it into a 304 (RFC 9110
    gives one only to GET and HEAD)."""
    made = client.post("/api/v1/render", json=shop)
    for held in (made.headers["ETag"], "*"):
        again = client.post("/api/v1/render", json=shop, headers={"If-None-Match": held})
        assert (again.status_code, again.data) == (200, made.data), held

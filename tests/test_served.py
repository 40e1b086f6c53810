"""svcgen served as in production: gunicorn, several workers, one database.

Each test starts ``gunicorn -c gunicorn.conf.py app:app`` with 4 workers (the
shared launcher, :mod:`tests.serving`) on a free loopback port over
the ``database_url`` fixture's database (a migrated SQLite file, then the
PostgreSQL test database, skipped with the reason when no server answers) and
stops it afterwards. Every request has a timeout and every loop a bound.

- 200 concurrent PUTs to one topology from a pool of 32 clients leave revision
  numbers 1..201, gapless and unique, and no 5xx.
- The real Helm client (``helm_python.repo_index`` / ``helm_python.pull``) reads
  the repository index and pulls every version it lists; each pulled archive's
  sha256 is the index's ``digest``. The index is byte-identical across requests,
  changes after a PUT, and forgets deleted topologies.
"""

from __future__ import annotations

import copy
import hashlib
import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import yaml

from .serving import call, gunicorn_server


@pytest.fixture
def served(database_url, tmp_path):
    """gunicorn serving svcgen over ``database_url`` (4 workers), from the shared launcher."""
    with gunicorn_server(database_url, tmp_path, workers=4) as server:
        yield server


@pytest.mark.slow
def test_200_concurrent_puts_get_gapless_revisions(served, shop):
    base = f"{served.base}/api/v1/topologies"
    assert call("POST", base, shop, headers=served.headers)[0] == 201

    def put(number: int):
        document = copy.deepcopy(shop)
        document["description"] = f"put {number}"
        status, _, body = call("PUT", f"{base}/shop", document, headers=served.headers)
        return number, status, json.loads(body)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(put, range(200), timeout=600))
    elapsed = time.monotonic() - started
    print(f"200 PUTs over {served.base} in {elapsed:.2f}s")

    statuses = sorted({status for _, status, _ in results})
    assert statuses == [200], [(n, s, b) for n, s, b in results if s != 200][:5]
    numbers = sorted(body["revision"] for _, _, body in results)
    assert numbers == list(range(2, 202))
    status, _, body = call("GET", f"{base}/shop/revisions")
    history = json.loads(body)["items"]
    assert [item["revision"] for item in history] == list(range(1, 202))
    by_number = {body["revision"]: n for n, _, body in results}
    for number in (2, 101, 201):  # each accepted document is the revision it was told
        _, _, stored = call("GET", f"{base}/shop/revisions/{number}")
        assert json.loads(stored)["description"] == f"put {by_number[number]}"


def index_bytes(served) -> bytes:
    status, headers, body = call("GET", f"{served.base}/charts/index.yaml")
    assert status == 200 and headers["Content-Type"].startswith("application/yaml")
    return body


@pytest.mark.slow
def test_helm_pulls_every_indexed_chart_with_its_digest(served, shop, tmp_path):
    import helm_python

    base = f"{served.base}/api/v1/topologies"
    other = copy.deepcopy(shop)
    other.update(name="my-app", chartVersion="1.0.0-rc.1")
    assert call("POST", base, shop, headers=served.headers)[0] == 201
    assert call("POST", base, other, headers=served.headers)[0] == 201
    first = index_bytes(served)
    assert index_bytes(served) == first
    shop["description"] = "the second revision"
    assert call("PUT", f"{base}/shop", shop, headers=served.headers)[0] == 200
    other["chartVersion"] = "1.0.0"
    assert call("PUT", f"{base}/my-app", other, headers=served.headers)[0] == 200
    second = index_bytes(served)
    assert second != first and index_bytes(served) == second

    index = helm_python.repo_index(f"{served.base}/charts")
    listed = {
        name: [(v["version"], v["digest"]) for v in versions]
        for name, versions in index["entries"].items()
    }
    assert listed.keys() == {"shop", "my-app"}
    assert [v for v, _ in listed["shop"]] == ["0.2.0", "0.1.0"]
    assert [v for v, _ in listed["my-app"]] == ["1.0.0", "1.0.0-rc.1"]
    for name, versions in listed.items():
        for version, digest in versions:
            target = tmp_path / "pulled" / f"{name}-{version}"
            target.mkdir(parents=True)
            helm_python.pull(
                name, repo_url=f"{served.base}/charts", version=version, destination=target
            )
            data = (target / f"{name}-{version}.tgz").read_bytes()
            assert hashlib.sha256(data).hexdigest() == digest
            chart = helm_python.Chart.load_archive(data)
            assert chart is not None
            _, _, served_bytes = call("GET", f"{served.base}/charts/{name}-{version}.tgz")
            assert served_bytes == data

    status, _, body = call("DELETE", f"{base}/my-app", headers=served.headers)
    assert status == 200
    assert json.loads(body)["deleted"]["charts"] == ["my-app-1.0.0-rc.1.tgz", "my-app-1.0.0.tgz"]
    after = yaml.safe_load(index_bytes(served))
    assert list(after["entries"]) == ["shop"]
    assert list(helm_python.repo_index(f"{served.base}/charts")["entries"]) == ["shop"]
    assert call("GET", f"{served.base}/charts/my-app-1.0.0.tgz")[0] == 404

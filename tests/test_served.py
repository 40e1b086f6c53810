"""svcgen served as in production: gunicorn, several workers, one database.

Each test starts ``gunicorn --workers 4 app:app`` on a free loopback port over
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
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT

#: Seconds any one request may take.
TIMEOUT = 30
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def call(method: str, url: str, body: dict | None = None, headers: dict | None = None):
    """One request: ``(status, headers, body bytes)``; HTTP errors are answers too."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


@pytest.fixture
def served(database_url, tmp_path):
    """The base URL of gunicorn serving svcgen over ``database_url`` (4 workers)."""
    port = free_port()
    log = open(tmp_path / "gunicorn.log", "w+b")  # noqa: SIM115 - closed below
    env = {**os.environ, "DATABASE_URL": database_url}
    server = subprocess.Popen(
        [str(GUNICORN), "--workers", "4", "--bind", f"127.0.0.1:{port}", "app:app"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if call("GET", f"{base}/readyz")[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(f"gunicorn did not start:\n{log.read().decode(errors='replace')}")
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        log.seek(0)
        output = log.read().decode(errors="replace")
        log.close()
        assert "Traceback" not in output, output


@pytest.mark.slow
def test_200_concurrent_puts_get_gapless_revisions(served, shop):
    base = f"{served}/api/v1/topologies"
    assert call("POST", base, shop)[0] == 201

    def put(number: int):
        document = copy.deepcopy(shop)
        document["description"] = f"put {number}"
        status, _, body = call("PUT", f"{base}/shop", document)
        return number, status, json.loads(body)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(put, range(200), timeout=600))
    elapsed = time.monotonic() - started
    print(f"200 PUTs over {served} in {elapsed:.2f}s")

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


def index_bytes(served: str) -> bytes:
    status, headers, body = call("GET", f"{served}/charts/index.yaml")
    assert status == 200 and headers["Content-Type"].startswith("application/yaml")
    return body


@pytest.mark.slow
def test_helm_pulls_every_indexed_chart_with_its_digest(served, shop, tmp_path):
    import helm_python

    base = f"{served}/api/v1/topologies"
    other = copy.deepcopy(shop)
    other.update(name="my-app", chartVersion="1.0.0-rc.1")
    assert call("POST", base, shop)[0] == 201
    assert call("POST", base, other)[0] == 201
    first = index_bytes(served)
    assert index_bytes(served) == first
    shop["description"] = "the second revision"
    assert call("PUT", f"{base}/shop", shop)[0] == 200
    other["chartVersion"] = "1.0.0"
    assert call("PUT", f"{base}/my-app", other)[0] == 200
    second = index_bytes(served)
    assert second != first and index_bytes(served) == second

    index = helm_python.repo_index(f"{served}/charts")
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
            helm_python.pull(name, repo_url=f"{served}/charts", version=version, destination=target)
            data = (target / f"{name}-{version}.tgz").read_bytes()
            assert hashlib.sha256(data).hexdigest() == digest
            chart = helm_python.Chart.load_archive(data)
            assert chart is not None
            _, _, served_bytes = call("GET", f"{served}/charts/{name}-{version}.tgz")
            assert served_bytes == data

    status, _, body = call("DELETE", f"{base}/my-app")
    assert status == 200
    assert json.loads(body)["deleted"]["charts"] == ["my-app-1.0.0-rc.1.tgz", "my-app-1.0.0.tgz"]
    after = yaml.safe_load(index_bytes(served))
    assert list(after["entries"]) == ["shop"]
    assert list(helm_python.repo_index(f"{served}/charts")["entries"]) == ["shop"]
    assert call("GET", f"{served}/charts/my-app-1.0.0.tgz")[0] == 404

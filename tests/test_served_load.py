"""Correct under concurrency: gunicorn with 4 workers, 32 concurrent clients.

On SQLite and on PostgreSQL (skipped with the reason when no server answers),
one mixed load of creates of new topologies, PUTs to one topology and chart
downloads (current and by revision), all at once, from 32 client threads; every
request has a timeout and the load a fixed size. Afterwards:

- no 5xx, no ``database is locked`` in the server's log, no traceback;
- every create is listed; no write is lost: the PUTs got revision numbers
  2..N+1, unique and gapless, and each revision holds the document its PUT sent;
- every chart served is the one its revision has: the sha256 of the bytes is
  the ``ETag`` and the revision's stored ``digest``, and the file name carries
  that revision's chart version;
- the request counts at ``/metrics``, summed over the 4 workers
  (prometheus-client multiprocess mode), match what was sent, and the JSON log
  has one line per request with the client's ``X-Request-ID``.
"""

from __future__ import annotations

import copy
import hashlib
import json
import random
import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from .serving import call, gunicorn_server
from .test_observe import sample

CLIENTS = 32
CREATES, PUTS, DOWNLOADS = 24, 96, 96


def _tasks() -> list[tuple[str, int]]:
    tasks = [("create", i) for i in range(CREATES)]
    tasks += [("put", i) for i in range(PUTS)]
    tasks += [("download", i) for i in range(DOWNLOADS)]
    random.Random(7).shuffle(tasks)
    return tasks


@pytest.mark.slow
def test_mixed_load_from_32_clients(database_url, tmp_path, shop):
    with gunicorn_server(database_url, tmp_path, workers=4) as server:
        api = f"{server.base}/api/v1/topologies"
        auth = server.headers
        assert call("POST", api, shop, headers=auth)[0] == 201

        def run(task):
            kind, i = task
            headers = {**auth, "X-Request-ID": f"{kind}-{i}"}
            if kind == "create":
                document = copy.deepcopy(shop)
                document["name"] = f"load-{i}"
                return task, call("POST", api, document, headers=headers)
            if kind == "put":
                document = copy.deepcopy(shop)
                document["description"] = f"put {i}"
                return task, call("PUT", f"{api}/shop", document, headers=headers)
            query = "?revision=1" if i % 4 == 0 else ""
            return task, call("GET", f"{api}/shop/chart{query}", headers=headers)

        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            results = list(pool.map(run, _tasks(), timeout=600))

        errors = [(t, s, b[:300]) for t, (s, _, b) in results if s >= 500]
        assert not errors
        expected = {"create": 201, "put": 200, "download": 200}
        assert [(t, s) for t, (s, _, _) in results if s != expected[t[0]]] == []

        # no lost write: every PUT has its own revision, and the revision is its document
        history = json.loads(call("GET", f"{api}/shop/revisions", headers=auth)[2])["items"]
        assert [item["revision"] for item in history] == list(range(1, PUTS + 2))
        told = {json.loads(b)["revision"]: t[1] for t, (_, _, b) in results if t[0] == "put"}
        assert sorted(told) == list(range(2, PUTS + 2))
        for number, i in told.items():
            _, _, body = call("GET", f"{api}/shop/revisions/{number}", headers=auth)
            assert json.loads(body)["description"] == f"put {i}"

        # every chart served is the one its revision stored
        by_version = {item["chartVersion"]: item for item in history}
        for task, (_, headers, body) in results:
            if task[0] != "download":
                continue
            digest = hashlib.sha256(body).hexdigest()
            assert headers["ETag"] == f'"{digest}"'
            version = re.fullmatch(
                r"attachment; filename=shop-(.+)\.tgz", headers["Content-Disposition"]
            )[1]
            assert by_version[version]["digest"] == digest
            if task[1] % 4 == 0:
                assert by_version[version]["revision"] == 1

        listed = json.loads(call("GET", f"{api}?page_size=100", headers=auth)[2])
        assert {t["name"] for t in listed["items"]} == {"shop"} | {
            f"load-{i}" for i in range(CREATES)
        }

        metrics = call("GET", f"{server.base}/metrics")[2].decode()
        one = "/api/v1/topologies/<name>"
        assert sample(metrics, "svcgen_http_requests_total", method="PUT", route=one) == PUTS
        assert sample(
            metrics, "svcgen_http_requests_total", method="POST", route="/api/v1/topologies"
        ) == (CREATES + 1)
        assert sample(metrics, "svcgen_topologies_stored_total", operation="replace") == PUTS
        # a PUT makes its chart before its write transaction, and once more when
        # another PUT landed in between (package.prepared): one or two per PUT
        rendered = sample(metrics, "svcgen_charts_rendered_total")
        assert CREATES + PUTS + 1 <= rendered <= CREATES + 2 * PUTS + 1

    output = server.output()
    assert "database is locked" not in output
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    requests = [line for line in lines if line.get("logger") == "svcgen.request"]
    ids = {line["request_id"] for line in requests}
    assert {f"{kind}-{i}" for (kind, i) in _tasks()} <= ids
    assert all({"method", "path", "status", "duration_ms"} <= line.keys() for line in requests)

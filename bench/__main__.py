"""``make bench``: svcgen against a constant-JSON Flask app, same gunicorn settings.

Both apps run under ``gunicorn -c gunicorn.conf.py`` (``BENCH_WORKERS`` workers,
2 by default) on 127.0.0.1, started by the test suite's launcher
(:mod:`tests.serving`), over a fresh SQLite file (or ``BENCH_DATABASE_URL``; a
database used before works too: every run stores under names of its own);
rate limits are off; writes send a bearer token, reads none (reads are open
unless ``AUTH_READS`` is ``required``). wrk loads each from 32 connections, in
``BENCH_ROUNDS`` rounds (3) that take turns, svcgen then the baseline, for
``BENCH_SECONDS`` seconds (4) each, so that a machine that slows down for a while
slows both alike; the ratios printed are svcgen's requests per second over the
baseline's, over all rounds, with the lowest and highest round's ratio:

- ``GET /api/v1/topologies/shop`` (target >= 0.6),
- ``GET /api/v1/topologies/shop/chart``, a stored revision's archive (>= 0.7),
- ``GET /healthz`` (no target): every per-request hook (auth, security headers, request
  id, JSON log line, metrics) and no database, the floor under the two reads above,
- ``POST /api/v1/topologies`` of the seed example under unique names (>= 0.3, no errors);
  and once more with every component different in every request (the image tags and
  the external host carry the name), so that no block of ``values.yaml`` comes from a
  worker's cache (:func:`svcgen.values.dump_values`): the cost of a topology whose
  every component is new;
- ``POST /api/v1/validate`` of the same document (no target): parsed and validated,
  nothing rendered or stored, the floor under the POST;

then, in this process, chart generation (render + archive) against
``helm_python.package`` of the same files, at 3 and 300 components (svcgen no
slower; 300 components at most 100 times 3), and the peak RSS of svcgen's
workers after the load (< 150 MB). Nothing here asserts: it measures and prints.
"""

from __future__ import annotations

import copy
import json
import os
import platform
import tempfile
import uuid
from pathlib import Path

import yaml

from tests.conftest import migrate
from tests.examples import EXAMPLES_DIR
from tests.serving import call, gunicorn_server

from .chartgen import time_chart
from .load import HERE, Load, combine, run_wrk

SECONDS = int(os.environ.get("BENCH_SECONDS", "4"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))


def _peak_rss_mb(master: int) -> float:
    """The largest VmHWM (peak resident set) among ``master``'s children, in MB."""
    peak = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines())
        except (OSError, ValueError):
            continue
        if fields.get("PPid", "").strip() == str(master) and "VmHWM" in fields:
            peak = max(peak, int(fields["VmHWM"].split()[0]))
    return peak / 1024


def _machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, {platform.system()}"


def _every_component_new(seed: dict) -> dict:
    """The seed document with ``__NAME__`` (the request's unique name) in its name and
    in every component: the image tags and the external host."""
    document = {**copy.deepcopy(seed), "name": "__NAME__"}
    for component in document["components"]:
        if "image" in component:
            component["image"] = component["image"].rsplit(":", 1)[0] + ":__NAME__"
        if "host" in component.get("external", {}):
            component["external"]["host"] = "__NAME__." + component["external"]["host"]
    return document


def _rounds(ours: str, base: str, *, env: dict | None = None, script: Path | None = None):
    """``ROUNDS`` runs of wrk against each URL, taking turns, after a one-second run
    of each that is not counted (a new ``BENCH_RUN`` per run, so a POST script's
    names are new in every run).

    :returns: ``(ours, base, ratios)``: each app's runs combined, and each round's ratio.
    """

    def run(url: str, seconds: int) -> Load:
        run_env = None if env is None else {**env, "BENCH_RUN": uuid.uuid4().hex[:6]}
        return run_wrk(url, script=script, env=run_env, seconds=seconds)

    runs: tuple[list[Load], list[Load]] = ([], [])
    for url in (ours, base):  # warm-up, not counted: imports, caches, the first connections
        run(url, 1)
    for _ in range(ROUNDS):
        for url, done in zip((ours, base), runs, strict=True):
            done.append(run(url, SECONDS))
    ratios = [o.requests_per_second / b.requests_per_second for o, b in zip(*runs, strict=True)]
    return combine(runs[0]), combine(runs[1]), ratios


def _loads(work: Path, url: str) -> dict:
    seed = yaml.safe_load((EXAMPLES_DIR / "seed-shop.yaml").read_text())
    shop = f"shop-{uuid.uuid4().hex[:6]}"  # a database used by an earlier run has "shop-..."
    body = work / "post-body.json"
    body.write_text(json.dumps({**seed, "name": "__NAME__"}))
    fresh_body = work / "post-body-fresh.json"
    fresh_body.write_text(json.dumps(_every_component_new(seed)))
    env = {"SVCGEN_RATELIMIT_ENABLED": "false"}
    results = {}
    with (
        gunicorn_server(url, work, workers=WORKERS, env=env) as svcgen,
        gunicorn_server(url, work, workers=WORKERS, env=env, app="bench.baseline:app") as base,
    ):
        auth = svcgen.headers
        stored = {**seed, "name": shop}
        assert call("POST", f"{svcgen.base}/api/v1/topologies", stored, headers=auth)[0] == 201
        token = auth.get("Authorization", "").removeprefix("Bearer ")
        script_env = {**os.environ, "BENCH_BODY": str(body), "BENCH_TOKEN": token}
        for label, path in (
            ("GET topology", f"/api/v1/topologies/{shop}"),
            ("GET chart", f"/api/v1/topologies/{shop}/chart"),
            ("GET /healthz", "/healthz"),
        ):  # reads need no token (AUTH_READS optional), as Helm reads
            results[label] = _rounds(f"{svcgen.base}{path}", f"{base.base}{path}")
        script = HERE / "post.lua"
        results["POST topology"] = _rounds(
            f"{svcgen.base}/", f"{base.base}/", env=script_env, script=script
        )
        results["POST validate"] = _rounds(
            f"{svcgen.base}/",
            f"{base.base}/",
            env={**script_env, "BENCH_PATH": "/api/v1/validate"},
            script=script,
        )
        fresh_env = {**script_env, "BENCH_BODY": str(fresh_body)}
        results["POST topology, every component new"] = _rounds(
            f"{svcgen.base}/", f"{base.base}/", env=fresh_env, script=script
        )
        results["peak worker RSS MB"] = _peak_rss_mb(svcgen.process.pid)
    return results


def main() -> None:
    """Run everything and print a Markdown report."""
    #: Each load's row label and target ratio (None: reported, no target).
    targets = {
        "GET topology": 0.6,
        "GET chart": 0.7,
        "POST topology": 0.3,
        "GET /healthz": None,
        "POST topology, every component new": None,
        "POST validate": None,
    }
    labels = {
        "GET /healthz": "GET /healthz (no database: svcgen's per-request floor)",
        "POST validate": (
            "POST /api/v1/validate of the same document (parsed and validated; nothing "
            "rendered or stored: the floor under the POST)"
        ),
    }
    load = " ".join(f"{n:.1f}" for n in os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="svcgen-bench-") as tmp:
        work = Path(tmp)
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{work / 'bench.sqlite3'}"
        migrate(url)
        loads = _loads(work, url)
    print(f"machine: {_machine()}; gunicorn workers: {WORKERS}; wrk: 2 threads, 32 connections,")
    print(
        f"{ROUNDS} rounds of {SECONDS} s per app and load; database: {url.split(':', 1)[0]}; "
        f"load average before: {load}\n"
    )
    print(
        "| load | svcgen req/s | baseline req/s | ratio | rounds' ratios | target "
        "| svcgen p99 ms | errors | timeouts |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for label, target in targets.items():
        ours, base, ratios = loads[label]
        ratio = ours.requests_per_second / base.requests_per_second
        wanted = "(no target)" if target is None else f">= {target}"
        print(
            f"| {labels.get(label, label)} | {ours.requests_per_second:.0f} "
            f"| {base.requests_per_second:.0f} | {ratio:.2f} "
            f"| {min(ratios):.2f}–{max(ratios):.2f} | {wanted} "
            f"| {ours.latency_p99_ms:.1f} | {ours.errors} | {ours.timeouts} |"
        )
    for label in targets:
        if loads[label][0].statuses:  # the loads whose script counts answers (post.lua)
            print(f"\n{label}: answers by status: {dict(sorted(loads[label][0].statuses.items()))}")
    print(f"peak RSS of a svcgen worker after the load: {loads['peak worker RSS MB']:.1f} MB\n")
    timings = [time_chart(3), time_chart(300)]
    print(
        "| components | files | svcgen render+archive ms | helm package ms | svcgen/helm "
        "| svcgen, one component changed, ms |"
    )
    print("|---|---|---|---|---|---|")
    for t in timings:
        print(
            f"| {t.components} | {t.files} | {t.svcgen * 1000:.1f} | {t.helm * 1000:.1f} "
            f"| {t.svcgen / t.helm:.2f} | {t.svcgen_one_changed * 1000:.1f} |"
        )
    small, large = timings
    print(f"\nlinearity: 300 components cost {large.svcgen / small.svcgen:.0f}x 3 (target <= 100x)")


if __name__ == "__main__":
    main()

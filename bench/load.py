"""HTTP load with wrk (Debian package ``wrk``), on loopback only."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent


def ensure_wrk() -> str:
    """The path of ``wrk``, installed with ``apt-get install -y wrk`` when missing.

    :raises RuntimeError: wrk is missing and could not be installed.
    """
    for attempt in ([], [["apt-get", "update"]]):
        found = shutil.which("wrk")
        if found:
            return found
        for command in [*attempt, ["apt-get", "install", "-y", "wrk"]]:
            subprocess.run(command, check=False, capture_output=True, timeout=600)
    found = shutil.which("wrk")
    if found:
        return found
    raise RuntimeError("wrk is missing and `apt-get install -y wrk` did not install it")


@dataclass(frozen=True)
class Load:
    """What one wrk run measured.

    :param requests_per_second: completed requests per second.
    :param requests: requests completed.
    :param errors: non-2xx/3xx answers plus socket errors (connect, read, write).
    :param timeouts: requests with no answer within wrk's ``--timeout``.
    :param latency_p99_ms: the 99th percentile latency, milliseconds.
    :param statuses: answers by status code, when the script counts them (``post.lua``).
    """

    requests_per_second: float
    requests: int
    errors: int
    timeouts: int
    latency_p99_ms: float
    statuses: dict[int, int]


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse(output: str) -> Load:
    """Read wrk's report (run with ``--latency``)."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])
    requests = int(re.search(r"(\d+) requests in", output)[1])
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write) (\d+)", output))
    timeouts = sum(int(n) for n in re.findall(r"timeout (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors += int(non_2xx[1]) if non_2xx else 0
    p99 = re.search(r"\s99%\s+(\S+)", output)
    statuses = {int(code): int(n) for code, n in re.findall(r"^status (\d+): (\d+)$", output, re.M)}
    return Load(rps, requests, errors, timeouts, _ms(p99[1]) if p99 else 0.0, statuses)


def run_wrk(
    url: str,
    *,
    connections: int = 32,
    threads: int = 2,
    seconds: int = 10,
    headers: dict[str, str] | None = None,
    script: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: int = 30,
) -> Load:
    """Load ``url`` with wrk and return what it measured.

    :param url: a loopback URL.
    :param connections: concurrent connections (clients).
    :param script: a wrk Lua script (e.g. ``bench/post.lua``).
    :param env: the environment of wrk (for the script).
    :param timeout: seconds wrk waits for an answer before it counts a timeout.
    """
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError("the benchmark loads 127.0.0.1 only")
    command = [ensure_wrk(), f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    command += ["--timeout", f"{timeout}s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script is not None:
        command += ["-s", str(script)]
    done = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=seconds + 60, env=env, check=True
    )
    return parse(done.stdout)


def combine(loads: list[Load]) -> Load:
    """Several runs of one load as one: requests per second over their summed
    durations, errors, timeouts and statuses summed, the worst p99.

    :param loads: at least one run.
    """
    seconds = sum(load.requests / load.requests_per_second for load in loads if load.requests)
    statuses: dict[int, int] = {}
    for load in loads:
        for code, count in load.statuses.items():
            statuses[code] = statuses.get(code, 0) + count
    requests = sum(load.requests for load in loads)
    return Load(
        requests / seconds if seconds else 0.0,
        requests,
        sum(load.errors for load in loads),
        sum(load.timeouts for load in loads),
        max(load.latency_p99_ms for load in loads),
        statuses,
    )

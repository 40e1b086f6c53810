"""The benchmark's arithmetic (``bench/load.py``): runs of one load combine into
requests per second over their summed durations, not an average of rates."""

from __future__ import annotations

from bench.load import Load, combine, parse


def test_runs_combine_over_their_summed_durations():
    fast = Load(1000.0, 4000, 1, 0, 5.0, {201: 3999, 500: 1})  # 4 s
    slow = Load(250.0, 500, 0, 2, 20.0, {201: 500})  # 2 s
    both = combine([fast, slow])
    assert both.requests_per_second == 4500 / 6  # not (1000 + 250) / 2
    assert (both.requests, both.errors, both.timeouts) == (4500, 1, 2)
    assert (both.latency_p99_ms, both.statuses) == (20.0, {201: 4499, 500: 1})


def test_a_run_that_completed_nothing_adds_no_time():
    assert combine([Load(0.0, 0, 3, 0, 0.0, {})]).requests_per_second == 0.0
    both = combine([Load(0.0, 0, 0, 0, 0.0, {}), Load(10.0, 20, 0, 0, 1.0, {})])
    assert (both.requests, both.requests_per_second) == (20, 10.0)


WRK_OUTPUT = """Running 4s test @ http://127.0.0.1:8000/healthz
  2 threads and 32 connections
  Latency Distribution
     50%    6.01ms
     99%   15.90ms
  11321 requests in 4.00s, 2.10MB read
  Socket errors: connect 0, read 3, write 0, timeout 2
  Non-2xx or 3xx responses: 4
Requests/sec:   2829.51
status 201: 11317
status 500: 4
"""


def test_wrk_report_is_read():
    load = parse(WRK_OUTPUT)
    assert (load.requests_per_second, load.requests) == (2829.51, 11321)
    assert (load.errors, load.timeouts, load.latency_p99_ms) == (7, 2, 15.9)
    assert load.statuses == {201: 11317, 500: 4}

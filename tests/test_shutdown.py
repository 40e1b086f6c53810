"""gunicorn stops gracefully: on SIGTERM the master lets a request in flight
finish (a complete 200), then exits 0.

The slow request is ``/testing/sleep``, a route that exists only with the
``SVCGEN_TESTING_SLOW_ROUTE`` setting (:mod:`svcgen.api.testing`).
"""

from __future__ import annotations

import json
import signal
import threading
import time

import pytest

from .serving import call, gunicorn_server


@pytest.mark.slow
def test_sigterm_finishes_the_request_in_flight(database_url, tmp_path):
    env = {"SVCGEN_TESTING_SLOW_ROUTE": "true", "GRACEFUL_TIMEOUT": "20"}
    with gunicorn_server(database_url, tmp_path, workers=2, env=env) as server:
        answers = []
        slow = threading.Thread(
            target=lambda: answers.append(
                call("GET", f"{server.base}/testing/sleep?seconds=3", headers=server.headers)
            )
        )
        started = time.monotonic()
        slow.start()
        time.sleep(1.0)  # the request is being served now
        assert not answers
        server.process.send_signal(signal.SIGTERM)
        slow.join(timeout=30)
        assert server.process.wait(timeout=30) == 0
        elapsed = time.monotonic() - started
    assert answers, "the request in flight got no answer"
    status, headers, body = answers[0]
    assert status == 200, body
    assert json.loads(body) == {"slept": 3.0}
    assert int(headers["Content-Length"]) == len(body)
    assert elapsed >= 3.0
    assert "Handling signal: term" in server.output()


def test_slow_route_is_off_by_default(client):
    assert client.get("/testing/sleep?seconds=0").status_code == 404

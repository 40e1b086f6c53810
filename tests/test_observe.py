"""Request ids, the JSON request log and ``/metrics`` (in one process; the
multiprocess case under gunicorn is in ``test_served_load.py``)."""

from __future__ import annotations

import json
import logging
import re

import pytest

from svcgen.logs import REQUEST_LOGGER, logging_config


def sample(text: str, name: str, **labels) -> float:
    """The value of one sample of the Prometheus text ``text`` (0 when absent)."""
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.partition(" ")[0]))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_request_id_is_echoed_or_made(client):
    given = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert given.headers["X-Request-ID"] == "abc-123"
    made = client.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["X-Request-ID"])
    assert client.get("/healthz").headers["X-Request-ID"] != made.headers["X-Request-ID"]


@pytest.mark.parametrize("bad", ["has space", "x" * 129, "é"])
def test_odd_request_id_is_replaced(client, bad):
    response = client.get("/healthz", headers={"X-Request-ID": bad.encode().decode("latin-1")})
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])


def test_one_log_line_per_request(client, shop, caplog):
    with caplog.at_level(logging.INFO, logger=REQUEST_LOGGER):
        client.post("/api/v1/topologies", json=shop, headers={"X-Request-ID": "r1"})
        client.get("/api/v1/topologies/nope")
    records = [r for r in caplog.records if r.name == REQUEST_LOGGER]
    assert [(r.method, r.path, r.route, r.status, r.request_id) for r in records] == [
        ("POST", "/api/v1/topologies", "/api/v1/topologies", 201, "r1"),
        ("GET", "/api/v1/topologies/nope", "/api/v1/topologies/<name>", 404, records[1].request_id),
    ]
    assert all(r.duration_ms >= 0 for r in records)


def test_log_lines_are_json():
    config = logging_config()
    formatter = logging.config.DictConfigurator(config).configure_custom(
        dict(config["formatters"]["json"])
    )
    record = logging.LogRecord(REQUEST_LOGGER, logging.INFO, __file__, 1, "request", (), None)
    record.status, record.request_id = 200, "r1"
    line = json.loads(formatter.format(record))
    assert line["message"] == "request" and line["status"] == 200
    assert line["level"] == "INFO" and line["logger"] == REQUEST_LOGGER
    assert line["time"].endswith("+00:00")  # RFC 3339, UTC


def test_metrics_by_route_and_status(client, shop):
    before = client.get("/metrics").get_data(as_text=True)
    assert client.post("/api/v1/topologies", json=shop).status_code == 201
    assert client.put("/api/v1/topologies/shop", json=shop).status_code == 200
    assert client.get("/api/v1/topologies/nope-1").status_code == 404
    assert client.get("/api/v1/topologies/nope-2").status_code == 404
    assert client.get("/no/such/path").status_code == 404
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    after = response.get_data(as_text=True)

    def grew(name, **labels):
        return sample(after, name, **labels) - sample(before, name, **labels)

    route = "/api/v1/topologies/<name>"
    assert grew("svcgen_http_requests_total", method="GET", route=route, status="404") == 2
    assert grew("svcgen_http_requests_total", route="<unmatched>", status="404") == 1
    assert "nope-1" not in after and "/no/such/path" not in after
    assert grew("svcgen_http_request_duration_seconds_count", method="PUT", route=route) == 1
    assert grew("svcgen_topologies_stored_total", operation="create") == 1
    assert grew("svcgen_topologies_stored_total", operation="replace") == 1
    assert grew("svcgen_charts_rendered_total") == 2


def test_made_up_methods_share_one_metrics_label(client):
    """A client cannot grow the metrics without bound by inventing HTTP methods."""
    before = client.get("/metrics").get_data(as_text=True)
    for method in ("FOOBAR", "BAZ", "QUUX"):
        assert client.open("/healthz", method=method).status_code == 405
    after = client.get("/metrics").get_data(as_text=True)
    assert "FOOBAR" not in after and "QUUX" not in after
    grown = sample(after, "svcgen_http_requests_total", method="other", status="405") - sample(
        before, "svcgen_http_requests_total", method="other", status="405"
    )
    assert grown == 3

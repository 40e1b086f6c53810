"""gunicorn's own answers to requests it cannot parse are JSON, like svcgen's
(:mod:`svcgen.serving`), not its HTML page."""

from __future__ import annotations

import json
import socket

import pytest

from .conftest import migrate
from .serving import gunicorn_server


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("served-errors")
    url = f"sqlite:///{tmp / 'svcgen.sqlite3'}"
    migrate(url)
    with gunicorn_server(url, tmp, workers=1) as server:
        yield server


def _raw(served, request: bytes) -> tuple[str, dict[str, str], bytes]:
    host, port = served.base.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines)
    return status, headers, body


@pytest.mark.parametrize(
    "request_bytes, code, says",
    [
        (b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414, "too large"),
        (b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-A: b\r\n" * 200 + b"\r\n", 431, "headers"),
        (b"NOT A REQUEST LINE\r\n\r\n", 400, "Invalid"),
    ],
    ids=["line too long", "too many headers", "malformed"],
)
def test_unparsable_requests_get_a_json_error(served, request_bytes, code, says):
    status, headers, body = _raw(served, request_bytes)
    assert status.startswith(f"HTTP/1.1 {code} ")
    assert headers["Content-Type"] == "application/json"
    assert int(headers["Content-Length"]) == len(body)
    answer = json.loads(body)
    assert answer["code"] == code and answer["status"] == status.split(" ", 2)[2]
    assert says in answer["message"]


def test_a_hostile_request_line_stays_data_in_the_json(served):
    status, _, body = _raw(served, b'GET /"<script>\\ HTTP/1.1 extra\r\n\r\n')
    assert status.startswith("HTTP/1.1 400 ")
    assert json.loads(body)["code"] == 400


@pytest.mark.parametrize(
    "body",
    [b"zz\r\n{}\r\n0\r\n\r\n", b"2\r\n{}XX0\r\n\r\n", b"2;\x00\r\n{}\r\n0\r\n\r\n"],
    ids=["bad size", "no terminator", "bad extension"],
)
def test_a_malformed_chunked_body_is_a_400_without_a_traceback(served, body):
    request = (
        b"POST /api/v1/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + body
    )
    status, headers, answer = _raw(served, request)
    assert status.startswith("HTTP/1.1 400 ")
    assert "could not be read" in json.loads(answer)["message"]
    assert "Traceback" not in served.output()

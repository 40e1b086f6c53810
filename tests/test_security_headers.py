"""Security headers on every response, a strict CSP for the API and one for the
HTML pages that lets them load their own assets (checked in headless Chromium on
``/api/docs`` when it is installed), and error bodies that never show a stack
trace or SQL."""

from __future__ import annotations

import shutil
import subprocess
import threading

import pytest
from sqlalchemy.exc import IntegrityError, ProgrammingError
from werkzeug.exceptions import InternalServerError
from werkzeug.serving import make_server

from svcgen import repository
from svcgen.api.security import API_CSP, inline_script_hashes

BASE = "/api/v1/topologies"
COMMON = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


def assert_common(response) -> None:
    for name, value in COMMON.items():
        assert response.headers[name] == value, name


def page_csp(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    assert policy != API_CSP
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_api_responses_have_a_strict_csp(client, shop):
    responses = [
        client.post(BASE, json=shop),  # 201
        client.get(f"{BASE}/shop"),  # 200
        client.get(f"{BASE}/shop/chart"),  # a download
        client.get(f"{BASE}/nope"),  # 404
        client.post("/api/v1/validate", json={"name": "x"}),  # 422
        client.post(BASE, data="{", content_type="application/json"),  # 400
        client.application.test_client(token=None).post(BASE, json=shop),  # 401
        client.get("/charts/index.yaml"),
        client.get("/healthz"),
        client.get("/api/openapi.json"),
    ]
    for response in responses:
        assert_common(response)
        assert response.headers["Content-Security-Policy"] == API_CSP, response.request.path


def test_the_docs_page_may_run_its_own_script_only(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert_common(response)
    csp = page_csp(response)
    assert csp["default-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    hashes = inline_script_hashes(response.get_data(as_text=True))
    assert len(hashes) == 1
    assert csp["script-src"] == ["'self'", *hashes]
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    asset = client.get("/api/docs/assets/swagger-ui.css")
    assert asset.status_code == 200 and page_csp(asset)["style-src"][0] == "'self'"
    asset.close()


def test_the_web_pages_get_the_page_csp(client, shop):
    client.post(BASE, json=shop)
    for url in ("/", "/topologies/shop"):
        response = client.get(url)
        assert response.status_code == 200
        assert_common(response)
        csp = page_csp(response)
        assert csp["style-src"][0] == "'self'" and csp["img-src"] == ["'self'", "data:"]
        assert csp["script-src"] == ["'self'"]  # svcgen's own pages run no inline script


def test_an_inline_script_outside_the_docs_page_is_never_allowed(app):
    """Were a script ever injected into a page, the policy must not bless it by hash."""
    from flask import Response

    from svcgen.api.security import content_security_policy

    page = Response("<html><script>alert(1)</script></html>", mimetype="text/html")
    with app.test_request_context("/topologies/shop"):
        assert "sha256-" not in content_security_policy("/topologies/shop", page)
        assert "sha256-" in content_security_policy("/api/docs", page)


def test_a_new_token_is_never_cached(client):
    response = client.post("/api/v1/tokens", json={"name": "portal", "role": "reader"})
    assert response.status_code == 201 and response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "error",
    [
        RuntimeError("Traceback (most recent call last): secret"),
        ProgrammingError("SELECT password FROM api_token", {}, Exception("syntax")),
        IntegrityError("INSERT INTO revision VALUES (1)", {}, Exception("duplicate key")),
    ],
)
def test_error_bodies_show_no_stack_trace_or_sql(client, shop, monkeypatch, error):
    def broken(*args, **kwargs):
        raise error

    monkeypatch.setattr(repository, "get_topology", broken)
    monkeypatch.setattr("svcgen.history.get_current", broken)  # what GET reads with
    monkeypatch.setattr(repository, "create_topology", broken)
    for response in (client.get(f"{BASE}/shop"), client.post(BASE, json=shop)):
        assert response.status_code == 500
        assert_common(response)
        assert response.get_json() == {
            "code": 500,
            "status": "Internal Server Error",
            "message": InternalServerError.description,
        }
        text = response.get_data(as_text=True)
        for leak in ("Traceback", "SELECT", "INSERT", "secret", "password", 'File "'):
            assert leak not in text


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed")
def test_docs_page_renders_in_a_browser_under_its_csp(app):
    """Swagger UI loads its scripts, styles and the spec, and draws every operation;
    Chromium reports no Content-Security-Policy violation."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        result = subprocess.run(
            [
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--enable-logging=stderr",
                "--virtual-time-budget=10000",
                "--dump-dom",
                f"http://127.0.0.1:{server.server_port}/api/docs",
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        server.shutdown()
        thread.join(timeout=10)
    assert "Content Security Policy" not in result.stderr, result.stderr[-2000:]
    assert 'class="title"' in result.stdout and "svcgen" in result.stdout
    assert result.stdout.count("opblock-summary-path") >= 10

"""Authentication and rate limits as served in production: gunicorn with several
workers, over real HTTP.

- writes without a token are 401 with ``WWW-Authenticate``, with a reader token 403,
  with a writer token 201 and the revision names the token;
- with ``SVCGEN_RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379`` the workers share one
  count: the limit holds across them (skipped, saying why, without Redis).
"""

from __future__ import annotations

import json
import uuid

import pytest

from .conftest import create_token
from .serving import call, gunicorn_server
from .test_ratelimit import redis_url


@pytest.mark.slow
def test_tokens_over_http(database_url, tmp_path, shop):
    reader = create_token(database_url, "reader")
    writer = create_token(database_url, "writer", name="portal")
    with gunicorn_server(database_url, tmp_path, workers=2) as server:
        base = f"{server.base}/api/v1/topologies"
        status, headers, body = call("POST", base, shop)
        assert status == 401 and headers["WWW-Authenticate"] == 'Bearer realm="svcgen"'
        assert json.loads(body)["code"] == 401
        status, headers, _ = call("POST", base, shop, {"Authorization": f"Bearer {reader}"})
        assert status == 403 and "insufficient_scope" in headers["WWW-Authenticate"]
        status, headers, _ = call("POST", base, shop, {"Authorization": f"Bearer {writer}"})
        assert status == 201
        assert headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
        _, _, body = call("GET", f"{base}/shop/revisions")
        assert [i["createdBy"] for i in json.loads(body)["items"]] == ["portal"]


@pytest.mark.slow
def test_redis_shares_the_rate_limit_between_workers(database_url, tmp_path):
    url = redis_url()
    env = {
        "SVCGEN_RATELIMIT_ENABLED": "true",
        "SVCGEN_RATELIMIT_STORAGE_URI": url,
        "SVCGEN_RATELIMIT_SWALLOW_ERRORS": "false",
        "SVCGEN_RATELIMIT_KEY_PREFIX": f"svcgen-served-{uuid.uuid4().hex}",
        "SVCGEN_RATELIMIT_PER_ADDRESS": "12 per minute",
    }
    with gunicorn_server(database_url, tmp_path, workers=4, env=env) as server:
        statuses = [call("GET", f"{server.base}/api/v1/topologies")[0] for _ in range(20)]
        assert statuses == [200] * 12 + [429] * 8  # 4 workers, one count
        status, headers, body = call("GET", f"{server.base}/api/v1/topologies")
        assert status == 429 and 1 <= int(headers["Retry-After"]) <= 60
        assert json.loads(body)["code"] == 429
        assert call("GET", f"{server.base}/healthz")[0] == 200

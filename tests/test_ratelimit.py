"""Rate limits: per client address, per token and on writes, in memory and in
Redis (127.0.0.1:6379; skipped, saying why, when it does not answer). Each test
sets a small limit and exhausts it."""

from __future__ import annotations

import uuid

import pytest

from .conftest import create_token

BASE = "/api/v1/topologies"


def limited(make_app, database_url, **config):
    settings = {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_PER_ADDRESS": "1000 per minute",
        "RATELIMIT_PER_TOKEN": "1000 per minute",
        "RATELIMIT_WRITES": "1000 per minute",
        **config,
    }
    return make_app(DATABASE_URL=database_url, **settings)


def assert_429(response) -> None:
    assert response.status_code == 429
    body = response.get_json()
    assert body["code"] == 429 and body["status"] == "Too Many Requests"
    assert "too many requests" in body["message"]
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_per_address(make_app, database_url):
    app = limited(make_app, database_url, RATELIMIT_PER_ADDRESS="3 per minute")
    client = app.test_client(token=None)
    assert [client.get(BASE).status_code for _ in range(3)] == [200] * 3
    assert_429(client.get(BASE))
    other = {"REMOTE_ADDR": "192.0.2.7"}
    assert client.get(BASE, environ_base=other).status_code == 200  # another address
    assert client.get("/healthz").status_code == 200  # probes are never limited
    assert client.get("/readyz").status_code == 200


def test_per_token(make_app, database_url):
    app = limited(make_app, database_url, RATELIMIT_PER_TOKEN="2 per minute")
    first, second = (create_token(database_url, "reader") for _ in range(2))
    client = app.test_client(token=None)
    for token in (first, second):
        headers = {"Authorization": f"Bearer {token}"}
        assert [client.get(BASE, headers=headers).status_code for _ in range(2)] == [200, 200]
        assert_429(client.get(BASE, headers=headers))
    assert client.get(BASE).status_code == 200  # without a token: the address limit only


def test_writes(make_app, database_url, shop):
    app = limited(make_app, database_url, RATELIMIT_WRITES="2 per minute")
    client = app.test_client()  # the admin token
    assert client.post(BASE, json=shop).status_code == 201
    assert client.post("/api/v1/validate", json=shop).status_code == 200
    assert_429(client.put(f"{BASE}/shop", json=shop))
    assert_429(client.post("/api/v1/render", json=shop))
    assert client.get(f"{BASE}/shop").status_code == 200  # reads go on
    assert client.get(f"{BASE}/shop/revisions").get_json()["items"][-1]["revision"] == 1


def test_failed_logins_count_against_the_address(make_app, database_url, shop):
    app = limited(make_app, database_url, RATELIMIT_PER_ADDRESS="2 per minute")
    client = app.test_client(token="svcgen_" + "1" * 43)
    assert [client.post(BASE, json=shop).status_code for _ in range(2)] == [401, 401]
    assert_429(client.post(BASE, json=shop))


def redis_url() -> str:
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError as exc:
        pytest.skip(f"no Redis answers on 127.0.0.1:6379 ({type(exc).__name__})")
    return url


def test_in_redis_shared_by_two_apps(make_app, database_url):
    """Two apps (as two gunicorn workers) share one count in Redis."""
    url = redis_url()
    config = {
        "RATELIMIT_STORAGE_URI": url,
        "RATELIMIT_SWALLOW_ERRORS": False,
        "RATELIMIT_KEY_PREFIX": f"svcgen-test-{uuid.uuid4().hex}",
        "RATELIMIT_PER_ADDRESS": "4 per minute",
    }
    one = limited(make_app, database_url, **config).test_client(token=None)
    two = limited(make_app, database_url, **config).test_client(token=None)
    assert [c.get(BASE).status_code for c in (one, two, one, two)] == [200] * 4
    assert_429(one.get(BASE))
    assert_429(two.get(BASE))


def test_memory_storage_is_per_app(make_app, database_url):
    """Without Redis each worker counts alone (the README says so)."""
    config = {"RATELIMIT_PER_ADDRESS": "2 per minute"}
    one = limited(make_app, database_url, **config).test_client(token=None)
    two = limited(make_app, database_url, **config).test_client(token=None)
    assert [c.get(BASE).status_code for c in (one, one, two, two)] == [200] * 4
    assert one.get(BASE).status_code == 429


def test_limits_can_be_turned_off(make_app, database_url):
    app = make_app(DATABASE_URL=database_url, RATELIMIT_ENABLED=False)
    client = app.test_client(token=None)
    assert {client.get(BASE).status_code for _ in range(20)} == {200}

"""Behind proxies (``PROXY_HOPS``): the client's address and the public host come
from ``X-Forwarded-*`` only when svcgen is told how many proxies set them."""

from __future__ import annotations

import json

import pytest

from svcgen.api import create_app

BASE = "/api/v1/topologies"
PROXY = {"REMOTE_ADDR": "10.0.0.2"}  # the Ingress controller's address


def _limited(make_app, database_url, **config):
    return make_app(
        DATABASE_URL=database_url,
        RATELIMIT_ENABLED=True,
        RATELIMIT_PER_ADDRESS="2 per minute",
        **config,
    )


def _get(client, forwarded_for: str):
    return client.get(BASE, environ_base=PROXY, headers={"X-Forwarded-For": forwarded_for})


def test_behind_one_proxy_each_forwarded_client_has_its_own_limit(make_app, database_url):
    client = _limited(make_app, database_url, PROXY_HOPS=1).test_client(token=None)
    assert [_get(client, "198.51.100.1").status_code for _ in range(3)] == [200, 200, 429]
    assert _get(client, "198.51.100.2").status_code == 200  # another client
    # a client's own X-Forwarded-For is not believed: the proxy appends the real one
    assert _get(client, "203.0.113.9, 198.51.100.1").status_code == 429


def test_without_proxy_hops_forwarded_headers_are_ignored(make_app, database_url):
    client = _limited(make_app, database_url).test_client(token=None)
    assert [_get(client, "198.51.100.1").status_code for _ in range(2)] == [200, 200]
    assert _get(client, "198.51.100.2").status_code == 429  # the same address: the proxy's


def test_links_use_the_forwarded_scheme_and_host(make_app, database_url, shop):
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "svcgen.example.com"}
    behind = make_app(DATABASE_URL=database_url, PROXY_HOPS=1).test_client()
    assert behind.post(BASE, json=shop, headers=forwarded).status_code == 201
    schema = behind.get("/schema/topology.json", headers=forwarded).get_json()
    assert schema["$id"] == "https://svcgen.example.com/schema/topology.json"
    entity = behind.get(f"{BASE}/shop/catalog-info.yaml", headers=forwarded).get_data(as_text=True)
    assert "https://svcgen.example.com/api/v1/topologies/shop/chart" in entity
    direct = make_app(DATABASE_URL=database_url).test_client()
    schema = direct.get("/schema/topology.json", headers=forwarded).get_json()
    assert schema["$id"] == "http://localhost/schema/topology.json"
    entity = direct.get(f"{BASE}/shop/catalog-info.yaml", headers=forwarded).get_data(as_text=True)
    assert "example.com" not in entity and "http://localhost/api/v1/topologies/shop" in entity


@pytest.mark.parametrize("hops", [-1, 11, "1", 1.5, True])
def test_a_bad_proxy_hops_setting_is_refused_at_start(hops, tmp_path):
    with pytest.raises(ValueError, match="PROXY_HOPS must be a whole number from 0 to 10"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "PROXY_HOPS": hops})


def test_a_forwarded_prefix_is_not_read(make_app, database_url):
    behind = make_app(DATABASE_URL=database_url, PROXY_HOPS=1).test_client()
    headers = {"X-Forwarded-Prefix": "/elsewhere", "X-Forwarded-Host": "svcgen.example.com"}
    schema = behind.get("/schema/topology.json", headers=headers).get_json()
    assert schema["$id"] == "http://svcgen.example.com/schema/topology.json"


def test_served_by_gunicorn_a_local_client_cannot_set_the_scheme(tmp_path):
    """gunicorn trusted X-Forwarded-Proto from 127.0.0.1 by default, whatever PROXY_HOPS."""
    from .conftest import migrate
    from .serving import call, gunicorn_server

    url = f"sqlite:///{tmp_path / 'svcgen.sqlite3'}"
    migrate(url)
    spoofed = {"X-Forwarded-Proto": "https", "X-Forwarded-Ssl": "on"}
    with gunicorn_server(url, tmp_path, workers=1) as server:
        status, _, body = call("GET", f"{server.base}/schema/topology.json", headers=spoofed)
    assert status == 200
    assert json.loads(body)["$id"] == f"{server.base}/schema/topology.json"  # http://

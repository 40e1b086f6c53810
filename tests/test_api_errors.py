"""Every error is JSON with the same shape, and bad input never gives a 500."""

from __future__ import annotations

import json

import pytest

BASE = "/api/v1/topologies"


def assert_json_error(response, code: int) -> dict:
    assert response.status_code == code
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["code"] == code and body["status"] and body["message"]
    assert "Traceback" not in response.get_data(as_text=True)
    return body


# "/" is the web pages' list of topologies (svcgen.web); their errors are HTML (test_web.py).
@pytest.mark.parametrize("url", ["/nope", "/api/v1/nope", f"{BASE}/shop/nope", "/api/v2/x"])
def test_unknown_route_is_404_json(client, url):
    assert_json_error(client.get(url), 404)


@pytest.mark.parametrize(
    "method, url",
    [("patch", f"{BASE}/shop"), ("delete", BASE), ("post", "/healthz"), ("get", "/api/v1/render")],
)
def test_wrong_method_is_405_json_with_allow(client, method, url):
    response = getattr(client, method)(url)
    assert_json_error(response, 405)
    assert response.headers["Allow"]


@pytest.mark.parametrize(
    "data, content_type",
    [
        ("{", "application/json"),
        ("", "application/json"),
        ("[1, 2]", "application/json"),
        ("name: [unclosed", "application/yaml"),
        ("just a string", "text/yaml"),
        ("", "application/yaml"),
        (b"\xff\xfe", "application/json"),
        ("[" * 100_000 + "]" * 100_000, "application/json"),
    ],
)
def test_malformed_body_is_400(client, data, content_type):
    for url in (BASE, "/api/v1/validate", "/api/v1/render"):
        assert_json_error(client.post(url, data=data, content_type=content_type), 400)


def test_malformed_put_is_400_and_changes_nothing(client, shop):
    client.post(BASE, json=shop)
    assert_json_error(client.put(f"{BASE}/shop", data="{", content_type="application/json"), 400)
    assert client.get(f"{BASE}/shop").get_json()["revision"] == 1


@pytest.mark.parametrize(
    "content_type", [None, "text/plain", "application/xml", "multipart/form-data"]
)
def test_other_content_type_is_415(client, shop, content_type):
    kwargs = {"data": json.dumps(shop)}
    if content_type:
        kwargs["content_type"] = content_type
    for url in (BASE, "/api/v1/validate", "/api/v1/render"):
        assert_json_error(client.post(url, **kwargs), 415)


def test_body_over_limit_is_413(client, shop):
    shop["description"] = "x" * (1024 * 1024)
    body = assert_json_error(client.post(BASE, json=shop), 413)
    assert str(1024 * 1024) in body["message"]
    assert client.get(BASE).get_json()["totalItems"] == 0


def test_body_limit_is_configurable(make_app, database_url, shop):
    client = make_app(DATABASE_URL=database_url, MAX_CONTENT_LENGTH=512).test_client()
    assert_json_error(client.post("/api/v1/validate", json=shop), 413)
    shop["components"] = shop["components"][2:]
    small = json.dumps({"name": "s", "components": [{"name": "a", "role": "worker", "image": "x"}]})
    assert (
        client.post("/api/v1/validate", data=small, content_type="application/json").status_code
        == 200
    )


def test_422_lists_every_error(client, shop):
    shop["components"][0]["ports"][0]["port"] = "80"
    shop["components"][1]["replicas"] = -1
    body = assert_json_error(client.post(BASE, json=shop), 422)
    fields = {e["field"] for e in body["errors"]}
    assert {"components.0.ports.0.port", "components.1.replicas"} <= fields
    for error in body["errors"]:
        assert set(error) == {"path", "field", "message"}
        assert error["field"] == ".".join(map(str, error["path"]))


def test_unknown_field_is_422(client, shop):
    shop["compnents"] = []
    body = assert_json_error(client.post(BASE, json=shop), 422)
    assert body["errors"][0]["path"] == ["compnents"]


def test_unexpected_error_is_bare_500_json(client, shop, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("SELECT secret FROM somewhere")

    monkeypatch.setattr("svcgen.repository.get_topology", broken)
    monkeypatch.setattr("svcgen.history.get_current", broken)  # what GET reads with
    body = assert_json_error(client.get(f"{BASE}/shop"), 500)
    assert "SELECT" not in json.dumps(body) and "RuntimeError" not in json.dumps(body)


@pytest.mark.parametrize(
    "url, code",
    [
        (f"{BASE}?page=100000000000000000000", 422),
        (f"{BASE}?page=9223372036854775807&page_size=100", 422),
        (f"{BASE}/shop/chart?revision=99999999999999999999", 422),
        (f"{BASE}/shop/chart/files?revision=2147483648", 422),
        (f"{BASE}/shop/revisions/99999999999999999999", 404),
        (f"{BASE}/shop/revisions/0", 404),
        (f"{BASE}/%00", 404),
        (f"{BASE}/%00/chart", 404),
        (f"{BASE}/{'x' * 5000}", 404),
    ],
)
def test_out_of_range_or_impossible_input_is_4xx(client, shop, url, code):
    client.post(BASE, json=shop)
    assert_json_error(client.get(url), code)


def test_impossible_name_is_404_on_put_and_delete(client, shop):
    """No topology can have that name, so there is none to replace (PUT never creates)."""
    shop["name"] = "a\x00b"
    assert_json_error(client.put(f"{BASE}/a%00b", json=shop), 404)
    assert_json_error(client.delete(f"{BASE}/a%00b"), 404)


def test_yaml_alias_expansion_over_limit_is_413(client):
    aliases = ", ".join(["*s"] * 60)  # 60 copies of a 100 kB string: 6 MB from a 100 kB body
    body = (
        f'name: bomb\nx: &s "{"x" * 100_000}"\n'
        f"components: [{{name: a, role: worker, image: x, command: [{aliases}]}}]\n"
    )
    assert len(body) < 1024 * 1024
    response = client.post("/api/v1/validate", data=body, content_type="application/yaml")
    message = assert_json_error(response, 413)["message"]
    assert "aliases" in message


def test_chunked_body_over_the_limit_is_413_not_cut(make_app, tmp_path):
    """A chunked upload has no Content-Length; it must not be cut at the limit and stored."""
    import io

    from .conftest import migrate

    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    migrate(url)
    client = make_app(DATABASE_URL=url, MAX_CONTENT_LENGTH=2000).test_client()
    head = b"name: shop\ncomponents:\n  - name: web\n    role: frontend\n    image: nginx\n    ports: [{port: 80}]\n"
    body = head + b"#" + b"x" * (2000 - len(head)) + b"\n    replicas: 5\n"

    def send(data: bytes):
        return client.post(
            "/api/v1/topologies",
            input_stream=io.BytesIO(data),
            headers={"Content-Type": "application/yaml", "Transfer-Encoding": "chunked"},
            environ_overrides={"wsgi.input_terminated": True},
        )

    response = send(body)
    assert response.status_code == 413, response.get_json()
    assert response.get_json()["code"] == 413
    assert client.get("/api/v1/topologies/shop").status_code == 404
    assert send(head).status_code == 201  # a chunked body within the limit is read whole


@pytest.mark.parametrize(
    "method, path, code, message",
    [
        (
            "GET",
            "/api/v1/topologies/shop/revisions/0",
            404,
            "no such URL: '/api/v1/topologies/shop/revisions/0'; the API's paths are listed "
            "at /api/docs (revision numbers start at 1)",
        ),
        (
            "GET",
            "/api/v2/x",
            404,
            "no such URL: '/api/v2/x'; the API's paths are listed at /api/docs",
        ),
        (
            "GET",
            "/api/v1/topologies/shop/",
            404,
            "no such URL: '/api/v1/topologies/shop/'; the API's paths are listed at /api/docs"
            "; without the trailing slash it is '/api/v1/topologies/shop'",
        ),
        (
            "POST",
            "/api/v1/topologies/shop/",
            404,
            "no such URL: '/api/v1/topologies/shop/'; the API's paths are listed at /api/docs"
            "; without the trailing slash it is '/api/v1/topologies/shop'",
        ),
        (
            "GET",
            "/api/v2/x/",
            404,
            "no such URL: '/api/v2/x/'; the API's paths are listed at /api/docs",
        ),
        (
            "PATCH",
            "/api/v1/topologies/shop",
            405,
            "PATCH is not allowed on '/api/v1/topologies/shop'; use ",
        ),
    ],
)
def test_a_url_no_route_serves_says_what_to_do(client, method, path, code, message):
    response = client.open(path, method=method)
    body = assert_json_error(response, code)
    if code == 404:
        assert body["message"] == message
    else:  # a 405 goes on to name the methods, in whatever order
        assert body["message"].startswith(message)
    if code == 405:  # the methods named are the ones Allow lists, in whatever order
        named = body["message"].removeprefix(message).split(", ")
        assert set(named) == set(response.headers["Allow"].split(", ")) >= {"GET", "PUT"}


@pytest.mark.parametrize("encoding", ["gzip", "br", "x-custom"])
def test_a_compressed_body_is_415_not_a_decoding_error(client, shop, encoding):
    import gzip

    body = gzip.compress(json.dumps(shop).encode())
    headers = {"Content-Type": "application/json", "Content-Encoding": encoding}
    response = client.post(BASE, data=body, headers=headers)
    message = assert_json_error(response, 415)["message"]
    assert message.startswith(f"Content-Encoding '{encoding}' is not supported")
    assert client.get(f"{BASE}/shop").status_code == 404
    plain = {"Content-Type": "application/json", "Content-Encoding": "identity"}
    assert client.post(BASE, data=json.dumps(shop), headers=plain).status_code == 201

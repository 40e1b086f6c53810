"""``/healthz``, ``/readyz`` and the OpenAPI document."""

from __future__ import annotations


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_readyz_is_503_json_when_database_is_down(make_app, tmp_path):
    client = make_app(DATABASE_URL=f"sqlite:///{tmp_path}/missing/dir/db.sqlite3").test_client()
    assert client.get("/healthz").status_code == 200
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["code"] == 503 and body["message"] == "the database does not answer"
    assert "sqlite" not in response.get_data(as_text=True).lower()


def test_openapi_document(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"] == "3.1.0"
    paths = spec["paths"]
    for path in (
        "/api/v1/topologies",
        "/api/v1/topologies/{name}",
        "/api/v1/topologies/{name}/chart",
        "/api/v1/topologies/{name}/chart/files",
        "/api/v1/validate",
        "/api/v1/render",
        "/healthz",
        "/readyz",
    ):
        assert path in paths, path
    post = paths["/api/v1/topologies"]["post"]
    assert post["summary"] == "Validate and store a new topology"
    assert set(post["requestBody"]["content"]) == {
        "application/json",
        "application/yaml",
        "application/x-yaml",
        "text/yaml",
    }
    assert {"201", "409", "415", "422"} <= set(post["responses"])
    chart = paths["/api/v1/topologies/{name}/chart"]["get"]["responses"]["200"]
    assert "application/gzip" in chart["content"]
    for operations in paths.values():
        for operation in operations.values():
            if isinstance(operation, dict) and "responses" in operation:
                assert operation.get("summary"), operation


def test_docs_page_works_offline(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/api/openapi.json" in html
    assert "http://" not in html and "https://" not in html  # nothing from the network
    assert '"validatorUrl": null' in html
    for asset in ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"):
        assert f"/api/docs/assets/{asset}" in html
        response = client.get(f"/api/docs/assets/{asset}")
        assert response.status_code == 200 and len(response.data) > 1000
        response.close()
    missing = client.get("/api/docs/assets/nothing.js")
    assert missing.status_code == 404 and missing.is_json


def test_api_answers_503_json_when_database_is_down(make_app, tmp_path):
    """Reads and writes while the database cannot be reached: 503 with Retry-After, no SQL."""
    client = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'missing' / 'db.sqlite3'}").test_client()
    shop = {
        "name": "shop",
        "components": [
            {"name": "web", "role": "frontend", "image": "nginx", "ports": [{"port": 80}]}
        ],
    }
    for response in (
        client.get("/api/v1/topologies"),
        client.get("/api/v1/topologies/shop"),
        client.post("/api/v1/topologies", json=shop),
    ):
        assert response.status_code == 503
        body = response.get_json()
        assert (
            body["code"] == 503
            and body["message"] == "the database is unavailable; try again shortly"
        )
        assert response.headers["Retry-After"] == "5"
        assert "sqlite" not in response.get_data(as_text=True).lower()

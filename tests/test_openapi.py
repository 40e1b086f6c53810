"""``/api/openapi.json``: a valid OpenAPI 3.1 document of every path the app serves,
with the topology's derived schema, JSON errors and examples that validate."""

from __future__ import annotations

import re

import jsonschema
import pytest
from openapi_spec_validator import validate as validate_openapi

from svcgen.api import examples
from svcgen.topology import parse_document
from tests.examples import EXAMPLES

ERROR_REF = "#/components/schemas/Error"
METHODS = {"get", "put", "post", "delete", "patch"}
#: Rules that serve files, not API operations.
ASSETS = ("/static/", "/assets/", "/api/docs/assets/")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """``(app, spec)``: an app (its database unused) and the document it serves."""
    from svcgen.api import create_app

    db = tmp_path_factory.mktemp("openapi") / "unused.sqlite3"
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{db}"})
    response = app.test_client().get("/api/openapi.json")
    assert response.status_code == 200 and response.is_json
    return app, response.get_json()


@pytest.fixture(scope="module")
def spec(served):
    return served[1]


def operations(spec):
    """Every ``(path, method, operation)`` of the document."""
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def resolve(spec, node: dict) -> dict:
    """``node`` with its ``$ref`` (to a component of ``spec``) followed, if it has one."""
    while "$ref" in node:
        _, _, kind, name = node["$ref"].split("/")
        node = spec["components"][kind][name]
    return node


def test_openapi_3_1_is_valid(spec):
    assert spec["openapi"] == "3.1.0"
    validate_openapi(spec)


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^<>]*:)?(\w+)>", r"{\1}", rule)


def test_every_route_is_documented_and_every_documented_path_served(served):
    app, spec = served
    routes = {
        (_openapi_path(rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if not rule.rule.startswith(ASSETS)
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    documented = {(path, method) for path, method, _ in operations(spec)}
    assert routes - documented == set(), "served but not documented"
    assert documented - routes == set(), "documented but not served"


def test_every_operation_has_a_summary_and_a_405(spec):
    for path, method, operation in operations(spec):
        assert operation.get("summary"), (path, method)
        assert "405" in operation["responses"], (path, method)


def test_every_error_is_json_with_the_shared_schema_and_an_example(spec):
    count = 0
    for path, method, operation in operations(spec):
        for code, response in operation["responses"].items():
            if code != "default" and int(code) < 400:
                continue
            response = resolve(spec, response)
            if "text/html" in response.get("content", {}):
                continue  # the web pages answer people in HTML
            content = response["content"]
            assert list(content) == ["application/json"], (path, method, code)
            assert content["application/json"]["schema"] == {"$ref": ERROR_REF}
            example = content["application/json"]["example"]
            if code != "default":
                assert example["code"] == int(code), (path, method, code)
            count += 1
    assert count > 50


ERRORS = {
    ("/api/v1/topologies", "post"): {400, 409, 413, 415, 422},
    ("/api/v1/topologies/{name}", "get"): {304, 404, 412},
    ("/api/v1/topologies/{name}", "put"): {400, 404, 412, 413, 415, 422, 428},
    ("/api/v1/topologies/{name}", "delete"): {404, 412, 428},
    ("/api/v1/topologies/{name}/revisions/{number}", "get"): {304, 404, 412},
    ("/api/v1/topologies/{name}/chart", "get"): {304, 404, 412, 422},
    ("/api/v1/topologies/{name}/diagram.svg", "get"): {304, 404, 412, 422, 503},
    ("/api/v1/topologies/{name}/chart/files", "get"): {304, 404, 412, 422},
    ("/api/v1/topologies/{name}/catalog-info.yaml", "get"): {304, 404, 412, 422},
    ("/charts/index.yaml", "get"): {304, 412},
    ("/api/v1/topologies/{name}/diff", "get"): {404, 422},
    ("/api/v1/validate", "post"): {400, 413, 415, 422},
    ("/api/v1/render", "post"): {400, 413, 415, 422},
    ("/charts/{filename}", "get"): {304, 404, 412},
}

#: The operations that answer If-None-Match and If-Match (``views.conditional``).
CONDITIONAL = [where for where, codes in ERRORS.items() if 304 in codes]


@pytest.mark.parametrize(("where", "codes"), ERRORS.items(), ids=lambda v: str(v))
def test_errors_where_they_apply(spec, where, codes):
    path, method = where
    documented = {int(c) for c in spec["paths"][path][method]["responses"] if c != "default"}
    assert codes | {405} <= documented


def test_conditional_gets_document_their_headers(spec):
    for path, method in CONDITIONAL:
        operation = spec["paths"][path][method]
        headers = [p["name"] for p in operation["parameters"] if p["in"] == "header"]
        assert headers == ["If-None-Match", "If-Match"], path
    documented_304 = {(p, m) for p, m, op in operations(spec) if "304" in op["responses"]}
    assert documented_304 == set(CONDITIONAL)
    for path, method in CONDITIONAL:  # a 304 is only of use with the tag to send back
        assert "ETag" in spec["paths"][path][method]["responses"]["200"]["headers"], path


def test_document_bodies_in_json_and_yaml_with_examples(spec):
    bodies = [
        (path, method, op["requestBody"])
        for path, method, op in operations(spec)
        if "requestBody" in op and path.startswith("/api/v1/") and "tokens" not in path
    ]
    assert {(p, m) for p, m, _ in bodies} >= {
        ("/api/v1/topologies", "post"),
        ("/api/v1/topologies/{name}", "put"),
        ("/api/v1/validate", "post"),
        ("/api/v1/render", "post"),
    }
    for path, method, body in bodies:
        content = body["content"]
        assert {"application/json", "application/yaml"} <= set(content), (path, method)
        for media in content.values():
            assert media["schema"] == {"$ref": "#/components/schemas/TopologyDocument"}
            assert set(media["examples"]) == {"seed-shop", "cloud-shop"}


def test_chart_downloads_are_binary_gzip(spec):
    for path, method in (
        ("/api/v1/topologies/{name}/chart", "get"),
        ("/api/v1/render", "post"),
        ("/charts/{filename}", "get"),
    ):
        ok = spec["paths"][path][method]["responses"]["200"]
        assert ok["content"] == {
            "application/gzip": {"schema": {"type": "string", "format": "binary"}}
        }
        assert "Content-Disposition" in ok["headers"]
    created = spec["paths"]["/api/v1/topologies"]["post"]["responses"]["201"]
    assert {"ETag", "Location"} <= set(created["headers"])


def test_topology_document_is_the_served_json_schema(served, spec):
    app, _ = served
    json_schema = app.test_client().get("/schema/topology.json").get_json()
    document = spec["components"]["schemas"]["TopologyDocument"]
    assert document["properties"].keys() == json_schema["properties"].keys()
    assert document["required"] == json_schema["required"]
    component = spec["components"]["schemas"]["TopologyComponent"]
    assert component == _renamed(json_schema["$defs"]["Component"])
    assert document["additionalProperties"] is False


def _renamed(node):
    if isinstance(node, dict):
        return {
            k: (
                v.replace("#/$defs/", "#/components/schemas/Topology")
                if k == "$ref"
                else _renamed(v)
            )
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_renamed(v) for v in node]
    return node


def _examples(spec):
    """Every ``(where, schema, example)`` of the document: media type examples and
    schema ``examples``."""

    def walk(node, where):
        if isinstance(node, dict):
            if "schema" in node and ("example" in node or "examples" in node):
                if "example" in node:
                    yield where, node["schema"], node["example"]
                for name, item in node.get("examples", {}).items():
                    yield f"{where}/{name}", node["schema"], item["value"]
            for key, value in node.items():
                yield from walk(value, f"{where}/{key}")

    yield from walk(spec["paths"], "#/paths")
    yield from walk(spec["components"].get("responses", {}), "#/components/responses")
    for name, schema in spec["components"]["schemas"].items():
        for example in schema.get("examples", []):
            yield f"#/components/schemas/{name}", {"$ref": f"#/components/schemas/{name}"}, example


def test_every_example_validates_against_its_schema(spec):
    found = list(_examples(spec))
    assert len(found) >= 30
    for where, schema, example in found:
        validator = jsonschema.Draft202012Validator(
            {**schema, "components": spec["components"]},
            format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
        )
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(example)]
        assert errors == [], where


def test_examples_are_the_shared_example_topologies():
    by_name = {path.name: parse_document(path.read_bytes()) for path in EXAMPLES}
    assert by_name["seed-shop.yaml"] == examples.SEED_SHOP
    assert by_name["cloud-shop.yaml"] == examples.CLOUD_SHOP


def test_examples_are_what_the_api_answers(client):
    for document in (examples.SEED_SHOP, examples.CLOUD_SHOP):
        response = client.post("/api/v1/validate", json=document)
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["warnings"] == examples.warnings(document)
    created = client.post("/api/v1/topologies", json=examples.SEED_SHOP)
    assert created.status_code == 201
    expected = examples.stored(examples.SEED_SHOP)
    body = created.get_json()
    for moment in ("createdAt", "updatedAt"):
        body.pop(moment), expected.pop(moment)
    assert body == expected
    bad = client.post("/api/v1/validate", json=_invalid())
    assert bad.status_code == 422
    assert bad.get_json() == examples.error(422)


def _invalid() -> dict:
    import copy

    bad = copy.deepcopy(examples.SEED_SHOP)
    bad["components"][0]["ports"][0]["nodePort"] = 70000
    bad["components"][1]["ports"][0]["port"] = "8080"
    return bad


def test_docs_page_references_no_external_host(served):
    app, _ = served
    client = app.test_client()
    html = client.get("/api/docs").get_data(as_text=True)
    assert "http://" not in html and "https://" not in html
    assert not re.search(r"//[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+", html), "a protocol-relative URL"
    references = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert references and all(
        ref.startswith("/") and not ref.startswith("//") for ref in references
    )
    for ref in references:
        response = client.get(ref)
        assert response.status_code == 200, ref
        response.close()
    assert re.search(r'url: "/api/openapi\.json"|"url": "/api/openapi\.json"', html)

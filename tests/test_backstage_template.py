"""``integrations/backstage/template.yaml``: a valid Backstage Software Template
(checked against the v1beta3 schema vendored under ``tests/data/backstage/``)
whose form mirrors ``/schema/topology.json`` and whose request svcgen accepts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from svcgen.schema_export import topology_json_schema

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "integrations" / "backstage" / "template.yaml"
SCHEMAS = Path(__file__).parent / "data" / "backstage"
TOPOLOGY = topology_json_schema()
DEFS = TOPOLOGY["$defs"]


@pytest.fixture(scope="module")
def template() -> dict:
    return yaml.safe_load(TEMPLATE.read_text())


def template_validator() -> jsonschema.Draft7Validator:
    """The Template schema of ``@backstage/plugin-scaffolder-common``, its ``Entity``
    reference resolved to the catalog model's schemas, as Backstage resolves it."""
    resources = []
    for name in ("Template.v1beta3", "Entity", "EntityMeta", "common"):
        schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
        resources.append((schema["$id"], Resource.from_contents(schema, DRAFT7)))
    root = json.loads((SCHEMAS / "Template.v1beta3.schema.json").read_text())
    return jsonschema.Draft7Validator(root, registry=Registry().with_resources(resources))


def test_vendored_schema_says_where_it_comes_from():
    source = (SCHEMAS / "SOURCE.md").read_text()
    assert "@backstage/plugin-scaffolder-common@2.4.0" in source
    assert "@backstage/catalog-model@1.10.3" in source


def test_template_is_a_valid_v1beta3_template(template):
    validator = template_validator()
    assert [e.message for e in validator.iter_errors(template)] == []
    assert template["apiVersion"] == "scaffolder.backstage.io/v1beta3"
    assert template["kind"] == "Template"
    # Backstage's name rule (KubernetesValidatorFunctions.isValidObjectName).
    assert re.fullmatch(
        r"[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?", template["metadata"]["name"]
    )
    # the validator does refuse what is not a Template
    assert not validator.is_valid({**template, "kind": "Component"})
    assert not validator.is_valid({**template, "spec": {"type": "service"}})


def fields(template) -> dict:
    """Every parameter of every form page, by name."""
    return {k: v for page in template["spec"]["parameters"] for k, v in page["properties"].items()}


def _bounds(schema: dict) -> dict:
    keys = ("type", "enum", "minimum", "maximum", "maxLength", "minItems", "maxItems", "pattern")
    return {k: schema[k] for k in keys if k in schema}


def test_form_fields_are_topology_fields(template):
    form = fields(template)
    assert set(form) == {"name", "description", "components"}
    for name, field in form.items():
        assert _bounds(field) == _bounds(TOPOLOGY["properties"][name]), name
    required = {r for page in template["spec"]["parameters"] for r in page.get("required", [])}
    assert required == set(TOPOLOGY["required"])


def _agrees(form_object: dict, definition: dict, where: str, *, same=()) -> None:
    """``form_object``'s properties are ``definition``'s, with the same bounds for
    the fields named in ``same`` and the same type for all."""
    properties = form_object["properties"]
    assert set(properties) <= set(definition["properties"]), where
    assert set(form_object.get("required", [])) == set(definition.get("required", [])), where
    for name, field in properties.items():
        mirrored = definition["properties"][name]
        if "type" in mirrored:
            assert field["type"] == mirrored["type"], (where, name)
        if name in same:
            assert _bounds(field) == _bounds(mirrored), (where, name)


def test_component_form_mirrors_the_topology_schema(template):
    item = fields(template)["components"]["items"]
    _agrees(item, DEFS["Component"], "component", same=("name", "role", "replicas"))
    assert item["properties"]["role"]["enum"] == DEFS["Component"]["properties"]["role"]["enum"]
    port = item["properties"]["ports"]
    assert port["maxItems"] == DEFS["Component"]["properties"]["ports"]["maxItems"]
    _agrees(
        port["items"], DEFS["Port"], "port", same=("port", "targetPort", "nodePort", "protocol")
    )
    assert port["items"]["properties"]["protocol"]["enum"] == ["TCP", "UDP", "SCTP"]
    port_name = port["items"]["properties"]["name"]
    assert port_name["maxLength"] == DEFS["Port"]["properties"]["name"]["maxLength"]
    _agrees(item["properties"]["service"], DEFS["Service"], "service", same=("type",))
    _agrees(item["properties"]["external"], DEFS["External"], "external")
    depends_on = DEFS["Component"]["properties"]["dependsOn"]["items"]["anyOf"]
    assert item["properties"]["dependsOn"]["items"] in [
        {"type": s["type"]} for s in depends_on if "type" in s
    ]


def test_steps_post_to_svcgen_through_the_proxy_and_register(template):
    steps = {step["id"]: step for step in template["spec"]["steps"]}
    store = steps["store"]
    assert store["action"] == "http:backstage:request"
    assert store["input"]["method"] == "POST"
    assert store["input"]["path"] == "/proxy/svcgen/api/v1/topologies"
    assert store["input"]["headers"]["content-type"] == "application/json"
    assert set(store["input"]["body"]) <= set(TOPOLOGY["properties"])
    register = steps["register"]
    assert register["action"] == "catalog:register"
    assert register["input"]["catalogInfoUrl"].endswith(
        "/api/v1/topologies/${{ parameters.name }}/catalog-info.yaml"
    )
    links = template["spec"]["output"]["links"]
    assert any("entityRef" in link for link in links)


def test_the_catalog_info_url_is_served(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    assert "/api/v1/topologies/{name}/catalog-info.yaml" in paths


_EXPRESSION = re.compile(r"^\$\{\{ parameters\.(\w+)( \| dump)? \}\}$")


def render(value, parameters: dict):
    """The scaffolder's rendering of the step's input, for the expressions it uses:
    ``${{ parameters.x }}`` and ``${{ parameters.x | dump }}`` (JSON text, which the
    scaffolder parses back because it looks like JSON)."""
    if isinstance(value, dict):
        return {k: render(v, parameters) for k, v in value.items()}
    if isinstance(value, str) and (match := _EXPRESSION.match(value)):
        found = parameters.get(match.group(1), "")
        return json.loads(json.dumps(found)) if match.group(2) else found
    return value


#: What the form gives for the seed article's shop.
FORM = {
    "name": "shop",
    "description": "Front end, back end and an external data source",
    "components": [
        {
            "name": "web",
            "role": "frontend",
            "image": "nginx:1.27",
            "replicas": 2,
            "ports": [{"name": "http", "port": 80, "nodePort": 30008, "protocol": "TCP"}],
            "service": {"type": "NodePort"},
            "dependsOn": ["api"],
        },
        {
            "name": "api",
            "role": "backend",
            "image": "ghcr.io/example/shop-api:2.3.1",
            "ports": [{"port": 8080, "targetPort": 8080}],
            "dependsOn": ["orders-db"],
        },
        {
            "name": "orders-db",
            "role": "external",
            "external": {"host": "orders.db.example.com"},
            "ports": [{"port": 5432}],
        },
    ],
}


def test_form_values_pass_the_form_and_svcgen(template, client):
    form = {"type": "object", **{"properties": fields(template)}}
    jsonschema.Draft7Validator(form).validate(FORM)
    body = render(template["spec"]["steps"][0]["input"]["body"], FORM)
    jsonschema.Draft202012Validator(TOPOLOGY).validate(body)
    response = client.post("/api/v1/topologies", json=body)
    assert response.status_code == 201, response.get_json()
    catalog = client.get("/api/v1/topologies/shop/catalog-info.yaml")
    assert catalog.status_code == 200

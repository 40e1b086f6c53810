"""``GET /api/v1/topologies/{name}/catalog-info.yaml``: Backstage catalog entities.

Every entity is checked against Backstage's own entity JSON Schemas, vendored
from ``@backstage/catalog-model`` under ``tests/data/backstage/``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from svcgen import catalog

from .examples import EXAMPLES_DIR
from .storing import load, replace, store

SCHEMAS_DIR = Path(__file__).parent / "data" / "backstage"
KIND_SCHEMAS = {
    "Component": "ComponentV1alpha1",
    "Resource": "ResourceV1alpha1",
    "System": "SystemV1alpha1",
}
#: Backstage's ``isValidObjectName`` (KubernetesValidatorFunctions).
ENTITY_NAME = re.compile(r"^[a-zA-Z0-9]+([-_.][a-zA-Z0-9]+)*$")
#: ``[<kind>:][<namespace>/]<name>``, as ``parseEntityRef`` reads it.
ENTITY_REF = re.compile(r"^(?:(?P<kind>[a-z]+):)?(?:(?P<namespace>[^:/]+)/)?(?P<name>[^:/]+)$")


@pytest.fixture(scope="module")
def validators() -> dict[str, Draft7Validator]:
    """A draft-07 validator per kind, over the vendored Backstage schemas."""
    schemas = {}
    for path in SCHEMAS_DIR.glob("*.schema.json"):
        schema = json.loads(path.read_text())
        schemas[schema["$id"]] = schema
    registry = Registry().with_resources(
        (key, Resource(contents=schema, specification=DRAFT7)) for key, schema in schemas.items()
    )
    return {
        kind: Draft7Validator(schemas[key], registry=registry) for kind, key in KIND_SCHEMAS.items()
    }


def entities_of(client, name: str, query: str = "") -> list[dict]:
    response = client.get(f"/api/v1/topologies/{name}/catalog-info.yaml{query}")
    assert response.status_code == 200, response.data
    assert response.mimetype == "application/yaml"
    text = response.get_data(as_text=True)
    assert text.startswith("---\n")
    return list(yaml.safe_load_all(text))


def ref_key(ref: str) -> tuple[str, str, str]:
    """``(kind, namespace, name)`` of a reference, lower-cased as Backstage compares them."""
    found = ENTITY_REF.match(ref)
    assert found, ref
    return (
        (found["kind"] or "").lower(),
        (found["namespace"] or "default").lower(),
        found["name"].lower(),
    )


def check_entities(entities: list[dict], validators: dict[str, Draft7Validator]) -> None:
    """What every catalog-info.yaml must satisfy: Backstage's schema, the name rule,
    unique names per kind, and every reference naming an entity of the same file."""
    keys = set()
    for entity in entities:
        assert entity["apiVersion"] == "backstage.io/v1alpha1"
        assert entity["kind"] in KIND_SCHEMAS
        errors = [e.message for e in validators[entity["kind"]].iter_errors(entity)]
        assert errors == [], (entity["metadata"]["name"], errors)
        name = entity["metadata"]["name"]
        assert len(name) <= 63 and ENTITY_NAME.match(name), name
        key = (entity["kind"].lower(), entity["metadata"]["namespace"], name.lower())
        assert key not in keys, f"two entities are {key}"
        keys.add(key)
    for entity in entities:
        spec = entity["spec"]
        for ref in [spec.get("system"), *spec.get("dependsOn", [])]:
            if ref is not None:
                assert ref_key(ref) in keys, (
                    f"{ref} of {entity['metadata']['name']} resolves to nothing"
                )


def test_seed_shop(app, client, validators):
    store(app, EXAMPLES_DIR / "seed-shop.yaml")
    entities = entities_of(client, "shop")
    check_entities(entities, validators)
    by_name = {e["metadata"]["name"]: e for e in entities}
    assert [(e["kind"], e["metadata"]["name"]) for e in entities] == [
        ("System", "shop"),
        ("Component", "shop-web"),
        ("Component", "shop-api"),
        ("Resource", "shop-orders-db"),
    ]
    web, api, db = by_name["shop-web"], by_name["shop-api"], by_name["shop-orders-db"]
    assert web["spec"] == {
        "type": "website",
        "lifecycle": "production",
        "owner": "storefront",
        "system": "system:default/shop",
        "dependsOn": ["component:default/shop-api"],
    }
    assert api["spec"]["type"] == "service"
    assert api["spec"]["dependsOn"] == ["resource:default/shop-orders-db"]
    assert db["spec"] == {
        "type": "database",
        "owner": "storefront",
        "system": "system:default/shop",
    }
    assert by_name["shop"]["spec"] == {"owner": "storefront"}
    assert web["metadata"]["title"] == "web"
    assert "NodePort" in web["metadata"]["description"]
    assert "30008" in web["metadata"]["description"]


def test_annotations_link_to_the_chart_and_the_topology(app, client, shop):
    store(app, shop)
    for entity in entities_of(client, "shop"):
        annotations = entity["metadata"]["annotations"]
        chart = annotations["svcgen.io/chart"]
        topology = annotations["svcgen.io/topology"]
        assert chart == "http://localhost/api/v1/topologies/shop/chart"
        assert topology == "http://localhost/api/v1/topologies/shop"
        assert client.get(chart).status_code == 200
        assert client.get(topology).get_json()["name"] == "shop"
        assert {link["url"] for link in entity["metadata"]["links"]} == {chart, topology}


def test_an_older_revision(app, client, shop, validators):
    store(app, shop)
    changed = json.loads(json.dumps(shop))
    changed["components"][1]["dependsOn"] = []
    changed["components"] = changed["components"][:2]
    replace(app, changed)
    old = entities_of(client, "shop", "?revision=1")
    new = entities_of(client, "shop")
    check_entities(old, validators)
    check_entities(new, validators)
    assert len(old) == 4 and len(new) == 3
    annotations = old[0]["metadata"]["annotations"]
    assert annotations["svcgen.io/chart"].endswith("/api/v1/topologies/shop/chart?revision=1")
    assert annotations["svcgen.io/topology"].endswith("/api/v1/topologies/shop/revisions/1")
    assert (
        client.get(annotations["svcgen.io/chart"])
        .headers["Content-Disposition"]
        .endswith("shop-0.1.0.tgz")
    )


def test_worker_no_team_and_names_backstage_would_refuse(app, client, validators):
    """A worker is a Component of type service; without labels.team the owner is
    ``unknown``; ``--`` (a DNS label may hold it) and names past 63 characters
    get a readable valid name with a hash."""
    long = "a" + "b" * 49
    document = {
        "name": "billing--platform",
        "labels": {"tier": "gold"},
        "components": [
            {
                "name": "queue--reader",
                "role": "worker",
                "image": "busybox:1.36",
                "dependsOn": [long],
            },
            {"name": long, "role": "backend", "image": "nginx:1.27", "ports": [{"port": 80}]},
        ],
    }
    store(app, document)
    entities = entities_of(client, "billing--platform")
    check_entities(entities, validators)
    system, worker, backend = entities
    assert all(e["spec"]["owner"] == "unknown" for e in entities)
    assert worker["kind"] == "Component" and worker["spec"]["type"] == "service"
    assert worker["metadata"]["title"] == "queue--reader"
    assert worker["metadata"]["name"].startswith("billing-platform-queue-reader-")
    assert system["metadata"]["name"].startswith("billing-platform-")
    assert len(backend["metadata"]["name"]) == 63
    assert worker["spec"]["dependsOn"] == [f"component:default/{backend['metadata']['name']}"]


@pytest.mark.parametrize("example", sorted(EXAMPLES_DIR.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_example(app, client, validators, example):
    store(app, example)
    name = load(example)["name"]
    check_entities(entities_of(client, name), validators)


def test_unknown_topology_is_a_json_404(client):
    response = client.get("/api/v1/topologies/nope/catalog-info.yaml")
    assert response.status_code == 404
    assert response.get_json()["message"] == "no topology named 'nope'"
    assert client.get("/api/v1/topologies/nope/catalog-info.yaml?revision=0").status_code == 422


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("shop",), "shop"),
        (("shop", "orders-db"), "shop-orders-db"),
        (("a" * 53, "b" * 9), "a" * 53 + "-" + "b" * 9),
    ],
)
def test_entity_name_joins_when_valid(parts, expected):
    assert catalog.entity_name(*parts) == expected


def test_a_repaired_entity_name_is_pinned():
    """The hashed form is part of the catalog's identity: it may not change between releases."""
    import hashlib

    assert catalog.entity_name("a--b") == "a-b-" + hashlib.sha256(b"a--b").hexdigest()[:8]


@pytest.mark.parametrize(
    "parts", [("a--b",), ("a" * 53, "b" * 10), ("shop", "x" * 50), ("a--b", "a-b"), ("-",)]
)
def test_entity_name_repairs_what_backstage_refuses(parts):
    name = catalog.entity_name(*parts)
    assert catalog.is_entity_name(name) and ENTITY_NAME.match(name)
    joined = "-".join(parts)
    collapsed = re.sub("-+", "-", joined)
    if collapsed != joined:  # "a--b" and "a-b" stay two entities
        assert name != catalog.entity_name(collapsed)


def test_yaml_is_emitted_not_pasted():
    """Strings YAML would read as something else come back as the same strings."""
    document = {
        "name": "yes",
        "description": "null: {a: [b]} # not a comment\n'quoted' \"too\"",
        "labels": {"team": "0123"},
        "components": [{"name": "on", "role": "backend", "image": "x", "ports": [{"port": 1}]}],
    }
    text = catalog.dump_catalog(
        catalog.catalog_entities(document, chart_url="http://h/c", topology_url="http://h/t")
    )
    system, component = yaml.safe_load_all(text)
    assert system["metadata"]["name"] == "yes"
    assert system["metadata"]["description"] == document["description"]
    assert system["spec"]["owner"] == "0123"
    assert component["metadata"]["title"] == "on"

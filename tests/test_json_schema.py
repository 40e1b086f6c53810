"""``/schema/topology.json``: the topology's JSON Schema, derived from the marshmallow
schemas, agrees with :func:`svcgen.topology.validate_topology` field by field."""

from __future__ import annotations

import copy

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings

from svcgen import k8s, schemas, syntax
from svcgen.errors import TopologyInvalid
from svcgen.fields import StrMap
from svcgen.schema_export import topology_json_schema
from svcgen.topology import parse_document, validate_topology
from tests.examples import EXAMPLES, shop_document
from tests.strategies import documents

SCHEMA = topology_json_schema("https://svcgen.example/schema/topology.json")
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)

BASE = shop_document()

DELETE = object()


def variant(changes: dict) -> dict:
    """A copy of :data:`BASE` with each ``"dotted.path": value`` set (``DELETE`` removes;
    an index one past a list's end appends)."""
    doc = copy.deepcopy(BASE)
    for dotted, value in changes.items():
        *parents, last = [int(p) if p.isdigit() else p for p in dotted.split(".")]
        node = doc
        for key in parents:
            node = node[key]
        if value is DELETE:
            del node[last]
        elif isinstance(node, list) and last == len(node):
            node.append(value)
        else:
            node[last] = value
    return doc


BAD = {
    "missing name": {"name": DELETE},
    "missing components": {"components": DELETE},
    "no components": {"components": []},
    "name not a string": {"name": 123},
    "name upper case": {"name": "Shop"},
    "name 54 characters": {"name": "a" * 54},
    "unknown top-level field": {"componets": []},
    "unknown component field": {"components.0.replica": 2},
    "unknown port field": {"components.0.ports.0.nodeport": 30009},
    "role not in enum": {"components.1.role": "database"},
    "missing role": {"components.1.role": DELETE},
    "quoted port": {"components.1.ports.0.port": "8080"},
    "port 0": {"components.1.ports.0.port": 0},
    "port 70000": {"components.1.ports.0.port": 70000},
    "missing port": {"components.1.ports.0": {"name": "http"}},
    "replicas 1001": {"components.1.replicas": 1001},
    "replicas -1": {"components.1.replicas": -1},
    "quoted replicas": {"components.1.replicas": "2"},
    "protocol lower case": {"components.1.ports.0.protocol": "tcp"},
    "service type misspelt": {"components.0.service.type": "Nodeport"},
    "headless as a string": {"components.1.service": {"headless": "yes"}},
    "component name starts with a digit": {"components.1.name": "1api"},
    "component name 51 characters": {"components.1.name": "a" * 51},
    "port name with upper case": {"components.0.ports.0.name": "HTTP"},
    "port name of digits only": {"components.0.ports.0.name": "8080"},
    "env name with a dash": {"components.1.env": {"LOG-LEVEL": "info"}},
    "env value a number": {"components.1.env": {"WORKERS": 4}},
    "label value starting with a dash": {"labels": {"team": "-store"}},
    "label key with two slashes": {"labels": {"a/b/c": "x"}},
    "chartVersion with a v": {"chartVersion": "v1.0.0"},
    "chartVersion with leading zero": {"chartVersion": "1.02.0"},
    "ports a mapping": {"components.1.ports": {"port": 8080}},
    "dependsOn a number": {"components.0.dependsOn": [5]},
    "dependsOn mapping without env": {"components.0.dependsOn": [{"name": "api"}]},
    "probe with two actions": {
        "components.1.probes": {
            "readiness": {"httpGet": {"path": "/", "port": 8080}, "tcpSocket": {"port": 8080}}
        }
    },
    "probe without an action": {"components.1.probes": {"readiness": {"periodSeconds": 5}}},
    "probe port name too long": {
        "components.1.probes": {"liveness": {"tcpSocket": {"port": "a-very-long-port-name"}}}
    },
    "ipFamilies IPv5": {"components.1.service": {"ipFamilies": ["IPv5"]}},
    "three ipFamilies": {"components.1.service": {"ipFamilies": ["IPv4", "IPv6", "IPv4"]}},
    "image with upper case": {"components.1.image": "Nginx:1.27"},
    "affinity timeout 0": {"components.1.service": {"sessionAffinityTimeoutSeconds": 0}},
    "description 1001 characters": {"description": "x" * 1001},
    "healthPath without a slash": {"components.1.healthPath": "healthz"},
    "secretEnv without key": {"components.1.secretEnv": [{"name": "PW", "secret": "db"}]},
    "quantity not a quantity": {"components.1.resources": {"requests": {"cpu": "lots"}}},
    "no addresses": {"components.2.external": {"addresses": []}},
    "empty appVersion": {"appVersion": ""},
    "appVersion with a line break": {"appVersion": "1.0\n2"},
    "externalTrafficPolicy misspelt": {"components.0.service.externalTrafficPolicy": "local"},
    "ingress host with upper case": {"components.0.ingress": {"host": "Shop.example.com"}},
    "annotations a list": {"components.0.service.annotations": ["a"]},
    "command a string": {"components.1.command": "run"},
    "frontend without an image": {"components.0.image": DELETE},
    "external with an image": {"components.2.image": "nginx:1.27"},
    "external without external": {"components.2.external": DELETE},
    "external with dependsOn": {"components.2.dependsOn": ["api"]},
    "worker with ports": {
        "components.3": {
            "name": "jobs",
            "role": "worker",
            "image": "busybox",
            "ports": [{"port": 80}],
        }
    },
    "backend without ports": {"components.1.ports": DELETE},
    "backend with no ports": {"components.1.ports": []},
    "backend with an ingress": {"components.1.ingress": {"host": "api.example.com"}},
    "backend with external": {"components.1.external": {"host": "db.example.com"}},
    "external with host and addresses": {
        "components.2.external": {"host": "db.example.com", "addresses": ["192.0.2.10"]}
    },
    "external addresses without ports": {
        "components.2.external": {"addresses": ["192.0.2.10"]},
        "components.2.ports": DELETE,
    },
    "external host with upper case": {"components.2.external.host": "DB.example.com"},
}

GOOD = {
    "the base document": {},
    "SemVer with pre-release and build": {"chartVersion": "1.2.3-rc.1+build.5"},
    "labels with a prefix and an empty value": {"labels": {"example.com/team": "", "tier": "web"}},
    "quantities as numbers and strings": {
        "components.1.resources": {"requests": {"cpu": 0.5, "memory": "128Mi"}}
    },
    "dependsOn with env patterns": {
        "components.1.dependsOn": [{"name": "orders-db", "env": {"DB_ADDR": "{host}:{port}"}}]
    },
    "probes by port name and number": {
        "components.0.probes": {
            "readiness": {"httpGet": {"path": "/ready", "port": "http"}, "periodSeconds": 5},
            "liveness": {"tcpSocket": {"port": 80}},
        }
    },
    "ingress on a wildcard host": {
        "components.0.ingress": {"host": "*.shop.example.com", "path": "/", "pathType": "Prefix"}
    },
    "LoadBalancer with annotations and ranges": {
        "components.0.service": {
            "type": "LoadBalancer",
            "annotations": {"Service.Beta.Kubernetes.io/aws-load-balancer-type": "nlb"},
            "loadBalancerSourceRanges": ["203.0.113.0/24"],
            "externalTrafficPolicy": "Local",
        }
    },
    "dual stack": {
        "components.1.service": {
            "ipFamilyPolicy": "RequireDualStack",
            "ipFamilies": ["IPv4", "IPv6"],
        }
    },
    "no replicas": {"components.1.replicas": 0},
    "a worker": {
        "components.3": {"name": "jobs", "role": "worker", "image": "busybox", "dependsOn": ["api"]}
    },
    "external by addresses": {"components.2.external": {"addresses": ["192.0.2.10"]}},
    "external host with the root's dot": {"components.2.external.host": "orders.db.example.com."},
    "external host without ports": {"components.2.ports": DELETE},
    "UDP with targetPort": {
        "components.1.ports": [{"name": "dns", "port": 53, "targetPort": 5353, "protocol": "UDP"}]
    },
    "image with registry port and digest": {
        "components.1.image": "registry.example.com:5000/shop/api@sha256:" + "a" * 64
    },
    "secretEnv and env": {
        "components.1.env": {"LOG_LEVEL": "info"},
        "components.1.secretEnv": [
            {"name": "DB_PASSWORD", "secret": "shop-db", "key": "pass.word"}
        ],
    },
}


def server_accepts(document: dict) -> bool:
    try:
        validate_topology(document)
    except TopologyInvalid:
        return False
    return True


def test_served_schema(client):
    response = client.get("/schema/topology.json")
    assert response.status_code == 200
    assert response.mimetype == "application/schema+json"
    served = response.get_json()
    assert served["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert served["$id"] == "http://localhost/schema/topology.json"
    jsonschema.Draft202012Validator.check_schema(served)
    assert {k: v for k, v in served.items() if k != "$id"} == {
        k: v for k, v in SCHEMA.items() if k != "$id"
    }


def test_schema_is_valid_2020_12():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert "cannot be said in JSON Schema" in SCHEMA["description"]
    assert set(SCHEMA["required"]) == {"name", "components"}


def _objects(node):
    if isinstance(node, dict):
        if node.get("type") == "object":
            yield node
        for value in node.values():
            yield from _objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from _objects(value)


def test_every_object_refuses_unknown_fields():
    objects = list(_objects(SCHEMA))
    assert len(objects) >= 15
    # maps (env, labels, ...) say what their values are; objects with fields refuse others
    assert all(o["additionalProperties"] is False for o in objects if "properties" in o)
    assert all(o.get("additionalProperties") is not None for o in objects)


def test_every_marshmallow_field_is_in_the_schema():
    """One source of truth: the JSON Schema has exactly the marshmallow fields."""
    defs = SCHEMA["$defs"]
    pairs = [(SCHEMA, schemas.TopologySchema)] + [
        (defs[cls.__name__.removesuffix("Schema")], cls)
        for cls in (schemas.ComponentSchema, schemas.PortSchema, schemas.ServiceSchema)
    ]
    for definition, cls in pairs:
        assert set(definition["properties"]) == set(cls().fields), cls
        required = {name for name, field in cls().fields.items() if field.required}
        assert set(definition.get("required", [])) == required, cls


def _str_maps(cls, seen=None):
    """Every ``StrMap`` field of ``cls`` and the schemas nested in it, with the name
    of the schema that holds it: ``(definition name, field name, field)``."""
    seen = set() if seen is None else seen
    if cls in seen:
        return
    seen.add(cls)
    for name, field in cls().fields.items():
        inner = getattr(field, "inner", None)
        nested = getattr(field, "nested", None) or getattr(inner, "nested", None)
        if isinstance(inner, schemas.DependsOnField):  # a name, or a DependsOnSchema
            nested = schemas.DependsOnSchema
        if isinstance(field, StrMap):
            yield cls.__name__.removesuffix("Schema"), name, field
        elif isinstance(nested, type):
            yield from _str_maps(nested, seen)


def test_map_limits_are_the_fields_own():
    """maxProperties and each value's maxLength come from the StrMap field itself (the
    limits the server applies), for every map of the document."""
    found = list(_str_maps(schemas.TopologySchema))
    assert {(where, name) for where, name, _ in found} == {
        ("Topology", "labels"),
        ("Component", "env"),
        ("Service", "annotations"),
        ("DependsOn", "env"),
        ("Resources", "requests"),
        ("Resources", "limits"),
    }
    for definition, name, field in found:
        node = (SCHEMA if definition == "Topology" else SCHEMA["$defs"][definition])["properties"][
            name
        ]
        assert node.get("maxProperties") == field.max_entries, (definition, name)
        if field.max_value_length is not None:  # else a value's syntax may bound it (labels)
            assert node["additionalProperties"]["maxLength"] == field.max_value_length, name


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_validate(path):
    document = parse_document(path.read_bytes(), "application/yaml")
    assert server_accepts(document)
    VALIDATOR.validate(document)


@pytest.mark.parametrize("changes", BAD.values(), ids=BAD.keys())
def test_bad_documents_are_refused_by_both(changes):
    document = variant(changes)
    errors = [e.message for e in VALIDATOR.iter_errors(document)]
    assert errors, "the JSON Schema accepts it"
    assert not server_accepts(document), "validate_topology accepts it"


@pytest.mark.parametrize("changes", GOOD.values(), ids=GOOD.keys())
def test_good_documents_are_accepted_by_both(changes):
    document = variant(changes)
    assert server_accepts(document), "validate_topology refuses it"
    assert [e.message for e in VALIDATOR.iter_errors(document)] == []


# Each syntax fragment against its check: every value the check accepts, the
# fragment accepts (a form never refuses what the server takes); the bad values
# listed are refused by both.
SYNTAXES = [
    (
        syntax.DNS1123_LABEL,
        k8s.dns1123_label,
        ["a", "shop", "123-abc", "a" * 63],
        ["", "-a", "a-", "A", "a.b", "a" * 64],
    ),
    (
        syntax.DNS1035_LABEL,
        k8s.dns1035_label,
        ["a", "web", "abc-123"],
        ["1a", "a_b", "a" * 64, ""],
    ),
    (
        syntax.DNS1123_SUBDOMAIN,
        k8s.dns1123_subdomain,
        ["db.example.com", "a", "a-b.c"],
        ["a..b", ".a", "A.b", "a" * 254],
    ),
    (
        syntax.IANA_SVC_NAME,
        k8s.iana_svc_name,
        ["http", "h2c", "a-b-c", "x" * 15],
        ["", "80", "a--b", "-a", "a-", "HTTP", "x" * 16],
    ),
    (
        syntax.QUALIFIED_NAME,
        k8s.qualified_name,
        ["team", "example.com/team", "a_b.c-d", "A" * 63],
        ["a/b/c", "/a", "-a", "a" * 64, "Example.com/a"],
    ),
    (
        syntax.LABEL_VALUE,
        k8s.label_value,
        ["", "a", "A.b_c-d", "a" * 63],
        ["-a", "a-", "a b", "a" * 64],
    ),
    (syntax.C_IDENTIFIER, k8s.c_identifier, ["A", "_a1", "LOG_LEVEL"], ["1A", "A-B", ""]),
    (syntax.RESOURCE_QUANTITY, k8s.quantity, ["100m", "0.5", "1Gi", "1e3"], ["lots", "1 Gi"]),
    (
        syntax.CIDR,
        k8s.cidr,
        ["10.0.0.0/8", "2001:db8::/64", "10.0.0.1/32", " 10.0.0.0/8 ", "::/0"],
        ["10.0.0.0", "example.com/8", "10.0.0.0/1000"],
    ),
    (
        syntax.IP_ADDRESS,
        k8s.ip_address,
        ["192.0.2.10", "2001:db8::10", "::1", "::ffff:192.0.2.10"],
        ["db.example.com", "192.0.2.10/32", "192.0.2", "1.2.3.4.5", "1234.0.0.1", "abc", ""],
    ),
]


@pytest.mark.parametrize(
    ("fragment", "check", "good", "bad"),
    SYNTAXES,
    ids=[check.__name__ for _, check, _, _ in SYNTAXES],
)
def test_syntax_fragment_agrees_with_its_check(fragment, check, good, bad):
    validator = jsonschema.Draft202012Validator({"type": "string", **fragment})
    for value in good:
        assert check(value) == [], value
        assert validator.is_valid(value), value
    for value in bad:
        assert check(value) != [], value
        assert not validator.is_valid(value), value


@pytest.mark.slow
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(document=documents())
def test_json_schema_never_refuses_what_the_server_accepts(document):
    """A portal form built from the schema must take every document svcgen takes."""
    if server_accepts(document):
        assert [
            f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(document)
        ] == []

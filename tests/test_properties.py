"""Property-based tests of validation and render (issue 3).

Documents come from :mod:`tests.strategies`; every chart is linted and rendered
by the real Helm engine and each object checked by kubernetes-validate strict
(:func:`tests.helmcheck.check_chart`).
"""

from __future__ import annotations

import copy
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from svcgen.archive import build_archive
from svcgen.errors import TopologyInvalid
from svcgen.render import render_chart
from svcgen.schemas import TopologySchema
from svcgen.topology import chart_version_for, validate_topology
from tests.helmcheck import check_chart
from tests.strategies import documents, release_names, topologies

_HEALTH = [
    HealthCheck.function_scoped_fixture,
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.filter_too_much,
]
_COMPONENT = "app.kubernetes.io/component"
_DNS1035 = re.compile(r"[a-z]([-a-z0-9]{0,61}[a-z0-9])?")
_PLACEHOLDER = re.compile(r"\{(host|port|port\.[^{}]*)\}")


def _accepted(document: dict) -> dict:
    """The document when the validator accepts it; else the example is rejected."""
    try:
        return validate_topology(document).document
    except TopologyInvalid:
        reject()


def _objects(document: dict, release: str = "rel", values: dict | None = None) -> list[dict]:
    files = render_chart(document, chart_version_for(document, 1))
    with tempfile.TemporaryDirectory() as tmp:
        return check_chart(files, document["name"], Path(tmp), values=values, release=release)


def _of(objects: list[dict], kind: str, component: str) -> list[dict]:
    return [
        o for o in objects if o["kind"] == kind and o["metadata"]["labels"][_COMPONENT] == component
    ]


def _one(objects: list[dict], kind: str, component: str) -> dict:
    found = _of(objects, kind, component)
    assert len(found) == 1, (kind, component, [o["metadata"]["name"] for o in found])
    return found[0]


# -- validation --------------------------------------------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=_HEALTH)
@given(document=topologies())
def test_topologies_built_by_the_rules_are_accepted_unchanged(document):
    before = copy.deepcopy(document)
    assert validate_topology(document).document == before
    assert document == before


@settings(max_examples=60, deadline=None, suppress_health_check=_HEALTH)
@given(document=documents())
def test_any_document_is_accepted_or_refused_with_field_errors(document):
    before = copy.deepcopy(document)
    try:
        validate_topology(document)
    except TopologyInvalid as exc:
        assert exc.errors
        top = set(document) | set(TopologySchema().fields)
        for error in exc.errors:
            assert isinstance(error.path, tuple) and error.path, error
            assert all(isinstance(p, str | int) and not isinstance(p, bool) for p in error.path)
            assert error.path[0] in top, error
            assert isinstance(error.message, str) and error.message.strip(), error
            assert error.as_dict()["field"]
    assert document == before


# -- render -------------------------------------------------------------------------------


@settings(max_examples=20, deadline=None, suppress_health_check=_HEALTH)
@given(document=documents(), release=release_names(), policies=st.booleans())
def test_accepted_topologies_lint_render_and_validate(document, release, policies):
    document = _accepted(document)
    objects = _objects(document, release, {"networkPolicy": {"enabled": policies}})
    components = document["components"]
    kinds = [o["kind"] for o in objects]
    assert kinds.count("Service") == sum(c["role"] != "worker" for c in components)
    assert kinds.count("Deployment") == sum(c["role"] != "external" for c in components)
    for deployment in (o for o in objects if o["kind"] == "Deployment"):
        selector = deployment["spec"]["selector"]["matchLabels"]
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert selector.items() <= labels.items()
    for obj in objects:
        if obj["kind"] in ("Service", "Deployment"):
            assert _DNS1035.fullmatch(obj["metadata"]["name"]), obj["metadata"]["name"]


@settings(max_examples=10, deadline=None, suppress_health_check=_HEALTH)
@given(document=topologies())
def test_the_same_document_renders_the_same_bytes(document):
    before = copy.deepcopy(document)
    files = render_chart(document, "1.0.0")
    again = render_chart(copy.deepcopy(document), "1.0.0")
    assert files == again and list(files) == list(again)
    assert build_archive(document["name"], files) == build_archive(document["name"], again)
    assert build_archive(document["name"], dict(reversed(files.items()))) == build_archive(
        document["name"], files
    )
    assert document == before


# -- user strings --------------------------------------------------------------------------


def _expected_ports(component: dict) -> list[dict]:
    ports = []
    for given_port in component.get("ports", []):
        port = {
            "port": given_port["port"],
            "targetPort": given_port.get("targetPort", given_port["port"]),
            "protocol": given_port.get("protocol", "TCP"),
        }
        for field in ("name", "nodePort"):
            if field in given_port:
                port[field] = given_port[field]
        ports.append(port)
    return ports


def _fill(pattern: str, target: dict, host: str) -> str:
    """A wiring pattern with its placeholders filled, in one pass (DESIGN section 5)."""
    by_name = {p["name"]: p["port"] for p in target.get("ports", []) if "name" in p}

    def one(match: re.Match) -> str:
        word = match.group(1)
        if word == "host":
            return host
        if word == "port":
            return str(target["ports"][0]["port"])
        return str(by_name[word[5:]])

    return _PLACEHOLDER.sub(one, pattern)


def _expected_env(component: dict, by_name: dict, hosts: dict) -> dict:
    env: dict = dict(component.get("env", {}))
    for item in component.get("secretEnv", []):
        env[item["name"]] = {"secretKeyRef": {"name": item["secret"], "key": item["key"]}}
    for edge in component.get("dependsOn", []):
        name = edge if isinstance(edge, str) else edge["name"]
        target, host = by_name[name], hosts[name]
        if isinstance(edge, dict):
            env.update((var, _fill(p, target, host)) for var, p in edge["env"].items())
            continue
        prefix = name.upper().replace("-", "_")
        env[f"{prefix}_HOST"] = host
        if target.get("ports"):
            env[f"{prefix}_PORT"] = str(target["ports"][0]["port"])
    return env


def _expected_probes(component: dict) -> dict:
    probes = {}
    if "healthPath" in component:
        first = component["ports"][0]
        action = {"path": component["healthPath"], "port": first.get("targetPort", first["port"])}
        probes = {"readiness": {"httpGet": action}, "liveness": {"httpGet": action}}
    probes.update(component.get("probes", {}))
    return {f"{kind}Probe": probe for kind, probe in probes.items()}


def _check_service(component: dict, service: dict, objects: list[dict]) -> None:
    given_service = component.get("service", {})
    assert service["metadata"].get("annotations", {}) == given_service.get("annotations", {})
    if "name" in given_service:
        assert service["metadata"]["name"] == given_service["name"]
    assert service["spec"].get("ports", []) == _expected_ports(component)
    if "host" in component.get("external", {}):
        assert service["spec"]["externalName"] == component["external"]["host"]
    slices = _of(objects, "EndpointSlice", component["name"])
    addresses = [a for piece in slices for e in piece["endpoints"] for a in e["addresses"]]
    assert sorted(addresses) == sorted(component.get("external", {}).get("addresses", []))
    for piece in slices:
        assert (
            piece["metadata"]["labels"]["kubernetes.io/service-name"] == service["metadata"]["name"]
        )


def _check_workload(component, deployment, objects, by_name, hosts) -> None:
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["image"] == component["image"]
    for field in ("command", "args"):
        assert container.get(field, []) == component.get(field, [])
    assert deployment["spec"]["replicas"] == component.get("replicas", 1)
    env = container.get("env", [])
    got = {e["name"]: e.get("value", e.get("valueFrom")) for e in env}
    assert len(got) == len(env)
    assert got == _expected_env(component, by_name, hosts)
    for kind, probe in _expected_probes(component).items():
        assert container[kind] == probe
    assert container.get("resources", {}) == component.get("resources", {})
    if component.get("ingress") is not None:
        ingress = _one(objects, "Ingress", component["name"])["spec"]
        given_ingress = component["ingress"]
        rule = ingress["rules"][0]
        assert rule.get("host") == (given_ingress.get("host") or None)
        path = rule["http"]["paths"][0]
        assert path["path"] == given_ingress.get("path", "/")
        assert path["pathType"] == given_ingress.get("pathType", "Prefix")
        assert ingress.get("ingressClassName") == given_ingress.get("className")
        if "tlsSecret" in given_ingress:
            assert ingress["tls"][0]["secretName"] == given_ingress["tlsSecret"]


@settings(max_examples=20, deadline=None, suppress_health_check=_HEALTH)
@given(document=topologies(), release=release_names())
def test_every_user_string_comes_out_of_helm_unchanged(document, release):
    objects = _objects(document, release)
    by_name = {c["name"]: c for c in document["components"]}
    hosts = {
        name: _one(objects, "Service", name)["metadata"]["name"]
        for name, c in by_name.items()
        if c["role"] != "worker"
    }
    for component in document["components"]:
        if component["role"] != "worker":
            _check_service(component, _one(objects, "Service", component["name"]), objects)
        if component["role"] != "external":
            deployment = _one(objects, "Deployment", component["name"])
            _check_workload(component, deployment, objects, by_name, hosts)
    app_version = document.get("appVersion")
    label_ok = app_version is not None and re.fullmatch(
        r"[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?", app_version
    )
    for obj in objects:
        labels = obj["metadata"]["labels"]
        assert document.get("labels", {}).items() <= labels.items()
        assert labels.get("app.kubernetes.io/version") == (app_version if label_ok else None)
        if obj["kind"] == "Deployment":
            pod_labels = obj["spec"]["template"]["metadata"]["labels"]
            assert document.get("labels", {}).items() <= pod_labels.items()


# -- the Service rules, seen on the rendered objects ------------------------------------


def _check_service_rules(spec: dict, owners: dict, name: str) -> None:
    kind, ports = spec["type"], spec.get("ports", [])
    node_port_types = ("NodePort", "LoadBalancer")
    pairs = [(p["port"], p["protocol"]) for p in ports]
    assert len(set(pairs)) == len(pairs)
    names = [p.get("name") for p in ports]
    assert len(ports) <= 1 or (None not in names and len(set(names)) == len(names))
    for port in ports:
        if "nodePort" not in port:
            continue
        assert kind in node_port_types and 30000 <= port["nodePort"] <= 32767
        first = owners.setdefault(port["nodePort"], (name, port["port"], set()))
        assert first[:2] == (name, port["port"]), (port["nodePort"], first, name)
        assert port["protocol"] not in first[2]
        first[2].add(port["protocol"])
    if spec.get("clusterIP") == "None":
        assert kind == "ClusterIP"
    if "externalTrafficPolicy" in spec:
        assert kind in node_port_types
    assert kind == "LoadBalancer" or not {"loadBalancerClass", "loadBalancerSourceRanges"} & set(
        spec
    )
    if kind == "ExternalName":
        assert spec["externalName"]
        assert not {"selector", "clusterIP", "ipFamilies", "ipFamilyPolicy"} & set(spec)
    if "sessionAffinityConfig" in spec:
        assert spec["sessionAffinity"] == "ClientIP"
    families = spec.get("ipFamilies", [])
    assert len(set(families)) == len(families) <= 2
    if len(families) == 2:
        assert spec.get("ipFamilyPolicy") in ("PreferDualStack", "RequireDualStack")


@settings(max_examples=15, deadline=None, suppress_health_check=_HEALTH)
@given(document=documents(), release=release_names())
def test_rendered_services_keep_the_kubernetes_service_rules(document, release):
    document = _accepted(document)
    objects = _objects(document, release)
    services = [o for o in objects if o["kind"] == "Service"]
    names = [s["metadata"]["name"] for s in services]
    assert len(set(names)) == len(names)
    owners: dict = {}
    deployments = [o for o in objects if o["kind"] == "Deployment"]
    for service in services:
        spec, component = service["spec"], service["metadata"]["labels"][_COMPONENT]
        role = next(c["role"] for c in document["components"] if c["name"] == component)
        _check_service_rules(spec, owners, service["metadata"]["name"])
        assert (spec["type"] == "ExternalName") == (
            role == "external" and "selector" not in spec and "externalName" in spec
        )
        if role == "external":
            assert "selector" not in spec
            continue
        selected = [
            d
            for d in deployments
            if spec["selector"].items() <= d["spec"]["template"]["metadata"]["labels"].items()
        ]
        assert [d["metadata"]["labels"][_COMPONENT] for d in selected] == [component]
        container = selected[0]["spec"]["template"]["spec"]["containers"][0]
        listening = {(p["containerPort"], p["protocol"]) for p in container["ports"]}
        assert {(p["targetPort"], p["protocol"]) for p in spec["ports"]} <= listening
    for piece in (o for o in objects if o["kind"] == "EndpointSlice"):
        assert piece["metadata"]["labels"]["kubernetes.io/service-name"] in names


# -- regressions: examples the properties found ------------------------------------------


def _field_errors(document: dict) -> list[tuple]:
    try:
        validate_topology(document)
    except TopologyInvalid as exc:
        return [error.path for error in exc.errors]
    return []


def test_an_image_digest_algorithm_in_upper_case_is_refused(tmp_path):
    # Accepted once, then refused by the chart's values.schema.json at helm lint.
    document = {
        "name": "0",
        "components": [
            {"name": "yes", "role": "worker", "image": "a.b.c:1/a.b-c"},
            {
                "name": "a",
                "role": "frontend",
                "ports": [{"port": 80}],
                "service": {"type": "ClusterIP"},
                "image": "nginx@A:00000000000000000000000000000000",
            },
        ],
    }
    assert _field_errors(document) == [("components", 1, "image")]
    document["components"][1]["image"] = "nginx@a:00000000000000000000000000000000"
    assert _field_errors(document) == []
    check_chart(render_chart(document, "0.1.0"), "0", tmp_path)


def test_chart_version_0_0_0_0_is_refused(tmp_path):
    # Accepted once, then helm lint: 'version "0.0.0-0" is less than or equal to "0.0.0-0"'.
    document = {
        "name": "0",
        "chartVersion": "0.0.0-0",
        "labels": {},
        "components": [
            {
                "name": "e",
                "role": "external",
                "external": {
                    "host": "u00uk2zxtctsbvq4es60060funtq0px003zfofya5zgev2bvne0wze97371kbmu"
                },
                "service": {
                    "name": "nqw9koypzke7jycrj4n33brzmc6rrobqvjd10iaa2aq8ni5dl70-1rk407w5fow",
                    "sessionAffinity": "None",
                },
            }
        ],
    }
    assert _field_errors(document) == [("chartVersion",)]
    assert _field_errors({**document, "chartVersion": "0.0.0-0+build"}) == [("chartVersion",)]
    document["chartVersion"] = "0.0.0-0.0"
    assert _field_errors(document) == []
    check_chart(render_chart(document, document["chartVersion"]), "0", tmp_path)


def test_app_version_that_helm_would_change_is_refused(tmp_path):
    # Accepted once; Helm's Metadata.Validate dropped the unprintable character, so
    # the app.kubernetes.io/version label said "0123", not what the user wrote.
    document = {
        "name": "0123",
        "description": "*aliasmA",
        "appVersion": "0123\U000ba3c8",
        "components": [{"name": "e", "role": "backend", "image": "nginx", "ports": [{"port": 80}]}],
    }
    assert _field_errors(document) == [("appVersion",)]
    for text in ("1.0\t2", "line\nbreak", "a\u00a0b", "v1\u200b"):
        assert _field_errors({**document, "appVersion": text}) == [("appVersion",)]
    document["appVersion"] = "0123 \u00fcn\u00efc\u00f6d\u00e9 \u2713 \U0001f389"
    document["description"] = "free\ttext\n{{ .Release.Name }}"
    assert _field_errors(document) == []
    objects = check_chart(render_chart(document, "0.1.0"), "0123", tmp_path)
    assert all("app.kubernetes.io/version" not in o["metadata"]["labels"] for o in objects)
    document["appVersion"] = "0123"
    objects = check_chart(render_chart(document, "0.1.0"), "0123", tmp_path)
    assert all(o["metadata"]["labels"]["app.kubernetes.io/version"] == "0123" for o in objects)


def test_probe_strings_with_line_separators_come_out_unchanged(tmp_path):
    # Helm's toYaml wrote NEL and U+2028 raw: grpc.service came out as '\u2028\u2029 \ufeff'.
    tricky = "\u2028\u2029\x85\ufeff"
    probes = {
        "readiness": {"grpc": {"port": 39, "service": tricky}, "failureThreshold": 23},
        "liveness": {"exec": {"command": [tricky, "x: y", "- a\n b  "]}, "periodSeconds": 912},
        "startup": {"httpGet": {"path": "/\ufeff\u200b{{x}}#", "port": "http", "scheme": "HTTP"}},
    }
    document = {
        "name": "null",
        "components": [
            {
                "name": "n",
                "role": "frontend",
                "image": "nginx",
                "ports": [{"name": "http", "port": 443}],
                "probes": probes,
            }
        ],
    }
    assert _field_errors(document) == []
    objects = check_chart(render_chart(document, "0.1.0"), "null", tmp_path)
    (deployment,) = [o for o in objects if o["kind"] == "Deployment"]
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    for kind, probe in probes.items():
        assert container[f"{kind}Probe"] == probe


_NEWLINE_CASES = {
    "topology name": (("name",), "shop\n"),
    "component name": (("components", 0, "name"), "null\n"),
    "image": (("components", 0, "image"), "nginx:1.27\n"),
    "port name": (("components", 0, "ports", 0, "name"), "http\n"),
    "service name": (("components", 0, "service", "name"), "web\n"),
    "ingress host": (("components", 0, "ingress", "host"), "shop.example.com\n"),
    "env name": (("components", 0, "env"), {"A\n": "x"}),
    "label value": (("labels",), {"team": "a\n"}),
    "label key": (("labels",), {"team\n": "a"}),
    "annotation key": (("components", 0, "service", "annotations"), {"example.com/a\n": "x"}),
    "secret key": (
        ("components", 0, "secretEnv"),
        [{"name": "P", "secret": "s", "key": "password\n"}],
    ),
    "quantity": (("components", 0, "resources"), {"limits": {"memory": "1Gi\n"}}),
}


@pytest.mark.parametrize("path, value", _NEWLINE_CASES.values(), ids=_NEWLINE_CASES.keys())
def test_a_trailing_newline_is_refused(path, value):
    # Patterns ending in '$' matched before a final '\n': 'null\n' passed as a component
    # name, and render then refused the validated document.
    document = {
        "name": "shop",
        "components": [
            {
                "name": "web",
                "role": "frontend",
                "image": "nginx",
                "ports": [{"name": "http", "port": 80}],
                "service": {"name": "web"},
                "ingress": {},
            }
        ],
    }
    assert _field_errors(document) == []
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    errors = _field_errors(document)
    assert errors and all(e[: len(path)] == path for e in errors), errors


def test_an_external_host_of_253_characters_and_the_trailing_dot_is_accepted(tmp_path):
    # Refused once ('must be no more than 253 characters'), though Kubernetes checks an
    # ExternalName without its one trailing dot (ValidateService).
    host = ".".join(["a" * 63] * 3) + "." + "b" * 61 + "."
    document = {
        "name": "shop",
        "components": [{"name": "db", "role": "external", "external": {"host": host}}],
    }
    assert _field_errors(document) == []
    objects = check_chart(render_chart(document, "0.1.0"), "shop", tmp_path)
    assert objects[0]["spec"]["externalName"] == host
    document["components"][0]["external"]["host"] = "c" + host
    assert _field_errors(document) == [("components", 0, "external", "host")]

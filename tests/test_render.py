"""The chart render makes, checked with the real Helm engine (helm_python) and
Kubernetes' schemas (kubernetes-validate, strict)."""

from __future__ import annotations

import copy
import re

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from svcgen.errors import TopologyInvalid
from svcgen.render import render_chart, write_chart_dir
from svcgen.topology import validate_topology
from tests.examples import EXAMPLES
from tests.helmcheck import check_chart, find, lint_chart, parse_manifests, render_manifests


def _example(stem: str) -> dict:
    return yaml.safe_load((EXAMPLES[0].parent / f"{stem}.yaml").read_text())


def _objects(document: dict, tmp_path, **kwargs) -> list[dict]:
    return check_chart(render_chart(document, "0.1.0"), document["name"], tmp_path, **kwargs)


def _env(deployment: dict) -> dict:
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container.get("env", [])}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_lints_renders_and_validates(example, tmp_path):
    document = yaml.safe_load(example.read_text())
    objects = _objects(document, tmp_path)
    services = [o for o in objects if o["kind"] == "Service"]
    workloads = [c for c in document["components"] if c["role"] != "external"]
    assert len(services) == sum(c["role"] != "worker" for c in document["components"])
    assert len([o for o in objects if o["kind"] == "Deployment"]) == len(workloads)
    messages = lint_chart(tmp_path / document["name"])
    assert [m["error"] for m in messages if m["severity"] > 1] == []  # not even a WARNING


def test_seed_shop_services_and_wiring(tmp_path):
    objects = _objects(_example("seed-shop"), tmp_path)
    web = find(objects, "Service", "rel-shop-web")
    assert web["spec"]["type"] == "NodePort"
    assert web["spec"]["ports"] == [
        {"name": "http", "port": 80, "targetPort": 80, "nodePort": 30008, "protocol": "TCP"}
    ]
    api = find(objects, "Service", "rel-shop-api")
    assert api["spec"]["type"] == "ClusterIP"
    assert api["spec"]["ports"] == [
        {"name": "http", "port": 8080, "targetPort": 8080, "protocol": "TCP"}
    ]
    assert "clusterIP" not in api["spec"]
    db = find(objects, "Service", "rel-shop-orders-db")
    assert db["spec"]["type"] == "ExternalName"
    assert db["spec"]["externalName"] == "orders.db.example.com"
    assert not {"clusterIP", "ipFamilies", "ipFamilyPolicy", "selector"} & set(db["spec"])

    web_pods = find(objects, "Deployment", "rel-shop-web")
    assert web_pods["spec"]["replicas"] == 2
    assert _env(web_pods) == {"API_HOST": api["metadata"]["name"], "API_PORT": "8080"}
    pod = web_pods["spec"]["template"]["spec"]
    assert pod["enableServiceLinks"] is False
    container = pod["containers"][0]
    assert container["image"] == "nginx:1.27"
    assert container["ports"] == [{"name": "http", "containerPort": 80, "protocol": "TCP"}]
    assert container["readinessProbe"] == {"httpGet": {"path": "/", "port": 80}}
    assert container["livenessProbe"] == container["readinessProbe"]

    api_pods = find(objects, "Deployment", "rel-shop-api")
    assert _env(api_pods) == {
        "LOG_LEVEL": "info",
        "DB_PASSWORD": {"secretKeyRef": {"name": "shop-db", "key": "password"}},
        "ORDERS_DB_HOST": "rel-shop-orders-db",
        "ORDERS_DB_PORT": "5432",
    }
    api_container = api_pods["spec"]["template"]["spec"]["containers"][0]
    assert api_container["resources"] == {
        "requests": {"cpu": "100m", "memory": "128Mi"},
        "limits": {"memory": "256Mi"},
    }
    assert api_container["readinessProbe"]["httpGet"] == {"path": "/healthz", "port": 8080}
    for obj in objects:
        assert obj["metadata"]["labels"]["team"] == "storefront"
        assert obj["metadata"]["labels"]["app.kubernetes.io/version"] == "1.0.0"


def test_cloud_shop_load_balancer_headless_and_endpointslice(tmp_path):
    objects = _objects(_example("cloud-shop"), tmp_path)
    web = find(objects, "Service", "rel-cloud-shop-web")
    assert web["spec"]["type"] == "LoadBalancer"
    assert web["spec"]["externalTrafficPolicy"] == "Local"
    assert web["spec"]["loadBalancerSourceRanges"] == ["203.0.113.0/24", "198.51.100.0/24"]
    assert web["metadata"]["annotations"] == {
        "service.beta.kubernetes.io/aws-load-balancer-type": "nlb"
    }
    assert [(p["name"], p["port"], p["targetPort"]) for p in web["spec"]["ports"]] == [
        ("http", 80, 8080),
        ("https", 443, 8443),
    ]
    cache = find(objects, "Service", "rel-cloud-shop-cache")
    assert cache["spec"]["type"] == "ClusterIP"
    assert cache["spec"]["clusterIP"] == "None"
    api = find(objects, "Service", "rel-cloud-shop-api")
    assert "externalTrafficPolicy" not in api["spec"] and "clusterIP" not in api["spec"]

    db = find(objects, "Service", "rel-cloud-shop-orders-db")
    assert db["spec"]["type"] == "ClusterIP"
    assert "selector" not in db["spec"]
    assert db["spec"]["ports"] == [
        {"name": "postgres", "port": 5432, "targetPort": 5432, "protocol": "TCP"}
    ]
    slices = [o for o in objects if o["kind"] == "EndpointSlice"]
    assert len(slices) == 1
    ipv4 = slices[0]
    assert ipv4["addressType"] == "IPv4"
    assert ipv4["metadata"]["labels"]["kubernetes.io/service-name"] == "rel-cloud-shop-orders-db"
    managed_by = ipv4["metadata"]["labels"]["endpointslice.kubernetes.io/managed-by"]
    assert managed_by != "endpointslice-controller.k8s.io"
    assert [e["addresses"] for e in ipv4["endpoints"]] == [["192.0.2.10"], ["192.0.2.11"]]
    assert ipv4["ports"] == [{"name": "postgres", "port": 5432, "protocol": "TCP"}]

    api_pods = find(objects, "Deployment", "rel-cloud-shop-api")
    assert _env(api_pods) == {
        "ORDERS_DB_HOST": "rel-cloud-shop-orders-db",
        "ORDERS_DB_PORT": "5432",
        "CACHE_HOST": "rel-cloud-shop-cache",
        "CACHE_PORT": "6379",
    }


def _selectors(objects):
    """(Service selector, the pod labels of the Deployment of the same component)."""
    for svc in (o for o in objects if o["kind"] == "Service" and "selector" in o["spec"]):
        component = svc["spec"]["selector"]["app.kubernetes.io/component"]
        deployments = [
            o for o in objects
            if o["kind"] == "Deployment"
            and o["metadata"]["labels"]["app.kubernetes.io/component"] == component
        ]  # fmt: skip
        assert len(deployments) == 1
        yield svc, deployments[0]


def test_two_releases_get_distinct_names_and_selectors(tmp_path):
    files = render_chart(_example("seed-shop"), "0.1.0")
    one = check_chart(files, "shop", tmp_path / "a", release="blue")
    two = check_chart(files, "shop", tmp_path / "b", release="green")
    names_one = {(o["kind"], o["metadata"]["name"]) for o in one}
    names_two = {(o["kind"], o["metadata"]["name"]) for o in two}
    assert not names_one & names_two
    all_pods = [d for d in one + two if d["kind"] == "Deployment"]
    for objects in (one, two):
        for svc, deployment in _selectors(objects):
            selector = svc["spec"]["selector"]
            assert set(selector) == {
                "app.kubernetes.io/name",
                "app.kubernetes.io/instance",
                "app.kubernetes.io/component",
            }
            assert deployment["spec"]["selector"]["matchLabels"] == selector
            matched = [
                d for d in all_pods
                if selector.items() <= d["spec"]["template"]["metadata"]["labels"].items()
            ]  # fmt: skip
            assert matched == [deployment]


def test_selectors_never_carry_user_labels(tmp_path):
    document = _example("seed-shop")
    document["labels"] = {"team": "storefront", "app": "web", "tier": "yes"}
    objects = _objects(document, tmp_path)
    for svc, deployment in _selectors(objects):
        for selector in (svc["spec"]["selector"], deployment["spec"]["selector"]["matchLabels"]):
            assert not {"team", "app", "tier"} & set(selector)
        pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert pod_labels["tier"] == "yes" and pod_labels["app"] == "web"


TRICKY = [
    "{{ .Release.Name }}",
    "yes",
    "0123",
    "6.10",
    "true",
    "null",
    "~",
    "line one\nline two",
    "#comment",
    ": x",
    "'single' and \"double\" quotes",
    "unicode é 日本 🚀",
    "",
    " padded ",
    '{{ fail "boom" }}',
    "[[ key ]] [% if %]",
]
LABEL_VALUES = ["yes", "0123", "6.10", "true", "null", "on", "1e3", "a.b_c-d"]
TAGS = ["yes", "0123", "6.10", "true", "null", "1e3"]


def test_user_strings_come_out_exactly_as_they_went_in(tmp_path):
    document = _example("seed-shop")
    web, api = document["components"][0], document["components"][1]
    web["env"] = {f"V{i}": value for i, value in enumerate(TRICKY)}
    web["service"]["annotations"] = {f"example.com/a{i}": v for i, v in enumerate(TRICKY)}
    web["command"] = TRICKY[:4]
    web["args"] = TRICKY[4:]
    web["dependsOn"] = [{"name": "api", "env": {"PATTERN": "{{ .Release.Name }} {host} yes"}}]
    document["labels"] = {f"l{i}": v for i, v in enumerate(LABEL_VALUES)}
    document["labels"]["yes"] = "no"
    api["image"] = "ghcr.io/example/api:0123"
    files = render_chart(document, "0.1.0")
    for tag in TAGS:
        objects = check_chart(
            files, "shop", tmp_path / tag, values={"web": {"image": {"tag": tag}}}
        )
        container = find(objects, "Deployment", "rel-shop-web")["spec"]["template"]["spec"]
        assert container["containers"][0]["image"] == f"nginx:{tag}"
    deployment = find(objects, "Deployment", "rel-shop-web")
    env = _env(deployment)
    for i, value in enumerate(TRICKY):
        assert env[f"V{i}"] == value
    assert env["PATTERN"] == "{{ .Release.Name }} rel-shop-api yes"
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["command"] == TRICKY[:4] and container["args"] == TRICKY[4:]
    annotations = find(objects, "Service", "rel-shop-web")["metadata"]["annotations"]
    assert annotations == {f"example.com/a{i}": v for i, v in enumerate(TRICKY)}
    for obj in objects:
        labels = obj["metadata"]["labels"]
        assert labels["yes"] == "no"
        for i, value in enumerate(LABEL_VALUES):
            assert labels[f"l{i}"] == value
    image = find(objects, "Deployment", "rel-shop-api")["spec"]["template"]["spec"]
    assert image["containers"][0]["image"] == "ghcr.io/example/api:0123"


def test_no_user_string_reaches_template_text():
    document = _example("seed-shop")
    marker = "zq-user-marker-9"
    document["components"][0]["env"] = {"MARK": marker}
    document["components"][1]["service"] = {"annotations": {"example.com/m": marker}}
    document["labels"] = {"mark": marker}
    files = render_chart(document, "0.1.0")
    assert marker in files["values.yaml"]
    assert not [p for p, text in files.items() if p.startswith("templates/") and marker in text]
    for path in ("templates/web-service.yaml", "templates/orders-db-service.yaml"):
        assert files[path].count("\n") == 1 and '"key" "' in files[path]


def test_override_service_type_renders_valid_services(tmp_path):
    files = render_chart(_example("seed-shop"), "0.1.0")
    lb = check_chart(
        files, "shop", tmp_path / "lb", values={"web": {"service": {"type": "LoadBalancer"}}}
    )
    spec = find(lb, "Service", "rel-shop-web")["spec"]
    assert spec["type"] == "LoadBalancer" and spec["ports"][0]["nodePort"] == 30008
    cip = check_chart(
        files, "shop", tmp_path / "cip", values={"web": {"service": {"type": "ClusterIP"}}}
    )
    spec = find(cip, "Service", "rel-shop-web")["spec"]
    assert spec["type"] == "ClusterIP" and "nodePort" not in spec["ports"][0]

    files = render_chart(_example("cloud-shop"), "0.1.0")
    values = {"web": {"service": {"type": "NodePort"}}, "cache": {"service": {"type": "NodePort"}}}
    objects = check_chart(files, "cloud-shop", tmp_path / "np", values=values)
    web = find(objects, "Service", "rel-cloud-shop-web")["spec"]
    assert web["type"] == "NodePort" and web["externalTrafficPolicy"] == "Local"
    assert "loadBalancerSourceRanges" not in web
    assert "clusterIP" not in find(objects, "Service", "rel-cloud-shop-cache")["spec"]


@pytest.mark.parametrize("release", ["1app", "my.app"])
def test_release_names_that_make_invalid_service_names_fail_clearly(release, tmp_path):
    import helm_python

    chart = write_chart_dir(render_chart(_example("seed-shop"), "0.1.0"), "shop", tmp_path)
    with pytest.raises(helm_python.HelmRenderError, match="not a valid Kubernetes Service name"):
        render_manifests(chart, release=release)


def test_long_release_names_keep_the_component_suffix(tmp_path):
    release = "r" * 53
    objects = _objects(_example("seed-shop"), tmp_path, release=release)
    names = [o["metadata"]["name"] for o in objects if o["kind"] in ("Service", "Deployment")]
    assert all(len(n) <= 63 for n in names)
    assert {n.rsplit("-", 1)[-1] for n in names} >= {"web", "api"}
    assert any(n.endswith("-orders-db") for n in names)


def test_long_names_of_two_releases_stay_distinct(tmp_path):
    document = _example("seed-shop")
    long_name = "orders-" + "x" * 40
    document["components"][2]["name"] = long_name
    document["components"][1]["dependsOn"] = [long_name]
    files = render_chart(document, "0.1.0")
    releases = ["team-payments-production-" + "a" * 20, "team-payments-production-" + "b" * 20]
    names = []
    for release in releases:
        objects = check_chart(files, "shop", tmp_path / release[-1], release=release)
        names.append({o["metadata"]["name"] for o in objects if o["kind"] == "Service"})
    assert not names[0] & names[1]
    for name in names[0] | names[1]:
        assert len(name) <= 63
        assert name.startswith("team-p")
    assert sum(n.endswith("-" + long_name) for n in names[0] | names[1]) == 2


def test_fixed_service_name_is_used_by_callers(tmp_path):
    document = _example("seed-shop")
    document["components"][1]["service"] = {"name": "shop-api"}
    objects = _objects(document, tmp_path)
    assert find(objects, "Service", "shop-api")
    assert _env(find(objects, "Deployment", "rel-shop-web"))["API_HOST"] == "shop-api"
    assert find(objects, "Deployment", "rel-shop-api")


def _full_document() -> dict:
    return {
        "name": "full",
        "appVersion": "6.10",
        "components": [
            {
                "name": "web",
                "role": "frontend",
                "image": "nginx:1.27",
                "ports": [{"name": "http", "port": 80}, {"name": "https", "port": 443, "targetPort": 8443}],
                "service": {"type": "ClusterIP", "sessionAffinity": "ClientIP",
                            "sessionAffinityTimeoutSeconds": 600,
                            "ipFamilyPolicy": "PreferDualStack", "ipFamilies": ["IPv4", "IPv6"]},
                "ingress": {"host": "shop.example.com", "path": "/app", "className": "nginx",
                            "tlsSecret": "shop-tls"},
                "dependsOn": [{"name": "api", "env": {"API_URL": "http://{host}:{port.grpc}/v1",
                                                      "API_ADDR": "{host}:{port}"}}],
                "probes": {"startup": {"tcpSocket": {"port": "http"}, "failureThreshold": 30},
                           "readiness": {"httpGet": {"path": "/ready", "port": "https"}}},
            },
            {
                "name": "api",
                "role": "backend",
                "image": "registry:5000/api@sha256:" + "a" * 64,
                "ports": [{"name": "http", "port": 8080}, {"name": "grpc", "port": 9090}],
                "service": {"type": "LoadBalancer", "loadBalancerClass": "example.com/lb",
                            "externalTrafficPolicy": "Cluster"},
                "replicas": 0,
                "healthPath": "/healthz",
            },
            {"name": "jobs", "role": "worker", "image": "busybox", "command": ["sh", "-c"],
             "args": ["sleep 3600"], "dependsOn": ["api", "dual-db"]},
            {"name": "dual-db", "role": "external",
             "external": {"addresses": ["192.0.2.1", "2001:db8::1", "2001:db8::2"]},
             "ports": [{"name": "pg", "port": 5432, "targetPort": 15432}]},
            {"name": "dns", "role": "external", "external": {"host": "dns.example.com"}},
        ],
    }  # fmt: skip


def test_the_whole_format_document_is_valid():
    assert validate_topology(_full_document()).document == _full_document()


def test_the_whole_format_renders(tmp_path):
    files = render_chart(_full_document(), "1.2.3")
    assert "templates/jobs-deployment.yaml" in files
    assert "templates/jobs-service.yaml" not in files
    assert "templates/api-ingress.yaml" not in files
    objects = check_chart(files, "full", tmp_path)
    web = find(objects, "Service", "rel-full-web")["spec"]
    assert web["sessionAffinityConfig"] == {"clientIP": {"timeoutSeconds": 600}}
    assert web["ipFamilies"] == ["IPv4", "IPv6"] and web["ipFamilyPolicy"] == "PreferDualStack"
    assert [p["targetPort"] for p in web["ports"]] == [80, 8443]
    api = find(objects, "Service", "rel-full-api")["spec"]
    assert api["loadBalancerClass"] == "example.com/lb" and api["type"] == "LoadBalancer"
    ingress = find(objects, "Ingress", "rel-full-web")["spec"]
    assert ingress["ingressClassName"] == "nginx"
    assert ingress["tls"] == [{"secretName": "shop-tls", "hosts": ["shop.example.com"]}]
    rule = ingress["rules"][0]
    assert rule["host"] == "shop.example.com"
    assert rule["http"]["paths"][0]["backend"]["service"] == {
        "name": "rel-full-web",
        "port": {"number": 80},
    }
    web_pods = find(objects, "Deployment", "rel-full-web")
    assert _env(web_pods) == {
        "API_ADDR": "rel-full-api:8080",
        "API_URL": "http://rel-full-api:9090/v1",
    }
    container = web_pods["spec"]["template"]["spec"]["containers"][0]
    assert container["readinessProbe"] == {"httpGet": {"path": "/ready", "port": "https"}}
    assert "livenessProbe" not in container
    assert container["startupProbe"] == {"tcpSocket": {"port": "http"}, "failureThreshold": 30}
    api_pods = find(objects, "Deployment", "rel-full-api")
    assert api_pods["spec"]["replicas"] == 0
    api_container = api_pods["spec"]["template"]["spec"]["containers"][0]
    assert api_container["livenessProbe"] == {"httpGet": {"path": "/healthz", "port": 8080}}
    assert api_container["readinessProbe"] == api_container["livenessProbe"]
    assert api_pods["spec"]["template"]["spec"]["containers"][0]["image"] == (
        "registry:5000/api@sha256:" + "a" * 64
    )
    jobs = find(objects, "Deployment", "rel-full-jobs")
    assert _env(jobs) == {
        "API_HOST": "rel-full-api", "API_PORT": "8080",
        "DUAL_DB_HOST": "rel-full-dual-db", "DUAL_DB_PORT": "5432",
    }  # fmt: skip
    assert "ports" not in jobs["spec"]["template"]["spec"]["containers"][0]
    slices = {o["addressType"]: o for o in objects if o["kind"] == "EndpointSlice"}
    assert [e["addresses"][0] for e in slices["IPv6"]["endpoints"]] == [
        "2001:db8::1",
        "2001:db8::2",
    ]
    assert [e["addresses"][0] for e in slices["IPv4"]["endpoints"]] == ["192.0.2.1"]
    assert slices["IPv4"]["ports"] == [{"name": "pg", "port": 15432, "protocol": "TCP"}]
    dns = find(objects, "Service", "rel-full-dns")["spec"]
    assert dns == {"type": "ExternalName", "externalName": "dns.example.com"}
    for obj in objects:
        assert obj["metadata"]["labels"]["app.kubernetes.io/version"] == "6.10"


def test_notes_say_how_to_reach_each_exposed_component(tmp_path):
    chart = write_chart_dir(render_chart(_example("seed-shop"), "0.1.0"), "shop", tmp_path)
    notes = render_manifests(chart)["shop/templates/NOTES.txt"]
    assert "web: NodePort Service rel-shop-web" in notes
    assert 'jsonpath="{.spec.ports[0].nodePort}"' in notes
    assert "rel-shop-api" not in notes  # a backend on ClusterIP is not exposed
    notes = render_manifests(chart, values={"web": {"service": {"type": "ClusterIP"}}})
    assert "kubectl port-forward services/rel-shop-web 8080:80" in notes["shop/templates/NOTES.txt"]
    notes = render_manifests(chart, values={"web": {"service": {"type": "LoadBalancer"}}})
    assert ".status.loadBalancer.ingress[0]" in notes["shop/templates/NOTES.txt"]


def test_chart_yaml_and_files(tmp_path):
    files = render_chart(_example("seed-shop"), "1.4.0")
    assert yaml.safe_load(files["Chart.yaml"]) == {
        "apiVersion": "v2",
        "name": "shop",
        "description": "Front end, back end and an external data source",
        "type": "application",
        "version": "1.4.0",
        "appVersion": "1.0.0",
    }
    assert (
        'version: "1.4.0"' in files["Chart.yaml"] and 'appVersion: "1.0.0"' in files["Chart.yaml"]
    )
    assert {".helmignore", "README.md", "templates/_helpers.tpl", "templates/NOTES.txt"} <= set(
        files
    )
    assert "| orders-db | `ordersDb` | external | ExternalName |" in files["README.md"]
    assert list(files) == sorted(files)
    assert render_chart(_example("seed-shop"), "1.4.0") == files


def test_render_does_not_change_the_document():
    document = _full_document()
    before = copy.deepcopy(document)
    render_chart(document, "0.1.0")
    assert document == before


@pytest.mark.parametrize(
    ("names", "bad"),
    [
        (["Web", "api"], 0),
        (["1web", "api"], 0),
        (["web.api", "api"], 0),
        (["global", "api"], 0),
        (["name-override", "api"], 0),
        (["web-api", "web--api"], 1),
    ],
)
def test_unsafe_or_colliding_component_names_are_refused(names, bad):
    document = _example("seed-shop")
    for component, name in zip(document["components"], names, strict=False):
        component["name"] = name
    with pytest.raises(TopologyInvalid) as info:
        render_chart(document, "0.1.0")
    assert [e.path for e in info.value.errors] == [("components", bad, "name")]


def test_write_chart_dir_replaces_an_older_chart_and_refuses_other_dirs(tmp_path):
    files = render_chart(_example("seed-shop"), "0.1.0")
    chart = write_chart_dir(files, "shop", tmp_path)
    (chart / "templates" / "stale-service.yaml").write_text("stale")
    assert write_chart_dir(files, "shop", tmp_path) == chart
    assert not (chart / "templates" / "stale-service.yaml").exists()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "keep.txt").write_text("x")
    with pytest.raises(FileExistsError):
        write_chart_dir(files, "other", tmp_path)
    with pytest.raises(ValueError):
        write_chart_dir({"../x": ""}, "shop", tmp_path)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"web": {"replicas": "3"}}, "/web/replicas"),
        ({"web": {"service": {"type": "Headless"}}}, "/web/service/type"),
        ({"wbe": {"replicas": 3}}, "'wbe' not allowed"),
        ({"web": {"replica": 3}}, "'replica' not allowed"),
        ({"web": {"env": {"DEBUG": True}}}, "/web/env/DEBUG"),
        ({"ordersDb": {"ports": [{"port": 0}]}}, "/ordersDb/ports/0/port"),
    ],
)
def test_values_schema_checks_install_time_values(values, message, tmp_path):
    import helm_python

    files = render_chart(_example("seed-shop"), "0.1.0")
    with helm_python.Chart.load(write_chart_dir(files, "shop", tmp_path)) as chart:
        chart.validate_schema(None)
        chart.validate_schema({"web": {"replicas": 5, "service": {"type": "LoadBalancer"}}})
        with pytest.raises(helm_python.HelmValuesError, match=re.escape(message)):
            chart.validate_schema(values)


def _matches(selector: dict, labels: dict) -> bool:
    return selector.items() <= labels.items()


def test_network_policies_admit_only_callers_when_enabled(tmp_path):
    files = render_chart(_full_document(), "0.1.0")
    assert not [
        o for o in check_chart(files, "full", tmp_path / "off") if o["kind"] == "NetworkPolicy"
    ]
    objects = check_chart(
        files, "full", tmp_path / "on", values={"networkPolicy": {"enabled": True}}
    )
    policies = {o["metadata"]["name"]: o["spec"] for o in objects if o["kind"] == "NetworkPolicy"}
    assert set(policies) == {"rel-full-web", "rel-full-api", "rel-full-jobs"}
    pods = {
        o["metadata"]["labels"]["app.kubernetes.io/component"]: o["spec"]["template"]["metadata"][
            "labels"
        ]
        for o in objects
        if o["kind"] == "Deployment"
    }
    api = policies["rel-full-api"]
    assert _matches(api["podSelector"]["matchLabels"], pods["api"])
    (rule,) = api["ingress"]
    admitted = {
        c
        for c, labels in pods.items()
        if any(_matches(p["podSelector"]["matchLabels"], labels) for p in rule["from"])
    }
    assert admitted == {"web", "jobs"}
    assert rule["ports"] == [{"port": 8080, "protocol": "TCP"}, {"port": 9090, "protocol": "TCP"}]
    web = policies["rel-full-web"]
    assert web["ingress"] == [
        {"ports": [{"port": 80, "protocol": "TCP"}, {"port": 8443, "protocol": "TCP"}]}
    ]
    assert policies["rel-full-jobs"]["ingress"] == []


def test_helm_test_pods_try_each_edge_and_no_service_selects_them(tmp_path):
    objects = _objects(_full_document(), tmp_path, values={"networkPolicy": {"enabled": True}})
    tests = {o["metadata"]["name"]: o for o in objects if o["kind"] == "Pod"}
    assert set(tests) == {"rel-full-web-test", "rel-full-jobs-test"}
    jobs = tests["rel-full-jobs-test"]
    assert jobs["metadata"]["annotations"]["helm.sh/hook"] == "test"
    edges = [{e["name"]: e["value"] for e in c["env"]} for c in jobs["spec"]["containers"]]
    assert edges == [
        {"TARGET_HOST": "rel-full-api", "TARGET_PORT": "8080"},
        {"TARGET_HOST": "rel-full-dual-db", "TARGET_PORT": "5432"},
    ]
    for svc in (o for o in objects if o["kind"] == "Service" and "selector" in o["spec"]):
        for pod in tests.values():
            assert not _matches(svc["spec"]["selector"], pod["metadata"]["labels"])
    api_policy = find(objects, "NetworkPolicy", "rel-full-api")["spec"]["ingress"][0]["from"]
    assert any(
        _matches(p["podSelector"]["matchLabels"], jobs["metadata"]["labels"]) for p in api_policy
    )


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_chart_matches_golden_files(example):
    from tests.golden_refresh import GOLDEN_DIR, golden_files

    golden = GOLDEN_DIR / example.stem
    assert golden.is_dir(), f"no golden chart for {example.name}: run `make goldens`"
    stored = {
        p.relative_to(golden).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(golden.rglob("*"))
        if p.is_file()
    }
    fresh = golden_files(example)
    assert sorted(fresh) == sorted(stored), "chart files changed: review, then `make goldens`"
    for path, text in fresh.items():
        assert text == stored[path], f"{path} changed: review the diff, then `make goldens`"


@pytest.fixture(scope="module")
def seed_chart(tmp_path_factory):
    """The seed example's chart directory, written once for the property tests."""
    files = render_chart(_example("seed-shop"), "0.1.0")
    return write_chart_dir(files, "shop", tmp_path_factory.mktemp("seed"))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=st.text(st.characters(exclude_categories=("Cs",)), max_size=40))
def test_any_env_value_and_annotation_survive_helm(value, seed_chart):
    values = {
        "web": {
            "env": {"ANY": value},
            "service": {"annotations": {"example.com/any": value}},
        }
    }
    objects = parse_manifests(render_manifests(seed_chart, values))
    assert _env(find(objects, "Deployment", "rel-shop-web"))["ANY"] == value
    service = find(objects, "Service", "rel-shop-web")
    assert service["metadata"]["annotations"] == {"example.com/any": value}


def test_app_version_that_is_no_label_value_is_left_out_of_labels(tmp_path):
    document = _example("seed-shop")
    document["appVersion"] = "2.3.1 (beta)"
    files = render_chart(document, "0.1.0")
    assert yaml.safe_load(files["Chart.yaml"])["appVersion"] == "2.3.1 (beta)"
    for obj in check_chart(files, "shop", tmp_path):
        assert "app.kubernetes.io/version" not in obj["metadata"]["labels"]


ODD_TOPOLOGIES = {
    "worker-only": [{"name": "jobs", "role": "worker", "image": "busybox"}],
    "external-host-only": [
        {"name": "dns", "role": "external", "external": {"host": "dns.example.com."}}
    ],
    "dns-on-tcp-and-udp": [
        {
            "name": "dns",
            "role": "frontend",
            "image": "coredns/coredns:1.11.1",
            "ports": [
                {"name": "dns-udp", "port": 53, "protocol": "UDP", "nodePort": 30053},
                {"name": "dns-tcp", "port": 53, "protocol": "TCP", "nodePort": 30053},
            ],
        }
    ],
    "ipv6-only-external": [
        {"name": "app", "role": "frontend", "image": "nginx", "ports": [{"port": 80}],
         "dependsOn": ["db"]},
        {"name": "db", "role": "external", "external": {"addresses": ["2001:db8::10"]},
         "ports": [{"port": 5432}], "service": {"ipFamilyPolicy": "SingleStack",
                                               "ipFamilies": ["IPv6"]}},
    ],
    "backend-on-node-port": [
        {"name": "api", "role": "backend", "image": "nginx",
         "ports": [{"port": 8080, "nodePort": 31000}],
         "service": {"type": "NodePort", "externalTrafficPolicy": "Local"}},
    ],
}  # fmt: skip


@pytest.mark.parametrize("components", ODD_TOPOLOGIES.values(), ids=ODD_TOPOLOGIES.keys())
def test_unusual_but_valid_topologies_render(components, tmp_path):
    document = validate_topology({"name": "odd", "components": components}).document
    objects = _objects(document, tmp_path, values={"networkPolicy": {"enabled": True}})
    services = [o for o in objects if o["kind"] == "Service"]
    assert len(services) == sum(c["role"] != "worker" for c in components)
    for service in services:
        if service["spec"]["type"] == "ClusterIP":
            assert all("nodePort" not in p for p in service["spec"].get("ports", []))


def test_wiring_fills_each_placeholder_once_and_nothing_else(tmp_path):
    """Patterns are cut into placeholders and text in one pass: what a substitution
    writes is never read as a placeholder again, and lone braces stay text."""
    edge = {
        "name": "api",
        "env": {
            "NESTED": "{port.{host}}",
            "BRACES": "x{y{host}}z{",
            "URL": "http://{host}:{port.http}/v1 {port}",
            "DOUBLE": "{{host}}",
        },
    }
    doc = {
        "name": "shop",
        "components": [
            {
                "name": "web",
                "role": "frontend",
                "image": "nginx",
                "ports": [{"port": 80}],
                "dependsOn": [edge],
            },
            {
                "name": "api",
                "role": "backend",
                "image": "x",
                "ports": [{"name": "http", "port": 8080}],
            },
        ],
    }
    validate_topology(doc)
    objects = check_chart(render_chart(doc, "0.1.0"), "shop", tmp_path, release="r")
    container = find(objects, "Deployment", "r-shop-web")["spec"]["template"]["spec"]["containers"][
        0
    ]
    assert {e["name"]: e["value"] for e in container["env"]} == {
        "NESTED": "{port.r-shop-api}",
        "BRACES": "x{yr-shop-api}z{",
        "URL": "http://r-shop-api:8080/v1 8080",
        "DOUBLE": "{r-shop-api}",
    }


def test_service_ports_sharing_a_target_list_the_container_port_once(tmp_path):
    """Server-side apply keys container ports by (containerPort, protocol): list each once."""
    ports = [
        {"name": "http", "port": 80, "targetPort": 8080},
        {"name": "alt", "port": 8080},
        {"name": "dns", "port": 53, "targetPort": 8080, "protocol": "UDP"},
    ]
    doc = {
        "name": "shop",
        "components": [{"name": "web", "role": "frontend", "image": "nginx", "ports": ports}],
    }
    validate_topology(doc)
    objects = check_chart(render_chart(doc, "0.1.0"), "shop", tmp_path, release="r")
    container = find(objects, "Deployment", "r-shop-web")["spec"]["template"]["spec"]["containers"][
        0
    ]
    assert container["ports"] == [
        {"containerPort": 8080, "protocol": "TCP", "name": "http"},
        {"containerPort": 8080, "protocol": "UDP", "name": "dns"},
    ]
    service = find(objects, "Service", "r-shop-web")["spec"]["ports"]
    assert [(p["port"], p["targetPort"]) for p in service] == [(80, 8080), (8080, 8080), (53, 8080)]

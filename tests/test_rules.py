"""The topology rules, each on both sides of its boundary, with the path of the error."""

from __future__ import annotations

import copy
import datetime

import pytest

from svcgen.errors import TopologyInvalid
from svcgen.topology import validate_topology
from tests.examples import shop_document


def base() -> dict:
    """A small valid topology: a NodePort frontend calling a ClusterIP backend calling a DB."""
    return {
        "name": "shop",
        "components": [
            {
                "name": "web",
                "role": "frontend",
                "image": "nginx:1.27",
                "ports": [{"name": "http", "port": 80, "nodePort": 30008}],
                "dependsOn": ["api"],
            },
            {
                "name": "api",
                "role": "backend",
                "image": "ghcr.io/example/api:1.0",
                "ports": [{"port": 8080}],
                "dependsOn": ["db"],
            },
            {"name": "db", "role": "external", "external": {"host": "db.example.com"}},
        ],
    }


def with_(path: str, value, doc: dict | None = None) -> dict:
    """A copy of ``doc`` (default :func:`base`) with the dotted ``path`` set to ``value``;
    the value ``DELETE`` removes the key."""
    doc = copy.deepcopy(doc or base())
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    node = doc
    for p in parents:
        node = node.setdefault(p, {}) if isinstance(node, dict) else node[p]
    if value is DELETE:
        del node[last]
    else:
        node[last] = value
    return doc


DELETE = object()


def errors_of(doc: dict, **kwargs) -> dict[str, str]:
    """``{dotted path: message}`` of every error, or ``{}`` when the document is valid."""
    try:
        validate_topology(doc, **kwargs)
    except TopologyInvalid as exc:
        return {e.field: e.message for e in exc.errors}
    return {}


def test_base_is_valid_without_warnings():
    assert errors_of(base()) == {}
    assert validate_topology(base()).warnings == []


# (path, value, the error's path or None when valid)
def annotations_of(total: int) -> dict[str, str]:
    """32 annotations, each value within its 8192-character limit, whose keys and
    values add up to ``total`` bytes."""
    size = total - 3 * 32
    return {f"a{i:02}": "x" * (size // 32 + (i < size % 32)) for i in range(32)}


CASES = [
    # topology name: DNS-1123 label, at most 53 (Helm's release-name limit)
    ("name", "a" * 53, None),
    ("name", "a" * 54, "name"),
    ("name", "1shop", None),
    ("name", "Shop", "name"),
    ("name", "shop.v2", "name"),
    ("name", "shop-", "name"),
    ("name", 5, "name"),
    # component name: DNS-1035 label (Service name syntax)
    ("components.0.name", "web-v2", None),
    ("components.0.name", "1web", "components.0.name"),
    ("components.0.name", "web_v2", "components.0.name"),
    ("components.0.name", "Web", "components.0.name"),
    # port name: IANA service name (the container port carries it)
    ("components.0.ports.0.name", "a" * 15, None),
    ("components.0.ports.0.name", "a" * 16, "components.0.ports.0.name"),
    ("components.0.ports.0.name", "8080", "components.0.ports.0.name"),
    ("components.0.ports.0.name", "http--alt", "components.0.ports.0.name"),
    ("components.0.ports.0.name", "HTTP", "components.0.ports.0.name"),
    # port and targetPort: 1..65535, numbers only
    ("components.1.ports.0.port", 1, None),
    ("components.1.ports.0.port", 65535, None),
    ("components.1.ports.0.port", 0, "components.1.ports.0.port"),
    ("components.1.ports.0.port", 65536, "components.1.ports.0.port"),
    ("components.1.ports.0.port", "8080", "components.1.ports.0.port"),
    ("components.1.ports.0.port", True, "components.1.ports.0.port"),
    ("components.1.ports.0.port", 80.5, "components.1.ports.0.port"),
    ("components.1.ports.0.targetPort", 65535, None),
    ("components.1.ports.0.targetPort", 0, "components.1.ports.0.targetPort"),
    # protocol
    ("components.1.ports.0.protocol", "SCTP", None),
    ("components.1.ports.0.protocol", "tcp", "components.1.ports.0.protocol"),
    ("components.1.ports.0.protocol", "HTTP", "components.1.ports.0.protocol"),
    # nodePort: inside 30000-32767, only on NodePort / LoadBalancer
    ("components.0.ports.0.nodePort", 30000, None),
    ("components.0.ports.0.nodePort", 32767, None),
    ("components.0.ports.0.nodePort", 29999, "components.0.ports.0.nodePort"),
    ("components.0.ports.0.nodePort", 32768, "components.0.ports.0.nodePort"),
    ("components.1.ports.0.nodePort", 30080, "components.1.ports.0.nodePort"),
    # Service types by role
    ("components.0.service", {"type": "LoadBalancer"}, None),
    ("components.0.service", {"type": "ExternalName"}, "components.0.service.type"),
    ("components.0.service", {"type": "nodeport"}, "components.0.service.type"),
    ("components.1.service", {"type": "ExternalName"}, "components.1.service.type"),
    ("components.2.service", {"type": "ClusterIP"}, "components.2.service.type"),
    ("components.2.service", {"type": "ExternalName"}, None),
    # headless only on ClusterIP
    ("components.1.service", {"headless": True}, None),
    ("components.0.service", {"headless": True}, "components.0.service.headless"),
    ("components.1.service", {"headless": "yes"}, "components.1.service.headless"),
    # traffic policy and LoadBalancer-only fields
    ("components.0.service", {"externalTrafficPolicy": "Local"}, None),
    (
        "components.1.service",
        {"externalTrafficPolicy": "Cluster"},
        "components.1.service.externalTrafficPolicy",
    ),
    (
        "components.0.service",
        {"externalTrafficPolicy": "Global"},
        "components.0.service.externalTrafficPolicy",
    ),
    (
        "components.0.service",
        {"type": "LoadBalancer", "loadBalancerSourceRanges": ["10.0.0.0/8"]},
        None,
    ),
    (
        "components.0.service",
        {"loadBalancerSourceRanges": ["10.0.0.0/8"]},
        "components.0.service.loadBalancerSourceRanges",
    ),
    (
        "components.0.service",
        {"type": "LoadBalancer", "loadBalancerSourceRanges": ["10.0.0.0/33"]},
        "components.0.service.loadBalancerSourceRanges.0",
    ),
    (
        "components.0.service",
        {"type": "LoadBalancer", "loadBalancerSourceRanges": ["10.0.0.1"]},
        "components.0.service.loadBalancerSourceRanges.0",
    ),
    ("components.0.service", {"type": "LoadBalancer", "loadBalancerClass": "example.com/lb"}, None),
    (
        "components.0.service",
        {"loadBalancerClass": "example.com/lb"},
        "components.0.service.loadBalancerClass",
    ),
    (
        "components.0.service",
        {"type": "LoadBalancer", "loadBalancerClass": "example.com/a/b"},
        "components.0.service.loadBalancerClass",
    ),
    # session affinity
    (
        "components.1.service",
        {"sessionAffinity": "ClientIP", "sessionAffinityTimeoutSeconds": 86400},
        None,
    ),
    (
        "components.1.service",
        {"sessionAffinity": "ClientIP", "sessionAffinityTimeoutSeconds": 86401},
        "components.1.service.sessionAffinityTimeoutSeconds",
    ),
    (
        "components.1.service",
        {"sessionAffinity": "ClientIP", "sessionAffinityTimeoutSeconds": 0},
        "components.1.service.sessionAffinityTimeoutSeconds",
    ),
    ("components.1.service", {"sessionAffinity": "Cookie"}, "components.1.service.sessionAffinity"),
    # IP families
    (
        "components.1.service",
        {"ipFamilyPolicy": "PreferDualStack", "ipFamilies": ["IPv4", "IPv6"]},
        None,
    ),
    (
        "components.1.service",
        {"ipFamilyPolicy": "SingleStack", "ipFamilies": ["IPv4", "IPv6"]},
        "components.1.service.ipFamilyPolicy",
    ),
    (
        "components.1.service",
        {"ipFamilyPolicy": "PreferDualStack", "ipFamilies": ["IPv4", "IPv4"]},
        "components.1.service.ipFamilies.1",
    ),
    ("components.1.service", {"ipFamilies": ["IPv5"]}, "components.1.service.ipFamilies.0"),
    (
        "components.2.service",
        {"ipFamilyPolicy": "SingleStack"},
        "components.2.service.ipFamilyPolicy",
    ),
    # annotations: key syntax (lower-cased first) and total size
    ("components.0.service", {"annotations": {"Example.COM/Owner": "Team A: anything!"}}, None),
    (
        "components.0.service",
        {"annotations": {"my key": "x"}},
        "components.0.service.annotations.my key",
    ),
    ("components.0.service", {"annotations": annotations_of(256 * 1024)}, None),
    (
        "components.0.service",
        {"annotations": annotations_of(256 * 1024 + 1)},
        "components.0.service.annotations",
    ),
    ("components.0.service", {"annotations": {"a": 1}}, "components.0.service.annotations.a"),
    # labels: syntax, and never the chart's own keys
    ("labels", {"team": "payments", "example.com/tier": "Backend"}, None),
    ("labels", {"team": "web server"}, "labels.team"),
    ("labels", {"team": "x" * 64}, "labels.team"),
    ("labels", {"app.kubernetes.io/name": "x"}, "labels.app.kubernetes.io/name"),
    ("labels", {"helm.sh/chart": "x"}, "labels.helm.sh/chart"),
    # ExternalName host: a DNS name, never an IP; one trailing dot allowed
    ("components.2.external.host", "db.example.com.", None),
    ("components.2.external.host", "10.1.2.3", "components.2.external.host"),
    ("components.2.external.host", "Db.Example.com", "components.2.external.host"),
    ("components.2.external.host", "my_db.example.com", "components.2.external.host"),
    ("components.2.external.host", "a" * 254, "components.2.external.host"),
    # external addresses: IPs, non-special, with ports
    ("components.2.external", {"addresses": ["192.0.2.10", "2001:db8::10"]}, "components.2.ports"),
    ("components.2.external", {"addresses": ["999.0.2.10"]}, "components.2.external.addresses.0"),
    ("components.2.external", {"addresses": ["127.0.0.1"]}, "components.2.external.addresses.0"),
    (
        "components.2.external",
        {"host": "db.example.com", "addresses": ["192.0.2.10"]},
        "components.2.external",
    ),
    ("components.2.external", DELETE, "components.2.external"),
    # roles
    ("components.2.image", "postgres:16", "components.2.image"),
    ("components.1.image", DELETE, "components.1.image"),
    ("components.1.ports", [], "components.1.ports"),
    ("components.1.ingress", {"host": "api.example.com"}, "components.1.ingress"),
    ("components.0.ingress", {"host": "*.example.com", "path": "/"}, None),
    ("components.1.role", "database", "components.1.role"),
    # replicas
    ("components.1.replicas", 0, None),
    ("components.1.replicas", 1000, None),
    ("components.1.replicas", 1001, "components.1.replicas"),
    ("components.1.replicas", -1, "components.1.replicas"),
    # env: C identifiers, string values only
    ("components.1.env", {"LOG_LEVEL": "info", "_X": ""}, None),
    ("components.1.env", {"LOG-LEVEL": "info"}, "components.1.env.LOG-LEVEL"),
    ("components.1.env", {"DEBUG": True}, "components.1.env.DEBUG"),
    ("components.1.env", {"RETRIES": 3}, "components.1.env.RETRIES"),
    # secretEnv
    (
        "components.1.secretEnv",
        [{"name": "DB_PASSWORD", "secret": "shop-db", "key": "password"}],
        None,
    ),
    (
        "components.1.secretEnv",
        [{"name": "DB_PASSWORD", "secret": "Shop_DB", "key": "password"}],
        "components.1.secretEnv.0.secret",
    ),
    (
        "components.1.secretEnv",
        [{"name": "DB_PASSWORD", "secret": "shop-db"}],
        "components.1.secretEnv.0.key",
    ),
    # resources: quantities
    (
        "components.1.resources",
        {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": 1}},
        None,
    ),
    (
        "components.1.resources",
        {"requests": {"cpu": "lots"}},
        "components.1.resources.requests.cpu",
    ),
    # images
    ("components.1.image", "localhost:5000/team/api@sha256:" + "a" * 64, None),
    ("components.1.image", "nginx latest", "components.1.image"),
    # chartVersion: SemVer 2
    ("chartVersion", "1.4.0", None),
    ("chartVersion", "1.0.0-rc.1+build.5", None),
    ("chartVersion", "v1.2.3", "chartVersion"),
    ("chartVersion", "1.2", "chartVersion"),
    ("chartVersion", "01.2.3", "chartVersion"),
    ("appVersion", 1.1, "appVersion"),
    # healthPath
    ("components.1.healthPath", "/healthz", None),
    ("components.1.healthPath", "healthz", "components.1.healthPath"),
    # chartVersion numbers fit Helm's uint64
    ("chartVersion", f"{2**64 - 1}.0.0", None),
    ("chartVersion", f"{2**64}.0.0", "chartVersion"),
    # container resources (ValidateResourceRequirements)
    ("components.1.resources", {"requests": {"cpu": "1"}, "limits": {"cpu": "1"}}, None),
    (
        "components.1.resources",
        {"requests": {"cpu": "2"}, "limits": {"cpu": "1"}},
        "components.1.resources.requests.cpu",
    ),
    (
        "components.1.resources",
        {"requests": {"memory": "1Gi"}, "limits": {"memory": "1024Mi"}},
        None,
    ),
    (
        "components.1.resources",
        {"requests": {"memory": "1025Mi"}, "limits": {"memory": "1Gi"}},
        "components.1.resources.requests.memory",
    ),
    ("components.1.resources", {"requests": {"cpu": "-1"}}, "components.1.resources.requests.cpu"),
    ("components.1.resources", {"requests": {"foo": "1"}}, "components.1.resources.requests.foo"),
    (
        "components.1.resources",
        {"requests": {"kubernetes.io/foo": "1"}},
        "components.1.resources.requests.kubernetes.io/foo",
    ),
    ("components.1.resources", {"limits": {"nvidia.com/gpu": "1"}}, None),
    (
        "components.1.resources",
        {"requests": {"nvidia.com/gpu": 1}, "limits": {"nvidia.com/gpu": 1}},
        None,
    ),
    (
        "components.1.resources",
        {"limits": {"nvidia.com/gpu": "0.5"}},
        "components.1.resources.limits.nvidia.com/gpu",
    ),
    (
        "components.1.resources",
        {"requests": {"nvidia.com/gpu": "1"}},
        "components.1.resources.limits",
    ),
    (
        "components.1.resources",
        {"requests": {"nvidia.com/gpu": "1"}, "limits": {"nvidia.com/gpu": "2"}},
        "components.1.resources.requests.nvidia.com/gpu",
    ),
    ("components.1.resources", {"limits": {"hugepages-2Mi": "100Mi", "memory": "1Gi"}}, None),
    (
        "components.1.resources",
        {"requests": {"hugepages-2Mi": "100Mi", "memory": "1Gi"}},
        "components.1.resources.limits",
    ),
    ("components.1.resources", {"limits": {"hugepages-2Mi": "100Mi"}}, "components.1.resources"),
    (
        "components.1.resources",
        {"limits": {"hugepages-big": "1"}},
        "components.1.resources.limits.hugepages-big",
    ),
    # probes: liveness and startup succeed after one success
    (
        "components.1.probes",
        {"readiness": {"tcpSocket": {"port": 8080}, "successThreshold": 3}},
        None,
    ),
    (
        "components.1.probes",
        {"liveness": {"tcpSocket": {"port": 8080}, "successThreshold": 3}},
        "components.1.probes.liveness.successThreshold",
    ),
    (
        "components.1.probes",
        {"startup": {"tcpSocket": {"port": 8080}, "successThreshold": 2}},
        "components.1.probes.startup.successThreshold",
    ),
    # ingress host is a DNS name; Exact/Prefix paths are clean
    ("components.0.ingress", {"host": "10.0.0.1"}, "components.0.ingress.host"),
    ("components.0.ingress", {"path": "//x"}, "components.0.ingress.path"),
    ("components.0.ingress", {"path": "/a/../b", "pathType": "Exact"}, "components.0.ingress.path"),
    ("components.0.ingress", {"path": "/a%2Fb"}, "components.0.ingress.path"),
    ("components.0.ingress", {"path": "/a/.."}, "components.0.ingress.path"),
    ("components.0.ingress", {"path": "/a%2Fb", "pathType": "ImplementationSpecific"}, None),
    ("components.0.ingress", {"path": "/a/b.c/d"}, None),
    # strings no object can carry: NUL, lone surrogates
    ("components.1.env", {"A": "x\x00y"}, "components.1.env.A"),
    ("components.1.command", ["run\x00"], "components.1.command.0"),
    ("description", "\ud800", "description"),
    ("description", "tab\tnewline\nemoji 🚀", None),
    # unknown fields are refused where they stand
    ("components.1.ports.0.targetport", 80, "components.1.ports.0.targetport"),
    ("components.1.prots", [], "components.1.prots"),
    ("nmae", "x", "nmae"),
    ("components", [], "components"),
    ("components", "web", "components"),
]


@pytest.mark.parametrize(
    ("path", "value", "error_path"), CASES, ids=[f"{c[0]}={str(c[1])[:30]}" for c in CASES]
)
def test_rule_boundary(path, value, error_path):
    errors = errors_of(with_(path, value))
    if error_path is None:
        assert errors == {}
    else:
        assert error_path in errors, errors
        assert errors[error_path].strip(), "every error carries a sentence"


def test_node_port_range_is_configurable():
    doc = with_("components.0.ports.0.nodePort", 20080)
    assert "components.0.ports.0.nodePort" in errors_of(doc)
    assert errors_of(doc, node_port_range=(20000, 22767)) == {}
    assert "components.0.ports.0.nodePort" in errors_of(base(), node_port_range=(20000, 22767))


def test_several_ports_need_names_and_unique_pairs():
    ports = [{"port": 80}, {"port": 443}]
    assert set(errors_of(with_("components.1.ports", ports))) == {
        "components.1.ports.0.name",
        "components.1.ports.1.name",
    }
    same = [{"name": "a", "port": 53}, {"name": "b", "port": 53, "protocol": "TCP"}]
    assert "components.1.ports.1" in errors_of(with_("components.1.ports", same))
    dns = [{"name": "dns", "port": 53}, {"name": "dns-udp", "port": 53, "protocol": "UDP"}]
    assert errors_of(with_("components.1.ports", dns)) == {}
    dup_names = [{"name": "a", "port": 1}, {"name": "a", "port": 2}]
    assert "components.1.ports.1.name" in errors_of(with_("components.1.ports", dup_names))


def test_node_ports_belong_to_one_service():
    doc = with_("components.1.service", {"type": "NodePort"})
    doc = with_("components.1.ports.0.nodePort", 30008, doc)
    assert "components.1.ports.0.nodePort" in errors_of(doc)
    # within one Service, the same port on TCP and UDP may share one nodePort
    ports = [
        {"name": "dns", "port": 53, "nodePort": 30053},
        {"name": "dns-udp", "port": 53, "protocol": "UDP", "nodePort": 30053},
    ]
    assert errors_of(with_("components.0.ports", ports)) == {}
    ports[1]["port"] = 54
    assert "components.0.ports.1.nodePort" in errors_of(with_("components.0.ports", ports))


def test_dependency_rules():
    assert "components.1.dependsOn.0" in errors_of(with_("components.1.dependsOn", ["nope"]))
    assert "components.1.dependsOn.0" in errors_of(with_("components.1.dependsOn", ["api"]))
    assert "components.1.dependsOn.1" in errors_of(with_("components.1.dependsOn", ["db", "db"]))
    assert "components.2.dependsOn" in errors_of(with_("components.2.dependsOn", ["api"]))
    doc = base()
    doc["components"].append(
        {"name": "jobs", "role": "worker", "image": "busybox", "dependsOn": ["api"]}
    )
    assert errors_of(doc) == {}
    doc["components"][0]["dependsOn"] = ["api", "jobs"]
    assert "components.0.dependsOn.1" in errors_of(doc)


def test_edge_env_patterns():
    edge = {"name": "api", "env": {"API_URL": "http://{host}:{port}/v1"}}
    assert errors_of(with_("components.0.dependsOn", [edge])) == {}
    named = {"name": "web", "env": {"WEB": "{host}:{port.http}"}}
    assert errors_of(with_("components.1.dependsOn", ["db", named])) == {}
    typo = {"name": "api", "env": {"API_URL": "http://{hots}:{port}"}}
    assert "components.0.dependsOn.0.env.API_URL" in errors_of(
        with_("components.0.dependsOn", [typo])
    )
    unknown_port = {"name": "api", "env": {"API_URL": "{port.grpc}"}}
    assert "components.0.dependsOn.0.env.API_URL" in errors_of(
        with_("components.0.dependsOn", [unknown_port])
    )
    no_ports = {"name": "db", "env": {"DB": "{host}:{port}"}}
    assert "components.1.dependsOn.0.env.DB" in errors_of(
        with_("components.1.dependsOn", [no_ports])
    )


def test_each_env_variable_is_set_once():
    doc = with_("components.0.env", {"API_HOST": "x"})
    assert "components.0.dependsOn.0" in errors_of(doc)
    doc = with_("components.1.secretEnv", [{"name": "LOG", "secret": "s", "key": "k"}])
    doc = with_("components.1.env", {"LOG": "x"}, doc)
    assert "components.1.secretEnv.0.name" in errors_of(doc)


def test_names_unique_also_as_values_keys():
    doc = base()
    doc["components"].append(dict(doc["components"][1]))
    assert "components.3.name" in errors_of(doc)
    doc = base()
    doc["components"].append({**doc["components"][1], "name": "api-", "dependsOn": []})
    assert "components.3.name" in errors_of(doc)  # 'api-' is no DNS-1035 label anyway
    doc = with_("components.1.name", "orders-db")
    doc["components"][0]["dependsOn"] = ["orders-db"]
    doc["components"].append(
        {"name": "orders--db", "role": "external", "external": {"host": "x.example.com"}}
    )
    assert "components.3.name" in errors_of(doc)
    doc = with_("components.1.name", "network-policy")
    doc["components"][0]["dependsOn"] = ["network-policy"]
    assert "networkPolicy" in errors_of(doc)["components.1.name"]


def test_fixed_service_name_without_a_clash_is_no_warning():
    doc = with_("components.0.service", {"name": "storefront"})
    assert validate_topology(doc).warnings == []
    both = with_(
        "components.1.service", {"name": "shop-api"}, with_("components.0.service", {"name": "web"})
    )
    assert validate_topology(both).warnings == []  # api's own fixed name: no default to clash with


def test_fixed_service_name_may_not_be_a_default_name_of_the_release_named_like_the_topology():
    doc = with_("components.0.service", {"name": "shop-api"})
    assert "components.0.service.name" in errors_of(doc)
    assert "release 'shop'" in errors_of(doc)["components.0.service.name"]
    # api with its own fixed name has no default name to clash with
    doc = with_("components.1.service", {"name": "backend"}, doc)
    assert errors_of(doc) == {}


def test_fixed_service_names_unique():
    doc = with_("components.0.service", {"name": "shop"})
    doc = with_("components.1.service", {"name": "shop"}, doc)
    assert "components.1.service.name" in errors_of(doc)


def test_workers_have_no_ports_and_no_service():
    worker = {"name": "jobs", "role": "worker", "image": "busybox", "ports": [{"port": 80}]}
    doc = base()
    doc["components"].append(worker)
    assert "components.3.ports" in errors_of(doc)


def test_probe_ports_name_a_port():
    probes = {"readiness": {"httpGet": {"path": "/", "port": "http"}}}
    assert errors_of(with_("components.0.probes", probes)) == {}
    probes = {"readiness": {"httpGet": {"path": "/", "port": "admin"}}}
    assert "components.0.probes.readiness.httpGet.port" in errors_of(
        with_("components.0.probes", probes)
    )
    two = {"readiness": {"httpGet": {"path": "/", "port": 80}, "tcpSocket": {"port": 80}}}
    assert "components.0.probes.readiness" in errors_of(with_("components.0.probes", two))


def test_unknown_field_suggests_the_known_one():
    errors = errors_of(with_("components.1.ports.0.targetport", 80))
    assert "did you mean 'targetPort'" in errors["components.1.ports.0.targetport"]


def test_quoted_number_error_says_how_to_fix():
    message = errors_of(with_("components.1.ports.0.port", "8080"))["components.1.ports.0.port"]
    assert message == 'must be a whole number, written without quotes (8080, not "8080")'


@pytest.mark.parametrize(
    ("given", "says"),
    [
        (" 8080 ", 'must be a whole number, written without quotes (8080, not " 8080 ")'),
        ("-1", 'must be a whole number, written without quotes (-1, not "-1")'),
        # YAML 1.1 leaves 08080 (unquoted) a string: an 8 is no octal digit
        (
            "08080",
            'must be a whole number, written without quotes or leading zeros (8080, not "08080")',
        ),
        ("1" * 24, "must be a whole number, written without quotes"),
        ("http", "must be a whole number, not a string"),
        ("8080.0", "must be a whole number, not a string"),
        (2.5, "must be a whole number, not 2.5"),
        (8080.0, "must be a whole number, not 8080.0"),
        (True, "must be a whole number, not true"),
        ([8080], "must be a whole number, not a list"),
        ({"port": 8080}, "must be a whole number, not a mapping"),
        (datetime.date(2026, 1, 1), "must be a whole number, not a date"),
        (datetime.datetime(2026, 1, 1, 10), "must be a whole number, not a date and time"),
        ({8080}, "must be a whole number, not a set"),
        (b"8080", "must be a whole number, not binary data"),
    ],
)
def test_a_number_of_the_wrong_type_is_told_what_it_was(given, says):
    """Only a number in quotes is told to drop them, shown written right; anything else
    is named, YAML's own types (dates, sets, binary) included."""
    assert errors_of(with_("components.1.ports.0.port", given)) == {
        "components.1.ports.0.port": says
    }


def test_the_quoted_number_shown_is_the_one_sent():
    """Every whole-number field shows the user's own number, not a port's."""
    doc = with_(
        "components.1.probes", {"readiness": {"tcpSocket": {"port": 8080}, "periodSeconds": "10"}}
    )
    assert errors_of(doc) == {
        "components.1.probes.readiness.periodSeconds": (
            'must be a whole number, written without quotes (10, not "10")'
        )
    }


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("components.0.dependsOn", [None]),
        ("components.1.probes", {"readiness": {"httpGet": {"path": "/", "port": None}}}),
    ],
)
def test_null_is_told_the_same_everywhere(path, value):
    """svcgen's own fields say 'may not be null' as the others do, not marshmallow's
    'Field may not be null.'"""
    assert list(errors_of(with_(path, value)).values()) == ["may not be null"]


QUOTE_HINT = (
    "must be a string; in YAML quote values that look like numbers, booleans or null "
    '(write "yes", "0123", "6.10")'
)


@pytest.mark.parametrize(
    ("path", "given", "field", "says"),
    [
        ("components.0.image", 1.27, "components.0.image", QUOTE_HINT),
        ("components.0.image", True, "components.0.image", QUOTE_HINT),
        ("components.0.image", ["nginx"], "components.0.image", "must be a string, not a list"),
        (
            "components.0.image",
            {"repository": "nginx"},
            "components.0.image",
            "must be a string, not a mapping",
        ),
        (
            "components.0.command",
            [["run"]],
            "components.0.command.0",
            "must be a string, not a list",
        ),
        ("components.0.env", {"A": 1.0}, "components.0.env.A", f"the value {QUOTE_HINT}"),
        (
            "components.0.env",
            {"A": ["b"]},
            "components.0.env.A",
            "the value must be a string, not a list",
        ),
    ],
)
def test_a_string_of_the_wrong_type_is_told_what_it_was(path, given, field, says):
    """The YAML quoting hint is for values YAML read as numbers or booleans; a list
    or mapping where a string belongs is named instead."""
    assert errors_of(with_(path, given)) == {field: says}


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("true", 'must be true or false, written without quotes (true, not "true")'),
        (" False", 'must be true or false, written without quotes (false, not " False")'),
        ("yes", "must be true or false, not a string"),
        (1, "must be true or false, not a number"),
        (None, "may not be null"),
    ],
)
def test_a_boolean_of_the_wrong_type_is_told_what_it_was(given, says):
    doc = with_("components.1.service", {"headless": given})
    assert errors_of(doc) == {"components.1.service.headless": says}


def test_every_problem_is_reported_at_once():
    doc = with_("components.1.ports.0.port", 0)
    doc = with_("components.0.image", 3, doc)
    doc = with_("name", "Bad", doc)
    assert {"name", "components.0.image", "components.1.ports.0.port"} <= set(errors_of(doc))


WARNINGS = [
    ("components.1.service", {"type": "NodePort"}, "components.1.service.type"),
    ("components.1.service", {"type": "LoadBalancer"}, "components.1.service.type"),
    ("components.1.dependsOn", [], "components.2.name"),
    ("components.0.dependsOn", [], "components.1.name"),
    (
        "components.1.service",
        {"sessionAffinityTimeoutSeconds": 60},
        "components.1.service.sessionAffinityTimeoutSeconds",
    ),
    ("components.1.env", {"DB_PASSWORD": "hunter2"}, "components.1.env.DB_PASSWORD"),
    (
        "components.0.service",
        {"type": "LoadBalancer", "loadBalancerSourceRanges": ["10.0.0.1/8"]},
        "components.0.service.loadBalancerSourceRanges.0",
    ),
]


WARNINGS += [
    ("name", "1shop", "name"),
    ("components.0.service", {"name": "prod-api"}, "components.0.service.name"),
]


@pytest.mark.parametrize(("path", "value", "warning_path"), WARNINGS)
def test_warnings(path, value, warning_path):
    result = validate_topology(with_(path, value))
    paths = {w.field: w.message for w in result.warnings}
    assert warning_path in paths
    assert paths[warning_path].strip()


@pytest.mark.parametrize("cidr", ["2001:DB8::/32", "2001:0db8::/32", " 10.0.0.0/8 ", "10.0.0.0/8"])
def test_a_network_address_written_another_way_is_no_host_bits_warning(cidr):
    service = {"type": "LoadBalancer", "loadBalancerSourceRanges": [cidr]}
    assert validate_topology(with_("components.0.service", service)).warnings == []


def test_frontend_clusterip_with_ingress_is_no_warning():
    doc = with_("components.0.service", {"type": "ClusterIP"})
    doc = with_("components.0.ports.0.nodePort", DELETE, doc)
    assert validate_topology(doc).warnings[0].path == ("components", 0, "service", "type")
    doc = with_("components.0.ingress", {"host": "shop.example.com"}, doc)
    assert validate_topology(doc).warnings == []


def test_document_is_returned_unchanged():
    doc = base()
    assert validate_topology(copy.deepcopy(doc)).document == doc


def test_ip_hosts_are_reported_with_the_other_field_errors():
    """An IP where a DNS name belongs is a field error, found in the same pass as the
    others (it used to wait until every field error was fixed)."""
    doc = shop_document()
    doc["components"][0]["ingress"] = {"host": "192.0.2.1"}
    doc["components"][2]["external"] = {"host": "2001:db8::1"}
    doc["components"][1]["replicas"] = "3"  # an unrelated field error
    found = errors_of(doc)
    assert set(found) == {
        "components.0.ingress.host",
        "components.1.replicas",
        "components.2.external.host",
    }
    assert found["components.0.ingress.host"] == (
        "'192.0.2.1' is an IP address; an Ingress host must be a DNS name"
    )
    assert found["components.2.external.host"] == (
        "'2001:db8::1' is an IP address; an ExternalName is a DNS name, so give IPs as "
        "'addresses' instead"
    )


def test_several_ports_each_need_a_name_saying_why():
    doc = with_("components.1.ports", [{"port": 8080}, {"port": 9090}])
    says = "is required when a component has several ports: Kubernetes names each port of a Service with more than one"
    assert errors_of(doc) == {"components.1.ports.0.name": says, "components.1.ports.1.name": says}


@pytest.mark.parametrize(
    ("path", "given", "says"),
    [
        (
            "components.0.role",
            123,
            "must be one of frontend, backend, worker, external, not a number",
        ),
        (
            "components.0.role",
            ["frontend"],
            "must be one of frontend, backend, worker, external, not a list",
        ),
        (
            "components.0.ports.0.protocol",
            True,
            "must be one of TCP, UDP or SCTP (upper case), not true",
        ),
    ],
)
def test_a_word_field_given_no_string_names_its_words(path, given, says):
    """Quoting a number would not make it a role: a field that takes a few words says
    which, and what came instead."""
    assert errors_of(with_(path, given)) == {path: says}

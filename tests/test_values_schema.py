"""The chart's own values.schema.json refuses, at install time, what the cluster would
refuse: `helm install --set` of a bad Service type, nodePort or port fails with Helm's
schema error, and the nodePort bounds follow the cluster's range."""

from __future__ import annotations

import json
import re

import helm_python
import pytest
import yaml

from svcgen import syntax
from svcgen.render import render_chart, write_chart_dir
from tests.examples import EXAMPLES_DIR

SEED = yaml.safe_load((EXAMPLES_DIR / "seed-shop.yaml").read_text())


def load(tmp_path, **kwargs):
    return helm_python.Chart.load(
        write_chart_dir(render_chart(SEED, "0.1.0", **kwargs), "shop", tmp_path)
    )


@pytest.mark.parametrize(
    ("set_expression", "message"),
    [
        ("web.service.type=Bogus", "/web/service/type"),
        ("web.ports[0].nodePort=40000", "/web/ports/0/nodePort"),
        ("web.ports[0].nodePort=29999", "/web/ports/0/nodePort"),
        ("web.ports[0].port=0", "/web/ports/0/port"),
        ("web.ports[0].port=65536", "/web/ports/0/port"),
        ("api.ports[0].protocol=tcp", "/api/ports/0/protocol"),
        ("api.replicas=-1", "/api/replicas"),
    ],
)
def test_helm_set_of_a_bad_value_is_refused_by_the_charts_schema(set_expression, message, tmp_path):
    values = helm_python.parse_set_string(set_expression)
    with (
        load(tmp_path) as chart,
        pytest.raises(helm_python.HelmValuesError, match=re.escape(message)),
    ):
        chart.validate_schema(values)


@pytest.mark.parametrize(
    "set_expression",
    [
        "web.service.type=LoadBalancer",
        "web.ports[0].nodePort=32767",
        "web.ports[0].nodePort=30000",
        "api.replicas=0",
    ],
)
def test_helm_set_of_a_good_value_passes_the_schema(set_expression, tmp_path):
    # --set on a list replaces the list, as Helm does: give the whole port
    values = helm_python.parse_set_string(set_expression)
    if "ports" in values.get("web", {}):
        values["web"]["ports"][0] |= {
            "name": "http",
            "port": 80,
            "targetPort": 80,
            "protocol": "TCP",
        }
    with load(tmp_path) as chart:
        chart.validate_schema(values)


def test_node_port_bounds_follow_the_clusters_range(tmp_path):
    good = {
        "web": {
            "ports": [
                {"name": "http", "port": 80, "targetPort": 80, "protocol": "TCP", "nodePort": 20080}
            ]
        }
    }
    with load(tmp_path / "default") as chart, pytest.raises(helm_python.HelmValuesError):
        chart.validate_schema(good)
    seed = {**SEED, "components": [dict(c) for c in SEED["components"]]}
    seed["components"][0] = {**seed["components"][0], "ports": good["web"]["ports"]}
    files = render_chart(seed, "0.1.0", node_port_range=(20000, 22767))
    with helm_python.Chart.load(write_chart_dir(files, "shop", tmp_path / "custom")) as chart:
        chart.validate_schema(good)
        chart.validate_schema(None)
        with pytest.raises(helm_python.HelmValuesError, match="nodePort"):
            chart.validate_schema(
                {"web": {"ports": [{**good["web"]["ports"][0], "nodePort": 30008}]}}
            )


def test_the_service_applies_its_configured_node_port_range(make_app, tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    from tests.conftest import migrate

    migrate(url)
    client = make_app(DATABASE_URL=url, NODE_PORT_RANGE=[20000, 22767]).test_client()
    refused = client.post("/api/v1/validate", json=SEED)
    assert refused.status_code == 422
    assert refused.get_json()["errors"][0]["field"] == "components.0.ports.0.nodePort"
    assert "20000-22767" in refused.get_json()["errors"][0]["message"]
    seed = {**SEED, "components": [dict(c) for c in SEED["components"]]}
    seed["components"][0]["ports"] = [{"name": "http", "port": 80, "nodePort": 20080}]
    assert client.post("/api/v1/topologies", json=seed).status_code == 201
    files = client.get("/api/v1/topologies/shop/chart/files").get_json()
    assert '"minimum": 20000, "maximum": 22767' in files["values.schema.json"]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"api": {"ports": []}}, "/api/ports"),
        ({"api": {"replicas": 2000}}, "/api/replicas"),
        ({"commonLabels": {"a b": "c"}}, "invalid propertyName 'a b'"),
        ({"commonLabels": {"team": "web server"}}, "/commonLabels/team"),
        (
            {"web": {"service": {"type": "LoadBalancer", "loadBalancerSourceRanges": ["bad"]}}},
            "/web/service/loadBalancerSourceRanges/0",
        ),
        ({"ordersDb": {"external": {"addresses": ["not-ip"]}}}, "/ordersDb/external/addresses/0"),
        ({"web": {"service": {"annotations": {"my key": "x"}}}}, "invalid propertyName 'my key'"),
    ],
)
def test_the_schema_refuses_what_kubernetes_would(values, message, tmp_path):
    with (
        load(tmp_path) as chart,
        pytest.raises(helm_python.HelmValuesError, match=re.escape(message)),
    ):
        chart.validate_schema(values)


def test_the_schema_accepts_the_overrides_kubernetes_accepts(tmp_path):
    with load(tmp_path) as chart:
        chart.validate_schema(
            {
                "web": {
                    "service": {
                        "type": "LoadBalancer",
                        "loadBalancerSourceRanges": ["10.0.0.0/8", "2001:db8::/64"],
                    }
                }
            }
        )
        chart.validate_schema({"web": {"ports": [{"port": 80}], "service": {"type": "ClusterIP"}}})
        # the templates leave a nodePort out of a ClusterIP Service, so switching type is enough
        chart.validate_schema({"web": {"service": {"type": "ClusterIP"}}})
        chart.validate_schema(
            {
                "commonLabels": {"example.com/Tier": "Back_end.1"},
                "ordersDb": {"external": {"addresses": ["192.0.2.1", "2001:db8::1"]}},
            }
        )
        chart.validate_schema(
            {"web": {"service": {"annotations": {"Example.COM/Owner": "Team A: anything!"}}}}
        )


@pytest.mark.parametrize("name", ["80", "a--b", "-http", "http_alt"])
def test_the_schema_refuses_port_names_no_container_accepts(name, tmp_path):
    """Container port names are IANA service names (IsValidPortName), not DNS labels."""
    port = {"name": name, "port": 80, "targetPort": 80, "protocol": "TCP"}
    with (
        load(tmp_path) as chart,
        pytest.raises(helm_python.HelmValuesError, match="/web/ports/0/name"),
    ):
        chart.validate_schema({"web": {"ports": [port]}})


def test_address_patterns_are_the_topology_schemas():
    """The chart's schema checks CIDRs and addresses with the patterns of svcgen's own
    topology JSON Schema (``svcgen.syntax``), written once."""
    document = yaml.safe_load((EXAMPLES_DIR / "seed-shop.yaml").read_text())
    schema = json.loads(render_chart(document, "0.1.0")["values.schema.json"])
    assert schema["definitions"]["cidrs"]["items"]["pattern"] == syntax.CIDR["pattern"]
    assert schema["definitions"]["addresses"]["items"]["pattern"] == syntax.IP_ADDRESS["pattern"]

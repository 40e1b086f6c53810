"""Per-workload ``autoscaling`` (autoscaling/v2 HorizontalPodAutoscaler) and
``podDisruptionBudget`` (policy/v1) values: off by default, turned on at install
time, linted, rendered by Helm and validated by kubernetes-validate (strict)."""

from __future__ import annotations

import re

import pytest
import yaml

from svcgen.render import render_chart, write_chart_dir
from tests.examples import EXAMPLES
from tests.helmcheck import check_chart, find


def _shop() -> dict:
    return yaml.safe_load((EXAMPLES[0].parent / "seed-shop.yaml").read_text())


def _pods(deployment: dict) -> dict:
    return deployment["spec"]["template"]["metadata"]["labels"]


def test_off_by_default(tmp_path):
    files = render_chart(_shop(), "0.1.0")
    values = yaml.safe_load(files["values.yaml"])
    assert values["web"]["autoscaling"] == {
        "enabled": False,
        "minReplicas": 2,
        "maxReplicas": 6,
        "targetCPUUtilizationPercentage": 80,
    }
    assert values["web"]["podDisruptionBudget"] == {"enabled": False, "minAvailable": 1}
    assert "autoscaling" not in values["ordersDb"]
    assert {"templates/web-hpa.yaml", "templates/web-pdb.yaml"} <= files.keys()
    assert "templates/orders-db-hpa.yaml" not in files
    objects = check_chart(files, "shop", tmp_path)
    kinds = {o["kind"] for o in objects}
    assert not kinds & {"HorizontalPodAutoscaler", "PodDisruptionBudget"}
    assert find(objects, "Deployment", "rel-shop-web")["spec"]["replicas"] == 2


def test_enabled_through_values(tmp_path):
    files = render_chart(_shop(), "0.1.0")
    values = {
        "web": {
            "autoscaling": {"enabled": True, "minReplicas": 3, "maxReplicas": 12},
            "podDisruptionBudget": {"enabled": True, "minAvailable": "50%"},
        },
        "api": {"podDisruptionBudget": {"enabled": True, "minAvailable": 2}},
    }
    objects = check_chart(files, "shop", tmp_path, values=values)
    web = find(objects, "Deployment", "rel-shop-web")
    assert "replicas" not in web["spec"]  # the autoscaler owns it
    hpa = find(objects, "HorizontalPodAutoscaler", "rel-shop-web")
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "rel-shop-web",
    }
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (3, 12)
    (metric,) = hpa["spec"]["metrics"]
    assert metric["resource"] == {
        "name": "cpu",
        "target": {"type": "Utilization", "averageUtilization": 80},
    }
    budgets = {o["metadata"]["name"]: o for o in objects if o["kind"] == "PodDisruptionBudget"}
    assert set(budgets) == {"rel-shop-web", "rel-shop-api"}
    assert budgets["rel-shop-web"]["apiVersion"] == "policy/v1"
    assert budgets["rel-shop-web"]["spec"]["minAvailable"] == "50%"
    assert budgets["rel-shop-api"]["spec"]["minAvailable"] == 2
    for name, budget in budgets.items():
        selector = budget["spec"]["selector"]["matchLabels"]
        assert selector.items() <= _pods(find(objects, "Deployment", name)).items()
        others = [o for o in objects if o["kind"] == "Deployment" and o["metadata"]["name"] != name]
        assert not any(selector.items() <= _pods(o).items() for o in others)
    assert find(objects, "Deployment", "rel-shop-api")["spec"]["replicas"] == 3
    assert not [
        o
        for o in objects
        if o["kind"] == "HorizontalPodAutoscaler" and "api" in o["metadata"]["name"]
    ]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"web": {"autoscaling": {"enabled": True, "minReplicas": 0}}}, "/web/autoscaling"),
        ({"web": {"autoscaling": {"enabled": "yes"}}}, "/web/autoscaling/enabled"),
        ({"web": {"autoscaling": {"enable": True}}}, "'enable' not allowed"),
        ({"web": {"podDisruptionBudget": {"minAvailable": "150%"}}}, "/web/podDisruptionBudget"),
        ({"web": {"podDisruptionBudget": {"minAvailable": -1}}}, "/web/podDisruptionBudget"),
    ],
)
def test_schema_refuses_bad_scaling_values(values, message, tmp_path):
    import helm_python

    files = render_chart(_shop(), "0.1.0")
    with helm_python.Chart.load(write_chart_dir(files, "shop", tmp_path)) as chart:
        chart.validate_schema(None)
        with pytest.raises(helm_python.HelmValuesError, match=re.escape(message)):
            chart.validate_schema(values)

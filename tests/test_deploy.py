"""svcgen's own deployment (``deploy/``): the committed chart is exactly what
``svcgen render`` makes of ``deploy/svcgen-topology.yaml`` today (refresh it with
``make deploy-chart``, never from a test), and with ``deploy/values-production.yaml``
it lints, renders and validates, with an HPA and a PDB."""

from __future__ import annotations

from pathlib import Path

import yaml

from svcgen.render import render_chart
from svcgen.topology import chart_version_for, validate_topology
from tests.helmcheck import check_chart, find

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
CHART = DEPLOY / "chart" / "svcgen"


def _topology() -> dict:
    return yaml.safe_load((DEPLOY / "svcgen-topology.yaml").read_text())


def _fresh() -> dict[str, str]:
    document = _topology()
    return render_chart(document, chart_version_for(document, 1))


def test_topology_is_valid_without_warnings():
    assert validate_topology(_topology()).warnings == []


def test_committed_chart_is_a_fresh_render():
    committed = {
        str(path.relative_to(CHART)): path.read_text(encoding="utf-8")
        for path in sorted(CHART.rglob("*"))
        if path.is_file()
    }
    fresh = _fresh()
    assert sorted(committed) == sorted(fresh), "run `make deploy-chart`"
    stale = [path for path, text in fresh.items() if committed[path] != text]
    assert not stale, f"run `make deploy-chart`: {stale} differ"


def test_production_values_add_autoscaler_and_budget(tmp_path):
    values = yaml.safe_load((DEPLOY / "values-production.yaml").read_text())
    objects = check_chart(_fresh(), "svcgen", tmp_path, values=values, release="svcgen")
    deployment = find(objects, "Deployment", "svcgen-api")
    assert "replicas" not in deployment["spec"]
    hpa = find(objects, "HorizontalPodAutoscaler", "svcgen-api")
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (2, 10)
    assert find(objects, "PodDisruptionBudget", "svcgen-api")["spec"]["minAvailable"] == 1
    assert find(objects, "Service", "svcgen-postgres")["spec"]["type"] == "ExternalName"
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: e for e in container["env"]}
    assert env["DATABASE_URL"]["valueFrom"] == {
        "secretKeyRef": {"name": "svcgen-database", "key": "url"}
    }
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": 8000}
    assert any(o["kind"] == "NetworkPolicy" for o in objects)

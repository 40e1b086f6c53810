"""svcgen's own deployment (``deploy/``): the committed chart is exactly what
``svcgen render`` makes of ``deploy/svcgen-topology.yaml`` today (refresh it with
``make deploy-chart``, never from a test), and with ``deploy/values-production.yaml``
it lints, renders and validates, with an HPA and a PDB."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from sqlalchemy.engine import make_url

from svcgen.render import render_chart
from svcgen.topology import chart_version_for, validate_topology
from tests.conftest import new_postgres_database
from tests.helmcheck import check_chart, find

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
CHART = DEPLOY / "chart" / "svcgen"
#: The deployment's DATABASE_URL: PostgreSQL through psycopg, no host, no password.
DATABASE_URL = "postgresql+psycopg:///svcgen"


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
    # The database: a URL without host or password; libpq's variables give them, the
    # host and port wired to the ExternalName Service, the password from a Secret.
    assert env["DATABASE_URL"] == {"name": "DATABASE_URL", "value": DATABASE_URL}
    assert (env["PGHOST"]["value"], env["PGPORT"]["value"]) == ("svcgen-postgres", "5432")
    assert env["PGPASSWORD"]["valueFrom"] == {
        "secretKeyRef": {"name": "svcgen-database", "key": "password"}
    }
    assert (env["PGUSER"]["value"], env["PGSSLMODE"]["value"]) == ("svcgen", "require")
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": 8000}
    assert any(o["kind"] == "NetworkPolicy" for o in objects)


@pytest.mark.postgres
def test_svcgen_migrates_and_connects_with_libpqs_variables():
    """What the pods do at start, with the deployment's hostless DATABASE_URL (only
    its database name changed to a throwaway one) and libpq's variables pointing at
    this machine's server: ``alembic upgrade head``, then a token is created and listed."""
    (api,) = [c for c in _topology()["components"] if c["name"] == "api"]
    deployed = make_url(api["env"]["DATABASE_URL"])  # what the chart's pods get
    assert (deployed.host, deployed.password) == (None, None)
    with new_postgres_database("svcgen_deploy") as url:
        server = make_url(url)
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("PG")},
            "DATABASE_URL": deployed.set(database=server.database).render_as_string(),
            "PGHOST": server.host,
            "PGPORT": str(server.port or 5432),
            "PGUSER": server.username,
            **({"PGPASSWORD": server.password} if server.password else {}),
        }
        root = DEPLOY.parent
        bin_dir = Path(sys.executable).parent
        for command in (
            [str(bin_dir / "alembic"), "upgrade", "head"],
            [str(bin_dir / "svcgen"), "token", "create", "--name", "ops", "--role", "admin"],
            [str(bin_dir / "svcgen"), "token", "list"],
        ):
            done = subprocess.run(
                command, cwd=root, env=env, capture_output=True, text=True, timeout=120
            )
            assert done.returncode == 0, (command, done.stderr)
        assert [line.split("\t")[:2] for line in done.stdout.splitlines()] == [["ops", "admin"]]

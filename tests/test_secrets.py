"""Secrets stay out of documents and charts: a plain ``env`` value whose name looks
like a secret is a warning that names ``secretEnv``; ``secretEnv`` reaches the pod
only as a ``secretKeyRef`` (checked in the chart Helm renders)."""

from __future__ import annotations

import io
import tarfile

import pytest
import yaml

from svcgen.topology import validate_topology

from .helmcheck import check_chart, find
from .test_rules import base, with_


@pytest.mark.parametrize(
    "name",
    [
        "DB_PASSWORD",
        "db_passwd",
        "GPG_PASSPHRASE",
        "GITHUB_TOKEN",
        "API_KEY",
        "STRIPE_APIKEY",
        "PRIVATE_KEY",
        "SSH_KEY",
        "ENCRYPTION_KEY",
        "KEY",
        "AWS_SECRET_ACCESS_KEY",
        "GOOGLE_APPLICATION_CREDENTIALS",
    ],
)
def test_secret_looking_env_names_warn_and_point_at_secret_env(name):
    result = validate_topology(with_("components.1.env", {name: "hunter2"}))
    warnings = {w.field: w.message for w in result.warnings}
    message = warnings[f"components.1.env.{name}"]
    assert "secretEnv" in message and "looks like a secret" in message


@pytest.mark.parametrize("name", ["LOG_LEVEL", "KEYCLOAK_URL", "MONKEY", "PORT", "HOTKEYS"])
def test_ordinary_env_names_do_not_warn(name):
    result = validate_topology(with_("components.1.env", {name: "x"}))
    assert not [w for w in result.warnings if w.path[:3] == ("components", 1, "env")]


def test_the_api_returns_the_warning(client):
    response = client.post("/api/v1/validate", json=with_("components.1.env", {"DB_PASSWORD": "x"}))
    assert response.status_code == 200
    [warning] = response.get_json()["warnings"]
    assert warning["field"] == "components.1.env.DB_PASSWORD" and "secretEnv" in warning["message"]


def test_secret_env_reaches_the_pod_only_as_a_secret_key_ref(client, tmp_path):
    doc = with_(
        "components.1.secretEnv",
        [{"name": "DB_PASSWORD", "secret": "shop-db", "key": "password"}],
        base(),
    )
    assert client.post("/api/v1/topologies", json=doc).status_code == 201
    files = client.get("/api/v1/topologies/shop/chart/files").get_json()
    objects = check_chart(files, "shop", tmp_path)
    container = find(objects, "Deployment", "rel-shop-api")["spec"]["template"]["spec"]
    [env] = [e for e in container["containers"][0]["env"] if e["name"] == "DB_PASSWORD"]
    assert env == {
        "name": "DB_PASSWORD",
        "valueFrom": {"secretKeyRef": {"name": "shop-db", "key": "password"}},
    }
    # no Secret object is made, and values.yaml holds the reference, never a value
    assert not [o for o in objects if o["kind"] == "Secret"]
    values = yaml.safe_load(files["values.yaml"])
    assert values["api"]["secretEnv"] == [
        {"name": "DB_PASSWORD", "secret": "shop-db", "key": "password"}
    ]
    archive = client.get("/api/v1/topologies/shop/chart").data
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        names = tar.getnames()
    assert not [n for n in names if "secret" in n.lower()]

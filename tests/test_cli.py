"""The installed ``svcgen`` command: offline validate and render, exit codes, messages."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .examples import EXAMPLES
from .helmcheck import find, lint_chart, parse_manifests, render_manifests

SVCGEN = str(Path(sys.executable).parent / "svcgen")


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """Run the console script with no server and no database in reach."""
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"}
    return subprocess.run(
        [SVCGEN, *args], input=stdin, capture_output=True, text=True, env=env, timeout=120
    )


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_validate_accepts_every_example(path):
    result = run("validate", str(path))
    assert result.returncode == 0, result.stderr
    name = yaml.safe_load(path.read_text())["name"]
    assert result.stdout.strip() == f"{name}: valid (0 warning(s))"


def test_validate_reports_every_error_with_its_path_and_exits_1(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: shop\ncomponents:\n  - name: web\n    role: frontend\n    image: nginx\n"
        "    ports: [{port: '80', nodePort: 40000, targetport: 1}]\n"
    )
    result = run("validate", str(bad))
    assert result.returncode == 1
    # nodePort 40000 is outside the range, but that check runs only once the document's
    # fields are right: with field errors in it, those are all that is reported.
    assert result.stderr.splitlines() == [
        f"{bad}: error: components.0.ports.0.port: must be a whole number, written without"
        ' quotes (80, not "80")',
        f"{bad}: error: components.0.ports.0.targetport: is not a known field here; did you"
        " mean 'targetPort'? Known fields: name, nodePort, port, protocol, targetPort",
    ]
    assert result.stdout == ""


def test_validate_reads_stdin_and_prints_json_with_warnings():
    doc = yaml.safe_load(EXAMPLES[0].read_text())
    doc["components"].append(
        {"name": "spare", "role": "backend", "image": "busybox", "ports": [{"port": 1}]}
    )
    result = run("validate", "--json", "-", stdin=json.dumps(doc))
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["valid"] is True
    assert [w["field"] for w in out["warnings"]] == [
        f"components.{len(doc['components']) - 1}.name"
    ]


def test_malformed_file_exits_1_with_the_reason(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [")
    result = run("validate", str(bad))
    assert result.returncode == 1
    assert "not valid YAML" in result.stderr


def test_node_port_range_option():
    seed = next(p for p in EXAMPLES if p.name == "seed-shop.yaml")
    result = run("validate", "--node-port-range", "20000-22767", str(seed))
    assert result.returncode == 1
    assert "outside the cluster's nodePort range 20000-22767" in result.stderr
    assert run("validate", "--node-port-range", "banana", str(seed)).returncode == 2


def test_render_writes_a_chart_helm_accepts(tmp_path):
    seed = next(p for p in EXAMPLES if p.name == "seed-shop.yaml")
    result = run("render", str(seed), "-o", str(tmp_path), "--package")
    assert result.returncode == 0, result.stderr
    chart_dir = tmp_path / "shop"
    assert result.stdout.splitlines() == [str(chart_dir), str(tmp_path / "shop-0.1.0.tgz")]
    lint_chart(chart_dir)
    objects = parse_manifests(render_manifests(chart_dir, release="shop"))
    web = find(objects, "Service", "shop-web")
    assert web["spec"]["type"] == "NodePort"
    assert web["spec"]["ports"][0]["nodePort"] == 30008


def test_render_is_the_same_chart_as_the_core_and_reproducible(tmp_path):
    from svcgen.archive import build_archive
    from svcgen.render import render_chart

    seed = next(p for p in EXAMPLES if p.name == "seed-shop.yaml")
    assert run("render", str(seed), "-o", str(tmp_path / "a"), "--package").returncode == 0
    assert run("render", str(seed), "-o", str(tmp_path / "b"), "--package").returncode == 0
    a = (tmp_path / "a" / "shop-0.1.0.tgz").read_bytes()
    b = (tmp_path / "b" / "shop-0.1.0.tgz").read_bytes()
    assert a == b
    core = build_archive("shop", render_chart(yaml.safe_load(seed.read_text()), "0.1.0"))
    assert hashlib.sha256(a).hexdigest() == hashlib.sha256(core).hexdigest()


def test_render_of_an_invalid_file_writes_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: shop\ncomponents: []\n")
    out = tmp_path / "out"
    result = run("render", str(bad), "-o", str(out))
    assert result.returncode == 1
    assert "components: must list 1 to 200 components" in result.stderr
    assert not out.exists()


def test_render_refuses_to_overwrite_a_directory_that_is_not_a_chart(tmp_path):
    seed = next(p for p in EXAMPLES if p.name == "seed-shop.yaml")
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "precious.txt").write_text("keep me")
    result = run("render", str(seed), "-o", str(tmp_path))
    assert result.returncode == 1
    assert "exists and is not a chart directory" in result.stderr
    assert (tmp_path / "shop" / "precious.txt").read_text() == "keep me"
    # a chart directory from an earlier render is replaced whole
    (tmp_path / "shop" / "precious.txt").unlink()
    assert run("render", str(seed), "-o", str(tmp_path)).returncode == 0
    (tmp_path / "shop" / "templates" / "stale.yaml").write_text("kind: Stale\n")
    assert run("render", str(seed), "-o", str(tmp_path)).returncode == 0
    assert not (tmp_path / "shop" / "templates" / "stale.yaml").exists()


def test_validate_json_reports_errors_on_stdout(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps({"name": "shop", "components": [{"name": "web", "role": "frontend"}]})
    )
    result = run("validate", "--json", str(bad))
    assert result.returncode == 1
    out = json.loads(result.stdout)
    assert out["valid"] is False
    assert {e["field"] for e in out["errors"]} == {"components.0.image", "components.0.ports"}
    bad.write_text("{")
    out = json.loads(run("validate", "--json", str(bad)).stdout)
    assert out["valid"] is False and "not valid JSON" in out["errors"][0]["message"]


def test_cli_spells_error_fields_as_the_api_does(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: s\ncomponents:\n  - {name: w, role: worker, image: busybox, env: {null: a}}\n"
    )
    result = run("validate", str(bad))
    assert result.returncode == 1
    assert f"{bad}: error: components.0.env.null: " in result.stderr


def test_a_document_larger_than_the_server_takes_is_refused_unless_told(tmp_path):
    """The server answers a body over 1 MiB with a 413: a pipeline validating with the
    CLI learns it there, not at the POST."""
    document = yaml.safe_load((EXAMPLES[0]).read_text())
    document["description"] = "x" * 1000
    document["labels"] = {f"k{i}": "v" * 60 for i in range(64)}
    big = tmp_path / "big.json"
    text = json.dumps(document)
    big.write_text(text + " " * (1024 * 1024 + 1 - len(text)))  # valid, and 1 MiB + 1 byte
    refused = run("validate", str(big))
    assert refused.returncode == 1
    assert "the server refuses bodies over 1048576 bytes" in refused.stderr
    assert run("validate", str(big), "--max-bytes", "0").returncode == 0
    assert run("validate", str(big), "--max-bytes", "2000000").returncode == 0
    out = tmp_path / "out"
    assert run("render", str(big), "-o", str(out)).returncode == 1 and not out.exists()

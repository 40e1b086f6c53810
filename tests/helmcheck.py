"""Check a rendered chart with the real Helm engine and Kubernetes' schemas.

Used by every test that renders a chart (render, API, CLI)::

    from tests.helmcheck import check_chart

    objects = check_chart(files, "shop", tmp_path)            # lint + render + validate
    web = find(objects, "Service", "rel-shop-web")

helm_python (the Helm 4 SDK, which loads a Go runtime) is imported here, in
tests only, never by svcgen itself.
"""

from __future__ import annotations

import os
from pathlib import Path

import kubernetes_validate
import yaml

from svcgen.render import write_chart_dir

#: The Kubernetes version whose OpenAPI schemas the objects are checked
#: against (one kubernetes-validate ships); override with SVCGEN_K8S_VERSION.
K8S_VERSION = os.environ.get("SVCGEN_K8S_VERSION", "1.33.0")

#: Helm lint message severities (helm pkg/chart/v2/lint/support/message.go).
LINT_ERROR = 3


def lint_chart(chart_dir: Path, values: dict | None = None) -> list[dict]:
    """Run ``helm lint`` on a chart directory and assert it reports no ERROR.

    :returns: every lint message, ``{"severity", "path", "error"}``.
    """
    import helm_python

    report = helm_python.lint(chart_dir, values)
    errors = [m for m in report["messages"] if m["severity"] >= LINT_ERROR]
    assert not errors and not report["errors"], (errors, report["errors"])
    return report["messages"]


def render_manifests(
    chart_dir: Path, values: dict | None = None, release: str = "rel", namespace: str = "default"
) -> dict[str, str]:
    """``helm template``: ``{"<chart>/templates/<file>": text}`` (NOTES.txt included)."""
    import helm_python

    with helm_python.Chart.load(chart_dir) as chart:
        return chart.render(values, name=release, namespace=namespace)


def parse_manifests(manifests: dict[str, str]) -> list[dict]:
    """Every object of the rendered manifests, NOTES.txt left out, in file order."""
    objects = []
    for path in sorted(manifests):
        if path.endswith("NOTES.txt"):
            continue
        objects += [obj for obj in yaml.safe_load_all(manifests[path]) if obj is not None]
    return objects


def check_chart(
    files: dict[str, str],
    chart_name: str,
    tmp_path: Path,
    values: dict | None = None,
    release: str = "rel",
    namespace: str = "default",
) -> list[dict]:
    """Write a chart, lint it, render it and validate every object.

    :param files: ``{relative path: text}`` from ``svcgen.render.render_chart``.
    :param chart_name: the chart's name (its directory under ``tmp_path``).
    :param tmp_path: a directory to write the chart into (pytest's ``tmp_path``).
    :param values: values given at install time (``--set``), or None.
    :param release: the release name.
    :param namespace: the release namespace.
    :returns: every rendered Kubernetes object, parsed, in file order.
    :raises AssertionError: lint reports an ERROR or an object breaks its
        Kubernetes schema (kubernetes-validate, strict: unknown fields too).
    """
    chart_dir = write_chart_dir(files, chart_name, tmp_path)
    lint_chart(chart_dir, values)
    objects = parse_manifests(render_manifests(chart_dir, values, release, namespace))
    for obj in objects:
        try:
            kubernetes_validate.validate(obj, K8S_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:
            raise AssertionError(f"{obj.get('kind')} {obj['metadata'].get('name')}: {exc}") from exc
    return objects


def find(objects: list[dict], kind: str, name: str) -> dict:
    """The one object of ``kind`` named ``name``; AssertionError if none."""
    found = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    assert len(found) == 1, (
        f"{kind} {name} not among {[(o['kind'], o['metadata']['name']) for o in objects]}"
    )
    return found[0]

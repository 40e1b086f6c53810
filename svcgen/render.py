"""Render a topology into the files of its Helm chart (DESIGN section 4).

Jinja, over ``charts_templates/`` (which mirrors the chart tree), decides only
which files exist and writes fixed template text; the one topology-derived
string it writes into Helm template text is a component's values key, checked
to be ``[a-z][a-zA-Z0-9]*``. Every user value goes into ``values.yaml`` through
the YAML emitter of :mod:`svcgen.values`. A source file named
``COMPONENT-<kind>.yaml`` becomes ``<component>-<kind>.yaml`` once per component
of the kinds in :data:`PER_COMPONENT`.
"""

from __future__ import annotations

import functools
import os
import shutil
from pathlib import Path, PurePosixPath

import jinja2
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from . import k8s, syntax
from .errors import FieldError, TopologyInvalid
from .model import has_service, service_type
from .naming import RESERVED_VALUES_KEYS, is_safe_values_key, values_key
from .topology import DEFAULT_NODE_PORT_RANGE
from .values import WORKLOAD_ROLES, build_values, dump_values
from .yamlemit import dump_yaml

#: The Jinja templates of chart files, a mirror of the chart tree: the
#: repository's ``charts_templates/``, or ``$SVCGEN_TEMPLATES`` when set (an
#: installed package, as in the container image, has no repository beside it).
TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "charts_templates"

#: Per-component template kinds and the components that get one.
PER_COMPONENT = {
    "deployment": lambda c: c["role"] in WORKLOAD_ROLES,
    "service": has_service,
    "endpointslice": lambda c: c["role"] == "external" and "addresses" in c.get("external", {}),
    "ingress": lambda c: c["role"] == "frontend",
    "networkpolicy": lambda c: c["role"] in WORKLOAD_ROLES,
    "test-connection": lambda c: c["role"] in WORKLOAD_ROLES and bool(c.get("dependsOn")),
    "hpa": lambda c: c["role"] in WORKLOAD_ROLES,
    "pdb": lambda c: c["role"] in WORKLOAD_ROLES,
}

_COMPONENT_PREFIX = "COMPONENT-"
# Kubernetes IsDNS1035Label (staging/src/k8s.io/apimachinery/pkg/util/validation).


def _templates_dir() -> str:
    return os.environ.get("SVCGEN_TEMPLATES") or str(TEMPLATES_DIR)


def _environment() -> jinja2.Environment:
    return _environment_for(_templates_dir())


@functools.cache
def _environment_for(templates_dir: str) -> jinja2.Environment:
    if not Path(templates_dir, "templates", "_helpers.tpl").is_file():
        raise FileNotFoundError(f"no chart templates in {templates_dir}; set SVCGEN_TEMPLATES")
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        block_start_string="[%",
        block_end_string="%]",
        variable_start_string="[[",
        variable_end_string="]]",
        comment_start_string="[#",
        comment_end_string="#]",
        undefined=jinja2.StrictUndefined,
        auto_reload=False,  # templates change with a release, not while it runs
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )


@functools.cache
def _sources(templates_dir: str) -> tuple[tuple[str, str | None], ...]:
    """Every template of ``templates_dir`` with its per-component kind (``None``: a
    file of the chart itself), listed once: a render used to walk the directory."""
    listed = []
    for source in _environment_for(templates_dir).list_templates():
        name = PurePosixPath(source).name
        kind = PurePosixPath(name).stem.removeprefix(_COMPONENT_PREFIX)
        listed.append((source, kind if name.startswith(_COMPONENT_PREFIX) else None))
    return tuple(listed)


def check_names(document: dict) -> None:
    """Refuse component names that cannot name chart files or values keys.

    Rules (DESIGN sections 2 and 4) normally reject these first; render checks
    again because these names are written into file paths and template text.

    :param document: a topology document.
    :raises TopologyInvalid: a name is not a DNS-1035 label, its values key is
        not ``[a-z][a-zA-Z0-9]*``, is reserved, or is taken by another component.
    """
    errors, seen = [], set()
    for i, component in enumerate(document["components"]):
        name = component["name"]
        key = values_key(name) if isinstance(name, str) else ""
        if not isinstance(name, str) or k8s.dns1035_label(name):
            message = "must be a DNS-1035 label to name chart files"
        elif not is_safe_values_key(key) or key in RESERVED_VALUES_KEYS or key in seen:
            message = f"its values key {key!r} is reserved, taken or unsafe"
        else:
            seen.add(key)
            continue
        errors.append(FieldError(("components", i, "name"), message))
    if errors:
        raise TopologyInvalid(errors)


def chart_metadata(document: dict, chart_version: str) -> dict:
    """The ``Chart.yaml`` data: apiVersion v2, name, description, type
    application, version and appVersion as quoted strings (Helm lint
    ``validateChartVersionType`` / ``validateChartAppVersionType``).

    :param document: a validated topology document.
    :param chart_version: the chart's SemVer 2 version.
    """
    name = document["name"]
    description = document.get("description") or f"The {name} topology, as generated by svcgen"
    metadata = {
        "apiVersion": "v2",
        "name": name,
        "description": description,
        "type": "application",
        "version": DoubleQuotedScalarString(chart_version),
    }
    if "appVersion" in document:
        metadata["appVersion"] = DoubleQuotedScalarString(document["appVersion"])
    return metadata


def _readme_context(document: dict, values: dict) -> dict:
    rows = []
    for component in document["components"]:
        key = values_key(component["name"])
        ports = [
            f"{p.get('name', '')} {p['port']}→{p['targetPort']}/{p['protocol']}".strip()
            + (f" (node {p['nodePort']})" if "nodePort" in p else "")
            for p in values[key].get("ports", [])
        ]
        rows.append(
            {
                "name": component["name"],
                "key": key,
                "role": component["role"],
                "type": service_type(component) or "none",
                "ports": ", ".join(ports) or "none",
                "calls": [
                    values_key(e if isinstance(e, str) else e["name"])
                    for e in component.get("dependsOn", [])
                ],
            }
        )
    return {
        "chart": document["name"],
        "description": document.get("description", ""),
        "components": rows,
    }


def render_chart(
    document: dict,
    chart_version: str,
    *,
    node_port_range: tuple[int, int] = DEFAULT_NODE_PORT_RANGE,
) -> dict[str, str]:
    """The files of a topology's chart.

    :param document: a validated topology document (DESIGN section 2), as the
        user gave it: render applies the format's defaults itself.
    :param chart_version: the chart ``version``, e.g. from
        :func:`svcgen.topology.chart_version_for`.
    :param node_port_range: the cluster's ``--service-node-port-range``, inclusive;
        ``values.schema.json`` refuses a nodePort outside it at install time.
    :returns: ``{path relative to the chart root: text}``, sorted by path, the
        same for the same input (``Chart.yaml``, ``values.yaml``,
        ``templates/web-service.yaml``...).
    :raises TopologyInvalid: from :func:`check_names`.
    """
    check_names(document)
    values = build_values(document)
    env = _environment()
    context = {
        "keys": [values_key(c["name"]) for c in document["components"] if has_service(c)],
        "node_port_range": node_port_range,
        "syntax": syntax,
        **_readme_context(document, values),
    }
    files = {
        "Chart.yaml": dump_yaml(chart_metadata(document, chart_version)),
        "values.yaml": dump_values(values),
    }
    for source, kind in _sources(_templates_dir()):
        template = env.get_template(source)
        if kind is None:
            files[source] = template.render(context)
            continue
        folder, _, name = source.rpartition("/")
        suffix = name.removeprefix(_COMPONENT_PREFIX)
        for component in filter(PER_COMPONENT[kind], document["components"]):
            target = (
                f"{folder}/{component['name']}-{suffix}"
                if folder
                else f"{component['name']}-{suffix}"
            )
            files[target] = template.render(key=values_key(component["name"]))
    return dict(sorted(files.items()))


def write_chart_dir(files: dict[str, str], chart_name: str, out_dir) -> Path:
    """Write a chart's files to ``out_dir/<chart_name>/``.

    A directory of that name that holds a ``Chart.yaml``, or nothing, is replaced
    whole, so no file of an older render stays behind; anything else is refused.

    :param files: ``{relative path: text}`` from :func:`render_chart`.
    :param chart_name: the chart's name (the topology's name).
    :param out_dir: the parent directory, created if missing.
    :returns: the chart directory.
    :raises ValueError: a path is absolute or climbs out of the chart.
    :raises FileExistsError: the target exists and is not a chart directory.
    """
    root = Path(out_dir) / chart_name
    if chart_name in ("", ".", "..") or "/" in chart_name:
        raise ValueError(f"chart name {chart_name!r} cannot name a directory")
    for rel in files:
        parts = PurePosixPath(rel).parts
        if not parts or PurePosixPath(rel).is_absolute() or ".." in parts:
            raise ValueError(f"chart file path {rel!r} is not inside the chart")
    if root.exists():
        if not root.is_dir() or (any(root.iterdir()) and not (root / "Chart.yaml").is_file()):
            raise FileExistsError(f"{root} exists and is not a chart directory")
        shutil.rmtree(root)
    for rel, text in files.items():
        path = root.joinpath(*PurePosixPath(rel).parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root

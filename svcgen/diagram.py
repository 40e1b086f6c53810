"""A picture of a topology, drawn by Graphviz's ``dot`` (the ``graphviz`` package
writes the DOT source and runs the binary; Debian's ``graphviz`` package provides it).

The layout: a ``cluster_kubernetes`` boundary holding one cluster per role that
has components (``cluster_frontend``, ``cluster_backend``, ``cluster_worker``);
external data sources in ``cluster_external``, outside the boundary; an arrow per
``dependsOn`` edge, from caller to called. Each node names its component, its
image (or external host or addresses), its Service type and every port as
``port → targetPort`` with the nodePort when fixed and the protocol when not TCP,
and the Service's annotations.

No user string reaches the DOT source unescaped: node ids are ``c<index>``, and
every label is an HTML-like label whose text went through :func:`text`: ``<``,
``>``, ``&`` and quotes become entities (:func:`html.escape`), and every ``\\`` is
doubled, because ``dot`` expands ``\\N``, ``\\G``, ``\\L``... (node name, graph
name, ...) even inside HTML-like labels, after decoding entities. ``{`` and ``|``
mean nothing there. No Flask here.
"""

from __future__ import annotations

import html

import graphviz

from . import model, services
from .errors import SvcgenError

#: Cluster names and titles, by role, in drawing order.
ROLE_CLUSTERS = {
    "frontend": "frontends",
    "backend": "backends",
    "worker": "workers",
}
BOUNDARY = "cluster_kubernetes"
EXTERNAL_CLUSTER = "cluster_external"

_FONT = "DejaVu Sans,Helvetica,Arial,sans-serif"
_FILL = {"frontend": "#dbeafe", "backend": "#dcfce7", "worker": "#fef9c3", "external": "#f3e8ff"}


class DotNotInstalled(SvcgenError):
    """Graphviz's ``dot`` binary is not on ``PATH``."""


def text(value: object) -> str:
    """``value`` as text for an HTML-like label: control characters become spaces
    (XML refuses most of them), backslashes are doubled (``dot`` reads ``\\N`` as
    the node's name, ``\\\\`` as one backslash), then :func:`html.escape` with quotes."""
    plain = "".join(ch if ch.isprintable() else " " for ch in str(value))
    return html.escape(plain.replace("\\", "\\\\"), quote=True)


def node_id(index: int) -> str:
    """The DOT id of the component at ``index``: never a user string."""
    return f"c{index}"


def build_graph(document: dict) -> graphviz.Digraph:
    """The DOT graph of a topology (see the module docstring for its layout).

    :param document: a topology document (valid, or at least with components
        that have ``name`` and ``role``).
    :returns: the graph, ready for :func:`render_svg`.
    """
    graph = graphviz.Digraph("topology")
    graph.attr(rankdir="LR", fontname=_FONT, labelloc="t", label=_graph_label(document))
    graph.attr("node", fontname=_FONT, shape="box", style="rounded,filled", margin="0.1")
    graph.attr("edge", fontname=_FONT, color="#475569")
    components = document["components"]
    with graph.subgraph(name=BOUNDARY) as boundary:
        boundary.attr(label="<<B>Kubernetes cluster</B>>", style="dashed", color="#64748b")
        for role, title in ROLE_CLUSTERS.items():
            members = [(i, c) for i, c in enumerate(components) if c["role"] == role]
            if members:
                with boundary.subgraph(name=f"cluster_{role}") as cluster:
                    cluster.attr(label=title, style="rounded", color="#94a3b8")
                    for i, c in members:
                        cluster.node(node_id(i), label=node_label(c), fillcolor=_FILL[role])
    externals = [(i, c) for i, c in enumerate(components) if c["role"] == "external"]
    if externals:
        with graph.subgraph(name=EXTERNAL_CLUSTER) as outside:
            outside.attr(label="external data sources", style="rounded", color="#94a3b8")
            for i, c in externals:
                outside.node(
                    node_id(i), label=node_label(c), shape="cylinder", fillcolor=_FILL["external"]
                )
    index = {c["name"]: i for i, c in enumerate(components)}
    for i, c in enumerate(components):
        for entry in c.get("dependsOn", []):
            target = index.get(model.edge_target(entry))
            if target is not None:
                graph.edge(node_id(i), node_id(target))
    return graph


def node_label(component: dict) -> str:
    """The HTML-like label of a component's node, every user string escaped."""
    rows = [f"<B>{text(component['name'])}</B>"]
    external = component.get("external", {})
    if "image" in component:
        rows.append(_small(component["image"]))
    if "host" in external:
        rows.append(_small(f"→ {external['host']}"))
    if external.get("addresses"):
        rows.append(_small(", ".join(map(str, external["addresses"]))))
    rows.append(f"<I>{text(services.type_text(component))}</I>")
    rows.extend(text(services.port_text(p)) for p in component.get("ports", []))
    for key, value in component.get("service", {}).get("annotations", {}).items():
        rows.append(_small(f"{key}: {value}", size=8))
    cells = "".join(f"<TR><TD>{row}</TD></TR>" for row in rows)
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">{cells}</TABLE>>'


def render_svg(graph: graphviz.Digraph) -> str:
    """Lay ``graph`` out with ``dot`` and return the SVG text.

    :raises DotNotInstalled: the ``dot`` binary is not on ``PATH``.
    :raises graphviz.CalledProcessError: ``dot`` failed (a bug here, not the user's).
    """
    try:
        return graph.pipe(format="svg", engine="dot", encoding="utf-8", quiet=True)
    except graphviz.ExecutableNotFound:
        raise DotNotInstalled("graphviz's dot is not installed: apt-get install graphviz") from None


def topology_svg(document: dict) -> str:
    """The SVG picture of a topology (:func:`build_graph`, then :func:`render_svg`)."""
    return render_svg(build_graph(document))


def _graph_label(document: dict) -> str:
    title = f"<B>{text(document['name'])}</B>"
    if document.get("description"):
        title += f"<BR/>{_small(document['description'])}"
    return f"<{title}>"


def _small(value: object, size: int = 10) -> str:
    return f'<FONT POINT-SIZE="{size}">{text(value)}</FONT>'

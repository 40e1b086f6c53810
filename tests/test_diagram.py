"""``GET /api/v1/topologies/{name}/diagram.svg``: a topology drawn by Graphviz's ``dot``."""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET

import pytest

from svcgen import diagram

from .debian_packages import ensure
from .examples import EXAMPLES_DIR
from .storing import load, replace, store

SVG = "{http://www.w3.org/2000/svg}"
_POINT = re.compile(r"(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)")


@pytest.fixture(autouse=True, scope="module")
def dot() -> str:
    """Graphviz's ``dot``, installed from Debian's packages when missing."""
    return ensure("graphviz")


class Drawing:
    """What a test reads from a ``dot`` SVG: texts, and the boxes of nodes and clusters."""

    def __init__(self, text: str):
        self.root = ET.fromstring(text)  # parses as XML, or the test fails here
        self.groups = {}
        for g in self.root.iter(f"{SVG}g"):
            title = g.find(f"{SVG}title")
            if title is not None and g.get("class") in ("node", "cluster", "edge"):
                self.groups[(g.get("class"), title.text)] = g

    def texts(self) -> list[str]:
        return [t.text or "" for t in self.root.iter(f"{SVG}text")]

    def edges(self) -> set[str]:
        return {title for kind, title in self.groups if kind == "edge"}

    def box(self, kind: str, title: str) -> tuple[float, float, float, float]:
        """``(left, top, right, bottom)`` of the outline of a node or cluster."""
        g = self.groups[(kind, title)]
        shape = next(e for e in g if e.tag in (f"{SVG}path", f"{SVG}polygon"))
        points = [
            (float(x), float(y)) for x, y in _POINT.findall(shape.get("d") or shape.get("points"))
        ]
        xs, ys = [x for x, _ in points], [y for _, y in points]
        return min(xs), min(ys), max(xs), max(ys)


def inside(inner, outer) -> bool:
    return (
        outer[0] <= inner[0]
        and outer[1] <= inner[1]
        and inner[2] <= outer[2]
        and inner[3] <= outer[3]
    )


def apart(a, b) -> bool:
    return a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1]


def get_svg(client, path: str) -> Drawing:
    response = client.get(path)
    assert response.status_code == 200, response.data
    assert response.mimetype == "image/svg+xml"
    assert response.headers["ETag"]
    return Drawing(response.get_data(as_text=True))


def test_seed_shop(app, client):
    store(app, EXAMPLES_DIR / "seed-shop.yaml")
    drawing = get_svg(client, "/api/v1/topologies/shop/diagram.svg")
    texts = drawing.texts()
    for expected in [
        "shop",
        "web",
        "api",
        "orders-db",
        "NodePort",
        "ClusterIP",
        "ExternalName",
        "http 80 → 80 nodePort 30008",
        "http 8080 → 8080",
        "5432 → 5432",
        "nginx:1.27",
        "→ orders.db.example.com",
        "frontends",
        "backends",
        "external data sources",
        "Kubernetes cluster",
    ]:
        assert expected in texts, expected
    assert drawing.edges() == {"c0->c1", "c1->c2"}
    boundary = drawing.box("cluster", "cluster_kubernetes")
    assert inside(drawing.box("node", "c0"), drawing.box("cluster", "cluster_frontend"))
    assert inside(drawing.box("node", "c1"), drawing.box("cluster", "cluster_backend"))
    assert inside(drawing.box("cluster", "cluster_frontend"), boundary)
    assert apart(drawing.box("node", "c2"), boundary)
    assert apart(drawing.box("cluster", "cluster_external"), boundary)


@pytest.mark.parametrize("example", sorted(EXAMPLES_DIR.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_example(app, client, example):
    """Every component's name, Service type and ports are drawn; one arrow per
    dependsOn edge; every external source lies outside the cluster boundary."""
    document = load(example)
    store(app, example)
    drawing = get_svg(client, f"/api/v1/topologies/{document['name']}/diagram.svg")
    texts = drawing.texts()
    boundary = drawing.box("cluster", "cluster_kubernetes")
    edges = set()
    index = {c["name"]: i for i, c in enumerate(document["components"])}
    for i, c in enumerate(document["components"]):
        assert c["name"] in texts
        if c["role"] != "worker":
            kind = c.get("service", {}).get("type") or {
                "frontend": "NodePort",
                "backend": "ClusterIP",
            }.get(c["role"])
            if kind:
                assert any(t.startswith(kind) for t in texts), kind
        for p in c.get("ports", []):
            assert any(f"{p['port']} → {p.get('targetPort', p['port'])}" in t for t in texts)
        node = drawing.box("node", f"c{i}")
        if c["role"] == "external":
            assert apart(node, boundary), c["name"]
        else:
            assert inside(node, boundary), c["name"]
        for entry in c.get("dependsOn", []):
            edges.add(f"c{i}->c{index[entry if isinstance(entry, str) else entry['name']]}")
    assert drawing.edges() == edges


def test_protocol_node_port_and_headless(app, client):
    document = {
        "name": "dns",
        "components": [
            {
                "name": "resolver",
                "role": "frontend",
                "image": "coredns/coredns:1.11.1",
                "ports": [
                    {
                        "name": "dns-udp",
                        "port": 53,
                        "targetPort": 5353,
                        "protocol": "UDP",
                        "nodePort": 30053,
                    },
                    {"name": "dns-tcp", "port": 53, "targetPort": 5353, "nodePort": 30053},
                ],
                "dependsOn": ["cache"],
            },
            {
                "name": "cache",
                "role": "backend",
                "image": "redis:7",
                "ports": [{"port": 6379}],
                "service": {"headless": True},
            },
            {
                "name": "legacy",
                "role": "external",
                "external": {"addresses": ["192.0.2.10"]},
                "ports": [{"port": 5432, "targetPort": 15432}],
            },
        ],
    }
    store(app, document)
    texts = get_svg(client, "/api/v1/topologies/dns/diagram.svg").texts()
    assert "dns-udp 53 → 5353 nodePort 30053 UDP" in texts
    assert "dns-tcp 53 → 5353 nodePort 30053" in texts
    assert "ClusterIP (headless)" in texts
    assert "192.0.2.10" in texts
    assert "5432 → 15432" in texts


def test_an_older_revision(app, client, shop):
    store(app, shop)
    changed = copy.deepcopy(shop)
    changed["components"][0]["service"]["type"] = "LoadBalancer"
    replace(app, changed)
    assert "NodePort" in get_svg(client, "/api/v1/topologies/shop/diagram.svg?revision=1").texts()
    now = get_svg(client, "/api/v1/topologies/shop/diagram.svg").texts()
    assert "LoadBalancer" in now and "NodePort" not in now


def test_conditional_get(app, client, shop):
    store(app, shop)
    first = client.get("/api/v1/topologies/shop/diagram.svg")
    again = client.get(
        "/api/v1/topologies/shop/diagram.svg", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304


HOSTILE = [
    "<b>bold</b>",
    'say "hi"',
    "{a|b} {{ .Values }}",
    "back\\slash\\",
    "a & b; &amp;",
    "\\n\\l\\N\\G",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_user_strings_are_escaped(value):
    """Names, images, annotations and the description come out of ``dot`` exactly as
    given, whatever they hold (the document here skips validation on purpose)."""
    document = {
        "name": f"t{value}",
        "description": f"d{value}",
        "components": [
            {
                "name": f"n{value}",
                "role": "frontend",
                "image": f"i{value}",
                "ports": [{"name": f"p{value}", "port": 80}],
                "service": {"annotations": {f"k{value}": f"v{value}"}},
                "dependsOn": [f"x{value}"],
            },
            {"name": f"x{value}", "role": "external", "external": {"host": f"h{value}"}},
        ],
    }
    graph = diagram.build_graph(document)
    drawing = Drawing(diagram.render_svg(graph))
    texts = drawing.texts()
    for expected in [
        f"t{value}",
        f"d{value}",
        f"n{value}",
        f"i{value}",
        f"p{value} 80 → 80",
        f"k{value}: v{value}",
        f"x{value}",
        f"→ h{value}",
    ]:
        assert expected in texts, (expected, texts)
    assert drawing.edges() == {"c0->c1"}
    if any(ch in value for ch in '<>"&'):  # markup: only its escaped form reaches DOT
        assert value not in graph.source
    assert diagram.text(f"n{value}") in graph.source


def test_no_dot_is_a_json_503(app, client, shop, monkeypatch, tmp_path):
    store(app, shop)
    monkeypatch.setenv("PATH", str(tmp_path))
    response = client.get("/api/v1/topologies/shop/diagram.svg")
    assert response.status_code == 503
    assert response.get_json() == {
        "code": 503,
        "status": "Service Unavailable",
        "message": "graphviz's dot is not installed: apt-get install graphviz",
    }


def test_unknown_topology_or_revision_is_a_json_404(app, client, shop):
    store(app, shop)
    assert client.get("/api/v1/topologies/nope/diagram.svg").get_json()["code"] == 404
    response = client.get("/api/v1/topologies/shop/diagram.svg?revision=7")
    assert response.status_code == 404
    assert response.get_json()["message"] == "topology 'shop' has no revision 7"

"""The web pages at ``/`` and ``/topologies/<name>``, through Flask's test client
(the browser test is ``test_web_browser.py``)."""

from __future__ import annotations

import copy
import re

import pytest
from markupsafe import escape

from svcgen.web.highlight import lexer_name
from svcgen.web.pages import label_filters

from .debian_packages import ensure
from .examples import EXAMPLES_DIR
from .storing import replace, store


@pytest.fixture(autouse=True, scope="module")
def dot() -> str:
    """The topology page shows the diagram only when ``dot`` is installed."""
    return ensure("graphviz")


def page(client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, response.data[:500]
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def other_topology(name: str, team: str) -> dict:
    return {
        "name": name,
        "labels": {"team": team, "tier": "gold"},
        "components": [
            {"name": "web", "role": "frontend", "image": "nginx:1.27", "ports": [{"port": 80}]}
        ],
    }


def test_index_lists_and_searches(app, client):
    store(app, EXAMPLES_DIR / "seed-shop.yaml")
    store(app, other_topology("blog", "content"))
    store(app, other_topology("shop-admin", "storefront"))
    everything = page(client, "/")
    assert "3 of 3 topologies" in everything
    assert everything.index(">shop-admin</a>") < everything.index(">blog</a>")  # newest first
    assert 'href="/topologies/shop"' in everything

    def names(path):
        return re.findall(r'<a href="/topologies/([^"?]+)">', page(client, path))

    assert names("/?q=SHOP") == ["shop-admin", "shop"]
    assert names("/?label=team=storefront") == ["shop-admin", "shop"]
    assert names("/?label=team=storefront&label=tier=gold") == ["shop-admin"]
    assert names("/?label=team%3Dstorefront+tier%3Dgold") == ["shop-admin"]
    assert names("/?label=tier") == ["shop-admin", "blog"]
    assert names("/?q=shop&label=team=content") == []
    assert "No topology matches" in page(client, "/?q=nothing")


def test_label_filters():
    assert label_filters(["team=storefront", "tier", " a=b,c=d ", ""]) == [
        ("team", "storefront"),
        ("tier", None),
        ("a", "b"),
        ("c", "d"),
    ]


def test_topology_page(app, client):
    store(app, EXAMPLES_DIR / "seed-shop.yaml")
    text = page(client, "/topologies/shop")
    assert '<img id="diagram" src="/api/v1/topologies/shop/diagram.svg"' in text
    rows = re.findall(
        r"<tr>\s*(.*?)</tr>",
        text.split('id="services"')[1].split("<tbody>")[1].split("</table>")[0],
        re.S,
    )
    cells = [re.findall(r"<td>(.*?)</td>", row, re.S) for row in rows]
    assert [c[:3] for c in cells] == [
        ["web", "frontend", "NodePort"],
        ["api", "backend", "ClusterIP"],
        ["orders-db", "external", "ExternalName"],
    ]
    assert cells[0][3].startswith("80") and "(http)" in cells[0][3]
    assert cells[0][4:] == ["80", "30008", "TCP"]
    assert cells[2][4:] == ["5432", "—", "TCP"]
    assert "helm repo add svcgen http://localhost/charts" in text
    assert "helm install shop svcgen/shop\n" in text or "helm install shop svcgen/shop<" in text
    assert (
        'id="download-chart" href="/api/v1/topologies/shop/chart" download="shop-0.1.0.tgz"' in text
    )
    assert 'href="/api/v1/topologies/shop/catalog-info.yaml"' in text
    assert text.count('<div class="highlight">') >= 5  # Chart.yaml, values.yaml, templates...
    assert '<span class="nt">apiVersion</span>' in text  # YAML highlighted on the server
    assert "<script" not in text


def test_warnings_and_revisions(app, client, shop):
    store(app, shop)
    changed = copy.deepcopy(shop)
    changed["components"][0]["service"]["type"] = "ClusterIP"
    del changed["components"][0]["ports"][0]["nodePort"]
    replace(app, changed)
    text = page(client, "/topologies/shop")
    warnings = text.split("<h2>Warnings</h2>")[1].split("</section>")[0]
    assert "components.0.service.type" in warnings
    revisions = text.split('id="revisions"')[1].split("</table>")[0]
    assert re.findall(r'href="/topologies/shop(?:\?revision=(\d+))?">(\d+)</a>', revisions) == [
        ("", "2"),
        ("1", "1"),
    ]
    assert "0.2.0" in revisions and "0.1.0" in revisions
    old = page(client, "/topologies/shop?revision=1")
    assert "an older one" in old
    assert "helm install shop svcgen/shop --version 0.1.0" in old
    assert 'src="/api/v1/topologies/shop/diagram.svg?revision=1"' in old
    assert 'href="/api/v1/topologies/shop/chart?revision=1" download="shop-0.1.0.tgz"' in old
    assert "30008" in old


def test_user_text_is_escaped(app, client, shop):
    shop["description"] = '<script>alert("x")</script> & {{ 7*7 }}'
    store(app, shop)
    for path in ("/", "/topologies/shop"):
        text = page(client, path)
        assert "<script>" not in text
        assert str(escape(shop["description"])) in text


def test_assets_are_local(app, client, shop):
    store(app, shop)
    text = page(client, "/topologies/shop")
    links = re.findall(r'(?:href|src)="([^"]*)"', text)
    assert links and all(link.startswith("/") for link in links), links
    for css in ("/assets/svcgen.css", "/assets/pygments.css"):
        assert f'href="{css}"' in text
        with client.get(css) as response:  # closes the static file
            assert response.status_code == 200 and response.mimetype == "text/css"
    assert ".highlight .nt" in client.get("/assets/pygments.css").get_data(as_text=True)


@pytest.mark.parametrize(
    ("path", "status", "says"),
    [
        ("/topologies/nope", 404, "no topology named &#39;nope&#39;"),
        ("/topologies/shop?revision=9", 404, "has no revision 9"),
        ("/topologies/shop?revision=x", 400, "revision must be a whole number"),
        ("/topologies/shop/elsewhere", 404, "404 Not Found"),
        ("/topologies", 404, "404 Not Found"),
    ],
)
def test_page_errors_are_html(app, client, shop, path, status, says):
    store(app, shop)
    text = page(client, path, status)
    assert says in text and "<h1>" in text


def test_post_to_a_page_is_an_html_405(client):
    response = client.post("/")
    assert response.status_code == 405
    assert response.mimetype == "text/html"
    assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/topologies/nope",
        "/api/v1/topologies/nope/diagram.svg",
        "/api/v1/nothing",
        "/charts/nope-1.0.0.tgz",
        "/schema/nothing",
        "/nothing",
        "/assets/nothing.css",
    ],
)
def test_other_errors_stay_json(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.is_json and response.get_json()["code"] == 404


def test_health_stays_json(client):
    assert client.get("/healthz").is_json
    assert client.get("/readyz").is_json


@pytest.mark.parametrize(
    ("path", "lexer"),
    [
        ("Chart.yaml", "yaml"),
        ("values.schema.json", "json"),
        ("README.md", "markdown"),
        ("templates/web-service.yaml", "yaml+jinja"),
        ("templates/_helpers.tpl", "yaml+jinja"),
        (".helmignore", "text"),
    ],
)
def test_lexers(path, lexer):
    assert lexer_name(path) == lexer


def test_index_pages(app, client, monkeypatch):
    monkeypatch.setattr("svcgen.web.pages.PAGE_SIZE", 2)
    for name in ("a1", "a2", "a3", "b1", "a4"):
        store(app, other_topology(name, "t"))

    def names(path):
        return re.findall(r'<a href="/topologies/([^"?]+)">', page(client, path))

    first = page(client, "/?q=a")
    assert "4 of 5 topologies · page 1 of 2" in first
    assert names("/?q=a") == ["a4", "a3"]
    assert 'href="/?page=2&amp;q=a"' in first
    assert names("/?q=a&page=2") == ["a2", "a1"]
    assert names("/?q=a&page=3") == []
    past = page(client, "/?q=a&page=3")
    assert "Page 3 is past the last one." in past and 'href="/?page=2&amp;q=a"' in past
    assert "No topology matches" not in past
    assert "No topology matches" in page(client, "/?q=zzz")
    assert "page must be a whole number" in page(client, "/?page=0", 400)


def test_install_command_uses_a_release_name_kubernetes_accepts(app, client):
    """A topology named '1shop' is a fine chart name, but a release named so would make
    Service names Kubernetes refuses: the page suggests one that starts with a letter."""
    store(app, other_topology("1shop", "storefront"))
    text = page(client, "/topologies/1shop")
    assert "helm install app-1shop svcgen/1shop" in text
    assert "helm install 1shop " not in text

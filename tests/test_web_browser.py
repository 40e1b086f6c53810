"""The web pages in a real browser: Debian's headless Chromium, driven by Playwright.

svcgen runs in a thread (Werkzeug's server on 127.0.0.1, a migrated SQLite
file); the seed example is POSTed to the API with a writer token; the browser
goes from ``/`` to the topology's page, sees the diagram and the Services
table, takes a screenshot and downloads the chart with the page's button.
Chromium comes from Debian (``/usr/bin/chromium``, installed by
``scripts/ensure-debian-packages.sh`` when missing): Playwright's own browser
download does not work here.
"""

from __future__ import annotations

import hashlib
import threading
import urllib.request

import pytest
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

from svcgen.api import create_app
from svcgen.api.storage import engine

from .conftest import create_token, migrate
from .debian_packages import ensure
from .examples import EXAMPLES_DIR

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def chromium() -> str:
    """``/usr/bin/chromium``, installed from Debian's packages when missing."""
    ensure("graphviz")  # the page's diagram
    return ensure("chromium")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """svcgen on a free port of 127.0.0.1 over a new SQLite file: ``(base URL, url)``."""
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'svcgen.sqlite3'}"
    migrate(url)
    app = create_app({"DATABASE_URL": url, "RATELIMIT_ENABLED": False})
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}", url
    finally:
        httpd.shutdown()
        thread.join(timeout=10)
        httpd.server_close()
        with app.app_context():
            engine().dispose()


def request(method: str, url: str, data: bytes | None = None, headers: dict | None = None):
    """One HTTP request: ``(status, headers, body)``."""
    sent = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    with urllib.request.urlopen(sent, timeout=30) as response:
        return response.status, response.headers, response.read()


@pytest.fixture(scope="module")
def shop(server) -> str:
    """The seed example, POSTed to the API; its name."""
    base, url = server
    status, _, _ = request(
        "POST",
        f"{base}/api/v1/topologies",
        (EXAMPLES_DIR / "seed-shop.yaml").read_bytes(),
        {
            "Content-Type": "application/yaml",
            "Authorization": f"Bearer {create_token(url, 'writer')}",
        },
    )
    assert status == 201
    return "shop"


@pytest.fixture
def page(chromium):
    """A new browser page of headless Chromium."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=CHROMIUM_ARGS, headless=True
        )
        try:
            context = browser.new_context(
                accept_downloads=True, viewport={"width": 1280, "height": 900}
            )
            yield context.new_page()
            context.close()
        finally:
            browser.close()


def test_from_the_list_to_the_chart(server, shop, page, tmp_path):
    base, _ = server
    page.goto(f"{base}/")
    expect(page.locator("h1")).to_have_text("Topologies")
    page.screenshot(path=str(tmp_path / "index.png"))
    page.get_by_role("link", name=shop, exact=True).click()
    page.wait_for_url(f"{base}/topologies/{shop}")
    expect(page.locator("h1")).to_have_text(shop)

    diagram = page.locator("#diagram")
    expect(diagram).to_be_visible()
    diagram.scroll_into_view_if_needed()
    page.wait_for_function("document.getElementById('diagram').complete")
    assert diagram.evaluate("img => img.naturalWidth") > 100  # the SVG loaded and drew

    services = page.locator("#services")
    expect(services).to_be_visible()
    expect(services).to_contain_text("NodePort")
    expect(services.locator("td", has_text="30008")).to_be_visible()

    page.locator("h1").scroll_into_view_if_needed()
    screenshot = tmp_path / "topology.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 10_000
    services.screenshot(path=str(tmp_path / "services.png"))

    with page.expect_download() as started:
        page.locator("#download-chart").click()
    download = started.value
    assert download.suggested_filename == "shop-0.1.0.tgz"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    status, headers, body = request("GET", f"{base}/api/v1/topologies/{shop}/chart")
    assert status == 200
    assert hashlib.sha256(saved.read_bytes()).hexdigest() == headers["ETag"].strip('"')
    assert saved.read_bytes() == body


def test_search_and_an_error_page(server, shop, page):
    base, _ = server
    page.goto(f"{base}/")
    page.get_by_label("Label").fill("team=storefront")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name=shop, exact=True)).to_be_visible()
    page.get_by_label("Label").fill("team=nobody")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".empty")).to_be_visible()
    response = page.goto(f"{base}/topologies/nope")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("404 Not Found")

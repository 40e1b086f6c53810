"""Where the shared example topologies live: ``../shared/examples`` beside the repository
(as on a developer machine and in CI), or ``$SVCGEN_EXAMPLES``."""

from __future__ import annotations

import os
from pathlib import Path

EXAMPLES_DIR = Path(
    os.environ.get("SVCGEN_EXAMPLES", Path(__file__).resolve().parents[2] / "shared" / "examples")
)
EXAMPLES = sorted(EXAMPLES_DIR.glob("*.yaml"))
if not EXAMPLES:
    raise RuntimeError(f"no example topologies in {EXAMPLES_DIR}; set SVCGEN_EXAMPLES")


def shop_document() -> dict:
    """A small valid topology written in code: the seed article's shop (a fresh copy each
    call), for tests that change one field at a time."""
    return {
        "name": "shop",
        "description": "Front end, back end and an external data source",
        "components": [
            {
                "name": "web",
                "role": "frontend",
                "image": "nginx:1.27",
                "ports": [{"name": "http", "port": 80, "nodePort": 30008}],
                "service": {"type": "NodePort"},
                "dependsOn": ["api"],
            },
            {
                "name": "api",
                "role": "backend",
                "image": "ghcr.io/example/shop-api:2.3.1",
                "ports": [{"port": 8080}],
                "dependsOn": ["orders-db"],
            },
            {
                "name": "orders-db",
                "role": "external",
                "external": {"host": "orders.db.example.com"},
                "ports": [{"port": 5432}],
            },
        ],
    }

"""Examples for the OpenAPI document, built from two topologies embedded here.

:data:`SEED_SHOP` and :data:`CLOUD_SHOP` are the project's example topologies
(``examples/seed-shop.yaml`` and ``examples/cloud-shop.yaml`` beside DESIGN.md;
``tests/test_openapi.py`` checks that they stay equal), kept in code so that an
installed package documents itself without those files. Everything else is
derived from them by the core (warnings, a 422's errors) or written to match.
"""

from __future__ import annotations

import copy
import functools
from http import HTTPStatus

from ..errors import TopologyInvalid
from ..topology import chart_version_for, validate_topology

#: The seed article's shop: a NodePort front end, a back end, an external data source.
SEED_SHOP = {
    "name": "shop",
    "description": "Front end, back end and an external data source",
    "appVersion": "1.0.0",
    "labels": {"team": "storefront"},
    "components": [
        {
            "name": "web",
            "role": "frontend",
            "image": "nginx:1.27",
            "replicas": 2,
            "ports": [{"name": "http", "port": 80, "targetPort": 80, "nodePort": 30008}],
            "service": {"type": "NodePort"},
            "dependsOn": ["api"],
            "healthPath": "/",
        },
        {
            "name": "api",
            "role": "backend",
            "image": "ghcr.io/example/shop-api:2.3.1",
            "replicas": 3,
            "ports": [{"name": "http", "port": 8080, "targetPort": 8080}],
            "env": {"LOG_LEVEL": "info"},
            "secretEnv": [{"name": "DB_PASSWORD", "secret": "shop-db", "key": "password"}],
            "dependsOn": ["orders-db"],
            "resources": {
                "requests": {"cpu": "100m", "memory": "128Mi"},
                "limits": {"memory": "256Mi"},
            },
            "healthPath": "/healthz",
        },
        {
            "name": "orders-db",
            "role": "external",
            "external": {"host": "orders.db.example.com"},
            "ports": [{"port": 5432}],
        },
    ],
}

#: The same shop on a cloud: a LoadBalancer, a headless back end, a data source by IP.
CLOUD_SHOP = {
    "name": "cloud-shop",
    "components": [
        {
            "name": "web",
            "role": "frontend",
            "image": "nginx:1.27",
            "ports": [
                {"name": "http", "port": 80, "targetPort": 8080},
                {"name": "https", "port": 443, "targetPort": 8443},
            ],
            "service": {
                "type": "LoadBalancer",
                "externalTrafficPolicy": "Local",
                "loadBalancerSourceRanges": ["203.0.113.0/24", "198.51.100.0/24"],
                "annotations": {"service.beta.kubernetes.io/aws-load-balancer-type": "nlb"},
            },
            "dependsOn": ["api"],
        },
        {
            "name": "api",
            "role": "backend",
            "image": "ghcr.io/example/shop-api:2.3.1",
            "ports": [{"port": 8080}],
            "dependsOn": ["orders-db", "cache"],
        },
        {
            "name": "cache",
            "role": "backend",
            "image": "redis:7",
            "ports": [{"name": "redis", "port": 6379}],
            "service": {"headless": True},
        },
        {
            "name": "orders-db",
            "role": "external",
            "external": {"addresses": ["192.0.2.10", "192.0.2.11"]},
            "ports": [{"name": "postgres", "port": 5432}],
        },
    ],
}

_CREATED = "2026-11-29T20:18:21.123Z"
_UPDATED = "2026-11-30T09:02:44.518Z"
_DIGEST = "3f2a9c1d7e5b4a6f8c0d2e4f6a8b0c1d3e5f7a9b1c3d5e7f9a0b2c4d6e8f0a1b"


def warnings(document: dict) -> list[dict]:
    """The warnings the server gives ``document``, as JSON items."""
    return [w.as_dict() for w in validate_topology(document).warnings]


@functools.cache
def _invalid_errors() -> list[dict]:
    bad = copy.deepcopy(SEED_SHOP)
    bad["components"][0]["ports"][0]["nodePort"] = 70000
    bad["components"][1]["ports"][0]["port"] = "8080"
    try:
        validate_topology(bad)
    except TopologyInvalid as exc:
        return [e.as_dict() for e in exc.errors]
    raise AssertionError("the example of a bad document passed validation")


def stored(document: dict, revision: int = 1) -> dict:
    """``document`` as ``GET /topologies/{name}`` answers with it."""
    return {
        **document,
        "revision": revision,
        "chartVersion": chart_version_for(document, revision),
        "createdAt": _CREATED,
        "updatedAt": _UPDATED if revision > 1 else _CREATED,
        "warnings": warnings(document),
    }


_MESSAGES = {
    400: "the document is not valid JSON: Expecting ',' delimiter at line 3 column 5",
    401: "send an API token: Authorization: Bearer <token>",
    403: "this token may not do that",
    404: "no topology named 'shop'",
    405: "The method is not allowed for the requested URL.",
    409: "a topology named 'shop' exists already; change it with PUT /topologies/shop",
    412: (
        "topology 'shop' has changed: its current revision is 3; "
        "GET it again, make your change to that, and send its ETag in If-Match"
    ),
    413: "the request body is larger than the limit of 1048576 bytes",
    415: "send the topology as application/json, application/yaml, application/x-yaml, "
    "text/yaml; text/plain is not supported",
    428: "this server requires If-Match on PUT and DELETE: send the ETag of the revision "
    "your change is based on (GET the topology for it)",
    500: "The server encountered an internal error and was unable to complete your request.",
    503: "the database does not answer",
}


def error(code: int) -> dict:
    """An example error body with status ``code``; a 422 lists real field errors."""
    status = HTTPStatus(code)
    if code == 422:
        message = "the topology is invalid; every problem is listed in errors"
        return {
            "code": 422,
            "status": status.phrase,
            "message": message,
            "errors": _invalid_errors(),
        }
    return {"code": code, "status": status.phrase, "message": _MESSAGES.get(code, status.phrase)}


def schema_examples() -> dict[str, dict]:
    """An example of each response schema, by OpenAPI component name."""
    return {
        "TopologyPage": {
            "items": [
                {
                    "name": "shop",
                    "description": SEED_SHOP["description"],
                    "revision": 2,
                    "chartVersion": "0.2.0",
                    "createdAt": _CREATED,
                    "updatedAt": _UPDATED,
                }
            ],
            "page": 1,
            "pageSize": 20,
            "totalItems": 1,
            "totalPages": 1,
        },
        "RevisionList": {
            "name": "shop",
            "items": [
                {
                    "revision": 1,
                    "chartVersion": "0.1.0",
                    "createdAt": _CREATED,
                    "createdBy": None,
                    "digest": _DIGEST,
                },
                {
                    "revision": 2,
                    "chartVersion": "0.2.0",
                    "createdAt": _UPDATED,
                    "createdBy": None,
                    "digest": _DIGEST,
                },
            ],
        },
        "Diff": {
            "name": "shop",
            "from": {"revision": 1, "chartVersion": "0.1.0"},
            "to": {"revision": 2, "chartVersion": "0.2.0"},
            "document": {
                "added": [],
                "removed": [],
                "changed": [
                    {
                        "path": ["components", 0, "replicas"],
                        "field": "components.0.replicas",
                        "old": 2,
                        "new": 3,
                    }
                ],
            },
            "files": [
                {
                    "path": "values.yaml",
                    "status": "changed",
                    "diff": "--- a/shop/values.yaml\n+++ b/shop/values.yaml\n@@ -3 +3 @@\n-  replicas: 2\n+  replicas: 3\n",
                }
            ],
        },
        "Deleted": {
            "deleted": {
                "name": "shop",
                "revisions": [1, 2],
                "charts": ["shop-0.1.0.tgz", "shop-0.2.0.tgz"],
            }
        },
        "ValidationResult": {"valid": True, "warnings": warnings(CLOUD_SHOP)},
        "Health": {"status": "ok", "database": "ok"},
        "Error": error(422),
    }

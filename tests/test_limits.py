"""Limits on what one document may hold, each on both sides of its boundary,
refused with a 422 naming the field (svcgen.schemas)."""

from __future__ import annotations

import pytest

from svcgen import schemas

from .test_rules import base, errors_of, with_


def names(n: int, prefix: str = "V") -> list[str]:
    return [f"{prefix}{i}" for i in range(n)]


def topology(n: int, depends: int = 0, ports: int = 1) -> dict:
    """``n`` backends behind one frontend; component ``i`` calls the next ``depends``."""
    components = [
        {
            "name": f"c{i}",
            "role": "frontend" if i == 0 else "backend",
            "image": "nginx:1.27",
            "ports": [{"name": f"p{j}", "port": 1000 + j} for j in range(ports)],
            "dependsOn": [f"c{(i + k) % n}" for k in range(1, depends + 1)],
        }
        for i in range(n)
    ]
    return {"name": "big", "components": components}


L = schemas.MAX_TEXT_LENGTH
W = schemas.MAX_WORDS
E = schemas.MAX_ENV

CASES = [
    # free text: env values, command and args words, annotation values, exec words
    ("components.1.env", {"A": "x" * L}, {"A": "x" * (L + 1)}, "components.1.env.A"),
    ("components.1.command", ["x" * L], ["x" * (L + 1)], "components.1.command.0"),
    ("components.1.args", ["x" * L], ["x" * (L + 1)], "components.1.args.0"),
    (
        "components.1.service",
        {"annotations": {"a": "x" * L}},
        {"annotations": {"a": "x" * (L + 1)}},
        "components.1.service.annotations.a",
    ),
    (
        "components.1.probes",
        {"readiness": {"exec": {"command": ["x" * L]}}},
        {"readiness": {"exec": {"command": ["x" * (L + 1)]}}},
        "components.1.probes.readiness.exec.command.0",
    ),
    ("description", "x" * 1000, "x" * 1001, "description"),
    ("chartVersion", "1.0.0-" + "a" * 122, "1.0.0-" + "a" * 123, "chartVersion"),
    ("components.1.image", "a" * 512, "a" * 513, "components.1.image"),
    (
        "components.0.dependsOn",
        [{"name": "api", "env": {"API": "{host}" + "x" * 1018}}],
        [{"name": "api", "env": {"API": "{host}" + "x" * 1019}}],
        "components.0.dependsOn.0.env.API",
    ),
    (
        "components.1.probes",
        {"readiness": {"grpc": {"port": 8080, "service": "s" * 253}}},
        {"readiness": {"grpc": {"port": 8080, "service": "s" * 254}}},
        "components.1.probes.readiness.grpc.service",
    ),
    (
        "components.2.external",
        {"host": ".".join(["a" * 63] * 3 + ["a" * 61])},
        {"host": ".".join(["a" * 63] * 3 + ["a" * 62])},
        "components.2.external.host",
    ),
    ("components.1.env", {"A" * 253: "x"}, {"A" * 254: "x"}, f"components.1.env.{'A' * 254}"),
    # counts
    (
        "components.1.env",
        dict.fromkeys(names(E), "x"),
        dict.fromkeys(names(E + 1), "x"),
        "components.1.env",
    ),
    (
        "components.1.secretEnv",
        [{"name": n, "secret": "s", "key": "k"} for n in names(E)],
        [{"name": n, "secret": "s", "key": "k"} for n in names(E + 1)],
        "components.1.secretEnv",
    ),
    ("components.1.command", ["x"] * W, ["x"] * (W + 1), "components.1.command"),
    ("components.1.args", ["x"] * W, ["x"] * (W + 1), "components.1.args"),
    (
        "components.1.probes",
        {"readiness": {"exec": {"command": ["x"] * W}}},
        {"readiness": {"exec": {"command": ["x"] * (W + 1)}}},
        "components.1.probes.readiness.exec.command",
    ),
    (
        "components.1.service",
        {"annotations": dict.fromkeys(names(100, "a"), "x")},
        {"annotations": dict.fromkeys(names(101, "a"), "x")},
        "components.1.service.annotations",
    ),
    (
        "labels",
        dict.fromkeys(names(100, "l"), "x"),
        dict.fromkeys(names(101, "l"), "x"),
        "labels",
    ),
    (
        "components.0.service",
        {"type": "LoadBalancer", "loadBalancerSourceRanges": ["10.0.0.0/8"] * 100},
        {"type": "LoadBalancer", "loadBalancerSourceRanges": ["10.0.0.0/8"] * 101},
        "components.0.service.loadBalancerSourceRanges",
    ),
    (
        "components.1.resources",
        {"limits": {f"example.com/r{i}": "1" for i in range(20)}},
        {"limits": {f"example.com/r{i}": "1" for i in range(21)}},
        "components.1.resources.limits",
    ),
    (
        "components.0.dependsOn",
        [{"name": "api", "env": dict.fromkeys(names(50), "{host}")}],
        [{"name": "api", "env": dict.fromkeys(names(51), "{host}")}],
        "components.0.dependsOn.0.env",
    ),
    (
        "components.1.ports",
        [{"name": f"p{j}", "port": 1000 + j} for j in range(100)],
        [{"name": f"p{j}", "port": 1000 + j} for j in range(101)],
        "components.1.ports",
    ),
]


@pytest.mark.parametrize(("path", "fits", "too_much", "error_path"), CASES)
def test_limit_boundary(path, fits, too_much, error_path):
    assert errors_of(with_(path, fits)) == {}
    errors = errors_of(with_(path, too_much))
    assert list(errors) == [error_path], errors
    assert any(w in errors[error_path] for w in ("at most", "no more than", "1 to 100"))


def test_a_too_long_value_is_not_quoted_back():
    errors = errors_of(with_("components.1.image", "A" * 100_000))
    assert errors == {"components.1.image": "must be no more than 512 characters"}


@pytest.mark.parametrize(
    ("path", "value", "error_path"),
    [
        (
            "components.1.resources",
            {"requests": {"cpu": "9" * 100_000 + "x"}},
            "components.1.resources.requests.cpu",
        ),
        ("components.1.healthPath", "/" + "a" * 100_000 + " ", "components.1.healthPath"),
        (
            "components.1.secretEnv",
            [{"name": "A", "secret": "s", "key": "k" * 100_000 + "!"}],
            "components.1.secretEnv.0.key",
        ),
        ("components.1.env", {"A B" * 30_000: "x"}, "components.1.env." + "A B" * 30_000),
    ],
)
def test_no_refused_value_is_sent_back_whole(path, value, error_path):
    message = errors_of(with_(path, value))[error_path]
    assert len(message) < 400, message[:200]


def test_depends_on_per_component():
    over = errors_of(topology(101, depends=schemas.MAX_DEPENDS_ON))
    assert "dependsOn entries" in over["components"]  # over the total
    fits = topology(8, depends=7)
    fits["components"][0]["dependsOn"] = [f"x{i}" for i in range(100)]
    errors = errors_of(fits)
    assert "components.0.dependsOn" not in errors  # 100 entries: only the unknown names
    fits["components"][0]["dependsOn"].append("x100")
    assert "at most 100 components" in errors_of(fits)["components.0.dependsOn"]


@pytest.mark.parametrize(
    ("make", "what"),
    [
        (lambda extra: topology(200, depends=5 + extra), "dependsOn entries"),
        (lambda extra: topology(200, ports=5 + extra), "ports"),
    ],
)
def test_topology_totals(make, what):
    assert errors_of(make(0)) == {}  # 1000 edges, or 1000 ports: the limit
    errors = errors_of(make(1))
    assert list(errors) == ["components"] and what in errors["components"]


def test_env_total():
    doc = topology(10)
    for component in doc["components"]:
        component["env"] = dict.fromkeys(names(200), "x")
    assert errors_of(doc) == {}  # 2000
    doc["components"][0]["secretEnv"] = [{"name": "S", "secret": "s", "key": "k"}]
    assert "2001 env and secretEnv entries" in errors_of(doc)["components"]


def test_the_api_names_the_field(client):
    response = client.post("/api/v1/validate", json=with_("components.1.env", {"A": "x" * (L + 1)}))
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["components.1.env.A"]
    assert client.post("/api/v1/validate", json=base()).status_code == 200


def test_a_topology_where_everyone_calls_everyone_is_refused_fast(client):
    """200 components each depending on the 199 others took 20 s to render: now a 422
    at once, and the largest topology the limits allow renders in a few seconds."""
    import time

    started = time.monotonic()
    response = client.post("/api/v1/render", json=topology(200, depends=199))
    assert response.status_code == 422
    fields = {e["field"] for e in response.get_json()["errors"]}
    assert "components.0.dependsOn" in fields
    assert time.monotonic() - started < 10
    started = time.monotonic()
    response = client.post("/api/v1/render", json=topology(200, depends=5))  # 1000 edges
    assert response.status_code == 200, response.get_json()
    print(f"200 components, 1000 dependsOn edges rendered in {time.monotonic() - started:.1f}s")

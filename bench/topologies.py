"""Topologies of any size for the benchmarks: ``wide(n)`` has ``n`` components.

The components cycle through the roles svcgen knows (frontend with a NodePort,
backend, worker, external by host), each backend depending on the next external
one, so that every kind of chart file is rendered. Above 200 components a
document is over the topology limit (DESIGN section 2): the render benchmark
calls :func:`svcgen.render.render_chart` directly, which does not validate.
"""

from __future__ import annotations


def _component(i: int, n: int) -> dict:
    kind = i % 4
    name = f"c{i}"
    if kind == 0:
        return {
            "name": name,
            "role": "frontend",
            "image": f"ghcr.io/example/web-{i}:1.0",
            "ports": [{"name": "http", "port": 80, "targetPort": 8080}],
            "service": {"type": "ClusterIP"},
            "ingress": {"host": f"c{i}.example.com"},
            "dependsOn": [f"c{i + 1}"] if i + 1 < n else [],
            "env": {"LOG_LEVEL": "info"},
            "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}},
            "healthPath": "/healthz",
        }
    if kind == 1:
        edges = [f"c{i + 2}"] if i + 2 < n else []
        return {
            "name": name,
            "role": "backend",
            "image": f"ghcr.io/example/api-{i}:2.3.1",
            "ports": [{"port": 8080}],
            "dependsOn": edges,
            "secretEnv": [{"name": "DB_PASSWORD", "secret": f"db-{i}", "key": "password"}],
        }
    if kind == 2:
        return {"name": name, "role": "worker", "image": f"ghcr.io/example/worker-{i}:1"}
    return {
        "name": name,
        "role": "external",
        "external": {"host": f"db{i}.example.com"},
        "ports": [{"port": 5432}],
    }


def wide(n: int, name: str = "wide") -> dict:
    """A topology document of ``n`` components (see the module docstring).

    :param n: the number of components, 1 or more.
    :param name: the topology's name.
    :returns: a plain dict, valid when ``n`` is at most 200.
    """
    components = [_component(i, n) for i in range(n)]
    for component in components:  # an edge to a worker or past the end is dropped
        component["dependsOn"] = [
            d
            for d in component.get("dependsOn", [])
            if int(d[1:]) < n and components[int(d[1:])]["role"] != "worker"
        ]
        if not component["dependsOn"]:
            component.pop("dependsOn", None)
    return {"name": name, "description": f"{n} components", "components": components}

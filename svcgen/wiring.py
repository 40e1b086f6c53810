"""Wiring: the environment variables each ``dependsOn`` edge gives the caller (DESIGN section 5).

An edge ``A dependsOn B`` gives A's pods ``<B>_HOST`` (B's Service name) and
``<B>_PORT`` (B's first port, when B has ports). An edge given with ``env`` sets
exactly those variables instead, from patterns with the placeholders ``{host}``,
``{port}`` and ``{port.<name>}``. The chart fills the placeholders at install time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from . import model
from .errors import FieldError
from .naming import env_prefix

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def edge_env(entry: str | dict, target: dict) -> dict[str, str]:
    """The variables one edge sets, as patterns: ``{"API_HOST": "{host}", "API_PORT": "{port}"}``
    for a plain edge, the edge's own ``env`` for an edge given with it.

    :param entry: the ``dependsOn`` entry (a name, or ``{name, env}``).
    :param target: the called component.
    """
    if isinstance(entry, dict):
        return dict(entry["env"])
    prefix = env_prefix(target["name"])
    env = {f"{prefix}_HOST": "{host}"}
    if target.get("ports"):
        env[f"{prefix}_PORT"] = "{port}"
    return env


def edge_errors(i: int, c: dict, by_name: Mapping[str, dict]) -> list[FieldError]:
    """Problems of component ``i``'s ``dependsOn`` edges and of the variable names its
    pods would get: targets exist, are not itself and not workers, each is called once,
    patterns use known placeholders, and no variable is set twice.

    :param i: the component's index in the document's ``components``.
    :param c: the component.
    :param by_name: every component of the document by name.
    :returns: errors with paths under ``components.<i>.dependsOn`` or ``...env``.
    """
    at = ("components", i, "dependsOn")
    errors, called = [], set()
    taken = {name: ("env", name) for name in c.get("env", {})}
    for k, s in enumerate(c.get("secretEnv", [])):
        errors += _claim(taken, s["name"], ("secretEnv", k, "name"), i)
    for j, entry in enumerate(c.get("dependsOn", [])):
        target_name = model.edge_target(entry)
        where = (*at, j) if isinstance(entry, str) else (*at, j, "name")
        target = by_name.get(target_name)
        if target is None:
            errors.append(FieldError(where, f"'{target_name}' is not a component of this topology"))
            continue
        if target_name == c["name"]:
            errors.append(FieldError(where, "a component may not depend on itself"))
            continue
        if target["role"] == "worker":
            errors.append(
                FieldError(where, f"'{target_name}' is a worker, which has no Service to call")
            )
            continue
        if target_name in called:
            errors.append(FieldError(where, f"'{target_name}' is listed twice"))
            continue
        called.add(target_name)
        for var, pattern in edge_env(entry, target).items():
            origin = (*at, j, "env", var) if isinstance(entry, dict) else (*at, j)
            errors += _claim(taken, var, origin[2:], i)
            if isinstance(entry, dict):
                errors += _pattern_errors(origin, pattern, target)
    return errors


def _claim(taken: dict, var: str, origin: tuple, i: int) -> list[FieldError]:
    if var in taken:
        first = ".".join(map(str, taken[var]))
        return [
            FieldError(
                ("components", i, *origin),
                f"sets {var}, which {first} sets already; each variable once",
            )
        ]
    taken[var] = origin
    return []


def _pattern_errors(where: tuple, pattern: str, target: dict) -> list[FieldError]:
    """Placeholders are ``{host}``, ``{port}`` (needs a port) or ``{port.<name>}`` of a named port."""
    port_names = {p["name"] for p in target.get("ports", []) if "name" in p}
    errors = []
    for placeholder in _PLACEHOLDER.findall(pattern):
        if placeholder == "host":
            continue
        if placeholder == "port":
            if not target.get("ports"):
                errors.append(
                    FieldError(where, f"uses {{port}}, but '{target['name']}' has no ports")
                )
            continue
        if placeholder.startswith("port.") and placeholder[5:] in port_names:
            continue
        known = ", ".join(["{host}", "{port}"] + [f"{{port.{n}}}" for n in sorted(port_names)])
        errors.append(
            FieldError(
                where, f"{{{placeholder}}} is not a placeholder of '{target['name']}'; use {known}"
            )
        )
    return errors

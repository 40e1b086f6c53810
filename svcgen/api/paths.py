"""Sets of request paths, written one way everywhere: an exact path (``/healthz``),
or a subtree with a trailing ``/`` (``/assets/``: every path below it); ``/`` alone
is the root path only."""

from __future__ import annotations


class Paths:
    """Request paths that share a rule (open, unlimited, a page...).

    >>> "/assets/app.css" in Paths("/", "/assets/")
    True
    >>> "/anything" in Paths("/", "/assets/")
    False

    :param paths: exact paths, and subtrees ending in ``/``.
    """

    def __init__(self, *paths: str):
        self.paths = paths
        self._exact = frozenset(p for p in paths if p == "/" or not p.endswith("/"))
        self._prefixes = tuple(p for p in paths if p != "/" and p.endswith("/"))

    def __contains__(self, path: str) -> bool:
        """Whether ``path`` is one of the exact paths or below one of the subtrees."""
        return path in self._exact or path.startswith(self._prefixes)

    def __repr__(self) -> str:
        return f"Paths{self.paths!r}"


#: The token API: only admins, and never cached.
TOKEN_PATHS = Paths("/api/v1/tokens", "/api/v1/tokens/")

"""Settings are checked when the app is made, so that a mistyped one stops the
server at start instead of quietly meaning something else.

Settings come from ``SVCGEN_<KEY>`` environment variables, parsed as JSON when they
are JSON (Flask's ``from_prefixed_env``): ``true`` is a boolean, but ``False``,
``no`` or ``off`` stay strings, and any non-empty string would count as true.
"""

from __future__ import annotations

import limits
from flask import Flask

#: Settings that must be ``true`` or ``false``.
BOOLEAN_SETTINGS = (
    "REQUIRE_IF_MATCH",
    "RATELIMIT_ENABLED",
    "RATELIMIT_SWALLOW_ERRORS",
    "TESTING_SLOW_ROUTE",
)

#: Settings that are rate limits in the ``limits`` library's notation.
RATE_LIMIT_SETTINGS = ("RATELIMIT_PER_ADDRESS", "RATELIMIT_PER_TOKEN", "RATELIMIT_WRITES")


def check_settings(app: Flask) -> None:
    """Refuse a setting of the wrong kind.

    :param app: the app, every extension's defaults already in its config.
    :raises ValueError: a boolean setting is not ``true`` or ``false``, a rate limit
        cannot be read (e.g. ``lots`` or ``null`` rather than ``600 per minute``),
        ``MAX_CONTENT_LENGTH`` is not a whole number of bytes above 0, or
        ``NODE_PORT_RANGE`` is not ``[low, high]`` within 1-65535; the message names
        the environment variable.
    """
    for key in BOOLEAN_SETTINGS:
        value = app.config.get(key, False)
        if not isinstance(value, bool):
            raise ValueError(f"SVCGEN_{key} must be true or false, not {value!r}")
    for key in RATE_LIMIT_SETTINGS:
        value = app.config.get(key)
        try:
            limits.parse_many(value)
        except (ValueError, TypeError):
            raise ValueError(
                f"SVCGEN_{key} must be a rate limit such as '600 per minute' or "
                f"'10/second; 600/hour', not {value!r}"
            ) from None
    size = app.config.get("MAX_CONTENT_LENGTH")
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(
            f"SVCGEN_MAX_CONTENT_LENGTH must be a whole number of bytes above 0, not {size!r}"
        )
    ports = app.config.get("NODE_PORT_RANGE")
    if not (
        isinstance(ports, (list, tuple))
        and len(ports) == 2
        and all(isinstance(p, int) and not isinstance(p, bool) for p in ports)
        and 1 <= ports[0] <= ports[1] <= 65535
    ):
        raise ValueError(
            "SVCGEN_NODE_PORT_RANGE must be [low, high], whole numbers with "
            f"1 <= low <= high <= 65535 (e.g. [30000, 32767]), not {ports!r}"
        )

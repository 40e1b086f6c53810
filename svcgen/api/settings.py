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
BOOLEAN_SETTINGS = ("REQUIRE_IF_MATCH", "RATELIMIT_ENABLED", "TESTING_SLOW_ROUTE")

#: Settings that are rate limits in the ``limits`` library's notation.
RATE_LIMIT_SETTINGS = ("RATELIMIT_PER_ADDRESS", "RATELIMIT_PER_TOKEN", "RATELIMIT_WRITES")


def check_settings(app: Flask) -> None:
    """Refuse a setting of the wrong kind.

    :param app: the app, every extension's defaults already in its config.
    :raises ValueError: a boolean setting is not ``true`` or ``false``, or a rate limit
        cannot be read (e.g. ``lots`` rather than ``600 per minute``); the message names
        the environment variable.
    """
    for key in BOOLEAN_SETTINGS:
        value = app.config.get(key, False)
        if not isinstance(value, bool):
            raise ValueError(f"SVCGEN_{key} must be true or false, not {value!r}")
    for key in RATE_LIMIT_SETTINGS:
        value = app.config.get(key)
        if value is None:
            continue
        try:
            limits.parse_many(value)
        except (ValueError, TypeError):
            raise ValueError(
                f"SVCGEN_{key} must be a rate limit such as '600 per minute' or "
                f"'10/second; 600/hour', not {value!r}"
            ) from None

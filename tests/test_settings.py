"""Mistyped settings stop the app at start, naming the environment variable."""

from __future__ import annotations

import re

import pytest

from svcgen.api import create_app


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'settings.sqlite3'}"


@pytest.mark.parametrize("key", ["REQUIRE_IF_MATCH", "RATELIMIT_ENABLED", "TESTING_SLOW_ROUTE"])
@pytest.mark.parametrize("written", ["False", "no", "off", "0", "maybe", ""])
def test_a_boolean_written_other_than_true_or_false_is_refused(monkeypatch, url, key, written):
    monkeypatch.setenv(f"SVCGEN_{key}", written)
    with pytest.raises(ValueError, match=f"SVCGEN_{key} must be true or false, not "):
        create_app({"DATABASE_URL": url})


@pytest.mark.parametrize("written, value", [("true", True), ("false", False)])
def test_json_booleans_are_read(monkeypatch, url, written, value):
    monkeypatch.setenv("SVCGEN_REQUIRE_IF_MATCH", written)
    assert create_app({"DATABASE_URL": url}).config["REQUIRE_IF_MATCH"] is value


@pytest.mark.parametrize("written", ["lots", "null"])  # null is not taken as "no limit"
@pytest.mark.parametrize(
    "key", ["RATELIMIT_PER_ADDRESS", "RATELIMIT_PER_TOKEN", "RATELIMIT_WRITES"]
)
def test_an_unreadable_rate_limit_is_refused(monkeypatch, url, key, written):
    monkeypatch.setenv(f"SVCGEN_{key}", written)
    with pytest.raises(ValueError, match=f"SVCGEN_{key} must be a rate limit such as"):
        create_app({"DATABASE_URL": url})


def test_readable_rate_limits_are_kept(monkeypatch, url):
    monkeypatch.setenv("SVCGEN_RATELIMIT_PER_ADDRESS", "10/second; 600/hour")
    app = create_app({"DATABASE_URL": url})
    assert app.config["RATELIMIT_PER_ADDRESS"] == "10/second; 600/hour"


@pytest.mark.parametrize(
    "key, written, says",
    [
        ("RATELIMIT_SWALLOW_ERRORS", "no", "must be true or false"),
        ("MAX_CONTENT_LENGTH", '"1MiB"', "must be a whole number of bytes above 0"),
        ("MAX_CONTENT_LENGTH", "0", "must be a whole number of bytes above 0"),
        ("NODE_PORT_RANGE", "[40000, 30000]", "must be [low, high]"),
        ("NODE_PORT_RANGE", "[30000]", "must be [low, high]"),
        ("NODE_PORT_RANGE", '"30000-32767"', "must be [low, high]"),
        ("NODE_PORT_RANGE", "[0, 70000]", "must be [low, high]"),
    ],
)
def test_other_settings_of_the_wrong_kind_are_refused(monkeypatch, url, key, written, says):
    monkeypatch.setenv(f"SVCGEN_{key}", written)
    with pytest.raises(ValueError, match=f"SVCGEN_{key} {re.escape(says)}"):
        create_app({"DATABASE_URL": url})


def test_good_sizes_and_ranges_are_kept(monkeypatch, url):
    monkeypatch.setenv("SVCGEN_MAX_CONTENT_LENGTH", "2097152")
    monkeypatch.setenv("SVCGEN_NODE_PORT_RANGE", "[20000, 22767]")
    app = create_app({"DATABASE_URL": url})
    assert app.config["MAX_CONTENT_LENGTH"] == 2097152
    assert list(app.config["NODE_PORT_RANGE"]) == [20000, 22767]

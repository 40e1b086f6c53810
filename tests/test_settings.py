"""Mistyped settings stop the app at start, naming the environment variable."""

from __future__ import annotations

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


@pytest.mark.parametrize(
    "key", ["RATELIMIT_PER_ADDRESS", "RATELIMIT_PER_TOKEN", "RATELIMIT_WRITES"]
)
def test_an_unreadable_rate_limit_is_refused(monkeypatch, url, key):
    monkeypatch.setenv(f"SVCGEN_{key}", "lots")
    with pytest.raises(ValueError, match=f"SVCGEN_{key} must be a rate limit such as"):
        create_app({"DATABASE_URL": url})


def test_readable_rate_limits_are_kept(monkeypatch, url):
    monkeypatch.setenv("SVCGEN_RATELIMIT_PER_ADDRESS", "10/second; 600/hour")
    app = create_app({"DATABASE_URL": url})
    assert app.config["RATELIMIT_PER_ADDRESS"] == "10/second; 600/hour"

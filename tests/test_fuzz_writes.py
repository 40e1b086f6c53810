"""Hypothesis sends random bytes, deep nesting and huge numbers to every write
endpoint: each answer is JSON and below 500, the service stays up, and a refused
write leaves every table as it was (nothing half-written)."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from svcgen.api.storage import engine
from svcgen.models import Base

#: Every endpoint that writes or reads a body: (method, path).
WRITES = [
    ("POST", "/api/v1/topologies"),
    ("PUT", "/api/v1/topologies/shop"),
    ("DELETE", "/api/v1/topologies/shop"),
    ("POST", "/api/v1/validate"),
    ("POST", "/api/v1/render"),
    ("POST", "/api/v1/tokens"),
    ("DELETE", "/api/v1/tokens/fuzz"),
]

MEDIA = ["application/json", "application/yaml", "text/yaml", "text/plain", ""]

SHOP = {
    "name": "shop",
    "components": [
        {
            "name": "web",
            "role": "frontend",
            "image": "nginx:1.27",
            "replicas": "__NUM__",
            "ports": [{"port": 80, "nodePort": 30008}],
            "resources": {"limits": {"memory": "__NUM__"}},
        }
    ],
}

HUGE = st.one_of(
    st.integers(min_value=2**63 - 1, max_value=2**200).map(str),
    st.integers(min_value=-(2**200), max_value=-(2**31)).map(str),
    st.integers(min_value=4000, max_value=6000).map(lambda n: "9" * n),
    st.sampled_from(["1e999", "-1e999", "1e-999", "NaN", "Infinity", ".inf", "0x" + "f" * 5000]),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
)


def nested(depth: int, as_map: bool) -> str:
    opener, closer = ('{"a": ', "}") if as_map else ("[", "]")
    return opener * depth + "1" + closer * depth


BODIES = st.one_of(
    st.binary(max_size=2048),
    st.builds(nested, st.integers(min_value=1, max_value=5000), st.booleans()).map(str.encode),
    HUGE.map(lambda n: json.dumps(SHOP).replace('"__NUM__"', n).encode()),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=30,
    ).map(lambda value: json.dumps(value).encode()),
)


def rows(app) -> dict[str, list]:
    """Every row of every table of the models, in primary-key order."""
    with app.app_context(), engine().connect() as connection:
        return {
            table.name: connection.execute(text(f"SELECT * FROM {table.name} ORDER BY 1")).all()
            for table in Base.metadata.sorted_tables
        }


@settings(
    max_examples=200,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(endpoint=st.sampled_from(WRITES), body=BODIES, media=st.sampled_from(MEDIA))
def test_refused_writes_change_nothing(client, shop, endpoint, body, media):
    if client.get("/api/v1/topologies/shop").status_code == 404:
        assert client.post("/api/v1/topologies", json=shop).status_code == 201
    before = rows(client.application)
    method, path = endpoint
    headers = {"Content-Type": media} if media else {}
    if method == "DELETE":
        headers["If-Match"] = '"not-the-current-revision"'
    response = client.open(path, method=method, data=body, headers=headers)
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    assert response.is_json or response.mimetype == "application/gzip"
    if response.status_code >= 400:
        assert rows(client.application) == before
    assert client.get("/healthz").status_code == 200

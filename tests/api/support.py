"""Helpers of the API tests: the HTTP client, the hand-built town and its expected ids.

The town (state ``town-2024``), by scale::

    50000  S settlement (Vaduz)
    10000  B1 block "Altstadt" (b1, b2)      B2 block (b3)
     2000  b1 "Rathaus", b2, b3 buildings; b1 nearby b2
     2000  br1 bridge over river r1 "Rhein"; br2 bridge over river r2 "Samina"; br3 over road rd1

``town-2025``: br2 is gone, B2 is an industrial site, building b4 is new.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from shapely.geometry import LineString, box

from api.app import create_app
from api.auth import hash_key
from api.settings import ApiSettings
from ingest.records import MapObject, Relation
from stack.settings import StackSettings

EDITOR_KEY = "test-editor-key-0123456789abcdef"
HEADERS = {"X-API-Key": EDITOR_KEY}
UPLOAD_LIMIT = 64 * 1024
COVERAGE = box(9.50, 47.10, 9.60, 47.20)


def line(x0: float, y0: float, x1: float, y1: float) -> LineString:
    return LineString([(x0, y0), (x1, y1)])


TOWN = [
    MapObject("S", "settlement", 50000, box(9.505, 47.105, 9.595, 47.195), name="Vaduz"),
    MapObject("B1", "residential_block", 10000, box(9.52, 47.12, 9.53, 47.13), name="Altstadt"),
    MapObject("B2", "residential_block", 10000, box(9.54, 47.12, 9.55, 47.13)),
    MapObject("b1", "building", 2000, box(9.521, 47.121, 9.522, 47.122), name="Rathaus"),
    MapObject("b2", "building", 2000, box(9.525, 47.125, 9.526, 47.126)),
    MapObject("b3", "building", 2000, box(9.541, 47.121, 9.542, 47.122)),
    MapObject("r1", "river", 2000, line(9.51, 47.145, 9.52, 47.145), name="Rhein"),
    MapObject("br1", "bridge", 2000, line(9.515, 47.14, 9.515, 47.15), name="Alte Rheinbrücke"),
    MapObject("r2", "river", 2000, line(9.58, 47.145, 9.59, 47.145), name="Samina"),
    MapObject("br2", "bridge", 2000, line(9.585, 47.14, 9.585, 47.15), name="Saminabrücke"),
    MapObject("rd1", "road", 2000, line(9.56, 47.145, 9.57, 47.145)),
    MapObject("br3", "bridge", 2000, line(9.565, 47.14, 9.565, 47.15)),
]
"""The town at three scales: buildings in blocks in a settlement; bridges over rivers and a road."""

RELATIONS = [
    Relation("b1", "part_of", "B1", cross_scale=True),
    Relation("b2", "part_of", "B1", cross_scale=True),
    Relation("b3", "part_of", "B2", cross_scale=True),
    Relation("B1", "part_of", "S", cross_scale=True),
    Relation("B2", "part_of", "S", cross_scale=True),
    Relation("br1", "passing_over", "r1"),
    Relation("br2", "passing_over", "r2"),
    Relation("br3", "passing_over", "rd1"),
    Relation("b1", "nearby", "b2"),
]

TOWN_2025 = [
    *[o for o in TOWN if o.key not in ("br2", "B2")],
    MapObject("B2", "industrial_site", 10000, box(9.54, 47.12, 9.55, 47.13)),
    MapObject("b4", "building", 2000, box(9.531, 47.131, 9.532, 47.132)),
]
"""A year later: the Samina bridge is gone, block B2 became an industrial site, b4 is new."""

RELATIONS_2025 = [r for r in RELATIONS if "br2" not in (r.subject_key, r.object_key)]


@dataclass(frozen=True)
class Town:
    """The published states and the ids of their objects by key."""

    old: str
    new: str
    ids: dict[str, str]
    new_ids: dict[str, str]


class Api:
    """A client of one served API: ``gql(query, **variables)`` posts and returns the body."""

    def __init__(self, base_url: str, settings: ApiSettings) -> None:
        self.base_url = base_url
        self.settings = settings
        self.http = httpx.Client(base_url=base_url, timeout=None)

    def gql(
        self, query: str, headers: dict[str, str] | None = None, /, **variables: Any
    ) -> dict[str, Any]:
        response = self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        return response.json()

    def data(self, query: str, headers: dict[str, str] | None = None, /, **variables: Any) -> Any:
        """The ``data`` of a query that must succeed."""
        body = self.gql(query, headers, **variables)
        assert "errors" not in body, body["errors"]
        return body["data"]

    @property
    def ws_url(self) -> str:
        return self.base_url.replace("http://", "ws://") + "/graphql"


def error_codes(body: dict[str, Any]) -> list[str]:
    """The ``extensions.code`` of each error of a GraphQL response."""
    return [e["extensions"]["code"] for e in body.get("errors", [])]


@contextmanager
def serve_api(settings: ApiSettings) -> Iterator[Api]:
    """The API with ``settings``, served on a free loopback port while the context lasts; its
    ``public_url`` is that port's URL unless ``settings`` set one."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    base_url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    if "public_url" not in settings.model_fields_set:
        settings = settings.model_copy(update={"public_url": base_url})
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            pytest.fail("the API server did not start; see the log above")
        time.sleep(0.02)
    api = Api(base_url, settings)
    try:
        yield api
    finally:
        api.http.close()
        server.should_exit = True
        thread.join()
        listener.close()


def api_settings(stack: StackSettings, data_root: Path, **overrides: Any) -> ApiSettings:
    """Settings of a served API on the test stack: one editor key, small limits."""
    defaults: dict[str, Any] = {
        "api_keys": {"editor": hash_key(EDITOR_KEY)},
        "data_root": data_root,
        "upload_max_bytes": UPLOAD_LIMIT,
        "max_page_size": 100,
    }
    return ApiSettings(
        home=stack.home,
        neo4j_uri=stack.neo4j_uri,
        neo4j_user=stack.neo4j_user,
        neo4j_password=stack.neo4j_password,
        neo4j_database=stack.neo4j_database,
        redis_url=stack.redis_url,
        **(defaults | overrides),
    )


def free_port() -> int:
    """A loopback TCP port nothing listens on (now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])

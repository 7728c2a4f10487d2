"""OGC API - Features: GDAL's OAPIF driver (through pyogrio) reads the collections, and the
required endpoints answer as the standard says.

Only the GDAL tests need the OAPIF driver; the endpoint tests run on any GDAL build."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pyogrio

from tests.api.support import Api, Town
from tests.support.skips import missing

GDAL_READ = """
import json, sys
import pyogrio
source, layer, options = json.loads(sys.argv[1])
if layer is None:
    print(json.dumps([name for name, _ in pyogrio.list_layers(source)]))
else:
    if "bbox" in options:
        options["bbox"] = tuple(options["bbox"])
    frame = pyogrio.read_dataframe(source, layer=layer, **options)
    rows = frame[["key", "class", "name"]].astype(object).where(frame.notna(), None)
    print(json.dumps({"epsg": frame.crs.to_epsg(), "rows": rows.to_dict("records")}))
"""
"""GDAL runs in a child process: it holds the GIL while it waits for the in-process server."""


def gdal(api: Api, layer: str | None = None, **options: Any) -> Any:
    """What GDAL's OAPIF driver reads from the API: layer names, or one layer's rows."""
    if "OAPIF" not in pyogrio.list_drivers():
        missing(
            "GDAL's OAPIF driver in pyogrio's GDAL build",
            "reinstall pyogrio's wheel, which bundles a GDAL with it: .venv/bin/python -m pip "
            "install --force-reinstall --only-binary=:all: pyogrio",
        )
    args = json.dumps([f"OAPIF:{api.base_url}/ogc", layer, options])
    done = subprocess.run([sys.executable, "-c", GDAL_READ, args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_gdal_lists_and_reads_collections(api: Api, town: Town) -> None:
    assert {"town-2024_2000", "town-2024_10000", "town-2025_50000"} <= set(gdal(api))
    frame = gdal(api, "town-2024_2000")
    assert frame["epsg"] == 4326
    assert sorted(r["key"] for r in frame["rows"]) == [
        "b1", "b2", "b3", "br1", "br2", "br3", "r1", "r2", "rd1",
    ]  # fmt: skip
    bridges = {r["name"] for r in frame["rows"] if r["class"] == "bridge"}
    assert bridges == {"Alte Rheinbrücke", "Saminabrücke", None}


def test_gdal_bbox_and_paging(api: Api, town: Town) -> None:
    west = gdal(api, "town-2024_2000", bbox=[9.50, 47.10, 9.53, 47.20])
    assert sorted(r["key"] for r in west["rows"]) == ["b1", "b2", "br1", "r1"]
    small_pages = gdal(api, "town-2024_2000", dataset_options={"PAGE_SIZE": "2"})
    assert len(small_pages["rows"]) == 9


def test_required_endpoints(api: Api, town: Town) -> None:
    landing = api.http.get("/ogc/").json()
    rels = {link["rel"] for link in landing["links"]}
    assert {"self", "service-desc", "conformance", "data"} <= rels
    conformance = api.http.get("/ogc/conformance").json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in conformance
    assert api.http.get("/ogc/api").json()["openapi"].startswith("3.0")
    collection = api.http.get("/ogc/collections/town-2024_10000").json()
    assert collection["extent"]["spatial"]["bbox"] == [[9.5, 47.1, 9.6, 47.2]]
    items = api.http.get("/ogc/collections/town-2024_10000/items", params={"limit": 1})
    assert items.headers["content-type"].startswith("application/geo+json")
    page = items.json()
    assert page["numberReturned"] == 1
    follow = next(link["href"] for link in page["links"] if link["rel"] == "next")
    rest = api.http.get(follow).json()
    assert [f["properties"]["key"] for f in page["features"] + rest["features"]] == sorted(
        ["B1", "B2"], key=lambda k: town.ids[k]
    )
    one = page["features"][0]
    single = api.http.get(f"/ogc/collections/town-2024_10000/items/{one['id']}").json()
    assert single["properties"]["key"] == one["properties"]["key"]
    elsewhere = api.http.get(f"/ogc/collections/town-2024_2000/items/{one['id']}")
    assert elsewhere.status_code == 404


def test_datetime_and_refusals(api: Api, town: Town) -> None:
    items = "/ogc/collections/town-2024_10000/items"
    in_2024 = api.http.get(items, params={"datetime": "2024-01-01/2024-12-31"}).json()
    assert len(in_2024["features"]) == 2
    assert api.http.get(items, params={"datetime": "2025-01-01/.."}).json()["features"] == []
    for params in ({"bbox": "1,2,3"}, {"limit": "-1"}, {"cursor": "x"}, {"filter": "a=1"},
                   {"datetime": "yesterday"}, {"f": "html"},
                   {"crs": "http://www.opengis.net/def/crs/EPSG/0/3857"}):  # fmt: skip
        response = api.http.get(items, params=params)
        assert response.status_code == 400, params
        assert response.json()["code"] == "BAD_USER_INPUT"
    for path in ("/ogc/collections/town-2024_123", "/ogc/collections/nowhere_2000/items"):
        response = api.http.get(path)
        assert response.status_code == 404
        assert response.json()["code"] == "NOT_FOUND"

"""OGC API - Features: GDAL's OAPIF driver (through pyogrio) reads the collections, and the
endpoints answer as Core and Part 2 (CRS) say: one geometry kind per collection, empty ones
hidden, declared default and maximum ``limit``, counts, ``next``/``prev`` paging, ``class``
and CRS filters, links from ``public_url`` and a 400 for every bad parameter.

Only the GDAL tests need the OAPIF driver; the endpoint tests run on any GDAL build."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyogrio
import pytest
from shapely.geometry import box

from ingest.records import MapObject
from stack.settings import StackSettings
from tests.api.support import TOWN, Api, Town, api_settings, line, serve_api
from tests.support.skips import missing

SMALL_LIMIT = 4
"""``ogc_max_limit`` of the ``small_pages`` API: the town's six lines at 1:2,000 are two pages."""

LINES = "/ogc/collections/town-2024_2000_lines"
LINE_KEYS = sorted(o.key for o in TOWN if o.scale == 2000 and o.geometry.geom_type == "LineString")
LV95 = "http://www.opengis.net/def/crs/EPSG/0/2056"
WGS84_LATLON = "http://www.opengis.net/def/crs/EPSG/0/4326"

GDAL_READ = """
import json, sys
import pyogrio
source, layer, options, log = json.loads(sys.argv[1])
pyogrio.set_gdal_config_options({"CPL_DEBUG": "ON", "CPL_LOG": log})
if layer is None:
    print(json.dumps(dict(pyogrio.list_layers(source).tolist())))
else:
    if "bbox" in options:
        options["bbox"] = tuple(options["bbox"])
    frame = pyogrio.read_dataframe(source, layer=layer, **options)
    rows = frame[["key", "class", "name"]].astype(object).where(frame.notna(), None)
    print(json.dumps({
        "crs": frame.crs.to_string(),
        "rows": rows.to_dict("records"),
        "bounds": [float(v) for v in frame.total_bounds],
    }))
"""
"""GDAL runs in a child process: it holds the GIL while it waits for the in-process server.
Its debug log (``CPL_LOG``) records each URL it fetched."""


@pytest.fixture(scope="module")
def small_pages(
    local_stack: object, stack_settings: StackSettings, data_root: Path
) -> Iterator[Api]:
    """An API whose largest OGC page is :data:`SMALL_LIMIT` features."""
    with serve_api(api_settings(stack_settings, data_root, ogc_max_limit=SMALL_LIMIT)) as served:
        yield served


def gdal(api: Api, layer: str | None = None, log: Path | None = None, **options: Any) -> Any:
    """What GDAL's OAPIF driver reads from the API: layer names and geometry types, or one
    layer's rows, CRS and bounds. ``log`` receives GDAL's debug log."""
    if "OAPIF" not in pyogrio.list_drivers():
        missing(
            "GDAL's OAPIF driver in pyogrio's GDAL build",
            "reinstall pyogrio's wheel, which bundles a GDAL with it: .venv/bin/python -m pip "
            "install --force-reinstall --only-binary=:all: pyogrio",
        )
    args = json.dumps([f"OAPIF:{api.base_url}/ogc", layer, options, str(log or "/dev/null")])
    done = subprocess.run([sys.executable, "-c", GDAL_READ, args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def fetched(log: Path) -> list[str]:
    """The URLs GDAL fetched, in order, from its debug log."""
    return re.findall(r"HTTP: Fetch\((\S+)\)", log.read_text())


def bad(api: Api, path: str, params: dict[str, str]) -> str:
    """The description of a request that must be refused as bad user input."""
    response = api.http.get(path, params=params)
    assert response.status_code == 400, (params, response.text)
    body = response.json()
    assert body["code"] == "BAD_USER_INPUT", body
    return str(body["description"])


def pages(api: Api, url: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Every page of a ``next`` link chain, starting at ``url``."""
    found = [api.http.get(url, params=params).json()]
    while (link := _link(found[-1], "next")) is not None:
        found.append(api.http.get(link).json())
    return found


def _link(body: dict[str, Any], rel: str) -> str | None:
    return next((link["href"] for link in body["links"] if link["rel"] == rel), None)


def _href(body: dict[str, Any], rel: str) -> str:
    """The ``rel`` link of a page that must have one."""
    link = _link(body, rel)
    assert link is not None, f"no {rel!r} link among {body['links']}"
    return link


def keys(page: dict[str, Any]) -> list[str]:
    return [f["properties"]["key"] for f in page["features"]]


def test_gdal_sees_one_geometry_type_per_collection_and_no_empty_one(api: Api, town: Town) -> None:
    assert gdal(api) == {
        "town-2024_2000_lines": "LineString",
        "town-2024_2000_polygons": "Polygon",
        "town-2024_10000_polygons": "Polygon",
        "town-2024_50000_polygons": "Polygon",
        "town-2025_2000_lines": "LineString",
        "town-2025_2000_polygons": "Polygon",
        "town-2025_10000_polygons": "Polygon",
        "town-2025_50000_polygons": "Polygon",
    }
    frame = gdal(api, "town-2024_2000_lines")
    assert frame["crs"] == "OGC:CRS84"
    assert sorted(r["key"] for r in frame["rows"]) == LINE_KEYS
    bridges = {r["name"] for r in frame["rows"] if r["class"] == "bridge"}
    assert bridges == {"Alte Rheinbrücke", "Saminabrücke", None}


def test_gdal_reads_a_collection_larger_than_a_page_in_few_requests(
    small_pages: Api, town: Town, tmp_path: Path
) -> None:
    log = tmp_path / "gdal.log"
    frame = gdal(small_pages, "town-2024_2000_lines", log=log)
    assert sorted(r["key"] for r in frame["rows"]) == LINE_KEYS
    items = [url for url in fetched(log) if "/items" in url]
    # GDAL asks a first page for the schema, then pages of its own size (larger than our
    # maximum, which caps it) and follows our `next` links, which carry the capped limit:
    # six lines are two pages of four.
    following = [url for url in items if "cursor=" in url]
    assert len(following) == 1 and f"limit={SMALL_LIMIT}&" in following[0], items
    assert len(items) <= 3, items


def test_gdal_follows_next_links_and_bbox(api: Api, town: Town) -> None:
    west = gdal(api, "town-2024_2000_lines", bbox=[9.50, 47.10, 9.53, 47.20])
    assert sorted(r["key"] for r in west["rows"]) == ["br1", "r1"]
    small_pages = gdal(api, "town-2024_2000_lines", PAGE_SIZE="2")
    assert sorted(r["key"] for r in small_pages["rows"]) == LINE_KEYS


def test_gdal_reads_the_source_crs(
    api: Api, publish: Callable[..., dict[str, str]], tmp_path: Path
) -> None:
    publish("lv95", [MapObject("h", "building", 2000, box(9.52, 47.12, 9.53, 47.13), 2056)], [])
    assert gdal(api, "lv95_2000_polygons")["crs"] == "OGC:CRS84"
    log = tmp_path / "gdal.log"
    frame = gdal(api, "lv95_2000_polygons", log=log, CRS="EPSG:2056")
    assert frame["crs"] == "EPSG:2056"
    assert [r["key"] for r in frame["rows"]] == ["h"]
    west, south, east, north = frame["bounds"]
    assert 2_757_000 < west < east < 2_759_500 and 1_220_000 < south < north < 1_222_500
    assert any(f"crs={LV95}" in url for url in fetched(log))


def test_required_endpoints(api: Api, town: Town) -> None:
    landing = api.http.get("/ogc/").json()
    rels = {link["rel"] for link in landing["links"]}
    assert {"self", "service-desc", "conformance", "data"} <= rels
    conformance = api.http.get("/ogc/conformance").json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in conformance
    assert "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs" in conformance
    assert api.http.get("/ogc/api").json()["openapi"].startswith("3.0")
    collection = api.http.get("/ogc/collections/town-2024_10000_polygons").json()
    assert collection["extent"]["spatial"]["bbox"] == [[9.5, 47.1, 9.6, 47.2]]
    assert collection["storageCrs"] == "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
    items = api.http.get("/ogc/collections/town-2024_10000_polygons/items", params={"limit": 1})
    assert items.headers["content-type"].startswith("application/geo+json")
    page = items.json()
    assert (page["numberReturned"], page["numberMatched"]) == (1, 2)
    rest = api.http.get(_href(page, "next")).json()
    assert keys(page) + keys(rest) == sorted(["B1", "B2"], key=lambda k: town.ids[k])
    one = page["features"][0]
    single = api.http.get(f"/ogc/collections/town-2024_10000_polygons/items/{one['id']}")
    assert single.json()["properties"]["key"] == one["properties"]["key"]
    for elsewhere in ("town-2024_2000_polygons", "town-2024_10000_lines"):
        response = api.http.get(f"/ogc/collections/{elsewhere}/items/{one['id']}")
        assert response.status_code == 404, elsewhere


def test_limit_default_and_maximum_are_declared_and_kept(api: Api, small_pages: Api) -> None:
    definition = api.http.get("/ogc/api").json()
    items = definition["paths"]["/collections/{collectionId}/items"]["get"]["parameters"]
    assert {"$ref": "#/components/parameters/limit"} in items
    limit = definition["components"]["parameters"]["limit"]["schema"]
    assert (limit["default"], limit["maximum"]) == (100, api.settings.ogc_max_limit)
    small = small_pages.http.get("/ogc/api").json()
    assert small["components"]["parameters"]["limit"]["schema"]["maximum"] == SMALL_LIMIT


def test_counts_and_the_next_and_prev_chain(small_pages: Api, town: Town) -> None:
    chain = pages(small_pages, f"{LINES}/items", {"limit": 2})
    assert [page["numberMatched"] for page in chain] == [6, 6, 6]
    assert [page["numberReturned"] for page in chain] == [2, 2, 2]
    in_order = sorted(LINE_KEYS, key=lambda k: town.ids[k])
    assert [k for page in chain for k in keys(page)] == in_order
    assert _link(chain[0], "prev") is None and _link(chain[-1], "next") is None
    back = small_pages.http.get(_href(chain[2], "prev")).json()
    assert keys(back) == keys(chain[1])
    assert keys(small_pages.http.get(_href(back, "prev")).json()) == keys(chain[0])
    assert keys(small_pages.http.get(_href(back, "next")).json()) == keys(chain[2])
    clamped = small_pages.http.get(f"{LINES}/items", params={"limit": 1000}).json()
    assert clamped["numberReturned"] == SMALL_LIMIT
    assert f"limit={SMALL_LIMIT}" in _href(clamped, "next")
    default = pages(small_pages, f"{LINES}/items")
    assert [page["numberReturned"] for page in default] == [4, 2]


def test_the_ids_of_earlier_releases_still_answer(api: Api, town: Town) -> None:
    mixed = api.http.get("/ogc/collections/town-2024_2000/items").json()
    assert mixed["numberMatched"] == 9
    assert {f["geometry"]["type"] for f in mixed["features"]} == {"Polygon", "LineString"}
    listed = [c["id"] for c in api.http.get("/ogc/collections").json()["collections"]]
    assert "town-2024_2000" not in listed and "town-2024_2000_points" not in listed
    assert api.http.get("/ogc/collections/town-2024_2000_points").status_code == 404


def test_class_filter(api: Api, town: Town) -> None:
    bridges = api.http.get(f"{LINES}/items", params={"class": "bridge"}).json()
    assert sorted(keys(bridges)) == ["br1", "br2", "br3"]
    assert bridges["numberMatched"] == 3
    both = api.http.get(f"{LINES}/items", params={"class": "bridge,river", "limit": 2}).json()
    assert both["numberMatched"] == 5 and both["numberReturned"] == 2
    assert "class=bridge%2Criver" in _href(both, "next")
    description = bad(api, f"{LINES}/items", {"class": "bridges"})
    assert "class" in description and "'bridges'" in description


def test_crs_and_bbox_crs(api: Api, publish: Callable[..., dict[str, str]]) -> None:
    publish("lv95", [MapObject("r", "road", 2000, line(9.52, 47.12, 9.53, 47.13), 2056)], [])
    collection = api.http.get("/ogc/collections/lv95_2000_lines").json()
    assert LV95 in collection["crs"] and WGS84_LATLON in collection["crs"]
    items = "/ogc/collections/lv95_2000_lines/items"
    projected = api.http.get(items, params={"crs": LV95})
    assert projected.headers["content-crs"] == f"<{LV95}>"
    (east, north), _ = projected.json()["features"][0]["geometry"]["coordinates"]
    assert 2_757_000 < east < 2_759_500 and 1_220_000 < north < 1_222_500
    lat_lon = api.http.get(items, params={"crs": WGS84_LATLON}).json()
    assert lat_lon["features"][0]["geometry"]["coordinates"][0] == pytest.approx([47.12, 9.52])
    around = f"{east - 10},{north - 10},{east + 10},{north + 10}"
    hit = api.http.get(items, params={"bbox": around, "bbox-crs": LV95}).json()
    assert hit["numberMatched"] == 1
    miss = f"{east - 5000},{north - 5000},{east - 4000},{north - 4000}"
    assert api.http.get(items, params={"bbox": miss, "bbox-crs": LV95}).json()["features"] == []
    assert "crs" in bad(api, items, {"crs": "http://www.opengis.net/def/crs/EPSG/0/3857"})


def test_links_come_from_public_url_not_the_host_header(api: Api, town: Town) -> None:
    public = api.settings.public_url
    for path in ("/ogc/", "/ogc/api", "/ogc/collections", f"{LINES}", f"{LINES}/items"):
        response = api.http.get(path, params={"limit": 2} if "items" in path else None,
                                headers={"Host": "evil.example"})  # fmt: skip
        assert response.status_code == 200, path
        assert "evil.example" not in response.text, path
        hrefs = re.findall(r'"(?:href|url)":\s*"([^"]+)"', response.text)
        assert hrefs and all(h.startswith(public + "/ogc") for h in hrefs), (path, hrefs)


def test_datetime(api: Api, town: Town) -> None:
    items = "/ogc/collections/town-2024_10000_polygons/items"
    in_2024 = api.http.get(items, params={"datetime": "2024-01-01/2024-12-31"}).json()
    assert len(in_2024["features"]) == 2
    after = api.http.get(items, params={"datetime": "2025-01-01/.."}).json()
    assert (after["features"], after["numberMatched"]) == ([], 0)
    assert len(api.http.get(items, params={"datetime": "2024-06-01"}).json()["features"]) == 2


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"limit": "²"}, "limit"),
        ({"limit": "9" * 5000}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"limit": "-1"}, "limit"),
        ({"limit": "1.5"}, "limit"),
        ({"limit": ""}, "limit"),
        ({"bbox": "1,2,3"}, "bbox"),
        ({"bbox": "a,b,c,d"}, "bbox"),
        ({"bbox": "nan,47,9.6,47.2"}, "bbox"),
        ({"bbox": "9.6,47.1,9.5,47.2"}, "bbox"),
        ({"bbox": "9.5,47.1,9.6,47.2", "bbox-crs": "EPSG:2056"}, "bbox-crs"),
        ({"cursor": "x"}, "cursor"),
        ({"before": "x"}, "before"),
        ({"cursor": "o" + "0" * 32, "before": "o" + "f" * 32}, "before"),
        ({"filter": "a=1"}, "filter"),
        ({"datetime": "yesterday"}, "datetime"),
        ({"datetime": "../.."}, "datetime"),
        ({"f": "html"}, "f"),
        ({"crs": "http://www.opengis.net/def/crs/EPSG/0/3857"}, "crs"),
        ({"class": ""}, "class"),
        ({"class": "building,nothing"}, "nothing"),
    ],
)
def test_bad_parameters_are_400_naming_the_problem(
    api: Api, town: Town, params: dict[str, str], named: str
) -> None:
    assert named in bad(api, f"{LINES}/items", params)


def test_bad_collection_ids_are_404(api: Api, town: Town) -> None:
    for cid in ("town-2024_123", "town-2024_²", "town-2024_2000_circles", "nowhere_2000_lines",
                "_2000", "2000_lines"):  # fmt: skip
        for suffix in ("", "/items"):
            response = api.http.get(f"/ogc/collections/{cid}{suffix}")
            assert response.status_code == 404, cid
            assert response.json()["code"] == "NOT_FOUND"

"""Routes of the map viewer, mounted at ``/map``.

- ``/map`` redirects to ``/map/`` (the page uses URLs relative to it, so it also works behind
  a path prefix);
- ``/map/``: the page, or 503 with what to run when its assets (MapLibre GL JS, the label
  glyphs) are not built;
- ``/map/legend.json``: classes, predicates, scales and change kinds with their colours;
- ``/map/config.json``: the basemap, page size, list limit (triplet matches, alerts) and label
  font stack the page works with;
- ``/map/static/...``: the page's own scripts and styles; ``/map/vendor/...``: MapLibre GL JS
  and the label glyphs (``/map/vendor/glyphs/{fontstack}/{range}.pbf``).

None of these carries map data, so none needs an API key: the page sends the key a user types
in with its GraphQL and tile requests.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, RedirectResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from api.services import Services
from api.viewer.settings import ViewerSettings, get_viewer_settings
from cartography.fonts import FONTSTACK
from cartography.legend import legend

STATIC_DIR = Path(__file__).resolve().parent / "static"
REQUIRED_ASSETS = (
    "maplibre-gl.mjs",
    "maplibre-gl-worker.mjs",
    "maplibre-gl.css",
    f"glyphs/{FONTSTACK}/0-255.pbf",
)
"""Files the page cannot start without: what ``viewer/build.sh`` copies, and the first range of
the label glyphs ``cartography.glyphs`` draws (every name label needs it)."""

NOT_BUILT = (
    "The map viewer's assets are not built: {missing} missing in {folder}.\n"
    "Run `bash scripts/setup.sh`, or by hand `bash viewer/build.sh` (npm ci in viewer/, then a "
    "copy of MapLibre GL JS into api/viewer/vendor/) and `python -m cartography.glyphs "
    "api/viewer/vendor/glyphs` (the label glyphs), or point ORTHOGRAPH_VIEWER_ASSETS_DIR at a "
    "folder holding them.\n"
)


def missing_assets(settings: ViewerSettings) -> list[str]:
    """The required MapLibre files absent from the assets folder."""
    return [name for name in REQUIRED_ASSETS if not (settings.assets_dir / name).is_file()]


def viewer_routes(settings: ViewerSettings | None = None) -> list[BaseRoute]:
    """The routes to add to the app (``settings`` default: the environment's)."""
    chosen = settings or get_viewer_settings()

    async def page(request: Request) -> FileResponse | PlainTextResponse:
        missing = missing_assets(chosen)
        if missing:
            text = NOT_BUILT.format(missing=", ".join(missing), folder=chosen.assets_dir)
            return PlainTextResponse(text, status_code=503)
        return FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})

    async def config(request: Request) -> JSONResponse:
        services: Services = request.app.state.services
        basemap = (
            {"url": chosen.basemap_url, "attribution": chosen.basemap_attribution}
            if chosen.basemap_url
            else None
        )
        return JSONResponse(
            {
                "basemap": basemap,
                "pageSize": services.settings.max_page_size,
                "maxObjects": chosen.max_objects,
                "keyRequired": services.settings.require_api_key,
                "fontstack": FONTSTACK,
            }
        )

    async def legend_doc(request: Request) -> JSONResponse:
        return JSONResponse(legend())

    async def to_page(request: Request) -> RedirectResponse:
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"{request.url.path}/{query}", status_code=307)

    return [
        Route("/map", to_page),
        Mount(
            "/map",
            routes=[
                Route("/", page),
                Route("/config.json", config),
                Route("/legend.json", legend_doc),
                Mount("/static", app=StaticFiles(directory=STATIC_DIR)),
                Mount("/vendor", app=StaticFiles(directory=chosen.assets_dir, check_dir=False)),
            ],
        ),
    ]

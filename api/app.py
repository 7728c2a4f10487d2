"""The ASGI application: GraphQL (HTTP and graphql-transport-ws), OGC API Features, health.

``create_app(settings)`` builds it; the backends open in the lifespan, so importing this module
connects to nothing. Routes:

- ``/graphql``: queries and mutations over HTTP (JSON, or multipart for uploads), subscriptions
  over WebSocket; GraphiQL on GET in development (``ORTHOGRAPH_DEV_MODE``);
- ``/ogc/...``: OGC API - Features, read-only, for QGIS and GDAL;
- ``/healthz``, ``/readyz``: liveness and readiness;
- ``/map``: the map viewer page; ``/tiles/...``: imagery tiles of stored rasters (rio-tiler).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.types.unset import UNSET, UnsetType

from api.auth import HEADER, key_from, key_name, missing_key_message
from api.context import Context
from api.errors import ErrorCode
from api.http.health import healthz, readyz
from api.http.limits import BodyLimit
from api.loaders import make_loaders
from api.ogc.routes import ogc_routes
from api.schema import build_schema
from api.services import Services, blocking, open_services
from api.settings import ApiSettings, get_settings
from api.tiles.routes import tile_routes
from api.viewer.routes import viewer_routes

MAX_SUBSCRIPTIONS = 10
"""Subscriptions one WebSocket may hold (each holds a Redis subscription)."""


class GraphQLView(GraphQL[Context, None]):
    """Strawberry's ASGI view with the API's context and key checks."""

    def __init__(self, settings: ApiSettings) -> None:
        super().__init__(
            build_schema(settings),
            graphql_ide="graphiql" if settings.dev_mode else None,
            multipart_uploads_enabled=True,
            allowed_origins=settings.cors_origins,
            max_subscriptions_per_connection=MAX_SUBSCRIPTIONS,
        )
        self.settings = settings

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        """Refuse an HTTP request without a valid key before parsing it, when keys are required."""
        if (
            isinstance(request, Request)
            and self.settings.require_api_key
            and key_name(key_from(request.headers), self.settings) is None
            and not self._ide_page(request)
        ):
            return unauthenticated(self.settings)
        return await super().run(request, context, root_value)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        services: Services = request.app.state.services
        return Context(
            services=services,
            loaders=make_loaders(services),
            principal=key_name(key_from(request.headers), self.settings),
            request=request,
            response=response,
        )

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """Accept a key from ``connectionParams`` (browsers cannot set WebSocket headers)."""
        if context.principal is None:
            key = key_from({}, context.connection_params)
            context.principal = key_name(key, self.settings)
        if self.settings.require_api_key and context.principal is None:
            raise ConnectionRejectionError({"message": missing_key_message(self.settings)})
        return UNSET

    def _ide_page(self, request: Request) -> bool:
        return self.settings.dev_mode and self.should_render_graphql_ide(
            self.request_adapter_class(request)
        )


def unauthenticated(settings: ApiSettings) -> JSONResponse:
    """The 401 answer to a request without a valid key."""
    error = {
        "message": missing_key_message(settings),
        "extensions": {"code": ErrorCode.UNAUTHENTICATED.value},
    }
    return JSONResponse({"errors": [error]}, status_code=401, headers={"WWW-Authenticate": HEADER})


def create_app(settings: ApiSettings | None = None) -> Starlette:
    """The API as an ASGI app (``settings`` default: the environment's)."""
    settings = settings or get_settings()
    view = GraphQLView(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.services = await blocking(open_services, settings)
        try:
            yield
        finally:
            await app.state.services.aclose()

    middleware = [
        Middleware(
            BodyLimit,
            request_max_bytes=settings.request_max_bytes,
            upload_max_bytes=settings.upload_max_bytes,
        )
    ]
    if settings.cors_origins:
        middleware.insert(
            0,
            Middleware(
                CORSMiddleware,
                allow_origins=settings.cors_origins,
                allow_methods=["GET", "POST"],
                allow_headers=["content-type", HEADER],
            ),
        )
    app = Starlette(
        routes=[
            Route("/graphql", view, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", view),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Mount("/ogc", routes=ogc_routes()),
            *tile_routes(),
            *viewer_routes(),
        ],
        middleware=middleware,
        lifespan=lifespan,
    )
    app.state.settings = settings
    return app

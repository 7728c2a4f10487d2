"""The ASGI application: GraphQL (HTTP and graphql-transport-ws), OGC API Features, health.

``create_app(settings)`` builds it; the backends open in the lifespan, so importing this module
connects to nothing. Routes:

- ``/graphql``: queries and mutations over HTTP (JSON, or multipart for uploads), subscriptions
  over WebSocket; GraphiQL on GET in development (``ORTHOGRAPH_DEV_MODE``);
- ``/ogc/...``: OGC API - Features, read-only, for QGIS and GDAL;
- ``/healthz``, ``/readyz``: liveness and readiness;
- ``/map``: the map viewer page; ``/tiles/...``: imagery tiles of stored rasters (rio-tiler)
  and vector tiles of a state's objects (``/tiles/states/{name}/{z}/{x}/{y}.mvt``).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from cross_web import HTTPException
from neo4j.exceptions import DriverError, Neo4jError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLRequestData
from strawberry.types.unset import UNSET, UnsetType

from api.auth import HEADER, key_from, key_name, missing_key_message
from api.context import Context
from api.errors import INTERNAL_MESSAGE, ErrorCode
from api.http.caching import REVALIDATE, cache_control, matches
from api.http.graphql_body import checked_json, error_response, refusal, refuse_subscription
from api.http.health import healthz, readyz
from api.http.limits import BodyLimit
from api.http.response_cache import ResponseCache, cache_key, cacheable_body
from api.loaders import make_loaders
from api.ogc.routes import ogc_routes
from api.schema import build_schema
from api.services import Services, blocking, open_services
from api.settings import ApiSettings, get_settings
from api.tiles.objects import object_tile_routes
from api.tiles.routes import tile_routes
from api.viewer.routes import viewer_routes
from graphdb.errors import GraphError

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
        self.cache = (
            ResponseCache(settings.response_cache_bytes) if settings.response_cache_bytes else None
        )
        self._pending: dict[str, asyncio.Event] = {}
        """Reads being answered now, by cache key: the same read arriving meanwhile waits for
        that answer instead of running again (many users opening one map at once)."""

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        """Refuse an HTTP request without a valid key before parsing it, when keys are required;
        answer strawberry's refusals as JSON with a code (unexpected failures:
        :func:`internal_error`); stop an operation after ``request_timeout_s`` (503)."""
        if not isinstance(request, Request):
            return await super().run(request, context, root_value)
        if (
            self.settings.require_api_key
            and key_name(key_from(request.headers), self.settings) is None
            and not self._ide_page(request)
        ):
            return unauthenticated(self.settings)
        if self.cache is not None and request.method == "POST" and _json(request):
            return await self._cached(request, context, root_value)
        return await self._answer(request, context, root_value)

    async def _answer(self, request: Request, context: Any, root_value: Any) -> Any:
        """Strawberry's answer, its refusals as JSON, cut at ``request_timeout_s``."""
        try:
            return await asyncio.wait_for(
                super().run(request, context, root_value), self.settings.request_timeout_s
            )
        except HTTPException as exc:
            return refusal(exc)
        except TimeoutError:
            return error_response(
                ErrorCode.SERVICE_UNAVAILABLE,
                f"the operation ran longer than {self.settings.request_timeout_s:g} s and was "
                "stopped; ask for smaller pages or fewer nested lists",
                503,
            )

    async def _cached(self, request: Request, context: Any, root_value: Any) -> Any:
        """The kept answer to this very body at this generation of the graph
        (``api.http.response_cache``), else the answer, kept when it may be; a read already
        being answered is waited for, not run twice. Anything but a read of committed data
        goes straight to :meth:`_answer`, without the generation lookup."""
        assert self.cache is not None
        body = await request.body()
        if not cacheable_body(body, self.settings.max_tokens):
            return await self._answer(request, context, root_value)  # writes, alerts, jobs
        services: Services = request.app.state.services
        try:
            generation = await blocking(services.graph.generation)
        except (GraphError, Neo4jError, DriverError, OSError):
            return await self._answer(request, context, root_value)  # it says what is wrong
        key = cache_key(generation, "", body)
        etag = f'"{key}"'
        headers = {"ETag": etag, "Cache-Control": cache_control(self.settings, max_age=REVALIDATE)}
        if (waiting := self._pending.get(key)) is not None:
            await waiting.wait()  # the same read is being answered: share its answer
        kept = self.cache.get(key)
        if kept is not None:
            if matches(request.headers.get("if-none-match"), etag):
                return Response(status_code=304, headers=headers)
            return Response(kept, media_type="application/json", headers=headers)
        done = self._pending.setdefault(key, asyncio.Event())
        try:
            answer = await self._answer(request, context, root_value)
            if _keepable(answer):
                self.cache.put(key, answer.body)
                answer.headers.update(headers)
        finally:
            done.set()
            self._pending.pop(key, None)
        return answer

    def parse_json(self, data: str | bytes) -> Any:
        """Strawberry's JSON parsing, refusing what it would fail on (``api.http.graphql_body``):
        bytes that are not UTF-8, nesting too deep to decode, no object, lone surrogates."""
        try:
            decoded = super().parse_json(data)
        except (UnicodeDecodeError, RecursionError) as exc:
            raise HTTPException(400, "the request body is not JSON in UTF-8") from exc
        return checked_json(decoded)

    async def parse_http_body(self, request: Any) -> GraphQLRequestData | list[GraphQLRequestData]:
        """Strawberry's request data, refusing a subscription (served over WebSocket only)."""
        data = await super().parse_http_body(request)
        if isinstance(data, GraphQLRequestData):
            refuse_subscription(data.query, data.operation_name, self.settings.max_tokens)
        return data

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


def _json(request: Request) -> bool:
    return request.headers.get("content-type", "").startswith("application/json")


def _keepable(answer: Any) -> bool:
    """Whether an answer may be kept: a 200 without errors."""
    return (
        isinstance(answer, Response)
        and answer.status_code == 200
        and b'"errors"' not in answer.body
    )


def unauthenticated(settings: ApiSettings) -> JSONResponse:
    """The 401 answer to a request without a valid key."""
    return error_response(
        ErrorCode.UNAUTHENTICATED,
        missing_key_message(settings),
        401,
        headers={"WWW-Authenticate": HEADER},
    )


async def internal_error(request: Request, exc: Exception) -> JSONResponse:
    """The answer to an exception no route handled: a generic JSON 500 (Starlette logs the
    traceback). It runs outside every middleware, so theirs (the body limit's 413) come first."""
    return error_response(ErrorCode.INTERNAL_SERVER_ERROR, INTERNAL_MESSAGE, 500)


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
            *object_tile_routes(settings),
            *viewer_routes(),
        ],
        middleware=middleware,
        exception_handlers={Exception: internal_error},
        lifespan=lifespan,
    )
    app.state.settings = settings
    return app

"""Liveness and readiness for orchestrators: ``/healthz`` (the process answers) and ``/readyz``
(Neo4j and Redis answer too; 503 with what is down otherwise). Neither needs an API key."""

from __future__ import annotations

from neo4j.exceptions import Neo4jError
from redis.exceptions import RedisError
from starlette.requests import Request
from starlette.responses import JSONResponse

from api.services import Services, blocking
from graphdb.errors import GraphError
from graphdb.schema import schema_version


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    services: Services = request.app.state.services
    checks = {"neo4j": await _neo4j(services), "redis": await _redis(services)}
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "unavailable", "checks": checks},
        status_code=200 if ready else 503,
    )


async def _neo4j(services: Services) -> str:
    try:
        await blocking(schema_version, services.graph.client)
    except (GraphError, Neo4jError, OSError) as exc:
        return f"unavailable: {type(exc).__name__}"
    return "ok"


async def _redis(services: Services) -> str:
    try:
        await services.redis.ping()
    except (RedisError, OSError) as exc:
        return f"unavailable: {type(exc).__name__}"
    return "ok"

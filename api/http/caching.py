"""Conditional GETs and cache lifetimes of the API's immutable HTTP resources.

A stored raster is content-addressed (its SHA-256) and a committed state version (its id) never
changes, so a response made from them alone is the same bytes for ever: its strong ETag is a
digest of those identifiers and of the settings that shape the document (the public URL in
links). A request whose ``If-None-Match`` names that tag gets ``304 Not Modified`` without the
work of rendering. Shared caches (proxies, CDNs) may keep such a response only when reading
needs no key: with ``require_api_key`` they would hand a keyed answer to anyone, so the answer
is ``private`` then, ``public`` otherwise.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from api.settings import ApiSettings

IMMUTABLE_MAX_AGE_S = 86_400
"""How long, seconds, a client may reuse a response of content-addressed data unasked."""

REVALIDATE = 0
"""``max_age`` of a response reached by a name that may move to new data (a state name):
clients keep it but ask with ``If-None-Match`` each time."""


def entity_tag(*parts: str) -> str:
    """A strong ETag for a response made only from ``parts`` (ids of immutable data)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]
    return f'"{digest}"'


def cache_control(settings: ApiSettings, *, max_age: int) -> str:
    """``Cache-Control`` of a cacheable response: ``private`` whenever reads need a key."""
    scope = "private" if settings.require_api_key else "public"
    return f"{scope}, max-age={max_age}" if max_age > 0 else f"{scope}, no-cache"


def matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``etag`` (weak comparison, RFC 9110 13.1.2)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") == etag for tag in if_none_match.split(","))


async def conditional(
    request: Request,
    *,
    etag: str,
    max_age: int,
    build: Callable[[], Awaitable[Response]],
) -> Response:
    """``304`` when the client holds ``etag`` already, else the response ``build`` makes; both
    carry the tag and the cache lifetime."""
    settings: ApiSettings = request.app.state.services.settings
    headers = {"ETag": etag, "Cache-Control": cache_control(settings, max_age=max_age)}
    if matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    response = await build()
    response.headers.update(headers)
    return response

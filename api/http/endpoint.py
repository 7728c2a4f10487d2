"""The wrapper every plain-HTTP (non-GraphQL) endpoint shares: the key check and error answers.

OGC API Features and the imagery tiles answer errors as ``{"code", "description"}`` JSON with
the HTTP status of :data:`HTTP_STATUS`; the codes are the GraphQL error codes of
``api.errors``, so a client sees one vocabulary whatever door it came in by.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from api.auth import key_from, key_name, missing_key_message
from api.errors import ErrorCode, Unauthenticated, code_of

HTTP_STATUS = {
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.BAD_USER_INPUT: 400,
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.SERVICE_UNAVAILABLE: 503,
}
"""HTTP status per error code; any other known code is a 500."""

R = TypeVar("R", bound=Response)
Handler = Callable[[Request], Awaitable[R]]


def http_endpoint(
    check: Callable[[Request], None] | None = None,
) -> Callable[[Handler[R]], Handler[R | JSONResponse]]:
    """Decorate a handler: refuse a missing key when keys are required, run ``check`` (request
    validation that raises API errors), and answer known errors as JSON; unknown ones propagate."""

    def decorate(handler: Handler[R]) -> Handler[R | JSONResponse]:
        @wraps(handler)
        async def run(request: Request) -> R | JSONResponse:
            settings = request.app.state.services.settings
            try:
                if (
                    settings.require_api_key
                    and key_name(key_from(request.headers), settings) is None
                ):
                    raise Unauthenticated(missing_key_message(settings))
                if check is not None:
                    check(request)
                return await handler(request)
            except Exception as exc:
                code = code_of(exc)
                if code is None:
                    raise
                return JSONResponse(
                    {"code": code.value, "description": str(exc)},
                    status_code=HTTP_STATUS.get(code, 500),
                )

        return run

    return decorate

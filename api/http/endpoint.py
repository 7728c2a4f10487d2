"""The wrapper every plain-HTTP (non-GraphQL) endpoint shares: the key check and error answers.

OGC API Features and the imagery tiles answer errors as ``{"code", "description"}`` JSON with
the HTTP status of :data:`HTTP_STATUS`; the codes are the GraphQL error codes of
``api.errors``, so a client sees one vocabulary whatever door it came in by.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from api.auth import key_from, key_name, missing_key_message
from api.errors import INTERNAL_MESSAGE, ErrorCode, Unauthenticated, client_message, code_of

log = logging.getLogger(__name__)

HTTP_STATUS = {
    ErrorCode.BAD_USER_INPUT: 400,
    ErrorCode.GRAPHQL_VALIDATION_FAILED: 400,
    ErrorCode.QUERY_TOO_DEEP: 400,
    ErrorCode.TOO_MANY_ALIASES: 400,
    ErrorCode.QUERY_TOO_LARGE: 400,
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.FORBIDDEN_PATH: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.CONFLICT: 409,
    ErrorCode.PAYLOAD_TOO_LARGE: 413,
    ErrorCode.INTERNAL_SERVER_ERROR: 500,
    ErrorCode.SERVICE_UNAVAILABLE: 503,
}
"""HTTP status per error code (a code added without one answers 500)."""

R = TypeVar("R", bound=Response)
Handler = Callable[[Request], Awaitable[R]]


def http_endpoint(
    check: Callable[[Request], None] | None = None,
) -> Callable[[Handler[R]], Handler[R | JSONResponse]]:
    """Decorate a handler: refuse a missing key when keys are required, run ``check`` (request
    validation that raises API errors), and answer every error as JSON: known ones with their
    code and message, unexpected ones as ``INTERNAL_SERVER_ERROR``, logged here."""

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
                    log.error("unexpected error in %s", request.url.path, exc_info=exc)
                    code, message = ErrorCode.INTERNAL_SERVER_ERROR, INTERNAL_MESSAGE
                else:
                    message = client_message(exc, code)
                return JSONResponse(
                    {"code": code.value, "description": message},
                    status_code=HTTP_STATUS.get(code, 500),
                )

        return run

    return decorate

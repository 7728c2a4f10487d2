"""What the GraphQL view refuses before strawberry reads a request, and how every refusal looks.

Strawberry answers a malformed request (not JSON, no query, a mutation over GET...) with a
plain-text 400; it fails with a 500 on a JSON body that is no object (``42``, ``null``) and on
a string that is no Unicode text (a lone UTF-16 surrogate such as ``"\\ud800"``, which JSON can
spell and UTF-8 cannot encode, so Neo4j and Redis would choke on it), and it runs a
subscription sent over HTTP as if it were a query, failing inside. Here each is a client error
in the shape of every GraphQL error of the API, ``{"errors": [{"message", "extensions":
{"code"}}]}``, with a 4xx status.
"""

from __future__ import annotations

from typing import Any

from cross_web import HTTPException
from graphql import GraphQLError, OperationType, parse
from graphql.utilities import get_operation_ast
from starlette.responses import JSONResponse

from api.errors import ErrorCode

STATUS_CODES = {
    401: ErrorCode.UNAUTHENTICATED,
    404: ErrorCode.NOT_FOUND,
    413: ErrorCode.PAYLOAD_TOO_LARGE,
}
"""The code of a refusal by its HTTP status; any other 4xx is ``BAD_USER_INPUT``."""


def error_response(
    code: ErrorCode, message: str, status: int, headers: dict[str, str] | None = None
) -> JSONResponse:
    """A GraphQL-shaped error answer outside execution."""
    error = {"message": message, "extensions": {"code": code.value}}
    return JSONResponse({"errors": [error]}, status_code=status, headers=headers)


def refusal(exc: HTTPException) -> JSONResponse:
    """Strawberry's refusal of a request, as JSON with a code."""
    status = exc.status_code
    code = STATUS_CODES.get(
        status, ErrorCode.BAD_USER_INPUT if status < 500 else ErrorCode.INTERNAL_SERVER_ERROR
    )
    return error_response(code, exc.reason, status)


def checked_json(data: Any) -> Any:
    """A decoded JSON request part (an operation, a batch, variables, a multipart map) once
    checked to be an object or list whose strings are all Unicode text; raises a 400."""
    if not isinstance(data, dict | list):
        shown = "null" if data is None else type(data).__name__
        raise HTTPException(
            400,
            f'expected a JSON object such as {{"query": "...", "variables": {{}}}}, got {shown}',
        )
    where = _lone_surrogate(data)
    if where is not None:
        raise HTTPException(
            400,
            f"{where} holds a lone UTF-16 surrogate (such as \\ud800), which is not Unicode "
            "text; send valid UTF-8",
        )
    return data


def refuse_subscription(query: str | None, operation_name: str | None, max_tokens: int) -> None:
    """Raise a 400 when the operation to run is a subscription: those are served over WebSocket
    only. The document is parsed with the token limit; one that does not parse is left to the
    schema, which reports it."""
    if not query or "subscription" not in query:
        return
    try:
        operation = get_operation_ast(parse(query, max_tokens=max_tokens), operation_name)
    except GraphQLError:
        return
    if operation is not None and operation.operation is OperationType.SUBSCRIPTION:
        raise HTTPException(
            400,
            "subscriptions are served over WebSocket (graphql-transport-ws) at /graphql, "
            "not over HTTP",
        )


def _lone_surrogate(data: dict[str, Any] | list[Any]) -> str | None:
    """Where (a dotted path) the first string that UTF-8 cannot encode is, if any; iterative,
    so however deep the JSON nests this uses no recursion."""
    stack: list[tuple[str, Any]] = [("request", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return path
        elif isinstance(value, dict):
            for key, item in value.items():
                stack.append((f"{path}.{key.encode('utf-8', 'replace').decode()}", item))
                stack.append((f"{path} (a key)", key))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", item) for i, item in enumerate(value))
    return None

"""Request-body limits, enforced before any parser sees the body.

A multipart body (an upload) may be up to ``upload_max_bytes``, any other body up to
``request_max_bytes``. A declared ``Content-Length`` over the limit is refused at once; a body
sent without one is counted as it streams and refused the moment it passes the limit, so an
oversize upload is never stored.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import ErrorCode


class BodyTooLarge(Exception):
    """Raised inside ``receive`` when a streamed body passes the limit."""


def too_large_body(limit: int) -> bytes:
    """A GraphQL-shaped error body for a refused request."""
    message = f"the request body exceeds the limit of {limit} bytes"
    return json.dumps(
        {"errors": [{"message": message, "extensions": {"code": ErrorCode.PAYLOAD_TOO_LARGE}}]}
    ).encode()


class BodyLimit:
    """ASGI middleware: 413 for HTTP request bodies over their limit."""

    def __init__(self, app: ASGIApp, *, request_max_bytes: int, upload_max_bytes: int) -> None:
        self.app = app
        self.request_max_bytes = request_max_bytes
        self.upload_max_bytes = upload_max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope["headers"]}
        multipart = headers.get(b"content-type", b"").startswith(b"multipart/")
        limit = self.upload_max_bytes if multipart else self.request_max_bytes
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _refuse(send, limit)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await _refuse(send, limit)


async def _refuse(send: Send, limit: int) -> None:
    body = too_large_body(limit)
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})

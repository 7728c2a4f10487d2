"""A loopback HTTP server that records webhook POSTs, for the alert delivery tests.

``Receiver.failures`` answers that many first requests with HTTP 503 (to exercise retries);
``status`` is the answer after that.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Receiver:
    """What the server got: each POST's JSON body and headers, in order."""

    url: str = ""
    failures: int = 0
    status: int = 200
    bodies: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    requests: int = 0


@contextmanager
def receiver(failures: int = 0, status: int = 200) -> Iterator[Receiver]:
    """Serve on 127.0.0.1 (a free port) while the block runs."""
    got = Receiver(failures=failures, status=status)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            with lock:
                got.requests += 1
                answer = 503 if got.requests <= got.failures else got.status
                if answer < 300:
                    got.bodies.append(json.loads(body))
                    got.headers.append(dict(self.headers))
            self.send_response(answer)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            """Quiet: the tests assert on what was received."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    got.url = f"http://127.0.0.1:{server.server_port}/alerts"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield got
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)

"""The typed GraphQL context of one request (or subscription connection) and the ``Info`` alias."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeAlias

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.types import Info as StrawberryInfo

from api.loaders import Loaders
from api.services import Services
from api.settings import ApiSettings


@dataclass
class Context:
    """What every resolver gets: the backends, this request's loaders and who is asking.

    ``principal`` is the name of the API key the request carried, or None. ``connection_params``
    is filled by the subscription protocol from the client's ``connection_init``. ``lookahead``
    memoises what the document selects below a field (``api.lookahead``).
    """

    services: Services
    loaders: Loaders
    principal: str | None
    request: Request | WebSocket
    response: Response | WebSocket
    connection_params: dict[str, Any] = field(default_factory=dict)
    lookahead: dict[tuple[int, tuple[str, ...]], bool] = field(default_factory=dict)

    @property
    def settings(self) -> ApiSettings:
        return self.services.settings


Info: TypeAlias = StrawberryInfo[Context, None]

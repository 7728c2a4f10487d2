"""API keys: clients send the key in ``X-API-Key``; the settings hold only SHA-256 digests.

Keys are long random secrets, not passwords, so one SHA-256 round is enough to keep them out of
configuration files; digests are compared in constant time. Mutations always need a key; with
``require_api_key`` every request does (queries, subscriptions, OGC reads).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from strawberry.permission import BasePermission

from api.errors import Unauthenticated
from api.settings import ApiSettings

HEADER = "x-api-key"
"""The request header (and ``connectionParams`` entry of a subscription) carrying the key."""


def hash_key(key: str) -> str:
    """The digest to configure for ``key`` in ``ORTHOGRAPH_API_KEYS``."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def key_name(key: str | None, settings: ApiSettings) -> str | None:
    """The configured name of ``key``, or None when it is missing or matches no digest."""
    if not key:
        return None
    digest = hash_key(key)
    for name, expected in settings.api_keys.items():
        if hmac.compare_digest(digest, expected):
            return name
    return None


def key_from(headers: Mapping[str, str], params: Mapping[str, Any] | None = None) -> str | None:
    """The key sent in a header, or in a subscription's ``connectionParams``."""
    if HEADER in headers:
        return headers[HEADER]
    for name, value in (params or {}).items():
        if name.lower() in (HEADER, "apikey", "api_key") and isinstance(value, str):
            return value
    return None


def check_required(principal: str | None, settings: ApiSettings) -> None:
    """Raise :class:`Unauthenticated` when every request needs a key and none was valid."""
    if settings.require_api_key and principal is None:
        raise Unauthenticated(missing_key_message(settings))


def missing_key_message(settings: ApiSettings) -> str:
    """What to do about a missing or wrong key."""
    if not settings.api_keys:
        return "no API keys are configured on this server; set ORTHOGRAPH_API_KEYS to allow this"
    return "a valid API key is required: send it in the X-API-Key header"


def principal_of(info: Any) -> str:
    """The key name a resolver acts for; :class:`Unauthenticated` (saying what to do) when the
    request carried no valid key."""
    principal: str | None = info.context.principal
    if principal is None:
        raise Unauthenticated(missing_key_message(info.context.settings))
    return principal


class KeyRequired(BasePermission):
    """Field permission: the request carried a valid API key (every mutation uses it). The
    refusal's message depends on the settings (are any keys configured?), so it is raised here
    rather than through the class-wide ``message``."""

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        principal_of(info)
        return True

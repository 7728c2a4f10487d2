"""Redis pub/sub as an async iterator of decoded JSON messages, for subscriptions.

Each subscription holds its own Redis subscription and drops it when the client goes away (the
generator is closed or cancelled). Pub/sub keeps no history: callers subscribe first and read
any current state from the graph afterwards, so nothing falls between the two.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from api.errors import Unavailable

log = logging.getLogger(__name__)


@asynccontextmanager
async def subscribed(client: aioredis.Redis, channel: str) -> AsyncIterator[AsyncIterator[Any]]:
    """Subscribe to ``channel`` now; yield an iterator of its JSON messages; unsubscribe after.

    Messages that are not JSON are logged and skipped (a bad publisher must not end a feed).
    """
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    try:
        await pubsub.subscribe(channel)
    except (RedisError, OSError) as exc:
        await pubsub.aclose()
        raise Unavailable(f"Redis is unreachable ({exc}); live updates are not available") from exc

    async def messages() -> AsyncIterator[Any]:
        async for message in pubsub.listen():
            if message.get("type") != "message":
                continue
            try:
                yield json.loads(message["data"])
            except (ValueError, TypeError):
                log.warning("skipped a message on %s that is not JSON", channel)

    try:
        yield messages()
    finally:
        await pubsub.aclose()

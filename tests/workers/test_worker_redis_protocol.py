"""Every Redis client of the workers speaks ``REDIS_PROTOCOL`` (RESP2): redis-py 8's RESP3
handshake once broke a task in CI (see ``config.connections.REDIS_PROTOCOL``)."""

from __future__ import annotations

import redis

from config.connections import REDIS_PROTOCOL
from workers.context import passing_context


def test_the_worker_context_speaks_the_projects_redis_protocol(
    redis_client: redis.Redis,
) -> None:
    with passing_context() as ctx:
        seen_by_server = ctx.redis.client_info()
    assert REDIS_PROTOCOL == 2
    assert seen_by_server["resp"] == str(REDIS_PROTOCOL), seen_by_server

"""The GraphQL API, OGC API - Features and health endpoints (``orthograph serve``).

Never imports torch or ``workers`` and never writes Cypher: it reads through ``graphdb`` and
enqueues jobs by task name (``config.tasks``). Layout:

- ``app``: the ASGI application (routes, lifespan, body limits, CORS, key checks);
- ``schema``: the domains merged into one schema, with query limits and error translation;
- ``objects``, ``states``, ``diff``, ``alerts``, ``jobs``: one package per domain with its
  ``types``, ``queries``, ``mutations`` and ``subscriptions``;
- ``context`` (the typed ``Context`` and ``Info``), ``loaders`` (DataLoaders), ``services``
  (backends), ``settings`` (``ApiSettings``), ``auth``, ``errors`` (the one error table),
  ``paging`` (Relay connections), ``enums`` and ``scalars``;
- ``ogc``: OGC API - Features, read-only; ``http``: health and body limits.
"""

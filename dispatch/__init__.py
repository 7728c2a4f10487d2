"""Handing jobs to the workers without their code: submit, enqueue by task name, job settings.

Whoever starts a job (the API, ``orthograph jobs``, the workers' reconciler, the benchmarks)
sends its task by name (``config.tasks``) through a Celery client that knows the broker and
nothing of ``workers``, so the API image needs no worker code and the CLI loads none.
"""

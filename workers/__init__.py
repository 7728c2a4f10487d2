"""Celery app and thin tasks that call ingest, model and graphdb."""

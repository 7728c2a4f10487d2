"""Local services (Neo4j, Redis; a Celery worker and the API on request) started and stopped by
the project, for development and tests."""

from stack.backup import backup, restore
from stack.lifecycle import ServiceStatus, StackStatus, Stopped, down, status, up

__all__ = ["ServiceStatus", "StackStatus", "Stopped", "backup", "down", "restore", "status", "up"]

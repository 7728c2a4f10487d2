"""Local services (Neo4j, Redis) started and stopped by the project, for development and tests."""

"""The knowledge graph in Neo4j: the only package that knows Cypher."""

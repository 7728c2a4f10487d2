"""The rule-based relation engine: the ontology's predicates derived from geometry and tags.

``ingest.relations.engine.relate`` is the entry point; one module per family of rules
(``topology``, ``proximity``, ``network``, ``hierarchy``), each rule a small function.
"""

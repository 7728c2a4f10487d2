"""Vector ingest: read map files, class their features, and build a multi-scale scene graph.

``ingest.vector.pipeline.build_scene_graph`` is the entry point; the readers, the classing and
the repair steps are separate modules so each can be tested and replaced alone.
"""

"""Imagery ingest: an image and a segmenter in, a multi-scale scene graph out.

``pipeline.build_imagery_scene_graph`` is the entry point; ``segmenter`` fixes what a model must
answer per tile (and loads one by name), ``assemble`` turns the segmented tiles of every scale
into the scene graph (shared with the workers' fan-out), ``labels`` reads class-code labels
onto tile grids, ``triplets`` maps the model's per-tile relations onto merged objects,
``profile`` times the stages.
"""

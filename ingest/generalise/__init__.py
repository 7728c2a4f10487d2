"""Multi-scale generalisation: build the coarser scales of a map state from its finest objects.

``ingest.generalise.ladder.generalise`` is the entry point; ``rules`` documents what happens
between two scales, ``aggregate`` (closing), ``merge`` (line merging) and ``naming`` (place
names) do one step each.
"""

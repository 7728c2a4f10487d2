"""The map viewer: a MapLibre GL JS page served at ``/map``, with its legend and configuration.

The page talks to the API like any client: GraphQL for states, objects, relations, triplets,
diffs and alerts; ``/tiles`` for imagery. MapLibre GL JS comes from the npm registry through
``viewer/build.sh`` (pinned in ``viewer/package-lock.json``) and is served from
``api/viewer/vendor/`` (git-ignored), so the page works offline: no CDN, no glyph or sprite
files (labels are HTML). See ``docs/viewer.md``.
"""

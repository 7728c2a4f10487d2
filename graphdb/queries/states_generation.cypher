// What every read of committed data depends on: the map states and their last changes, and the
// areas' names. A new version, a commit, a replacement, a retirement, a purge or an area's
// renaming changes at least one of these.
MATCH (s:MapState)
WITH count(s) AS states, toString(max(s.updated_at)) AS updated,
     toString(max(s.replaced_at)) AS replaced
OPTIONAL MATCH (a:Area)
WITH states, updated, replaced, a.name AS area ORDER BY area
RETURN states, updated, replaced, collect(area) AS areas

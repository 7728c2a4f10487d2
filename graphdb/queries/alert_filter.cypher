// Anchor of the alert feed: alerts into readable states, by area, state, scale, severity, time
// and decision (then alert_list.cypher or alert_count.cypher).
MATCH (al:Alert)-[:TO_STATE]->(new:MapState)-[:OF_AREA]->(a:Area)
WHERE ($area IS NULL OR a.name = $area)
  AND ($state IS NULL OR new.name = $state)
  AND new.status IN $readable
  AND al.severity_rank >= $min_rank
  AND al.scale >= $scale_min AND al.scale <= $scale_max
  AND ($since IS NULL OR al.created_at >= $since)
  AND ($decision IS NULL OR al.decision = $decision)
  AND (NOT $undecided OR al.decision IS NULL)

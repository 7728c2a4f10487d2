MATCH (j:Job {id: $id})
WHERE j.status = $status
SET j.tiles_expected = $tiles, j.scales = $scales, j.updated_at = datetime()
RETURN j {.*} AS job

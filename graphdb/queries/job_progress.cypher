MATCH (j:Job {id: $id})
WHERE j.status = $status
SET j.progress = $progress, j.stage = $stage, j.updated_at = datetime()
RETURN j {.*} AS job

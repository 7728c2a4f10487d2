MATCH (j:Job {id: $id})
SET j.alerts_published = true, j.alerts = $alerts, j.updated_at = datetime()
RETURN j {.*} AS job

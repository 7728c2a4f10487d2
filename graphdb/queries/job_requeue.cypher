MATCH (j:Job {id: $id})
SET j.locked_at = datetime()
WITH j, j.status = $from AS requeued
FOREACH (_ IN CASE WHEN requeued THEN [1] ELSE [] END |
  SET j.status = $to,
      j.token = $token,
      j.reason = null,
      j.progress = 0.0,
      j.stage = 'queued',
      j.started_at = null,
      j.finished_at = null,
      j.updated_at = datetime()
)
RETURN j {.*} AS job, requeued

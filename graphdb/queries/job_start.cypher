MATCH (j:Job {id: $id})
SET j.locked_at = datetime()
WITH j, j.status IN $from AS started
FOREACH (_ IN CASE WHEN started THEN [1] ELSE [] END |
  SET j.status = $to,
      j.runs = j.runs + 1,
      j.started_at = coalesce(j.started_at, datetime()),
      j.stage = 'started',
      j.heartbeat_at = datetime(),
      j.updated_at = datetime()
)
RETURN j {.*} AS job, started

// End a job under its write lock if its status is in $from and, when $quiet_s is given, it
// showed no sign of life (heartbeat, else enqueue) for that many seconds.
MATCH (j:Job {id: $id})
SET j.locked_at = datetime()
WITH j, coalesce(j.heartbeat_at, j.enqueued_at, j.created_at) AS seen
WITH j, j.status IN $from
        AND ($quiet_s IS NULL OR seen < datetime() - duration({seconds: $quiet_s})) AS finished
FOREACH (_ IN CASE WHEN finished THEN [1] ELSE [] END |
  SET j += $props,
      j.status = $to,
      j.finished_at = datetime(),
      j.updated_at = datetime()
)
RETURN j {.*} AS job, finished

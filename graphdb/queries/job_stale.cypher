// Jobs the reconciler must look at, oldest sign of life first: QUEUED or RUNNING ones quiet for
// longer than their threshold, and FAILED ones whose cleanup is pending and that no task has
// touched for $failed_s seconds.
MATCH (j:Job)
WHERE j.status IN [$queued, $running] OR (j.status = $failed AND j.cleanup_pending)
WITH j, coalesce(j.heartbeat_at, j.enqueued_at, j.created_at) AS seen
WITH j, seen, CASE j.status
  WHEN $queued THEN $queued_s
  WHEN $running THEN $running_s
  ELSE $failed_s
END AS quiet_s
WHERE seen < datetime() - duration({seconds: quiet_s})
RETURN j {.*} AS job
ORDER BY seen
LIMIT $limit

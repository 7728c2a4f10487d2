// Put a job back to QUEUED under its write lock, if one of the rules allows it:
// $from: statuses requeued as they are; $quiet: statuses requeued once the job showed no sign
// of life (heartbeat, else enqueue) for $quiet_s seconds; $gone: statuses requeued when the
// state version $version (or, for a job of a release before versions, the state its source
// names) no longer exists (purged). Never while a cleanup is pending: a worker
// is deleting what the job left, and a rerun must not start under it.
MATCH (j:Job {id: $id})
SET j.locked_at = datetime()
WITH j
OPTIONAL MATCH (v:MapState {id: $version})
// A job of a release before versions wrote its state under the name's first id; its source
// names the job.
OPTIONAL MATCH (legacy:MapState {name: j.state})
  WHERE legacy.source ENDS WITH ' job:' + j.id
WITH j, coalesce(v, legacy) AS v, coalesce(j.heartbeat_at, j.enqueued_at, j.created_at) AS seen
WITH j,
     NOT coalesce(j.cleanup_pending, false)
       AND (j.status IN $from
         OR (j.status IN $quiet AND seen < datetime() - duration({seconds: $quiet_s}))
         OR (j.status IN $gone AND v IS NULL)) AS requeued
FOREACH (_ IN CASE WHEN requeued THEN [1] ELSE [] END |
  SET j.status = $to,
      j.token = $token,
      j.reason = null,
      j.progress = 0.0,
      j.stage = 'queued',
      j.started_at = null,
      j.finished_at = null,
      j.heartbeat_at = null,
      j.worker = null,
      j.worker_pid = null,
      j.cleanup_pending = null,
      j.requeues = CASE $requeues
        WHEN 'count' THEN coalesce(j.requeues, 0) + 1
        WHEN 'reset' THEN 0
        ELSE coalesce(j.requeues, 0)
      END,
      j.enqueued_at = datetime(),
      j.updated_at = datetime()
)
FOREACH (_ IN CASE WHEN requeued AND $reset_outputs THEN [1] ELSE [] END |
  SET j.objects = null,
      j.relations = null,
      j.alerts = null,
      j.alerts_published = false,
      j.tiles_expected = null
)
RETURN j {.*} AS job, requeued

MATCH (j:Job {id: $id})
FOREACH (_ IN CASE WHEN j.status IN $live THEN [1] ELSE [] END |
  SET j.heartbeat_at = datetime(), j.worker = $worker, j.worker_pid = $pid
)
RETURN j.status AS status

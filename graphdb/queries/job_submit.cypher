MERGE (j:Job {id: $id})
  ON CREATE SET
    j += $props,
    j.status = $status,
    j.token = $token,
    j.runs = 0,
    j.requeues = 0,
    j.progress = 0.0,
    j.stage = 'queued',
    j.alerts_published = false,
    j.created_at = datetime(),
    j.enqueued_at = datetime(),
    j.updated_at = datetime()
RETURN j {.*} AS job, j.token = $token AS created

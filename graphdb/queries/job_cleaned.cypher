MATCH (j:Job {id: $id})
REMOVE j.cleanup_pending
RETURN j {.*} AS job

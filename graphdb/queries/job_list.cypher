MATCH (j:Job)
WHERE $status IS NULL OR j.status = $status
RETURN j {.*} AS job
ORDER BY j.created_at DESC, j.id
LIMIT $limit

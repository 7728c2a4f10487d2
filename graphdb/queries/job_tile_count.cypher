MATCH (t:JobTile)
WHERE t.job_id = $job_id
RETURN count(t) AS n

MATCH (t:JobTile)
WHERE t.job_id = $job_id AND t.scale = $scale
RETURN t {.*} AS tile
ORDER BY t.row, t.col

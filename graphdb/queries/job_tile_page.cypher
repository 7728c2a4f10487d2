MATCH (t:JobTile)
WHERE t.job_id = $job_id AND t.scale = $scale
  AND (t.row > $row OR (t.row = $row AND t.col > $col))
WITH t
ORDER BY t.row, t.col
LIMIT $page
RETURN t {.*} AS tile

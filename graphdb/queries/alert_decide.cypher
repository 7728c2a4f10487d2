MATCH (al:Alert {id: $id})
SET al.decision_lock = true
REMOVE al.decision_lock
WITH al
WHERE al.decision IS NULL
SET al.decision = $decision,
  al.decision_comment = $comment,
  al.decided_by = $by,
  al.decided_at = datetime()
RETURN al.id AS id

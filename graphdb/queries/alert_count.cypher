// How many alerts the feed's filter selects (after alert_filter.cypher).
RETURN count(al) AS total

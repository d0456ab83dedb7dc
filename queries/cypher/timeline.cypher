// timeline: an entity's history in date order: events, relations beginning and ending.
//
// Parameters:
//   $entity   entity id
//   $as_of    'YYYY-MM-DD' or null: only relations valid on that day, and only
//             entries dated on or before it
//
// Answers: crimegraph.queries.timeline. A relation to an event appears once, on
// the event's date ('event'); other relations at their since ('start') and
// until ('end'); the entity itself, when it is a dated event. Relations with
// no date are left out (the Python helper lists them as "undated").
//
// Rows: date (as written), what ('event' | 'start' | 'end'), event_id,
// relation_id, relation_type, subject, object, confidence, sources; in date order
// (first day, then last day of each date; events, then starts, then ends).
MATCH (e:Entity {id: $entity})
CALL {
  WITH e
  MATCH (e)-[r]-(ev:Event)
  WHERE coalesce(ev.date, r.since) IS NOT NULL
  RETURN coalesce(ev.date, r.since) AS date, 'event' AS what, ev.id AS event_id, r AS rel
  UNION ALL
  WITH e
  MATCH (e)-[r]-(o:Entity)
  WHERE NOT o:Event AND r.since IS NOT NULL
  RETURN r.since AS date, 'start' AS what, null AS event_id, r AS rel
  UNION ALL
  WITH e
  MATCH (e)-[r]-(o:Entity)
  WHERE NOT o:Event AND r.until IS NOT NULL
  RETURN r.until AS date, 'end' AS what, null AS event_id, r AS rel
  UNION ALL
  WITH e
  WITH e WHERE e:Event AND e.date IS NOT NULL
  RETURN e.date AS date, 'event' AS what, e.id AS event_id, null AS rel
}
WITH date, what, event_id, rel,
     CASE size(date) WHEN 4 THEN date + '-01-01' WHEN 7 THEN date + '-01' ELSE date END AS first_day
WITH date, what, event_id, rel, first_day,
     CASE size(date) WHEN 4 THEN date + '-12-31'
          WHEN 7 THEN toString(date(first_day) + duration({months: 1}) - duration({days: 1}))
          ELSE date END AS last_day
WHERE (rel IS NULL OR $as_of IS NULL
       OR (rel.shown_from <= $as_of
           AND (rel.shown_until IS NULL OR rel.shown_until >= $as_of)))
  AND ($as_of IS NULL OR first_day <= $as_of)
RETURN date, what, event_id, rel.id AS relation_id, type(rel) AS relation_type,
       startNode(rel).id AS subject, endNode(rel).id AS object, rel.confidence AS confidence,
       rel.citation_sources AS sources
ORDER BY first_day, last_day, CASE what WHEN 'event' THEN 0 WHEN 'start' THEN 1 ELSE 2 END,
         coalesce(event_id, ''), coalesce(relation_id, '')

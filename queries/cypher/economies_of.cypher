// economies_of: the illicit economies an actor engages in (crimegraph.queries.economies_of).
//
// Parameters:
//   $actor    actor id
//   $as_of    'YYYY-MM-DD' or null: only relations valid on that day
//
// Rows: id, name, type (of the entity at the other end), relation_id,
// relation_type, direction ('out' | 'in' | 'both', seen from $actor), since,
// until, confidence, sources; by name.
MATCH (e:Actor {id: $actor})-[r:ENGAGES_IN]->(o:Economy)
WHERE $as_of IS NULL OR (r.shown_from <= $as_of
                         AND (r.shown_until IS NULL OR r.shown_until >= $as_of))
RETURN o.id AS id, o.name AS name, o.type AS type, r.id AS relation_id, type(r) AS relation_type,
       CASE WHEN type(r) IN ['ALLIED_WITH', 'RIVAL_OF', 'ASSOCIATED_WITH'] THEN 'both'
            WHEN startNode(r) = e THEN 'out' ELSE 'in' END AS direction,
       r.since AS since, r.until AS until, r.confidence AS confidence, r.citation_sources AS sources
ORDER BY name, id, coalesce(r.since_start, ''), relation_id

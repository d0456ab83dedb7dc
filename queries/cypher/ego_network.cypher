// ego_network: the entities one relation away from $entity, best-evidenced first, capped.
//
// Parameters:
//   $entity   entity id
//   $cap      most neighbours to return, or null for all
//   $as_of    'YYYY-MM-DD' or null: only relations valid on that day
//   $types    list of relationship types or null: every type
//
// Answers: one hop of crimegraph.queries.ego_network. Neighbours are ranked by
// their best relationship's evidence (10 per citation plus the confidence
// score), then by id; `more` counts the neighbours left out by $cap ("and N
// more"). For depth 2 and beyond, ask again from each neighbour kept; for the
// relationships among the entities kept, run subgraph_relations.cypher.
//
// Rows: rank, id, name, type, kind, relations (list of maps: id, type, subject,
// object, since, until, confidence, sources), more.
MATCH (e:Entity {id: $entity})-[r]-(n:Entity)
WHERE ($types IS NULL OR type(r) IN $types)
  AND ($as_of IS NULL OR (r.shown_from <= $as_of
                          AND (r.shown_until IS NULL OR r.shown_until >= $as_of)))
WITH n, r,
     size(r.citation_sources) * 10
       + round(((6 - size(split('ABCDEF', left(r.confidence, 1))[0])) / 6.0)
               * ((7 - toInteger(right(r.confidence, 1))) / 6.0), 4) AS evidence
ORDER BY r.id
WITH n, collect(r) AS rels, max(evidence) AS evidence
ORDER BY evidence DESC, n.id
WITH collect({n: n, rels: rels}) AS neighbours
WITH neighbours, size(neighbours) AS total
UNWIND range(0, total - 1) AS i
WITH i, neighbours[i] AS row, total
WHERE $cap IS NULL OR i < $cap
RETURN i + 1 AS rank, row.n.id AS id, row.n.name AS name, row.n.type AS type, row.n.kind AS kind,
       [r IN row.rels | {id: r.id, type: type(r), subject: startNode(r).id, object: endNode(r).id,
                         since: r.since, until: r.until, confidence: r.confidence,
                         sources: r.citation_sources}] AS relations,
       CASE WHEN $cap IS NOT NULL AND total > $cap THEN total - $cap ELSE 0 END AS more
ORDER BY rank

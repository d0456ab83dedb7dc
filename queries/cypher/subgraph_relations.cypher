// subgraph_relations: every relationship among a set of entities (an ego network, a path's entities).
//
// Parameters:
//   $ids      list of entity ids
//   $as_of    'YYYY-MM-DD' or null: only relations valid on that day
//   $types    list of relationship types or null: every type
//
// Answers: the relations of the subgraph induced by $ids (Store.subgraph).
//
// Rows: id, type, subject, object, since, until, confidence, sources; by id.
MATCH (s:Entity)-[r]->(o:Entity)
WHERE s.id IN $ids AND o.id IN $ids
  AND ($types IS NULL OR type(r) IN $types)
  AND ($as_of IS NULL OR (r.shown_from <= $as_of
                          AND (r.shown_until IS NULL OR r.shown_until >= $as_of)))
RETURN r.id AS id, type(r) AS type, s.id AS subject, o.id AS object, r.since AS since,
       r.until AS until, r.confidence AS confidence, r.citation_sources AS sources
ORDER BY id

// actors_in: which actors operate in a place, or anywhere inside it?
//
// Parameters:
//   $place    place id
//   $as_of    'YYYY-MM-DD' or null: only relations valid on that day (the hierarchy too)
//   $types    list of actor-to-place relationship types, or null for ['OPERATES_IN']
//
// Answers: crimegraph.queries.actors_in. The place hierarchy is followed down
// through LOCATED_IN (the VRAEM's actors count as Peru's); `within` is a
// shortest chain of place ids from $place down to the place the relation names.
//
// Rows: actor_id, actor_name, actor_type, relation_id, type, place_id,
// place_name, within, since, until, confidence, sources; by actor name. (The
// Python helper sorts names ignoring accents: compare the two as sets.)
MATCH (top:Place {id: $place})
MATCH chain = (sub:Place)-[:LOCATED_IN*0..]->(top)
WHERE all(l IN relationships(chain) WHERE
          $as_of IS NULL OR (l.shown_from <= $as_of
                             AND (l.shown_until IS NULL OR l.shown_until >= $as_of)))
WITH sub, chain
ORDER BY length(chain), [n IN nodes(chain) | n.id]
WITH sub, collect([n IN reverse(nodes(chain)) | n.id])[0] AS within
MATCH (a:Actor)-[r]->(sub)
WHERE type(r) IN coalesce($types, ['OPERATES_IN'])
  AND ($as_of IS NULL OR (r.shown_from <= $as_of
                          AND (r.shown_until IS NULL OR r.shown_until >= $as_of)))
RETURN a.id AS actor_id, a.name AS actor_name, a.type AS actor_type, r.id AS relation_id,
       type(r) AS type, sub.id AS place_id, sub.name AS place_name, within,
       r.since AS since, r.until AS until, r.confidence AS confidence,
       r.citation_sources AS sources
ORDER BY actor_name, actor_id, size(within), place_name, relation_id

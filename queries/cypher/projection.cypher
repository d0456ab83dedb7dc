// projection: the graph as adjacency lists, the input of brokers (betweenness) and communities.
//
// Parameters:
//   $projection   'actors' (actors and the relations among them) or 'all'
//   $as_of        'YYYY-MM-DD' or null: only relations valid on that day
//   $types        list of relationship types or null: every type
//
// Answers: the vertices and edges that crimegraph.queries.analytics.project
// builds; compute betweenness and Leiden communities on them with igraph,
// client-side (Neo4j Community has no betweenness without the GDS plugin).
// Every entity of the projection is a row, with no targets when it is isolated.
//
// Rows: id, name, kind, targets (ids of entities its relationships point to); by id.
MATCH (e:Entity)
WHERE $projection = 'all' OR e:Actor
OPTIONAL MATCH (e)-[r]->(o:Entity)
WHERE ($projection = 'all' OR o:Actor)
  AND ($types IS NULL OR type(r) IN $types)
  AND ($as_of IS NULL OR (r.shown_from <= $as_of
                          AND (r.shown_until IS NULL OR r.shown_until >= $as_of)))
WITH e, collect(DISTINCT o.id) AS targets
RETURN e.id AS id, e.name AS name, e.kind AS kind, targets
ORDER BY id

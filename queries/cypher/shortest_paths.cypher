// shortest_paths: the shortest paths between entity $a and entity $b, and on what evidence (the ranked `connections` helper also weighs longer, more specific paths: queries/README.md)
//
// Parameters:
//   $a, $b       entity ids (different entities)
//   $max_hops    longest path to look for, 1 to 6
//   $k           how many paths to return
//   $as_of       'YYYY-MM-DD' or null: only relations valid on that day
//   $types       list of relationship types (['ALLIED_WITH', 'RIVAL_OF']) or null: every type
//
// Answers: the shortest paths between the two entities, in either direction along
// each relationship, best-evidenced first (as crimegraph.queries.shortest_paths):
// parallel relationships between the same two entities make one step (its best
// relationship); paths are ranked by the product of their steps' confidence
// scores (Admiralty A1 = 1.0 … F6 lowest), then by the number of distinct
// sources behind the steps, then by entity ids. No row: no connection within
// $max_hops.
//
// Rows: shortest_paths (how many there are), hops, confidence, sources,
// entities (ids along the path), steps (list of maps: from, to, type, direction
// 'out' | 'in' | 'both', relation, since, until, confidence, sources).
MATCH (a:Entity {id: $a}), (b:Entity {id: $b})
MATCH p = allShortestPaths((a)-[*..6]-(b))
WHERE length(p) <= $max_hops
  AND all(r IN relationships(p) WHERE
        ($types IS NULL OR type(r) IN $types)
        AND ($as_of IS NULL OR (r.shown_from <= $as_of
                                AND (r.shown_until IS NULL OR r.shown_until >= $as_of))))
WITH p, [n IN nodes(p) | n.id] AS ids,
     [r IN relationships(p) |
        round(((6 - size(split('ABCDEF', left(r.confidence, 1))[0])) / 6.0)
              * ((7 - toInteger(right(r.confidence, 1))) / 6.0), 4)] AS scores,
     [r IN relationships(p) |
        size(reduce(seen = [], s IN r.citation_sources |
                    CASE WHEN s IN seen THEN seen ELSE seen + s END))] AS counts
WITH p, ids,
     round(reduce(x = 1.0, s IN scores | x * s), 12) AS confidence,
     reduce(x = 0, c IN counts | x + c) AS sources
// one path per sequence of entities: the one through the best relationships
ORDER BY confidence DESC, sources DESC, [r IN relationships(p) | r.id]
WITH ids, collect({p: p, confidence: confidence, sources: sources})[0] AS best
WITH collect(best {.*, ids: ids}) AS found
WITH found, size(found) AS shortest_paths
UNWIND found AS row
WITH shortest_paths, row
ORDER BY row.confidence DESC, row.sources DESC, row.ids
LIMIT $k
WITH shortest_paths, row.p AS p, row.ids AS entities, row.confidence AS confidence,
     row.sources AS sources
RETURN shortest_paths, length(p) AS hops, round(confidence, 4) AS confidence, sources, entities,
       [i IN range(0, length(p) - 1) |
          {from: nodes(p)[i].id,
           to: nodes(p)[i + 1].id,
           type: type(relationships(p)[i]),
           direction: CASE
             WHEN type(relationships(p)[i]) IN ['ALLIED_WITH', 'RIVAL_OF', 'ASSOCIATED_WITH'] THEN 'both'
             WHEN startNode(relationships(p)[i]) = nodes(p)[i] THEN 'out'
             ELSE 'in' END,
           relation: relationships(p)[i].id,
           since: relationships(p)[i].since,
           until: relationships(p)[i].until,
           confidence: relationships(p)[i].confidence,
           sources: relationships(p)[i].citation_sources}] AS steps
ORDER BY confidence DESC, sources DESC, entities

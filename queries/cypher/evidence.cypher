// evidence: a relation with its full citations: what each source says, and how reliable it is.
//
// Parameters:
//   $relation_id   relation id (shining-path--operates-in--vraem)
//
// Answers: crimegraph.queries.evidence. (Relationships are found by their id
// property without a type: a scan; fine for one lookup, index per type if hot.)
//
// Rows: one: relation_id, type, subject, subject_name, object, object_name,
// since, until, confidence, notes, citations (list of maps, in citation order:
// source, title, publisher, date, url, reliability, quote, page).
MATCH (s:Entity)-[r]->(o:Entity)
WHERE r.id = $relation_id
UNWIND range(0, size(r.citation_sources) - 1) AS i
OPTIONAL MATCH (src:Source {id: r.citation_sources[i]})
WITH s, r, o, i, src
ORDER BY i
WITH s, r, o,
     collect({source: r.citation_sources[i], title: src.title, publisher: src.publisher,
              date: src.date, url: src.url, reliability: src.reliability,
              quote: CASE WHEN coalesce(r.citation_quotes[i], '') = '' THEN null
                          ELSE r.citation_quotes[i] END,
              page: CASE WHEN coalesce(r.citation_pages[i], '') = '' THEN null
                         ELSE r.citation_pages[i] END}) AS citations
RETURN r.id AS relation_id, type(r) AS type, s.id AS subject, s.name AS subject_name,
       o.id AS object, o.name AS object_name, r.since AS since, r.until AS until,
       r.confidence AS confidence, r.notes AS notes, citations

// search: entities whose name or alias matches, ignoring case and accents, forgiving typos.
//
// Parameters:
//   $text     plain words, lowercased and without accents or punctuation
//             (crimegraph.graph.text.normalize(text)); each word must match,
//             fuzzily (Lucene edit distance up to 2)
//   $limit    most results
//
// Needs the full-text index entity_names (queries/README.md):
//   CREATE FULLTEXT INDEX entity_names IF NOT EXISTS FOR (n:Entity) ON EACH [n.name, n.aliases]
//   OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-folding'}}
//
// Rows: id, name, type, kind, score; best first.
WITH [w IN split(trim($text), ' ') WHERE w <> '' | w + '~'] AS words
WHERE size(words) > 0
CALL db.index.fulltext.queryNodes('entity_names', reduce(q = '', w IN words |
       CASE q WHEN '' THEN w ELSE q + ' AND ' + w END)) YIELD node, score
RETURN node.id AS id, node.name AS name, node.type AS type, node.kind AS kind, score
ORDER BY score DESC, id
LIMIT $limit

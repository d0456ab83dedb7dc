/* crimegraph map search: the ranking of crimegraph.graph.search.SearchEngine, in the browser.
 *
 * The map carries its share of the store's index (DATA.search, written by
 * SearchEngine.export): every field of the map's entities, already folded into
 * words, each word's specificity and stems, and the ranking's constants. This
 * file applies the same rules as graph/search.py (score_doc, SearchEngine.expand,
 * SearchEngine.search) in the same order, so the map ranks as `crimegraph query
 * search` does (tests/visualizations/test_map_search.py compares them in Chromium).
 * Query words are stemmed with the Snowball stemmers of vendor/snowball.js
 * (CG_SNOWBALL), generated from the Snowball release the Python package is built from.
 */
var CG_SEARCH = (function () {
  "use strict";

  var SPLIT = /[^\p{L}\p{N}]+/u;
  var FORMAT = /\p{Cf}/gu;
  var MARKS = /\p{M}/gu;

  function rawWords(text) {
    var t = String(text).normalize("NFKC").toLowerCase().replace(FORMAT, "");
    return t.split(SPLIT).filter(function (w) { return w; });
  }
  function foldWord(w) {
    if (/^[\x00-\x7f]*$/.test(w)) return w;
    return w.normalize("NFKD").replace(MARKS, "").normalize("NFC");
  }
  function stems(raw) {
    var folded = foldWord(raw), out = {};
    var en = CG_SNOWBALL.english, es = CG_SNOWBALL.spanish;
    out[en.stemWord(folded)] = 1;
    out[es.stemWord(folded)] = 1;
    if (folded !== raw) out[foldWord(es.stemWord(raw))] = 1;
    return Object.keys(out);
  }
  function round1(x) { return Math.floor(x * 10 + 0.5) / 10; }
  // rapidfuzz's fuzz.ratio: 100 * (1 - indel distance / total length)
  function ratio(a, b) {
    var n = a.length, m = b.length, prev = new Array(m + 1).fill(0), cur = new Array(m + 1);
    for (var i = 1; i <= n; i++) {
      cur[0] = 0;
      for (var j = 1; j <= m; j++) {
        cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
      }
      var t = prev; prev = cur; cur = t;
    }
    var lcs = prev[m], total = n + m;
    return total ? (1 - (total - 2 * lcs) / total) * 100 : 100;
  }

  function engine(index) {
    var C = index.constants, FIELDS = index.fields, WORDS = index.words, DOCS = index.docs;
    var STOP = new Set(index.stopwords);
    var sorted = Object.keys(WORDS).sort(function (a, b) { return a < b ? -1 : a > b ? 1 : 0; });
    var byStem = {}, byLength = {};
    sorted.forEach(function (w) {
      WORDS[w][1].forEach(function (s) { (byStem[s] = byStem[s] || []).push(w); });
      if (WORDS[w][2]) (byLength[w.length] = byLength[w.length] || []).push(w);
    });
    var docWords = DOCS.map(function (d) { return d[1].split(" "); });

    function expand(word, raw) {
      var out = new Map();
      function offer(w, q, how) {
        var old = out.get(w);
        if (old === undefined || old[0] < q) out.set(w, [q, how]);
      }
      if (Object.prototype.hasOwnProperty.call(WORDS, word)) offer(word, 1.0, "word");
      var st = new Set(stems(raw).concat(stems(word)));
      Array.from(st).sort().forEach(function (s) {
        (byStem[s] || []).forEach(function (w) { offer(w, C.stem, "stem"); });
      });
      if (word.length >= C.prefixMin) {
        var found = sorted.filter(function (w) { return w !== word && w.indexOf(word) === 0; });
        found.sort(function (a, b) { return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0); });
        found.slice(0, C.maxPrefixTerms).forEach(function (w) {
          offer(w, C.prefixBase + C.prefixSpan * word.length / w.length, "prefix");
        });
      }
      if (word.length >= C.fuzzyMinLen) {
        var n = word.length;
        for (var k = Math.ceil(n * 2 / 3); k <= Math.floor(n * 1.5); k++) {
          (byLength[k] || []).forEach(function (w) {
            if (w === word) return;
            var sim = ratio(word, w);
            if (sim >= C.fuzzyMin) { var x = sim / 100; offer(w, 0.9 * (x * x), "fuzzy"); }
          });
        }
      }
      return out;
    }

    function parse(text) {
      var raw = rawWords(text), folded = raw.map(foldWord);
      if (!folded.length) return null;
      var keep = [];
      folded.forEach(function (w, i) { if (!STOP.has(w)) keep.push(i); });
      if (!keep.length) keep = folded.map(function (_, i) { return i; });
      var seen = new Map();
      keep.forEach(function (i) { if (!seen.has(folded[i])) seen.set(folded[i], i); });
      var idx = Array.from(seen.values());
      return { words: idx.map(function (i) { return folded[i]; }),
               raw: idx.map(function (i) { return raw[i]; }), whole: folded.join(" ") };
    }

    var ORDER = ["word", "stem", "prefix", "fuzzy"];
    function scoreDoc(d, words, query, expansions) {
      var weight = FIELDS[d[0]][0], short = FIELDS[d[0]][1];
      if (short && d[1] === query.whole) return [weight * C.exact, "exact", []];
      var total = 0, matched = [], hows = [];
      expansions.forEach(function (exp) {
        var best = 0, bestW = null, bestHow = "";
        for (var i = 0; i < words.length; i++) {
          var m = exp.get(words[i]);
          if (m !== undefined) {
            var v = m[0] * WORDS[words[i]][0];
            if (v > best) { best = v; bestW = words[i]; bestHow = m[1]; }
          }
        }
        if (bestW !== null) {
          total += best;
          if (matched.indexOf(bestW) < 0) matched.push(bestW);
          hows.push(bestHow);
        }
      });
      if (!matched.length || hows.length < Math.floor((expansions.length + 1) / 2)) return null;
      var score = weight * total / expansions.length;
      if (short) {
        var content = words.filter(function (w) { return !STOP.has(w); });
        if (!content.length) content = words;
        var distinct = new Set(content).size;
        var share = distinct ? Math.min(1.0, matched.filter(function (w) { return content.indexOf(w) >= 0; }).length / distinct) : 1.0;
        score *= Math.sqrt(share);
      }
      var how = hows.reduce(function (a, b) { return ORDER.indexOf(b) > ORDER.indexOf(a) ? b : a; });
      return [score, how, matched];
    }

    function reason(d, matched) {
      var head = index.heads[d[3]];
      if (FIELDS[d[0]][1]) return head;
      return head + (d[4] ? ", on " + d[4] : "") + " (" + matched.map(function (w) { return "'" + w + "'"; }).join(", ") + ")";
    }

    /* The map's entities matching `text`, best first: [{node, score, match, reason}]. */
    function search(text, limit) {
      var query = parse(text);
      if (!query || limit <= 0) return [];
      var expansions = query.words.map(function (w, i) { return expand(w, query.raw[i]); });
      var best = new Map();
      for (var r = 0; r < DOCS.length; r++) {
        var d = DOCS[r], words = docWords[r], hit = false;
        for (var e = 0; e < expansions.length && !hit; e++) {
          for (var i = 0; i < words.length; i++) if (expansions[e].has(words[i])) { hit = true; break; }
        }
        if (!hit) continue;
        var scored = scoreDoc(d, words, query, expansions);
        if (!scored) continue;
        d[2].forEach(function (node) {
          var cur = best.get(node);
          if (cur === undefined) best.set(node, [scored[0], 0, r, scored[1], scored[2]]);
          else if (scored[0] > cur[0] || (scored[0] === cur[0] && r < cur[2])) {
            cur[1] = cur[0]; cur[0] = scored[0]; cur[2] = r; cur[3] = scored[1]; cur[4] = scored[2];
          } else if (scored[0] > cur[1]) cur[1] = scored[0];
        });
      }
      var hits = [];
      best.forEach(function (v, node) {
        hits.push({ node: node, score: round1(100 * (v[0] + C.second * v[1]) / C.top), match: v[3],
                    field: v[2], reason: reason(DOCS[v[2]], v[4]) });
      });
      return hits;
    }

    return { search: search, expand: expand, parse: parse, stems: stems };
  }

  /* Sort hits as the engine does: score, then name, then id (names and ids from the map's nodes). */
  function rank(hits, nodes, limit) {
    function cmp(a, b) { return a < b ? -1 : a > b ? 1 : 0; }
    hits.sort(function (a, b) {
      return (b.score - a.score) || cmp(nodes[a.node].name, nodes[b.node].name) || cmp(nodes[a.node].id, nodes[b.node].id);
    });
    return hits.slice(0, limit);
  }

  return { engine: engine, rank: rank, rawWords: rawWords, foldWord: foldWord, stems: stems };
})();

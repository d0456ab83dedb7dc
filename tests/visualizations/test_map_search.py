"""The map's search box ranks as ``crimegraph query search`` does, in real headless Chromium.

The map carries its share of the store's index and ranks it in JavaScript
(``visualizations/search.js``); these tests run every query of the benchmark's
query set (``benchmarks/search_queries.tsv``) and some more through both and
compare the hits, their order, scores and reasons.
"""

from __future__ import annotations

import pytest

from crimegraph.visualizations import render
from tests.paths import ROOT

pytestmark = pytest.mark.browser

EXTRA = ["tit", "lago", "puerto", "ayacucho", "Quispe", "gold", "mercury", "tocoron", "Comrade José",
         "narcotrafico", "cocaína", "minería", "the", "de la", "peru cocaine trafficking",
         "zzqqxx", "apu\u200brimac", "  SENDERO  ", "Nino", "tren-de-aragua"]


def query_set() -> list[str]:
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_search import read_queries

    return [q for q, _, _ in read_queries()] + EXTRA


@pytest.fixture(scope="module")
def whole_map(tmp_path_factory, peru_store):
    from crimegraph.graph.subgraph import Subgraph

    sg = Subgraph()
    for e in peru_store.entities():
        sg.add_entity(e)
    for r in peru_store.relations():
        sg.add_relation(r)
    for s in peru_store.sources():
        sg.sources[s.id] = s
    path = tmp_path_factory.mktemp("maps") / "peru.html"
    render(sg, path, title="Peru", store=peru_store)
    return path


RANK_IN_PAGE = """(queries) => {
  const data = JSON.parse(document.getElementById("cg-data").textContent);
  const engine = CG_SEARCH.engine(data.search);
  const out = {};
  for (const q of queries) {
    out[q] = CG_SEARCH.rank(engine.search(q, 10), data.nodes, 10).map(
      (h) => [data.nodes[h.node].id, h.score, h.match, h.reason]);
  }
  return out;
}"""


def test_the_map_ranks_every_query_as_the_cli(open_map, whole_map, peru_store):
    m = open_map(whole_map)
    queries = query_set()
    in_page = m.eval(RANK_IN_PAGE, queries)
    for q in queries:
        want = [[h.id, h.score, h.match, h.reason] for h in peru_store.search(q, limit=10)]
        assert in_page[q] == want, q
    assert not m.console_errors and not m.outside_requests


def test_the_search_box_finds_misspellings_quotes_and_spanish_terms(open_map, whole_map):
    m = open_map(whole_map)
    for typed, first, reason in [("titicaka", "Lake Titicaca", "name 'Lake Titicaca'"),
                                 ("tren de aragwa", "Tren de Aragua", "name 'Tren de Aragua'"),
                                 ("minería ilegal", "Illegal mining", "alias 'Minería ilegal' (es)"),
                                 ("amphibians", "Wildlife trafficking", "quote in Amphibian Ark")]:
        m.page.fill("#cg-search", typed)
        m.page.wait_for_selector("#cg-results li[role=option]")
        top = m.page.inner_text("#cg-results li[role=option]:first-child")
        assert top.startswith(first) and reason in top, (typed, top)
    m.page.press("#cg-search", "Enter")
    m.page.wait_for_selector("#cg-panel h2:text-is('Wildlife trafficking')")
    assert not m.console_errors and not m.outside_requests


def test_the_stemmers_agree_with_python(open_map, whole_map):
    from crimegraph.graph.textfold import raw_words, stems

    words = sorted({w for q in query_set() for w in raw_words(q)} | {
        "minería", "mineros", "ilegales", "traficantes", "trafficking", "frogs", "smuggled", "cárteles"})
    m = open_map(whole_map)
    got = m.eval("(ws) => ws.map((w) => CG_SEARCH.stems(w).sort())", words)
    assert got == [list(stems(w)) for w in words]

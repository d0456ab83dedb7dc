"""Search benchmark: quality (MRR, recall@5) and latency of the search engine, against today's matcher.

    .venv/bin/python benchmarks/bench_search.py [--entities N --relations M] [--queries Q] [--skip-scale]

Quality: the query set ``benchmarks/search_queries.tsv`` (misspellings, English
and Spanish names, aliases, words from quotes and descriptions, the economies in
both languages), each with the entity it should find, written from the Peru
seeds. For each query the rank of that entity among the first 10 hits gives the
mean reciprocal rank (MRR; 0 when not found) and recall at 5, for the engine
(:class:`crimegraph.graph.search.SearchEngine`) and for the matcher it replaced
(``NameIndex``, kept below as it was: exact, prefix, substring, then rapidfuzz
WRatio over names and aliases), in the same run.

Latency: a synthetic dataset (``crimegraph synth``, cached under
``benchmarks/.data/``), loaded into the memory store; building the engine is
timed as part of the load (and as a ratio to the load itself), then warm queries
(names as written, misspelled, cut short, words from quotes, Spanish type
labels) are timed, with today's matcher on the same queries as the baseline.
Target: a median under 20 ms for a warm index at 100k entities / 500k relations.
A cProfile of the engine's queries is written beside the table. Writes
``benchmarks/results/search.md``. This is a benchmark, not a test: it reports,
it does not fail.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import re
import sys
import time
import unicodedata
from pathlib import Path
from typing import Iterable

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import RESULTS, cached_dataset, latencies, load_average, machine, summary, synth_dataset, timed, write_markdown  # noqa: E402

HERE = Path(__file__).resolve().parent
QUERIES = HERE / "search_queries.tsv"


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# ---------------------------------------------------------------- today's matcher, as it was
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def old_normalize(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    if not decomposed.isascii():
        decomposed = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_ALNUM.sub(" ", decomposed).strip()


_RANK = {"exact": 0, "prefix": 1, "substring": 2, "fuzzy": 3}


class NameIndex:
    """The matcher every store used before the engine (graph/text.py, unchanged): names and aliases
    only; exact, prefix, substring, then fuzzy (rapidfuzz WRatio); returns ``[(id, score)]``."""

    def __init__(self, rows: Iterable[tuple[str, str, Iterable[str]]] = ()):
        self._keys: list[str] = []
        self._owner: list[tuple[str, str, str]] = []
        self._exact: dict[str, list[int]] = {}
        for ident, display, names in rows:
            for n in dict.fromkeys([*names, ident]):
                key = old_normalize(n)
                if not key:
                    continue
                self._exact.setdefault(key, []).append(len(self._keys))
                self._keys.append(key)
                self._owner.append((ident, display, n))

    def search(self, text: str, limit: int = 10) -> list[str]:
        q = old_normalize(text)
        if not q:
            return []
        best: dict[str, tuple] = {}

        def offer(i: int, score: float, how: str) -> None:
            ident, display, _ = self._owner[i]
            old = best.get(ident)
            if old is None or (_RANK[how], -score) < (_RANK[old[2]], -old[1]):
                best[ident] = (display, score, how)

        for i in self._exact.get(q, ()):
            offer(i, 100.0, "exact")
        if len(best) < limit:
            for i, key in enumerate(self._keys):
                if key.startswith(q):
                    offer(i, 90.0 + 10.0 * len(q) / len(key) - 0.01, "prefix")
                elif len(q) >= 3 and q in key:
                    offer(i, 70.0 + 20.0 * len(q) / len(key), "substring")
        if len(best) < limit:
            from rapidfuzz import fuzz, process

            for key, score, i in process.extract(q, self._keys, scorer=fuzz.WRatio,
                                                 limit=limit * 3, score_cutoff=80):
                offer(i, min(score, 89.0) * 0.75, "fuzzy")
        hits = sorted(best.items(), key=lambda kv: (_RANK[kv[1][2]], -kv[1][1], kv[1][0], kv[0]))
        return [ident for ident, _ in hits[:limit]]


def old_index(entities) -> NameIndex:
    return NameIndex((e.id, e.name, e.names) for e in entities)


# ---------------------------------------------------------------- quality
def read_queries(path: Path = QUERIES) -> list[tuple[str, str, str]]:
    """``(query, expected entity id, category)`` rows of the query set."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            q, expected, category = line.split("\t")
            rows.append((q, expected, category))
    return rows


def quality(rank_of) -> dict:
    """MRR and recall@5 overall and by category, from ``rank_of(query, expected) -> rank or None``."""
    rows = read_queries()
    per: dict[str, list] = {}
    misses = []
    for q, expected, cat in rows:
        r = rank_of(q, expected)
        per.setdefault(cat.split("-")[0], []).append(r)
        per.setdefault("all", []).append(r)
        if r != 1:
            misses.append((q, expected, r))
    out = {k: {"n": len(v), "mrr": sum(1 / r for r in v if r) / len(v),
               "recall5": sum(1 for r in v if r and r <= 5) / len(v)} for k, v in per.items()}
    return {"by": out, "misses": misses}


def peru_quality() -> tuple[dict, dict]:
    from crimegraph.graph.registry import open_store

    store = open_store("memory")
    engine = store.search_engine()
    old = old_index(store.entities())

    def rank(ids: list[str], expected: str):
        return ids.index(expected) + 1 if expected in ids else None

    new_q = quality(lambda q, e: rank([h.id for h in engine.search(q, limit=10)], e))
    old_q = quality(lambda q, e: rank(old.search(q, limit=10), e))
    return new_q, old_q


# ---------------------------------------------------------------- scale
def typo(word: str, rng: random.Random) -> str:
    """One edit: a letter changed, dropped or doubled (words of five letters or more)."""
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.choice("cdi")
    if op == "c":
        return word[:i] + rng.choice("aeiouklmnrst") + word[i + 1:]
    if op == "d":
        return word[:i] + word[i + 1:]
    return word[:i] + word[i] + word[i:]


def scale_queries(ds, n: int, seed: int = 7) -> list[tuple[str, str]]:
    """``(kind, query)`` pairs drawn from a synthetic dataset."""
    from crimegraph.schema.vocab import ENTITY_TYPE_LABELS_ES

    rng = random.Random(seed)
    ents = list(ds.entities.values())
    quotes = [c.quote for r in list(ds.relations.values())[:200_000] for c in r.citations if c.quote]
    out = []
    for k in range(n):
        e = rng.choice(ents)
        kind = ("name", "typo", "prefix", "quote", "type-es")[k % 5]
        if kind == "name":
            q = e.name
        elif kind == "typo":
            q = " ".join(typo(w, rng) for w in e.name.split())
        elif kind == "prefix":
            q = max(e.name.split(), key=len)[:4]
        elif kind == "quote":
            q = " ".join(rng.sample(rng.choice(quotes).rstrip(".").split(), 2))
        else:
            q = rng.choice(sorted(ENTITY_TYPE_LABELS_ES.values()))
        out.append((kind, q))
    return out


def scale(entities: int, relations: int, n_queries: int) -> dict:
    from crimegraph.graph.memory import MemoryStore

    seeds = synth_dataset(entities, relations, log=log)
    log("reading the synthetic dataset (pickle cache)")
    ds = cached_dataset(seeds)
    store = MemoryStore()
    t_load, _ = timed(lambda: store.write(ds))
    log(f"loaded in {t_load:.1f} s; building the search index")
    t_build, engine = timed(store.search_engine)
    log(f"index built in {t_build:.1f} s ({len(engine):,} fields)")
    t_old_build, old = timed(lambda: old_index(store.entities()))
    queries = scale_queries(ds, n_queries)
    for _, q in queries[:10]:  # warm: the first query imports rapidfuzz's process module
        engine.search(q)
    log(f"timing {len(queries)} queries")
    new_t = latencies(lambda q: engine.search(q, limit=10), [q for _, q in queries])
    by_kind = {}
    for kind in dict.fromkeys(k for k, _ in queries):
        ts = [t for (k, _), t in zip(queries, new_t) if k == kind]
        by_kind[kind] = summary(ts)
    base_n = min(len(queries), 100)
    old_t = latencies(lambda q: old.search(q, limit=10), [q for _, q in queries[:base_n]])
    prof = cProfile.Profile()
    prof.enable()
    for _, q in queries[:200]:
        engine.search(q, limit=10)
    prof.disable()
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(14)
    return {"entities": len(ds.entities), "relations": len(ds.relations), "load_s": t_load,
            "build_s": t_build, "old_build_s": t_old_build, "fields": len(engine),
            "new": summary(new_t), "old": summary(old_t), "by_kind": by_kind,
            "new_same": summary(new_t[:base_n]), "profile": buf.getvalue(),
            "examples": queries[:10]}


# ---------------------------------------------------------------- report
def table(new_q: dict, old_q: dict) -> str:
    lines = ["| queries | n | MRR engine | MRR old matcher | recall@5 engine | recall@5 old matcher |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for k in ["all", *sorted(x for x in new_q["by"] if x != "all")]:
        a, b = new_q["by"][k], old_q["by"][k]
        lines.append(f"| {k} | {a['n']} | {a['mrr']:.3f} | {b['mrr']:.3f} | {a['recall5']:.2f} | {b['recall5']:.2f} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--entities", type=int, default=100_000)
    ap.add_argument("--relations", type=int, default=500_000)
    ap.add_argument("--queries", type=int, default=500)
    ap.add_argument("--skip-scale", action="store_true",
                    help="quality only, printed (the results file is written by a full run)")
    args = ap.parse_args()
    load_before = load_average()
    log("quality on the Peru query set")
    new_q, old_q = peru_quality()
    log(f"engine MRR {new_q['by']['all']['mrr']:.3f}, old matcher {old_q['by']['all']['mrr']:.3f}")
    text = ["# Search: quality and latency\n",
            f"Machine: {machine()}. Load average (1/5/15 min) at the start: {load_before}.\n",
            "Run: `.venv/bin/python benchmarks/bench_search.py` "
            f"(`--entities {args.entities} --relations {args.relations} --queries {args.queries}`).\n",
            "## Quality on the Peru data\n",
            f"{len(read_queries())} queries (`benchmarks/search_queries.tsv`), each with the entity it "
            "should find; its rank among the first 10 hits. The old matcher is the `NameIndex` every "
            "store used before (names and aliases only: exact, prefix, substring, then rapidfuzz "
            "WRatio), kept in this file as it was. Categories: the query set's third column, before "
            "its first hyphen.\n",
            table(new_q, old_q), "",
            "Queries the engine does not rank first (query → expected: rank):\n",
            *[f"- `{q}` → `{e}`: {r or 'not in the first 10'}" for q, e, r in new_q["misses"]], ""]
    if not args.skip_scale:
        s = scale(args.entities, args.relations, args.queries)
        load_after = load_average()
        n, o = s["new"], s["old"]
        text += [
            f"## Latency at {s['entities']:,} entities / {s['relations']:,} relations\n",
            f"Memory store, synthetic data (`crimegraph synth`, seed 0). Load average after: {load_after}.\n",
            "| step | seconds | ratio |", "| --- | ---: | ---: |",
            f"| load (`MemoryStore.write`) | {s['load_s']:.2f} | 1.00 |",
            f"| search index build (FTS5 + vocabulary), {s['fields']:,} fields | {s['build_s']:.2f} | "
            f"{s['build_s'] / s['load_s']:.2f} of the load |",
            f"| old matcher's index build (names and aliases) | {s['old_build_s']:.2f} | "
            f"{s['old_build_s'] / s['load_s']:.2f} of the load |", "",
            f"Warm queries ({n['n']}: names, misspelled names, 4-letter prefixes, two words of a quote, "
            "Spanish type labels, in turn), limit 10:\n",
            "| matcher | median ms | p95 ms | max ms | CPU median ms |", "| --- | ---: | ---: | ---: | ---: |",
            f"| engine, all queries | {n['median_ms']:.1f} | {n['p95_ms']:.1f} | {n['max_ms']:.1f} | {n['cpu_median_ms']:.1f} |",
            f"| engine, the first {o['n']} | {s['new_same']['median_ms']:.1f} | {s['new_same']['p95_ms']:.1f} | "
            f"{s['new_same']['max_ms']:.1f} | {s['new_same']['cpu_median_ms']:.1f} |",
            f"| old matcher, the same {o['n']} | {o['median_ms']:.1f} | {o['p95_ms']:.1f} | {o['max_ms']:.1f} | "
            f"{o['cpu_median_ms']:.1f} |", "",
            f"Engine median / old matcher median on the same queries: "
            f"{s['new_same']['median_ms'] / o['median_ms']:.2f}. "
            f"Target: median under 20 ms: **{'met' if n['median_ms'] < 20 else 'missed'}** "
            f"({n['median_ms']:.1f} ms).\n",
            "| query kind | median ms | p95 ms |", "| --- | ---: | ---: |",
            *[f"| {k} | {v['median_ms']:.1f} | {v['p95_ms']:.1f} |" for k, v in s["by_kind"].items()], "",
            "Example queries: " + "; ".join(f"{k} `{q}`" for k, q in s["examples"]) + ".\n",
            "Profile of 200 engine queries (cProfile, cumulative):\n", "```", s["profile"].strip(), "```", ""]
    if args.skip_scale:
        print("\n".join(text))
        return
    write_markdown(RESULTS / "search.md", "\n".join(text) + "\n")
    log(f"wrote {RESULTS / 'search.md'}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""How well a seed folder is dated: the figures the README quotes for issue 14.

    .venv/bin/python scripts/time-coverage.py [SEED-FOLDER]   # default: the bundled Peru data

Prints, for the validated dataset (``crimegraph.schema.loader.load_dataset``):

* sources carrying a ``date``, by precision (year, month, day);
* relations by the basis of their derived timing (``timing.basis``): dated by a
  period (``since``/``until``), by an event's date, attested only by the dates
  of the sources citing them (``reported``), ``timeless`` (a place inside another), or
  ``undated``;
* entities with a sourced lifetime (``founded``, ``dissolved``, ``born``,
  ``died``, ``captured``), and events with a date;
* the number of ``validate --strict`` issues (unsupported dates and figures).

Exits non-zero when the folder does not load.
"""

from __future__ import annotations

import sys
from collections import Counter

from crimegraph.errors import DatasetInvalid
from crimegraph.schema.loader import load_dataset, read_seeds

LIFETIME = ("founded", "dissolved", "born", "died", "captured")
PRECISION = {4: "year", 7: "month", 10: "day"}


def main(argv: list[str]) -> int:
    path = argv[1] if len(argv) > 1 else None
    try:
        ds = load_dataset(path)
    except DatasetInvalid as exc:
        print(exc, file=sys.stderr)
        return 1
    sources = list(ds.sources.values())
    dated = [s for s in sources if s.date is not None]
    by_precision = Counter(PRECISION.get(len(s.date.value), "?") for s in dated)
    print(f"sources: {len(dated)} of {len(sources)} dated "
          f"({', '.join(f'{by_precision[p]} to the {p}' for p in ('day', 'month', 'year'))})")
    if undated := sorted(s.id for s in sources if s.date is None):
        print(f"  undated: {', '.join(undated)}")

    relations = list(ds.relations.values())
    basis = Counter(r.timing.basis for r in relations)
    print(f"relations: {len(relations)}: " + ", ".join(
        f"{basis[b]} {label}" for b, label in (
            ("period", "dated by since/until"), ("event", "dated by their event"),
            ("reported", "attested only by dated sources"),
            ("timeless", "timeless geography (a place inside another: no date needed)"),
            ("undated", "undated"))))
    if undated_rel := sorted(r.id for r in relations if r.timing.basis == "undated"):
        print(f"  undated: {', '.join(undated_rel)}")

    actors = [e for e in ds.entities.values() if e.kind.value == "actor"]
    with_life = [a for a in actors if any(getattr(a, f, None) is not None for f in LIFETIME)]
    fields = Counter(f for a in actors for f in LIFETIME if getattr(a, f, None) is not None)
    print(f"actors with a sourced lifetime: {len(with_life)} of {len(actors)} "
          f"({', '.join(f'{fields[f]} {f}' for f in LIFETIME)})")
    events = [e for e in ds.entities.values() if e.kind.value == "event"]
    print(f"events dated: {sum(1 for e in events if e.date is not None)} of {len(events)}")

    _, issues = read_seeds(path, strict=True)
    print(f"validate --strict: {len(issues)} issue{'s' if len(issues) != 1 else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

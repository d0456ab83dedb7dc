"""The examples in the docstrings of the schema, queries, stores, RDF, exports and CLI run.

(The map and API packages have their own: tests/visualizations/test_map_doctests.py,
tests/api/test_cli_serve.py.) A wrong example is a wrong document: one said
B2 scores 0.8 while the code ranks it 0.6944, and nothing ran it.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

PACKAGES = ["crimegraph.schema", "crimegraph.queries", "crimegraph.graph", "crimegraph.rdf",
            "crimegraph.exports", "crimegraph.cli"]


def _modules() -> list[str]:
    names = ["crimegraph", "crimegraph.atomic", "crimegraph.textfile", "crimegraph.diff", "crimegraph.dedupe",
             "crimegraph.extract", "crimegraph.merge"]
    for pkg in PACKAGES:
        names.append(pkg)
        names += [f"{pkg}.{m.name}" for m in pkgutil.iter_modules(importlib.import_module(pkg).__path__)]
    return names


def test_there_are_examples_to_run():
    attempted = sum(doctest.DocTestFinder().find(importlib.import_module(n)).__len__() for n in _modules())
    assert attempted > 50


@pytest.mark.parametrize("name", _modules())
def test_doctests(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS, report=True)
    assert result.failed == 0, f"{result.failed} failing example(s) in {name}"

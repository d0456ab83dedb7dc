"""The examples in the visualizations package's docstrings run."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["crimegraph.visualizations", "crimegraph.visualizations.layout",
           "crimegraph.visualizations.measures", "crimegraph.visualizations.render",
           "crimegraph.visualizations.select", "crimegraph.visualizations.print_style"]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0

# crimegraph — two commands on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install system-deps neo4j bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## demo: install, validate and load the Peru seeds, print stats, an answer and the maps
demo: $(STAMP)
	$(BIN)/crimegraph validate
	$(BIN)/crimegraph stats
	$(BIN)/crimegraph query connections "Tren de Aragua" "Shining Path"
	$(BIN)/crimegraph map --title "Organized crime in Peru" -o visualizations/peru.html
	$(BIN)/crimegraph map --ego shining-path --depth 2 -o visualizations/shining-path.html

## system-deps: Chromium (browser tests), Java and Maven (Neo4j launcher), from Debian's packages
system-deps:
	bash scripts/install-system-deps.sh

## test: the whole suite, with a real Neo4j server and real headless Chromium
test: $(STAMP) system-deps
	$(BIN)/python -m pytest

## neo4j: run a local Neo4j 5 (in-process harness) on bolt://127.0.0.1:7687 until Ctrl-C
neo4j:
	bash scripts/neo4j-server.sh 7687

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache artifacts

"""The Oxigraph store: persistence, atomic writes, merges, SPARQL access, rdflib, the CLI."""

from __future__ import annotations

import gc

import pytest

from tests.rdf.rdf_helpers import BASE

pytest.importorskip("pyoxigraph")


def _dump(models: dict) -> dict:
    return {k: v.model_dump(mode="json") for k, v in models.items()}


def test_persistent_store_reopens_with_the_same_answers(tmp_path, peru_dataset, peru_store):
    from crimegraph.graph.rdf import RdfStore

    path = tmp_path / "kg"
    st = RdfStore(path=path)
    st.write(peru_dataset, replace=True)
    st.close()
    del st
    gc.collect()
    again = RdfStore(path=path)
    assert again.vocab.base == BASE
    assert again.counts() == peru_store.counts()
    ds = again.dataset()
    assert _dump(ds.entities) == _dump(peru_dataset.entities)
    assert _dump(ds.relations) == _dump(peru_dataset.relations)
    assert ds.meta == peru_dataset.meta
    # the name index is rebuilt from the labels
    assert [h.as_dict() for h in again.search("Sendero Lumnoso")] == \
        [h.as_dict() for h in peru_store.search("Sendero Lumnoso")]
    assert again.resolve("Sendero Luminoso").id == "shining-path"


def test_persistent_store_keeps_the_base_it_was_written_with(tmp_path, mini_dataset):
    from crimegraph.graph.rdf import RdfStore

    st = RdfStore(path=tmp_path / "kg", base_iri="https://kg.example/")
    st.write(mini_dataset)
    del st
    gc.collect()
    again = RdfStore(path=tmp_path / "kg")
    assert again.vocab.base == "https://kg.example/"
    assert again.entity("group-a").name == "Grupo Ápice"


@pytest.mark.parametrize("persistent", [False, True])
def test_a_failed_write_changes_nothing(tmp_path, monkeypatch, mini_dataset, hostile_dataset, persistent):
    import crimegraph.rdf.writers as writers
    from crimegraph.graph.rdf import RdfStore

    st = RdfStore(path=tmp_path / "kg" if persistent else None)
    st.write(mini_dataset)
    before = st.counts()

    def broken(nodes, target, **kw):
        for i, _node in enumerate(nodes):
            if i == 5:
                raise RuntimeError("disk full")
        return 0

    monkeypatch.setattr(writers, "write_ntriples", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        st.write(hostile_dataset, replace=True)
    assert st.counts() == before
    assert st.entity("group-a").name == "Grupo Ápice"
    if persistent:
        assert sorted(p.name for p in tmp_path.iterdir()) == ["kg"]  # no half-written folder left


def test_replace_false_merges_like_the_memory_store(mini_dataset, hostile_dataset):
    from crimegraph.graph.memory import MemoryStore
    from crimegraph.graph.rdf import RdfStore

    rdf, mem = RdfStore(), MemoryStore()
    for st in (rdf, mem):
        st.write(mini_dataset)
        st.write(hostile_dataset)  # replace=False: adds
    assert rdf.counts() == mem.counts()
    assert _dump(rdf.dataset().entities) == _dump(mem.dataset().entities)
    for st in (rdf, mem):
        st.write(mini_dataset, replace=True)
    assert rdf.counts() == mem.counts() and rdf.counts()["entities"] == 5


def test_sparql_access_and_rdflib_graph(peru_dataset):
    from crimegraph.graph.rdf import RdfStore

    st = RdfStore()
    st.write(peru_dataset)
    rows = list(st.query("SELECT ?a WHERE { ?a cg:operatesIn ?p . ?p cg:locatedIn* id:peru } LIMIT 5"))
    assert rows
    live, copied = st.rdflib_graph(), st.rdflib_graph(copy=True)
    assert len(live) == len(copied) == len(st)
    q = "SELECT (COUNT(?r) AS ?n) WHERE { ?r a cg:Relation }"
    assert int(next(iter(live.query(q)))[0]) == len(peru_dataset.relations)
    assert int(next(iter(copied.query(q)))[0]) == len(peru_dataset.relations)


def test_open_store_by_name_and_unknown_ids(peru_dataset):
    from crimegraph.errors import EntityNotFound
    from crimegraph.graph.registry import open_store

    st = open_store("rdf", seeds=peru_dataset)
    assert st.backend == "rdf"
    for bad in ("<script>", "a b", "x\"y", "../etc", "shining-path> <x"):
        assert not st.has_entity(bad)
        with pytest.raises(EntityNotFound):
            st.entity(bad)


def test_cli_load_stats_export_with_the_rdf_store(cli, tmp_path):
    env = {"CRIMEGRAPH_RDF_PATH": str(tmp_path / "kg")}
    cli("load", "--store", "rdf", "--seeds", "tests/data/mini", env=env, check_rc=0)
    stats = cli("stats", "--store", "rdf", "-f", "json", env=env, check_rc=0)
    assert '"entities": 5' in stats.stdout
    from_store = cli("export", "-f", "nt", "--store", "rdf", env=env, check_rc=0).stdout
    from_seeds = cli("export", "-f", "nt", "--seeds", "tests/data/mini", check_rc=0).stdout
    assert from_store == from_seeds
    show = cli("show", "group-a", "--store", "rdf", env=env, check_rc=0)
    assert "Grupo Ápice" in show.stdout


def test_cli_store_rdf_path_persists_without_the_environment(cli, tmp_path):
    """`--store rdf:PATH` names the Oxigraph folder: load once, answer from it in later runs."""
    kg = tmp_path / "kg"
    spec = f"rdf:{kg}"
    loaded = cli("load", "--store", spec, "--seeds", "tests/data/mini", "-f", "json", check_rc=0)
    assert '"entities": 5' in loaded.stdout and kg.is_dir()
    stats = cli("stats", "--store", spec, "-f", "json", check_rc=0)
    assert '"entities": 5' in stats.stdout
    from_store = cli("export", "-f", "nt", "--store", spec, check_rc=0).stdout
    from_seeds = cli("export", "-f", "nt", "--seeds", "tests/data/mini", check_rc=0).stdout
    assert from_store == from_seeds
    # an empty, new folder holds nothing: the store is really the folder named
    other = cli("stats", "--store", f"rdf:{tmp_path / 'other'}", "-f", "json", check_rc=0)
    assert '"entities": 0' in other.stdout


def test_store_specs_are_checked():
    from crimegraph.errors import UsageError
    from crimegraph.graph.registry import parse_spec

    assert parse_spec("rdf") == ("rdf", {})
    assert parse_spec("rdf:/data/kg") == ("rdf", {"path": "/data/kg"})
    assert parse_spec("neo4j:bolt://h:7687") == ("neo4j", {"uri": "bolt://h:7687"})
    for bad, words in (("memory:x", "takes nothing after ':'"), ("rdf:", "give the path"),
                       ("sqlite:/x", "unknown store 'sqlite'")):
        with pytest.raises(UsageError, match=words):
            parse_spec(bad)


def test_cli_bad_store_spec_is_one_line(cli):
    r = cli("stats", "--store", "memory:/tmp/x")
    assert r.returncode != 0 and "Traceback" not in r.stdout + r.stderr
    assert "takes nothing after ':'" in r.stdout + r.stderr

"""export -> import -> export is lossless, in every format; hostile strings survive byte for byte."""

from __future__ import annotations

import pytest

from tests.rdf.rdf_helpers import BASE, FORMATS


def _dump(models: dict) -> dict:
    return {k: v.model_dump(mode="json") for k, v in models.items()}


def _import(tmp_path, data: bytes, fmt: str):
    from crimegraph.cli.imports import write_seed_folder
    from crimegraph.rdf.formats import import_rdf
    from crimegraph.schema.loader import load_dataset

    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / f"export{FORMATS[fmt][0]}"
    path.write_bytes(data)
    seed, problems = import_rdf(path)
    out = tmp_path / "seeds"
    write_seed_folder(seed, out)
    return load_dataset(out), problems


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("ds", ["peru", "hostile"])
def test_round_trip_is_lossless(tmp_path, datasets, export_bytes, ds, fmt):
    import io

    from crimegraph.exports import exporter

    original = datasets[ds]
    back, problems = _import(tmp_path, export_bytes(ds, fmt), fmt)
    assert problems == []
    assert _dump(back.entities) == _dump(original.entities)
    assert _dump(back.relations) == _dump(original.relations)
    assert _dump(back.sources) == _dump(original.sources)
    assert back.meta == original.meta
    # and the second export is the same document
    again = io.BytesIO()
    exporter(fmt).load()(back, again, {"base_iri": BASE})
    assert again.getvalue() == export_bytes(ds, fmt)


def test_hostile_strings_survive_exactly(tmp_path, datasets, export_bytes):
    original = datasets["hostile"]
    gang = original.entities["quote-gang"]
    for fmt in FORMATS:
        back, _ = _import(tmp_path / fmt, export_bytes("hostile", fmt), fmt)
        g = back.entities["quote-gang"]
        assert g.name == "The \"Quoted\" Gang's <script>alert('name')</script>"
        assert [a.name for a in g.aliases] == [a.name for a in gang.aliases]
        assert g.aliases[3].name == "Ctrl\a\b\f\v\x1b chars"
        assert g.aliases[2].lang == "en-GB"
        assert g.external_ids == {"wikidata": "Q42", "weird id": 'a"b<c>', "insight": "x/y#z"}
        assert g.citations[0].quote == 'Quote with "quotes"\nand a newline'
        assert back.entities["arabic-group"].name == "جماعة الاختبار"
        assert back.entities["chinese-triad"].aliases[0].lang == "zh-Hant"
        assert back.entities["emoji-town"].name.startswith("Emoji Town 🏙️🔫💊")
        assert back.sources["src-quotes"].url == 'https://example.org/a?b=1&c="d"<e>{f}|g^h`i\\j'
        assert back.meta.description == original.meta.description
        assert back.entities["clash-1"].figures.kilograms == 1.5e-05


def test_import_reports_what_it_cannot_map(tmp_path, export_bytes):
    from crimegraph.rdf.formats import import_rdf

    extra = (f"<{BASE}id/group-a> <{BASE}ontology/favouriteColour> \"red\" .\n"
             f"<{BASE}id/group-a> <{BASE}ontology/alliedWith> <{BASE}id/group-b> .\n").encode()
    path = tmp_path / "x.nt"
    path.write_bytes(export_bytes("mini", "nt") + extra)
    data, problems = import_rdf(path)
    assert len(data["entities"]) == 5
    assert any("favouriteColour" in p for p in problems)
    assert any("direct triple without a qualified cg:Relation" in p for p in problems)


def test_import_errors_are_clear(tmp_path):
    from crimegraph.errors import UsageError
    from crimegraph.rdf.formats import import_rdf

    bad = tmp_path / "bad.ttl"
    bad.write_text("<http://x> <http://y> .", encoding="utf-8")
    with pytest.raises(UsageError, match="bad.ttl"):
        import_rdf(bad)
    unknown = tmp_path / "x.unknown"
    unknown.write_text("")
    with pytest.raises(UsageError, match="suffix"):
        import_rdf(unknown)
    empty = tmp_path / "empty.nt"
    empty.write_text("<http://x/a> <http://x/b> <http://x/c> .\n")
    with pytest.raises(UsageError, match="no crimegraph resources"):
        import_rdf(empty)
    remote = tmp_path / "remote.jsonld"
    remote.write_text('{"@context": "https://schema.org/", "name": "x"}')
    with pytest.raises(UsageError, match="not fetched"):
        import_rdf(remote)


def test_cli_export_validates_and_answers_sparql(cli, tmp_path):
    """Done when: the Turtle export validates against the generated shapes with pyshacl, and a
    SPARQL query over it lists each relation's sources and period."""
    pyshacl = pytest.importorskip("pyshacl")
    import rdflib

    ttl, shapes = tmp_path / "peru.ttl", tmp_path / "shapes.ttl"
    proc = cli("export", "--format", "turtle", "-o", ttl, check_rc=0)
    assert "wrote" in proc.stderr
    cli("schema", "shacl", "-o", shapes, check_rc=0)
    data = rdflib.Graph().parse(ttl, format="turtle")
    conforms, _g, text = pyshacl.validate(data, shacl_graph=rdflib.Graph().parse(shapes, format="turtle"),
                                          advanced=True)
    assert conforms, text
    rows = list(data.query(f"""
PREFIX cg: <{BASE}ontology/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?relation ?since ?until ?validFrom ?validTo (GROUP_CONCAT(?title; separator=" | ") AS ?sources)
WHERE {{
  ?relation a cg:Relation ; prov:wasDerivedFrom ?source .
  ?source dcterms:title ?title .
  OPTIONAL {{ ?relation cg:since ?since ; cg:validFrom ?validFrom }}
  OPTIONAL {{ ?relation cg:until ?until ; cg:validTo ?validTo }}
}} GROUP BY ?relation ?since ?until ?validFrom ?validTo"""))
    from crimegraph.schema.loader import load_dataset
    from tests.paths import PERU

    peru = load_dataset(PERU)
    assert len(rows) == len(peru.relations)
    by_id = {str(r.relation).rsplit("/", 1)[1]: r for r in rows}
    for rid, rel in peru.relations.items():
        row = by_id[rid]
        assert (str(row.since) if row.since is not None else None) == (rel.since.value if rel.since else None)
        assert (str(row.validTo) if row.validTo is not None else None) == \
            (rel.until.end.isoformat() if rel.until else None)
        titles = set(str(row.sources).split(" | "))
        assert titles == {peru.sources[c.source].title for c in rel.citations}


@pytest.mark.parametrize("fmt", ["jsonld", "trig"])
def test_cli_round_trip(cli, tmp_path, fmt):
    from crimegraph.schema.loader import load_dataset
    from tests.paths import DATA

    out = tmp_path / f"hostile{FORMATS[fmt][0]}"
    cli("export", "-f", fmt, "--seeds", DATA / "hostile", "-o", out, check_rc=0)
    proc = cli("import", "rdf", out, "--out", tmp_path / "seeds", check_rc=0)
    assert "valid" in proc.stderr
    assert _dump(load_dataset(tmp_path / "seeds").entities) == _dump(load_dataset(DATA / "hostile").entities)
    # refuses to overwrite a folder with seed files, unless --force
    assert cli("import", "rdf", out, "--out", tmp_path / "seeds").returncode == 2
    cli("import", "rdf", out, "--out", tmp_path / "seeds", "--force", check_rc=0)


def test_cli_export_to_stdout_and_errors(cli):
    proc = cli("export", "-f", "nt", "--seeds", "tests/data/mini", check_rc=0)
    assert proc.stdout.count("\n") > 100 and proc.stdout.startswith("<http://localhost:8000/")
    bad = cli("export", "-f", "rdfxml", "--seeds", "tests/data/mini")
    assert bad.returncode == 2 and "unknown export format" in bad.stderr and "turtle" in bad.stderr
    assert "Traceback" not in bad.stderr
    opt = cli("export", "-f", "jsonld", "--seeds", "tests/data/mini", "-O", "context_url=true", check_rc=0)
    assert '"@context": "http://localhost:8000/ontology/context.jsonld"' in opt.stdout
    base = cli("export", "-f", "nt", "--seeds", "tests/data/mini", "--base-iri", "https://kg.example/x/",
               check_rc=0)
    assert "<https://kg.example/x/id/group-a>" in base.stdout

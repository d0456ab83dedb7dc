"""``crimegraph extract``: candidate facts from real text, each with its sentence; --accept after review."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from crimegraph.extract import article_text, extract, sentences
from crimegraph.schema.loader import load_dataset, read_seeds
from tests.paths import DATA, PERU, ROOT

PROFILE = DATA / "extract" / "peru-profile.txt"
EXAMPLE = DATA / "extract" / "example-article.md"


def _profile() -> Path:
    # the seed profile supplied with the project brief (the text of the InSight Crime Peru
    # profile page the dataset started from), copied verbatim: CI runs on a bare clone
    return PROFILE


@pytest.fixture(scope="module")
def peru():
    return load_dataset(PERU)


def test_profile_candidates_carry_their_sentences(peru):
    text = article_text(_profile())
    result = extract(text, peru, {"id": "insightcrime-peru-profile", "reliability": "B"})
    rels = {(r["type"], r["subject"], r["object"]): r for r in result["relations"]}
    vraem = rels[("operates_in", "shining-path", "vraem")]
    logging = rels[("engages_in", "shining-path", "illegal-logging")]
    for r in (vraem, logging):
        quote = r["citations"][0]["quote"]
        assert quote.startswith("Profits from drug trafficking and illegal logging have fueled")
        assert quote in text and text[r["offsets"][0]:r["offsets"][1]] == quote  # verbatim, where it stands
        assert r["confidence"] == "B3" and r["existing"]
    assert "Apurimac, Ene and Mantaro River Valley (VRAEM) [" in vraem["mentions"][1]
    assert logging["cue"] == "fueled"
    mentioned = {m["entity"] for m in result["mentions"]}
    assert {"shining-path", "vraem", "illegal-logging", "tren-de-aragua", "lake-titicaca", "pedro-castillo"} <= mentioned
    for m in result["mentions"]:
        s, e = m["first"]["offsets"]
        assert text[s:e] == m["first"]["text"]
    # page furniture ("Latest News", "DONATE NOW") and headlines are not proposed as names
    names = {c["name"] for c in result["entities"]}
    assert not names & {"Latest News", "DONATE NOW", "Support Our Work", "Other Countries"}
    assert "InSight Crime" in names


def test_spanish_cues_new_names_and_dates(peru):
    text = article_text(EXAMPLE)
    result = extract(text, peru, {"id": "example-article", "reliability": "F"})
    new = {c["name"]: c for c in result["entities"]}
    assert set(new) == {"Los Gallegos"}
    rels = {(r["type"], r["subject"], r["object"]): r for r in result["relations"]}
    faction = rels[("faction_of", "los-gallegos", "tren-de-aragua")]
    assert faction["cue"] == "faccion de" and faction["since"] == "2019"
    assert faction["citations"][0]["quote"] == ("Los Gallegos, una facción del Tren de Aragua, opera en Trujillo "
                                                "desde 2019, según la policía.")
    assert rels[("operates_in", "tren-de-aragua", "trujillo")]["cue"] == "opera en"
    assert rels[("allied_with", "mpcp", "los-pulpos")]["cue"] == "allied with"
    assert rels[("engages_in", "tren-de-aragua", "extortion")]["existing"] == "tren-de-aragua--engages-in--extortion"
    # nothing dated without a year in its sentence
    assert all("since" not in r for k, r in rels.items() if "2019" not in r["citations"][0]["quote"])


def test_sentences_and_html(tmp_path):
    assert [s.text for s in sentences("A b. C d?\nE")] == ["A b.", "C d?", "E"]
    page = tmp_path / "a.html"
    page.write_text("<html><head><style>p{}</style><script>var x='Tren de Aragua';</script></head>"
                    "<body><p>Tren de Aragua opera en Lima.</p><p>Fin &amp; más.</p></body></html>",
                    encoding="utf-8")
    assert article_text(page) == "Tren de Aragua opera en Lima.\nFin & más."


def _review(cli, tmp_path, *extra):
    out = tmp_path / "example.review.yaml"
    cli("extract", EXAMPLE, "--source", "example-article", "--title", "An example article",
        "--publisher", "crimegraph tests", "-o", out, *extra, check_rc=0)
    return out


def test_accept_adds_reviewed_candidates_as_cited_records(tmp_path, cli):
    seeds = tmp_path / "seeds"
    shutil.copytree(PERU, seeds)
    review = _review(cli, tmp_path, "--seeds", seeds)
    data = yaml.safe_load(review.read_text(encoding="utf-8"))
    assert data["review"]["source"] == {"id": "example-article", "title": "An example article",
                                        "publisher": "crimegraph tests", "reliability": "F"}
    # accepting a new name without its type is refused, at its line, and nothing is written
    data["entities"][0]["accept"] = True
    review.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    before = sorted(p.name for p in seeds.rglob("*"))
    p = cli("extract", "--accept", review, "--seeds", seeds)
    assert p.returncode == 2 and f"{review}:" in p.stderr and "its type is not set" in p.stderr
    assert sorted(p.name for p in seeds.rglob("*")) == before
    # filled in: the entity, two relations (one of them new to the dataset), one citation of an existing one
    data["entities"][0]["type"] = "gang"
    for r in data["relations"]:
        if (r["type"], r["subject"], r["object"]) in {("faction_of", "los-gallegos", "tren-de-aragua"),
                                                      ("operates_in", "tren-de-aragua", "trujillo"),
                                                      ("operates_in", "tren-de-aragua", "lima")}:
            r["accept"] = True
    review.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    p = cli("extract", "--accept", review, "--seeds", seeds, check_rc=0)
    assert "added 1 entities, 2 relations and 1 citations of existing relations" in p.stderr
    ds, issues = read_seeds(seeds, strict=True)
    assert issues == []
    rel = ds.relations["los-gallegos--faction-of--tren-de-aragua"]
    assert str(rel.since) == "2019" and rel.confidence.code == "F3"
    assert rel.citations[0].source == "example-article" and "desde 2019" in rel.citations[0].quote
    assert ds.entities["los-gallegos"].type == "gang"
    assert ds.sources["example-article"].url is None and ds.sources["example-article"].date is None
    lima = ds.relations["tren-de-aragua--operates-in--lima"]
    assert lima.citations[-1].quote == "Tren de Aragua engages in extortion in Lima."
    assert len(lima.citations) == len(load_dataset(PERU).relations[lima.id].citations) + 1
    assert (seeds / "extracted-example-article.yaml").exists()
    # the other files are untouched but for the one citation
    changed = [p.relative_to(seeds).as_posix() for p in seeds.rglob("*.yaml")
               if not (PERU / p.relative_to(seeds)).exists()
               or (PERU / p.relative_to(seeds)).read_bytes() != p.read_bytes()]
    assert sorted(changed) == ["extracted-example-article.yaml", "relations/territory.yaml"]


def test_extract_bad_input(tmp_path, cli):
    p = cli("extract", EXAMPLE, "--source", "nowhere", "-o", tmp_path / "x.yaml")
    assert p.returncode == 2 and "give --title" in p.stderr and not (tmp_path / "x.yaml").exists()
    p = cli("extract", EXAMPLE, "--source", "insightcrime-peru-profile", "--url", "https://example.org/",
            "-o", tmp_path / "x.yaml")
    assert p.returncode == 2 and "leave out --url" in p.stderr
    p = cli("extract", EXAMPLE, "--source", "new-one", "--title", "T", "--date", "2020-13", "-o", tmp_path / "x.yaml")
    assert p.returncode == 2 and "--source new-one: date" in p.stderr
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF")
    p = cli("extract", pdf, "--source", "insightcrime-peru-profile", "-o", tmp_path / "x.yaml")
    assert p.returncode == 2 and "reads .txt, .md or .html" in p.stderr
    p = cli("extract", "--accept", tmp_path / "missing.yaml")
    assert p.returncode == 2 and "review file not found" in p.stderr
    for out in (p.stderr,):
        assert "Traceback" not in out

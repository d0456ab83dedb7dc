"""What an investigator asks of time, on the Peru data, through the CLI as a user runs it."""

from __future__ import annotations

import datetime as dt
import json

from crimegraph.seeds import PERU
from tests.queries.test_queries_cli import cg


def ask(*args):
    return json.loads(cg(*args, "--format", "json", seeds=PERU).stdout)


def event_dates(peru):
    return {e.id: e.date for e in peru.entities(kinds=["event"]) if e.date is not None}


def test_actors_in_peru_as_of_1985_has_no_tren_de_aragua(peru):
    d = ask("query", "actors-in", "peru", "--as-of", "1985")
    actors = {a["id"] for a in d["actors"]}
    assert "tren-de-aragua" not in actors
    # every presence shown is valid or reported then, each marked with its state
    assert {p["relation"]["time"]["state"] for p in d["presences"]} <= {"valid", "reported"}
    # and the Tren de Aragua's presence is listed as left out, with the reason
    left = {x["relation"]: x for x in d["left_out"]}
    tda = left["tren-de-aragua--operates-in--peru"]
    assert tda["state"] == "not_yet_known" and "2018" in tda["reason"]
    later = ask("query", "actors-in", "peru", "--as-of", "2019")
    assert "tren-de-aragua" in {a["id"] for a in later["actors"]}


def test_no_as_of_answer_lists_an_event_after_its_date(peru):
    dates = event_dates(peru)
    for day in ("1985", "2010", "2020"):
        last = dt.date(int(day), 12, 31)
        shown = ask("show", "shining-path", "--as-of", day)
        ego = ask("query", "ego", "shining-path", "--depth", "2", "--as-of", day)
        ids = {r["other"] for r in shown["relations"]} | {e["id"] for e in ego["entities"]}
        for i in ids & set(dates):
            assert dates[i].start <= last, (day, i)


def test_show_shining_path_as_of_1985(peru):
    d = ask("show", "shining-path", "--as-of", "1985")
    rels = {r["id"] for r in d["relations"]}
    assert "shining-path--participated-in--tayacaja-ambush-2008" not in rels
    assert not any("mpcp" in r for r in rels)  # the MPCP was founded in 2018
    assert "abimael-guzman--leads--shining-path" in rels  # he led it then
    left = {x["relation"]: x["state"] for x in d["left_out"]}
    assert left["shining-path--participated-in--tayacaja-ambush-2008"] == "not_yet_known"
    text = cg("show", "shining-path", "--as-of", "1985", seeds=PERU).stdout
    assert "as of 1985-12-31 (valid or reported by then)" in text
    assert "left out as of 1985-12-31" in text and "--left-out lists them" in text


def test_guzman_before_and_after_his_capture(peru):
    before = {r["id"] for r in ask("show", "abimael-guzman", "--as-of", "1992-09-11")["relations"]}
    after = ask("show", "abimael-guzman", "--as-of", "1993")
    assert "abimael-guzman--leads--shining-path" in before
    assert "abimael-guzman--leads--shining-path" not in {r["id"] for r in after["relations"]}
    left = {x["relation"]: x for x in after["left_out"]}
    assert left["abimael-guzman--leads--shining-path"]["state"] == "ended"


def test_timeline_of_the_shining_path_includes_its_factions_events(peru):
    d = ask("query", "timeline", "shining-path")
    through = {(e["event"]["id"], e["through"]["id"]) for e in d["entries"] if e["through"]}
    assert ("artemio-capture-2012", "shining-path-huallaga") in through
    assert ("san-miguel-del-ene-massacre-2021", "mpcp") in through
    assert ("natividad-ambush-2023", "mpcp") in through
    dated = [e for e in d["entries"] if e["section"] == "dated"]
    assert dated and [e["section"] for e in d["entries"]] == sorted(
        (e["section"] for e in d["entries"]), key=["dated", "reported", "undated"].index)
    firsts = [e["date"] for e in dated]
    assert firsts == sorted(firsts, key=lambda v: (v + "-01-01")[:10])
    # the founding is an entry of its own
    assert ("1970", "founded") in {(e["date"], e["what"]) for e in d["entries"]}
    alone = ask("query", "timeline", "shining-path", "--no-related")
    assert not any(e["through"] for e in alone["entries"])


def test_vraem_map_as_of_2020_draws_no_2023_event(peru, tmp_path):
    out = tmp_path / "vraem.html"
    cg("map", "--place", "vraem", "--as-of", "2020", "-o", str(out), seeds=PERU)
    html = out.read_text(encoding="utf-8")
    dates = event_dates(peru)
    later = [i for i, d in dates.items() if d.start.year > 2020]
    assert later and not any(f'"id":"{i}"' in html or f'"id": "{i}"' in html for i in later)
    assert any(f'"{i}"' in html for i, d in dates.items() if d.start.year == 2017)

"""`crimegraph query …` and `crimegraph synth` through a real process."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

TOY = Path(__file__).resolve().parents[1] / "data" / "queries-toy"


def cg(*args, seeds=TOY, check=True):
    env = {**os.environ, "CRIMEGRAPH_SEEDS": str(seeds), "COLUMNS": "200"}
    env.pop("CRIMEGRAPH_DEBUG", None)
    proc = subprocess.run([sys.executable, "-m", "crimegraph", *args], capture_output=True, text=True,
                          env=env, timeout=120)
    if check and proc.returncode != 0:
        raise AssertionError(f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
    return proc


def test_connections_json_has_ordered_steps_with_sources():
    d = json.loads(cg("query", "connections", "Ejército Rojo", "Banda Verde", "--format", "json").stdout)
    assert d["found"] and d["hops"] == 2
    steps = d["paths"][0]["steps"]
    assert [(s["from"]["id"], s["type"], s["direction"], s["to"]["id"]) for s in steps] == [
        ("red-army", "engages_in", "out", "coke"), ("coke", "engages_in", "in", "green-gang")]
    assert all(s["relation"]["citations"] and s["relation"]["confidence"] for s in steps)
    assert steps[0]["relation"]["citations"][0]["title"] == "Official report"


def test_connections_sentences():
    out = cg("query", "connections", "red-army", "green-gang").stdout
    assert out.splitlines()[0] == ("Ejército Rojo (red-army) and Banda Verde (green-gang) are connected in "
                                   "2 hops; all 2 shortest paths, best-evidenced first.")
    assert ("  1. Ejército Rojo —engages in→ Cocaine trafficking (since 2000; confidence A2; "
            "source: Ministry, Official report (2019))") in out


def test_no_connection_is_an_answer_with_exit_0():
    proc = cg("query", "connections", "lone-wolf", "red-army")
    assert proc.returncode == 0 and proc.stderr == ""
    assert proc.stdout.strip() == ("no connection between Lobo Solitario (lone-wolf) and Ejército Rojo "
                                   "(red-army) within 4 hops.")
    d = json.loads(cg("query", "connections", "lone-wolf", "red-army", "-f", "json").stdout)
    assert d["found"] is False and d["paths"] == []


def test_a_clear_misspelling_opens_with_a_note_and_an_unclear_name_lists_candidates():
    proc = cg("query", "connections", "Ejercito Rojjo", "coke", check=False)
    assert proc.returncode == 0 and "Ejército Rojo (red-army) and Cocaine trafficking" in proc.stdout
    assert "note: 'Ejercito Rojjo' is Ejército Rojo (red-army): name 'Ejército Rojo'" in proc.stderr
    proc = cg("query", "connections", "Ejercito Rojjo", "coke", "--format", "json", check=False)
    assert [(r["ref"], r["id"]) for r in json.loads(proc.stdout)["resolved"]] == [("Ejercito Rojjo", "red-army")]
    proc = cg("query", "connections", "azul", "coke", check=False)
    assert proc.returncode == 1 and proc.stdout == ""
    assert "error: 'azul' matches more than one entity, none clearly" in proc.stderr
    assert "blue-cartel (Cártel Azul): name 'Cártel Azul'" in proc.stderr
    assert "blue-lake (Lago Azul): name 'Lago Azul'" in proc.stderr
    proc = cg("query", "connections", "zzqqxx", "coke", check=False)
    assert proc.returncode == 1 and "error: no entity 'zzqqxx'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_bad_as_of_names_the_option():
    proc = cg("query", "actors-in", "nacion", "--as-of", "2016-13", check=False)
    assert proc.returncode == 2 and "--as-of" in proc.stderr and "Traceback" not in proc.stderr


def test_actors_in_as_of_and_csv():
    out = cg("query", "actors-in", "Nación", "--as-of", "2016", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["actor_id"] for r in rows] == ["green-gang", "black-clan", "red-army"]
    assert rows[2]["within"] == "nacion > highlands > green-valley" and rows[2]["sources"] == "src-b"
    text = cg("query", "actors-in", "nacion").stdout
    assert "Cártel Azul —operates in→ Puerto Norte (2005–2015; confidence B2; source: Newsroom, " \
           "Field investigation (2016-04)) [in Nación › Puerto Norte]" in text


@pytest.mark.parametrize("args,expect", [
    (("ego", "red-army", "--cap", "2"), "… and 4 more neighbours of Ejército Rojo not shown"),
    (("economies", "black-clan"), "Clan Negro —engages in→ Illegal logging (2001–2010"),
    (("actors-in-economy", "coke", "--as-of", "2010"), "Cocaine trafficking (coke): 1 actor as of 2010-12-31."),
    (("allies", "blue-cartel"), "Cártel Azul (blue-cartel): 2 allies."),
    (("rivals", "green-gang"), "Banda Verde —rival of— Cártel Azul (since 2012"),
    (("timeline", "officer-x"), "2012  ends: Óscar Equis —leads→ Ejército Rojo"),
    (("brokers",), "1. Cártel Azul (blue-cartel, drug trafficking organization): betweenness 0.3333"),
    (("communities", "--top", "1"), "modularity"),
    (("evidence", "red-army--operates-in--green-valley"), "“The Red Army controls the Green Valley.”"),
    (("search", "Cartel Asul"), "blue-cartel: Cártel Azul — drug trafficking organization"),
])
def test_each_subcommand(args, expect):
    assert expect in cg("query", *args).stdout


def test_json_everywhere():
    for args in (("ego", "red-army"), ("timeline", "red-army"), ("brokers",), ("communities",),
                 ("evidence", "red-army--operates-in--green-valley"), ("search", "red")):
        json.loads(cg("query", *args, "--format", "json").stdout)


def test_synth_writes_a_valid_dataset(tmp_path):
    out = tmp_path / "synth"
    proc = cg("synth", "--entities", "200", "--relations", "900", "--out", str(out), "--chunk", "1000")
    assert "200 entities" in proc.stdout
    valid = json.loads(cg("validate", str(out), "--format", "json").stdout)
    assert valid["valid"] and valid["entities"] == 200 and valid["relations"] == 900
    again = cg("synth", "--entities", "200", "--relations", "900", "--out", str(out), check=False)
    assert again.returncode == 2 and "not empty" in again.stderr

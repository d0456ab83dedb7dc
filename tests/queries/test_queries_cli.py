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
    assert d["found"] and d["criminal_tie"] is False and d["hops"] == 2
    # the cartel (ally of one, rival of the other) says more than a shared economy with 4 links
    assert [p["entities"] for p in d["paths"]] == [["red-army", "blue-cartel", "green-gang"],
                                                   ["red-army", "coke", "green-gang"]]
    steps = d["paths"][1]["steps"]
    assert [(s["from"]["id"], s["type"], s["nature"], s["direction"], s["to"]["id"]) for s in steps] == [
        ("red-army", "engages_in", "economy", "out", "coke"),
        ("coke", "engages_in", "economy", "in", "green-gang")]
    assert all(s["relation"]["citations"] and s["relation"]["confidence"] for s in steps)
    assert steps[0]["relation"]["citations"][0]["title"] == "Official report"
    # the score's parts multiply to the score
    p = d["paths"][1]
    product = 1.0
    for part in p["explain"]["steps"]:
        product *= part["weight"]
    for t in p["explain"]["through"]:
        product *= t["specificity"]
    assert abs(product - p["score"]) < 1e-4 and p["through"][0]["hub"] is True
    assert [g["kind"] for g in d["groups"]] == ["chain", "economy"]


def test_connections_sentences():
    out = cg("query", "connections", "red-army", "green-gang").stdout
    assert " ".join(out.split()).startswith(
        "No criminal tie (criminal cooperation, hierarchy or supply chain) links Ejército Rojo (red-army) "
        "and Banda Verde (green-gang) within 4 hops. Weaker connections, by kind: longer chains (1), "
        "shared economies (1).")
    assert "    both engage in Cocaine trafficking, an economy with 4 links: a weak connection." in out
    assert ("    1. Ejército Rojo —engages in→ Cocaine trafficking (since 2000; confidence A2; "
            "source: Ministry, Official report (2019))") in out
    explained = cg("query", "connections", "red-army", "green-gang", "--explain").stdout
    assert "evidence" in explained and "specificity" in explained and "evidence" not in out


def test_connections_options_narrow_the_answer():
    # only criminal ties: none within the hops
    out = cg("query", "connections", "red-army", "green-gang", "--ties", "criminal").stdout
    assert " ".join(out.split()).startswith("no connection between Ejército Rojo (red-army) and Banda Verde (green-gang) "
                          "within 4 hops through criminal cooperation, hierarchy, supply chain links")
    d = json.loads(cg("query", "connections", "red-army", "green-gang", "--natures", "economy",
                      "-f", "json").stdout)
    assert [p["entities"] for p in d["paths"]] == [["red-army", "coke", "green-gang"]]
    d = json.loads(cg("query", "connections", "red-army", "green-gang", "--avoid", "coke",
                      "--avoid", "blue-cartel", "-f", "json").stdout)
    assert all("coke" not in p["entities"] and "blue-cartel" not in p["entities"] for p in d["paths"])
    proc = cg("query", "connections", "red-army", "green-gang", "--natures", "friendship", check=False)
    assert proc.returncode == 2 and "--natures: unknown nature 'friendship'" in proc.stderr
    assert "Traceback" not in proc.stderr
    similar = json.loads(cg("query", "connections", "red-army", "green-gang", "--similar", "-f",
                            "json").stdout)
    assert similar["skipped_similar"] == 0 and len(similar["paths"]) > len(d["paths"])


def test_no_connection_is_an_answer_with_exit_0():
    proc = cg("query", "connections", "lone-wolf", "red-army")
    assert proc.returncode == 0 and proc.stderr == ""
    assert " ".join(proc.stdout.split()) == (
        "no connection between Lobo Solitario (lone-wolf) and Ejército Rojo (red-army) within 4 hops: "
        "no criminal tie, nor any other kind of link.")
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
    (("allies", "blue-cartel"), "Cártel Azul (blue-cartel): 2 allies; 1 other link of a kindred nature"),
    (("rivals", "green-gang"), "Banda Verde —rival of— Cártel Azul (since 2012"),
    (("timeline", "officer-x"), "2012  ends: Óscar Equis —leads→ Ejército Rojo"),
    (("brokers", "--projection", "actors"),
     "1. Cártel Azul (blue-cartel, drug trafficking organization): betweenness 0.3333"),
    (("brokers",), "1. Cártel Azul (blue-cartel, drug trafficking organization): betweenness 0.1333"),
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

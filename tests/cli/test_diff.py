"""``crimegraph diff``: two real versions of the Peru seeds, with planted changes, reported exactly."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
import yaml

from crimegraph.diff import DiffError, diff_folders, diff_git
from tests.paths import PERU

TWIN = {"id": "carlos-mac-dowell", "type": "person", "name": "Carlos Mac Dowell",
        "citations": [{"source": "insightcrime-peru-profile"}]}
TWIN_REL = {"type": "member_of", "subject": "carlos-mac-dowell", "object": "los-reyes-de-puerto-shejo",
            "confidence": "C3", "citations": [{"source": "insightcrime-peru-profile"}]}


def _edit(folder, name, change):
    path = folder / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _find(items, **match):
    return next(x for x in items if all(x.get(k) == v for k, v in match.items()))


def _old(tmp_path):
    """The Peru seeds, plus a twin of Carlos MacDowell (merged in the new version)."""
    old = tmp_path / "old"
    shutil.copytree(PERU, old)
    _edit(old, "actors.yaml", lambda d: d["entities"].append(dict(TWIN)))
    _edit(old, "relations/organizations.yaml", lambda d: d["relations"].append(dict(TWIN_REL)))
    return old


def _plant(new):
    """The planted changes: a rename, a merge, a confidence up, a quote changed, a citation added,
    an alias added, a relation removed, an unsupported since, a source added."""
    ids = re.compile(r"\burabenos\b")
    for f in new.rglob("*.yaml"):
        text = f.read_text(encoding="utf-8")
        if ids.search(text):
            f.write_text(ids.sub("clan-del-golfo", text), encoding="utf-8")

    def actors(d):
        for e in d["entities"]:
            if e["id"] == "carlos-macdowell":
                e.setdefault("aliases", []).append("Carlos Mac Dowell")
            if e["id"] == "tren-de-aragua":
                e["aliases"].append({"name": "TdA", "lang": "es"})
    _edit(new, "actors.yaml", actors)
    _edit(new, "relations/organizations.yaml", lambda d: d["relations"].append(
        {**TWIN_REL, "subject": "carlos-macdowell"}))

    def economies(d):
        for r in d["relations"]:
            if (r["subject"], r["object"]) == ("shining-path", "illegal-logging"):
                r["confidence"] = "B1"
                r["citations"][0]["quote"] = "Profits from drug trafficking and illegal logging"
                r["citations"].append({"source": "planted-report", "quote": "Shining Path logs."})
            if (r["subject"], r["object"]) == ("shining-path", "extortion"):
                r["since"] = 1850
        d["relations"] = [r for r in d["relations"]
                          if (r["subject"], r["object"]) != ("shining-path", "money-laundering")]
    _edit(new, "relations/economies.yaml", economies)
    _edit(new, "sources.yaml", lambda d: d["sources"].append(
        {"id": "planted-report", "title": "A planted report", "reliability": "C"}))


@pytest.fixture
def versions(tmp_path):
    old = _old(tmp_path)
    new = tmp_path / "new"
    shutil.copytree(PERU, new)
    _plant(new)
    return old, new


def test_diff_reports_exactly_the_planted_changes(versions):
    old, new = versions
    d = diff_folders(old, new).as_dict()
    items = d["items"]
    got = sorted((i["kind"], i["change"], i["old_id"] if "old_id" in i else "", i["id"]) for i in items)
    assert got == sorted([
        ("entity", "renamed", "urabenos", "clan-del-golfo"),
        ("entity", "merged", "carlos-mac-dowell", "carlos-macdowell"),
        ("entity", "changed", "", "carlos-macdowell"),
        ("entity", "changed", "", "tren-de-aragua"),
        ("relation", "renamed", "peruvian-trafficking-clans--associated-with--urabenos",
         "peruvian-trafficking-clans--associated-with--clan-del-golfo"),
        ("relation", "renamed", "urabenos--operates-in--colombia", "clan-del-golfo--operates-in--colombia"),
        ("relation", "renamed", "carlos-mac-dowell--member-of--los-reyes-de-puerto-shejo",
         "carlos-macdowell--member-of--los-reyes-de-puerto-shejo"),
        ("relation", "changed", "", "shining-path--engages-in--illegal-logging"),
        ("relation", "changed", "", "shining-path--engages-in--extortion"),
        ("relation", "removed", "", "shining-path--engages-in--money-laundering"),
        ("source", "added", "", "planted-report"),
    ]), got
    logging = _find(items, id="shining-path--engages-in--illegal-logging")
    fields = {(f["field"], f["note"]): f for f in logging["fields"]}
    assert fields[("confidence", "up")]["before"] == "B2" and fields[("confidence", "up")]["after"] == "B1"
    quote = fields[("citations", "quote changed")]
    assert quote["before"].startswith("insightcrime-peru-profile: “Profits from drug trafficking")
    assert quote["after"] == "insightcrime-peru-profile: “Profits from drug trafficking and illegal logging”"
    assert fields[("citations", "added")]["after"] == "planted-report: “Shining Path logs.”"
    assert len(logging["fields"]) == 3
    assert re.fullmatch(r".*new[/\\]relations[/\\]economies\.yaml:\d+", logging["where"])
    # renamed entities and relations carry no spurious field changes; the merge is its alias
    assert _find(items, id="clan-del-golfo", kind="entity")["fields"] == []
    assert _find(items, id="urabenos--operates-in--colombia".replace("urabenos", "clan-del-golfo"))["fields"] == []
    assert _find(items, id="carlos-macdowell", change="changed")["fields"] == [
        {"field": "aliases", "before": "", "after": "Carlos Mac Dowell", "note": "added"}]
    assert _find(items, id="tren-de-aragua")["fields"] == [
        {"field": "aliases", "before": "", "after": '"TdA"@es', "note": "added"}]
    removed = _find(items, change="removed")
    assert re.fullmatch(r".*old[/\\]relations[/\\]economies\.yaml:\d+", removed["where"])
    # the unsupported date is the one warning
    assert len(d["warnings"]) == 1
    assert "shining-path--engages-in--extortion" in d["warnings"][0] and "since 1850" in d["warnings"][0]
    assert _find(_find(items, id="shining-path--engages-in--extortion")["fields"], field="since") == {
        "field": "since", "before": "", "after": "1850", "note": "added"}
    assert d["summary"]["renamed"] == 4 and d["summary"]["merged"] == 1


def test_the_line_given_is_the_item(versions):
    old, new = versions
    d = diff_folders(old, new)
    for i in d.items:
        path, line = i.where.rsplit(":", 1)
        text = open(path, encoding="utf-8").read().splitlines()[int(line) - 1]
        key = i.old_id if i.change in ("merged",) else i.id
        if i.kind != "relation":
            assert key in text, (i.where, text)
        else:
            assert text.strip().startswith(("- type:", "- id:", "- subject:")), (i.where, text)


def test_no_changes_and_the_filters(versions):
    old, new = versions
    assert diff_folders(new, new).items == []
    d = diff_folders(old, new)
    only = d.filtered(entity="shining-path")
    assert {i.id for i in only.items} == {"shining-path--engages-in--illegal-logging",
                                         "shining-path--engages-in--extortion",
                                         "shining-path--engages-in--money-laundering"}
    assert {i.kind for i in d.filtered(types=["source"]).items} == {"source"}
    assert {i.type for i in d.filtered(types=["operates_in"]).items} == {"operates_in"}
    assert {i.id for i in d.filtered(min_change=3).items} >= {"shining-path--engages-in--illegal-logging"}
    assert all(i.size >= 3 for i in d.filtered(min_change=3).items)


def _git(cwd, *args):
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t.invalid", *args], cwd=cwd,
                   check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_diff_between_two_git_revisions(versions, tmp_path, cli):
    old, new = versions
    repo = tmp_path / "repo"
    (repo / "seeds").mkdir(parents=True)
    _git(repo, "init", "-q")
    shutil.copytree(old, repo / "seeds" / "peru")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "old")
    shutil.rmtree(repo / "seeds" / "peru")
    shutil.copytree(new, repo / "seeds" / "peru")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "new")
    by_git = diff_git("HEAD~1..HEAD", repo / "seeds" / "peru").as_dict()
    by_folder = diff_folders(old, new).as_dict()
    strip = lambda d: sorted((i["kind"], i["change"], i["id"], json.dumps(i["fields"])) for i in d["items"])  # noqa
    assert strip(by_git) == strip(by_folder)
    wheres = {i["where"] for i in by_git["items"]}
    assert "HEAD~1:seeds/peru/relations/economies.yaml" in {w.rsplit(":", 1)[0] for w in wheres}
    assert any(w.startswith("HEAD:seeds/peru/actors.yaml:") for w in wheres)
    # against the working tree: nothing changed since HEAD
    assert diff_git("HEAD", repo / "seeds" / "peru").items == []
    # the CLI: markdown for release notes, json, csv; one clear error for a bad revision
    p = cli("diff", "--git", "HEAD~1..HEAD", ".", "-f", "markdown", cwd=repo / "seeds" / "peru", check_rc=0)
    assert p.stdout.startswith("## Changes from HEAD~1:seeds/peru to HEAD:seeds/peru")
    assert "**renamed entity urabenos -> clan-del-golfo" in p.stdout
    assert "- confidence: B2 -> B1 (up)" in p.stdout
    p = cli("diff", "--git", "HEAD~5..HEAD", repo / "seeds" / "peru")
    assert p.returncode == 2 and p.stderr.strip().startswith("error: --git: unknown revision 'HEAD~5'")
    assert "Traceback" not in p.stderr


def test_cli_formats_and_bad_input(versions, cli, tmp_path):
    old, new = versions
    p = cli("diff", old, new, check_rc=0)
    assert re.search(r" -> .*: 1 added, 1 removed, 4 changed, 4 renamed, 1 merged", p.stdout.splitlines()[0])
    assert "      confidence: B2 -> B1 (up)" in p.stdout
    assert "warning: " in p.stdout
    data = json.loads(cli("diff", old, new, "-f", "json", "--entity", "tren-de-aragua", check_rc=0).stdout)
    assert [i["id"] for i in data["items"]] == ["tren-de-aragua"]
    rows = cli("diff", old, new, "-f", "csv", "--type", "relation", check_rc=0).stdout.splitlines()
    assert rows[0] == "kind,id,change,label,where,old_id,into,field,before,after,note"
    assert all(r.startswith("relation,") for r in rows[1:]) and len(rows) > 5
    out = tmp_path / "notes.md"
    cli("diff", old, new, "-f", "markdown", "-o", out, check_rc=0)
    assert out.read_text(encoding="utf-8").startswith("## Changes from")
    # bad input: one line, non-zero, nothing written
    broken = tmp_path / "broken"
    shutil.copytree(new, broken)
    (broken / "more.yaml").write_text("sources:\n  - id: x\n", encoding="utf-8")
    p = cli("diff", old, broken, "-o", tmp_path / "never.md")
    assert p.returncode == 2 and "is not a valid seed folder" in p.stderr and "more.yaml:2:5: source x: missing required field 'title'" in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1 and not (tmp_path / "never.md").exists()
    p = cli("diff", old)
    assert p.returncode == 2 and "give two seed folders" in p.stderr
    p = cli("diff", old, new, "-o", tmp_path / "no" / "such.md")
    assert p.returncode != 0 and "--mkdir" in p.stderr


def test_invalid_version_is_one_error(tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.yaml").write_text("entities: 3\n", encoding="utf-8")
    with pytest.raises(DiffError, match=r"is not a valid seed folder \(1 error; the first: .*x\.yaml:1"):
        diff_folders(bad, PERU)


def test_a_source_redated_warns_about_what_took_its_year(tmp_path):
    new = tmp_path / "new"
    shutil.copytree(PERU, new)

    def redate(d):
        for s in d["sources"]:
            if s["id"] == "insightcrime-kings-of-shejo-port-2017":
                s["date"] = "2016-06-22"
    _edit(new, "sources.yaml", redate)
    d = diff_folders(PERU, new)
    assert [(i.kind, i.id, [f.field for f in i.fields]) for i in d.items] == [
        ("source", "insightcrime-kings-of-shejo-port-2017", ["date"])]
    assert len(d.warnings) == 1, d.warnings
    assert "entity kings-of-shejo-port-raids-2017: lost its support: date 2017" in d.warnings[0]
    assert re.search(r"new[/\\]events\.yaml:\d+: ", d.warnings[0])

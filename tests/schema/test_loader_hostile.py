"""Hostile and broken seed files: each gives a located error (or a warning), never a crash.

Issue 13, items 3, 4, 9 and 10: duplicate keys, impossible dates, binary and
UTF-16 files, deep nesting, a NUL byte, invisible characters in names, absurd
numbers, symbolic link loops. Each case runs through ``read_seeds`` and through
the real ``crimegraph validate`` (a subprocess: exit code, one line per error, no
traceback).
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from crimegraph.schema.loader import load_dataset, read_seeds

SOURCE = "sources:\n  - id: src-a\n    title: A source\n"
GANG = textwrap.dedent("""\
    entities:
      - id: gang-a
        type: gang
        name: Gang A
        citations: [{source: src-a}]
    """)


def folder(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        (p.write_bytes if isinstance(content, bytes) else p.write_text)(content)
    return tmp_path


def only_issue(path: Path):
    ds, issues = read_seeds(path)
    assert ds is None and len(issues) == 1, issues
    return issues[0]


def validate_fails(cli, path: Path, pattern: str) -> str:
    proc = cli("validate", path)
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
    assert re.search(pattern, proc.stderr), proc.stderr
    return proc.stderr


# ---------------------------------------------------------------- 3. duplicate keys
def test_two_entities_sections_are_an_error_at_the_second(tmp_path, cli):
    text = SOURCE + GANG + GANG.replace("gang-a", "gang-b").replace("Gang A", "Gang B")
    path = folder(tmp_path, {"a.yaml": text})
    issue = only_issue(path)
    assert (issue.line, issue.col) == (9, 1)
    assert "duplicate key 'entities'" in issue.message and "line 4" in issue.message
    validate_fails(cli, path, r"a\.yaml:9:1: duplicate key 'entities'")


@pytest.mark.parametrize("key, line, col", [("id", 8, 5), ("name", 8, 5), ("source", 8, 33)])
def test_a_repeated_key_inside_an_item_is_an_error(tmp_path, key, line, col):
    item = {"id": "    id: gang-b\n", "name": "    name: Other\n",
            "source": ""}[key]
    cites = "    citations: [{source: src-a, source: src-b}]\n" if key == "source" else \
        "    citations: [{source: src-a}]\n"
    text = SOURCE + ("entities:\n  - id: gang-a\n    type: gang\n    name: Gang A\n" + item + cites)
    issue = only_issue(folder(tmp_path, {"a.yaml": text}))
    assert (issue.line, issue.col) == (line, col), issue
    assert f"duplicate key {key!r}" in issue.message


def test_every_duplicate_of_a_file_is_reported_and_merge_keys_are_not_duplicates(tmp_path):
    text = ("sources:\n  - &base {id: src-a, title: T}\n  - <<: *base\n    id: src-b\n"
            "entities: []\nentities: []\nrelations: []\nrelations: []\n")
    ds, issues = read_seeds(folder(tmp_path, {"a.yaml": text}))
    assert [(i.line, i.message.split(":")[0]) for i in issues] == [
        (6, "duplicate key 'entities'"), (8, "duplicate key 'relations'")]
    ok = "sources:\n  - &base {id: src-a, title: T}\n  - <<: *base\n    id: src-b\n"
    ds, issues = read_seeds(folder(tmp_path / "ok", {"a.yaml": ok}))
    assert not issues and set(ds.sources) == {"src-a", "src-b"}


def test_keys_equal_as_values_are_duplicates(tmp_path):
    text = SOURCE + "entities:\n  - {id: gang-a, type: gang, name: A, citations: [{source: src-a}], " \
                    "external_ids: {1: a, 0x1: b}}\n"
    issue = only_issue(folder(tmp_path, {"a.yaml": text}))
    assert "duplicate key '0x1'" in issue.message


# ---------------------------------------------------------------- 4. located, never internal
@pytest.mark.parametrize("value, why", [
    ("2023-02-30", "day is out of range"), ("2021-02-29", "day is out of range"),
    ("2001-01-01T25:00:00", "expected a date"), ("!!timestamp tomorrow", "expected a date"),
])
def test_impossible_unquoted_dates_are_located(tmp_path, cli, value, why):
    text = SOURCE + f"    date: {value}\n"
    issue = only_issue(folder(tmp_path, {"a.yaml": text}))
    assert (issue.line, issue.col) == (4, 5) and why in issue.message and "date" in issue.message
    validate_fails(cli, tmp_path, r"a\.yaml:4:5: source src-a: date: ")


@pytest.mark.parametrize("value, what", [("!!int abc", "abc"), ("!!bool maybe", "maybe"),
                                         ("!!float x", "x")])
def test_wrongly_tagged_values_are_located(tmp_path, value, what):
    issue = only_issue(folder(tmp_path, {"a.yaml": SOURCE + f"    notes: {value}\n"}))
    assert (issue.line, issue.col) == (4, 12) and what in issue.message


def test_utf16_and_utf32_files_are_named(tmp_path, cli):
    for enc in ("utf-16", "utf-32"):
        path = folder(tmp_path / enc, {"a.yaml": (SOURCE + GANG).encode(enc)})
        issue = only_issue(path)
        assert (issue.line, issue.col) == (1, 1) and f"{enc.upper()} text" in issue.message
        validate_fails(cli, path, rf"a\.yaml:1:1: this file is {enc.upper()} text")


def test_utf16_without_a_byte_order_mark_points_at_its_first_nul(tmp_path):
    issue = only_issue(folder(tmp_path, {"a.yaml": (SOURCE + GANG).encode("utf-16-le")}))
    assert (issue.line, issue.col) == (1, 2) and "NUL" in issue.message


def test_binary_and_latin1_files_point_at_the_first_bad_byte(tmp_path, cli):
    raw = bytes(range(256)) * 3
    issue = only_issue(folder(tmp_path / "bin", {"a.yaml": raw}))
    assert "not UTF-8 text" in issue.message
    latin = (SOURCE + "    notes: Peña\n").encode("latin-1")
    issue = only_issue(folder(tmp_path / "latin", {"a.yaml": latin}))
    assert (issue.line, issue.col) == (4, 14) and "byte 0xf1" in issue.message
    validate_fails(cli, tmp_path / "latin", r"a\.yaml:4:14: not UTF-8 text")


def test_a_utf8_byte_order_mark_is_fine(tmp_path):
    ds, issues = read_seeds(folder(tmp_path, {"a.yaml": b"\xef\xbb\xbf" + (SOURCE + GANG).encode()}))
    assert not issues and "gang-a" in ds.entities


def test_a_nul_byte_is_reported_where_it_is(tmp_path, cli):
    text = SOURCE + GANG.replace("Gang A", "Gañg\x00A")
    issue = only_issue(folder(tmp_path, {"a.yaml": text.encode("utf-8")}))
    assert (issue.line, issue.col) == (7, 15) and "NUL" in issue.message
    validate_fails(cli, tmp_path, r"a\.yaml:7:15: a NUL byte")
    other = only_issue(folder(tmp_path / "bell", {"a.yaml": SOURCE + "    notes: ding\x07\n"}))
    assert (other.line, other.col) == (4, 16) and "U+0007" in other.message


@pytest.mark.parametrize("opener, closer", [("{a: ", "}"), ("[", "]"), ("- ", "")])
def test_deep_nesting_is_refused_where_it_goes_too_deep(tmp_path, cli, opener, closer):
    if opener == "- ":
        text = "sources:\n" + "".join("  " * i + "- \n" for i in range(5000))
    else:
        text = "sources: " + opener * 5000 + "1" + closer * 5000 + "\n"
    issue = only_issue(folder(tmp_path, {"a.yaml": text}))
    # the composer stops at 64 levels; libyaml's own flow-level limit may come first
    assert issue.line >= 1 and re.search(r"more than 64 levels|maximum nesting depth", issue.message), issue
    validate_fails(cli, tmp_path, r"a\.yaml:\d+:\d+: .*(nests more than 64 levels|maximum nesting depth)")


def test_serve_with_broken_seeds_says_where(tmp_path, cli):
    """``serve --seeds`` read the impossible date with a crash; it must stop with the located error."""
    folder(tmp_path, {"a.yaml": SOURCE + "    date: 2023-02-30\n"})
    proc = cli("serve", "--seeds", tmp_path, "--port", "1")
    assert proc.returncode == 2 and "a.yaml:4:5" in proc.stderr and "Traceback" not in proc.stderr


def test_import_ftm_of_utf16_and_binary_files(tmp_path, cli):
    line = json.dumps({"id": "p1", "schema": "Person", "properties": {"name": ["Ana"]}}) + "\n"
    (tmp_path / "u16.json").write_bytes(line.encode("utf-16"))
    (tmp_path / "bad.json").write_bytes(line.encode() + b'{"id": "p2", "x": "\xff"}\n')
    p = cli("import", "ftm", tmp_path / "u16.json", "--out", tmp_path / "o1")
    assert p.returncode == 2 and "u16.json:1:1: this file is UTF-16 text" in p.stderr, p.stderr
    p = cli("import", "ftm", tmp_path / "bad.json", "--out", tmp_path / "o2")
    assert p.returncode == 2 and "bad.json:2:20: not UTF-8 text" in p.stderr, p.stderr
    assert not (tmp_path / "o1").exists() and not (tmp_path / "o2").exists()


# ---------------------------------------------------------------- 9. invisible characters
def test_invisible_characters_are_removed_with_a_warning(tmp_path, cli):
    text = SOURCE + textwrap.dedent("""\
        entities:
          - id: gang-a
            type: gang
            name: "\\u202eGang\\u200b A"
            aliases: ["\\ufeffLos A", {name: "A\\u00ad Team", lang: es}, "\\U0001f468\\u200d\\U0001f469 A"]
            citations: [{source: src-a}]
        """)
    path = folder(tmp_path, {"a.yaml": text})
    read = read_seeds(path)
    ds, issues = read
    assert not issues
    e = ds.entities["gang-a"]
    assert e.name == "Gang A" and [a.name for a in e.aliases] == ["Los A", "A Team", "\U0001f468\u200d\U0001f469 A"]
    where = [(w.line, w.col) for w in read.warnings]
    assert where == [(7, 5), (8, 15), (8, 30)], read.warnings
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in read.warnings[0].message
    assert "U+FEFF" in read.warnings[1].message and "U+00AD SOFT HYPHEN" in read.warnings[2].message
    proc = cli("validate", path)
    assert proc.returncode == 0 and proc.stderr.count("warning: ") == 3 and "a.yaml:7:5" in proc.stderr
    out = json.loads(cli("validate", path, "--format", "json", check_rc=0).stdout)
    assert out["valid"] and [w["line"] for w in out["warnings"]] == [7, 8, 8]
    from crimegraph.schema.loader import SeedWarning

    with pytest.warns(SeedWarning, match=r"a\.yaml:7:5"):
        load_dataset(path)


def test_a_name_of_invisible_characters_only_is_an_error(tmp_path):
    text = SOURCE + GANG.replace("name: Gang A", 'name: "\\u200b\\u2060\\ufeff"')
    read = read_seeds(folder(tmp_path, {"a.yaml": text}))
    (issue,) = read.issues
    assert (issue.line, issue.col) == (7, 5) and "nothing is left once invisible characters" in issue.message
    assert not read.warnings  # the error says it all


def test_a_hidden_alias_no_longer_hijacks_a_name(tmp_path, cli):
    """The README's ``show "Tren de Aragua"`` and ``query connections`` still find the real one
    when another entity carries the alias "\\ufeffTren de Aragua"."""
    import shutil

    from tests.paths import PERU

    seeds = tmp_path / "peru"
    shutil.copytree(PERU, seeds)
    with open(seeds / "actors.yaml", "a", encoding="utf-8") as fh:
        fh.write('  - id: impostor\n    type: gang\n    name: Impostor\n'
                 '    aliases: ["\\ufeffTren de Aragua"]\n'
                 '    citations: [{source: insightcrime-peru-profile}]\n')
    show = cli("show", "Tren de Aragua", "--seeds", seeds, "--format", "json")
    assert show.returncode == 0, show.stderr
    assert json.loads(show.stdout)["entity"]["id"] == "tren-de-aragua"
    assert "warning:" in show.stderr and "U+FEFF" in show.stderr
    assert "is the name of 'tren-de-aragua'" in show.stderr
    conn = cli("query", "connections", "Tren de Aragua", "Shining Path", "--seeds", seeds, "--format", "json")
    assert conn.returncode == 0, conn.stderr
    assert json.loads(conn.stdout)["from"]["id"] == "tren-de-aragua"


# ---------------------------------------------------------------- 10. numbers, links
@pytest.mark.parametrize("figure, value", [("kilograms", ".inf"), ("kilograms", ".nan"),
                                           ("kilograms", "-.inf"), ("deaths", "1e38"),
                                           ("deaths", "99999999999999999999999"), ("arrests", "20000000"),
                                           ("kilograms", "1e400")])
def test_non_finite_and_absurd_figures_are_rejected(tmp_path, figure, value):
    text = SOURCE + textwrap.dedent(f"""\
        entities:
          - id: seizure-a
            type: seizure
            name: A seizure
            figures:
              {figure}: {value}
            citations: [{{source: src-a}}]
        """)
    issue = only_issue(folder(tmp_path, {"a.yaml": text}))
    assert (issue.line, issue.col) == (9, 7) and f"figures.{figure}" in issue.message, issue


def test_non_finite_coordinates_are_rejected(tmp_path):
    text = SOURCE + textwrap.dedent("""\
        entities:
          - id: town
            type: city
            name: Town
            coordinates: {lat: .nan, lon: 10}
            citations: [{source: src-a}]
        """)
    issue = only_issue(folder(tmp_path, {"a.yaml": text}))
    assert "coordinates.lat" in issue.message and "finite" in issue.message


def test_symbolic_link_loops_and_dangling_links_are_named(tmp_path, cli):
    path = folder(tmp_path, {"sub/a.yaml": SOURCE})
    (path / "loop.yaml").symlink_to("loop.yaml")
    (path / "gone.yaml").symlink_to("nowhere.yaml")
    (path / "sub" / "up").symlink_to("..")
    (path / "again").symlink_to("sub")
    (path / "same.yaml").symlink_to("sub/a.yaml")
    read = read_seeds(path)
    assert not read.issues and set(read.dataset.sources) == {"src-a"}  # read once
    text = "\n".join(str(w) for w in read.warnings)
    assert re.search(r"loop\.yaml:1:1: skipped: a symbolic link loop", text), text
    assert re.search(r"gone\.yaml:1:1: skipped: a symbolic link to nothing \(nowhere\.yaml\)", text), text
    assert re.search(r"sub/up:1:1: skipped: a link to a folder already read", text), text
    assert re.search(r"again:1:1: skipped: a link to a folder already read", text), text
    assert re.search(r"same\.yaml:1:1: skipped: the same file as .*sub/a\.yaml", text), text
    proc = cli("validate", path)
    assert proc.returncode == 0 and proc.stderr.count("warning:") == 5, proc.stderr


def test_a_linked_seed_folder_is_read(tmp_path):
    real = folder(tmp_path / "real", {"a.yaml": SOURCE})
    top = tmp_path / "top"
    top.mkdir()
    (top / "linked").symlink_to(real)
    read = read_seeds(top)
    assert not read.issues and not read.warnings and "src-a" in read.dataset.sources

"""Commands for the people who keep the data: ``diff`` (what changed between two versions),
``dedupe`` (likely duplicates, and the decisions about them) and ``extract`` (candidate
facts from an article, for review)."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

from .common import MkdirOpt, SeedsOpt, emit_csv, emit_json, err_console, print_lines
from .main import app


class DiffFormat(str, Enum):
    table = "table"
    markdown = "markdown"
    json = "json"
    csv = "csv"


@app.command()
def diff(
    old: Optional[Path] = typer.Argument(None, help="The old seed folder (or, with --git, the folder "
                                                    "whose history is read; default --seeds)."),
    new: Optional[Path] = typer.Argument(None, help="The new seed folder."),
    git: Optional[str] = typer.Option(None, "--git", metavar="REV1..REV2",
                                      help="Compare the seed folder between two git revisions "
                                           "(HEAD~1..HEAD); REV1 alone compares it with the working tree."),
    seeds: Optional[Path] = SeedsOpt,
    entity: Optional[str] = typer.Option(None, "--entity", help="Only changes about this entity id "
                                                                "(the entity and its relations)."),
    types: Optional[list[str]] = typer.Option(None, "--type", help="Only these kinds (source, entity, "
                                              "relation) or entity/relation types (armed_group, "
                                              "operates_in); repeatable."),
    min_change: int = typer.Option(0, "--min-change", min=0, help="Only items with at least this many "
                                   "changed fields (an added or removed item counts 10)."),
    fmt: DiffFormat = typer.Option(DiffFormat.table, "--format", "-f",
                                   help="Output: table (for people), markdown (release notes), json or csv."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
    mkdir: bool = MkdirOpt,
) -> None:
    """What changed between two versions of a seed folder: sources, entities and relations added,
    removed, renamed, merged and changed field by field (dates, confidence up or down, citations
    and quotes), each at its file:line, and warnings for dates or figures that lost their support.

    Either two folders (crimegraph diff old/ new/) or one folder's git history
    (crimegraph diff --git HEAD~1..HEAD seeds/peru). Both versions must validate.
    Exit status 0 whether or not anything changed.
    """
    from crimegraph.atomic import check_file_target
    from crimegraph.diff import diff_folders, diff_git
    from crimegraph.errors import UsageError
    from crimegraph.schema.loader import default_seeds

    if output is not None:
        check_file_target(output, mkdir=mkdir)
    if git:
        if new is not None:
            raise UsageError("with --git give at most one folder (the seed folder whose history is read)")
        result = diff_git(git, old or seeds or default_seeds())
    else:
        if old is None or new is None:
            raise UsageError("give two seed folders (crimegraph diff OLD NEW) or --git REV1..REV2")
        result = diff_folders(old, new)
    result = result.filtered(entity, types or (), min_change)
    if fmt is DiffFormat.json:
        import json

        text = json.dumps(result.as_dict(), ensure_ascii=False, indent=2) + "\n"
    elif fmt is DiffFormat.markdown:
        text = result.markdown()
    elif fmt is DiffFormat.csv:
        if output is None:
            emit_csv(result.rows(), result.COLUMNS)
            return
        import csv
        import io

        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=result.COLUMNS, lineterminator="\n")
        w.writeheader()
        from crimegraph.exports.tables import excel_guard

        for r in result.rows():
            w.writerow({k: excel_guard(v) if isinstance(v, str) else v for k, v in r.items()})
        text = buf.getvalue()
    else:
        if output is None:
            print_lines(result.lines())
            return
        text = "\n".join(result.lines()) + "\n"
    if output is None:
        sys.stdout.write(text)
        return
    from crimegraph.atomic import write_text

    write_text(output, text, mkdir=mkdir)
    err_console.print(f"wrote {escape(str(output))}")

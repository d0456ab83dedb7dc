"""``crimegraph cache``: the compiled form of validated seed folders (:mod:`crimegraph.schema.cache`)."""

from __future__ import annotations

import typer

from .common import Format, FormatOpt, console, emit_json
from .main import app

cache_app = typer.Typer(help="The cache of validated seed folders: where it is, what it holds, clear it.",
                        no_args_is_help=True)
app.add_typer(cache_app, name="cache")


@cache_app.command("info")
def info(fmt: Format = FormatOpt) -> None:
    """Where the cache is ($CRIMEGRAPH_CACHE_DIR, else $XDG_CACHE_HOME/crimegraph, else
    ~/.cache/crimegraph), how many seed folders it holds and their size."""
    from crimegraph.schema import cache

    files = cache.entries()
    size = sum(p.stat().st_size for p in cache.files() if p.exists())
    data = {"folder": str(cache.cache_dir()), "entries": len(files), "bytes": size,
            "format": cache.FORMAT, "enabled": cache.enabled()}
    if fmt is Format.json:
        emit_json(data)
        return
    console.print(f"cache folder: {data['folder']}", markup=False)
    console.print(f"{len(files)} seed folder{'s' if len(files) != 1 else ''}, {size / 1e6:.1f} MB"
                  + ("" if data["enabled"] else " (off: --no-cache / CRIMEGRAPH_NO_CACHE)"), markup=False)


@cache_app.command("clear")
def clear() -> None:
    """Remove every cached seed folder; the next command on each validates its YAML again."""
    from crimegraph.schema import cache

    n = cache.clear()
    console.print(f"removed {n} cached seed folder{'s' if n != 1 else ''} from {cache.cache_dir()}", markup=False)

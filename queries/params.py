"""Parsing of query parameters shared by the CLI and the HTTP API."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from crimegraph.errors import UsageError
from crimegraph.schema.types import as_date


def parse_as_of(value: Optional[str], name: str = "--as-of") -> Optional[dt.date]:
    """``"2019"`` -> the last day of 2019; ``None`` stays ``None``. Bad input names the parameter."""
    if value is None or value == "":
        return None
    try:
        return as_date(value)
    except ValueError as exc:
        raise UsageError(f"{name}: {exc}") from None

"""Paths the tests share."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
PERU = ROOT / "seeds" / "peru"
ARTIFACTS = ROOT / "artifacts"

"""The bundled seed datasets (YAML). ``PERU`` is the folder of the Peru dataset."""

from pathlib import Path

HERE = Path(__file__).resolve().parent
PERU = HERE / "peru"

"""Where the exporter's own files are: inside the package if installed, beside it in a checkout."""
from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def own_folder(name: str) -> Path:
    """The package's `name` folder: exporter/<name> in a wheel, <checkout>/<name> in the
    repository, which keeps filters/ and templates/ at its top (pyproject.toml maps them)."""
    inside = PACKAGE / name
    return inside if inside.is_dir() else PACKAGE.parent / name


TEMPLATES = own_folder("templates")
FILTERS = own_folder("filters")
CODE_FOLDERS = (PACKAGE, FILTERS, TEMPLATES)

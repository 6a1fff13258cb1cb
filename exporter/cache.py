"""The on-disk cache of what an export computes per note, keyed by content and tool version.

Entries are text files named by the SHA-256 of everything that went into them, under
$XDG_CACHE_HOME/obsidian-study-guide (~/.cache/... by default). A key that names all
its inputs needs no invalidation: an edited note, another pandoc or a changed filter
makes another key. Writes are atomic; a cache that cannot be written is skipped.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .resources import CODE_FOLDERS

CODE_SUFFIXES = {".py", ".lua", ".css", ".html", ".tex"}


def default_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "obsidian-study-guide"


def digest(*parts: str | bytes) -> str:
    """The SHA-256 of the parts, each length-prefixed so that no two lists collide."""
    sha = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        sha.update(len(data).to_bytes(8, "big"))
        sha.update(data)
    return sha.hexdigest()


@cache
def code_version() -> str:
    """A digest of the exporter's own code and templates, and of pandoc's version."""
    files = sorted({path for folder in CODE_FOLDERS for path in folder.rglob("*")
                    if path.suffix in CODE_SUFFIXES and "__pycache__" not in path.parts})
    try:
        pandoc = version("pypandoc-binary")
    except PackageNotFoundError:
        pandoc = "?"
    return digest(pandoc, *(part for path in files
                            for part in (path.name, path.read_bytes())))


class Cache:
    """Text entries by kind and key; `Cache(None)` keeps nothing."""

    def __init__(self, folder: Path | None):
        self.folder = folder

    def path(self, kind: str, key: str) -> Path:
        return self.folder / kind / key[:2] / f"{key}.json"

    def get(self, kind: str, key: str) -> str | None:
        if self.folder is None:
            return None
        try:
            return self.path(kind, key).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def put(self, kind: str, key: str, text: str) -> None:
        if self.folder is None:
            return
        target = self.path(kind, key)
        temporary = None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temporary, target)
        except OSError:  # an unwritable cache only makes the next export slower
            if temporary and os.path.exists(temporary):
                os.unlink(temporary)

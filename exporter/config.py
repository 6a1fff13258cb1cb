"""Typed export options, and the optional exporter.toml in the vault root."""
from __future__ import annotations

import os
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path

from .cache import default_folder
from .errors import ExportError, UsageError
from .log import Warnings
from .resources import TEMPLATES

FORMATS = ("pdf", "epub", "latex", "html")
PAPERS = ("a4", "letter", "a5")
EXTENSIONS = {"pdf": "pdf", "epub": "epub", "latex": "tex", "html": "html"}
CONFIG_NAME = "exporter.toml"


@dataclass
class VaultConfig:
    """What exporter.toml may set: the notes and their order, title, author, paper."""

    notes: list[str] = field(default_factory=list)
    title: str | None = None
    author: str | None = None
    paper: str | None = None
    lang: str | None = None  # the guide's language when its first note names none
    font: str | None = None  # an installed family or a font file of the vault, for the body
    heading_font: str | None = None
    mono_font: str | None = None
    cover: str | None = None  # a vault image: the EPUB's cover, the PDF's first page
    properties: list[str] = field(default_factory=list)  # front matter shown under chapters
    index_groups: bool = True
    break_before: int = 1  # headings of this level and above start a page (PDF, LaTeX)
    mermaid: str | None = None  # mermaid-cli's mmdc, if not on PATH
    chromium: str | None = None  # the browser mmdc runs, if not on PATH


@dataclass
class Options:
    """Everything one export needs to know; built by the CLI or by export()'s caller."""

    fmt: str
    source: Path
    output: Path | None = None
    paper: str | None = None
    title: str | None = None
    author: str | None = None
    compile_tex: bool = False
    strict: bool = False
    theme: str = "study-guide"  # a CSS file in templates/themes/
    css: Path | None = None  # the user's CSS, added after the theme
    template: Path | None = None  # a pandoc HTML template instead of templates/guide.html
    duplex: bool = False  # chapters open on right-hand pages
    csl: Path | None = None  # a CSL style; pandoc's Chicago author-date by default
    short_citations: bool = False  # "(40)" linked to the reference, without author and year
    # each distinct citation formatted once before writing (see citations.py); off, the
    # Cites keep their text as written for the writer's citeproc (the handout wants it)
    format_citations: bool = True
    allow_remote: bool = False  # fetch remote images (else a placeholder)
    allow_raw_latex: bool = False  # keep raw LaTeX that reads files or runs code
    cache: bool = True  # keep parsed and filtered notes in the cache folder
    jobs: int | None = None  # processes at once; all CPUs by default

    def __post_init__(self) -> None:
        self.source = Path(self.source)
        for name in ("output", "css", "template", "csl"):
            if getattr(self, name) is not None:
                setattr(self, name, Path(getattr(self, name)))
        if self.fmt not in FORMATS:
            raise UsageError(f"unknown format {self.fmt!r}; choose one of {', '.join(FORMATS)}")
        if self.jobs is not None and self.jobs < 1:
            raise UsageError(f"--jobs must be at least 1, not {self.jobs}")
        if self.paper is not None and self.paper not in PAPERS:
            raise UsageError(f"unknown paper {self.paper!r}; choose one of {', '.join(PAPERS)}")
        if not self.source.exists():
            raise UsageError(f"{self.source}: no such file or folder")
        if self.theme not in themes():
            raise UsageError(f"unknown theme {self.theme!r}; choose one of {', '.join(themes())}")
        for given in (self.css, self.template):
            if given is not None and not Path(given).is_file():
                raise UsageError(f"{given}: no such file")
        if self.csl is not None and not Path(self.csl).is_file():
            raise UsageError(f"{self.csl}: no such CSL style file")
        if not (self.source.is_dir() or (self.source.is_file() and self.source.suffix == ".md")):
            raise UsageError(f"{self.source}: neither a vault folder nor a .md note")


    @property
    def cache_folder(self) -> Path | None:
        return default_folder() if self.cache else None

    @property
    def processes(self) -> int:
        return self.jobs or cpus()


def cpus() -> int:
    """The CPUs this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def themes() -> list[str]:
    """The themes in templates/themes/, by name."""
    folder = TEMPLATES / "themes"
    return sorted(path.stem for path in folder.glob("*.css"))


def load_vault_config(root: Path, warnings: Warnings | None = None) -> VaultConfig:
    """Read exporter.toml from the vault root; a missing file means defaults.

    A key it does not know, or a value of the wrong type, warns with the file and line
    and is left out (the default stands).
    """
    path = root / CONFIG_NAME
    if not path.is_file():
        return VaultConfig()
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ExportError(f"cannot read {CONFIG_NAME}: {error}", path) from error
    hints = typing.get_type_hints(VaultConfig)
    known = {}
    for key, value in data.items():
        if key not in hints:
            problem = f"unknown key {key!r} (known: {', '.join(hints)}); ignored"
        elif not of_type(value, hints[key]):
            problem = f"{key!r} must be {type_name(hints[key])}, not {value!r}; ignored"
        else:
            known[key] = value
            continue
        if warnings is not None:
            warnings.warn(problem, CONFIG_NAME, line_of_key(text, key), kind="config")
    if not 1 <= known.get("break_before", 1) <= 6:
        raise ExportError("'break_before' must be a heading level, 1 to 6", path)
    paper = known.get("paper")
    if paper is not None and paper not in PAPERS:
        raise ExportError(f"unknown paper {paper!r}; choose one of {', '.join(PAPERS)}", path)
    return VaultConfig(**known)


def of_type(value, hint) -> bool:
    """Whether a TOML value fits a VaultConfig field's type (str, bool, list[str], X | None)."""
    if hint is bool or hint is str or hint is int:
        return type(value) is hint
    if typing.get_origin(hint) is list:
        [item] = typing.get_args(hint)
        return isinstance(value, list) and all(of_type(v, item) for v in value)
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return any(of_type(value, option) for option in typing.get_args(hint)
                   if option is not type(None))
    return isinstance(value, hint)


def type_name(hint) -> str:
    if typing.get_origin(hint) is list:
        return f"a list of {type_name(typing.get_args(hint)[0]).removeprefix('a ')}s"
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return " or ".join(type_name(o) for o in typing.get_args(hint) if o is not type(None))
    return {str: "a string", bool: "true or false", int: "a whole number"}.get(hint, str(hint))


def line_of_key(text: str, key: str) -> int | None:
    """The line on which `key = ...` is written (TOML's reader gives no positions)."""
    for number, line in enumerate(text.splitlines(), 1):
        if line.split("=", 1)[0].strip().strip("\"'") == key:
            return number
    return None

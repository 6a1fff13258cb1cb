"""The typed objects handed between stages: Note and Book."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath


@dataclass
class Note:
    """One Markdown file of the vault: where it is, its front matter and its body."""

    path: Path  # absolute path on disk
    rel: PurePosixPath  # path relative to the vault root, with '/'
    meta: dict
    body: str
    body_line: int = 1  # line of the file on which the body starts

    @property
    def name(self) -> str:
        return self.rel.stem

    def line_of(self, *needles: str) -> int:
        """The file line of the first of `needles` found in the body (case-insensitive).

        Tried in order; the body's first line when none occurs.
        """
        body = self.body.casefold()
        for needle in needles:
            at = body.find(needle.casefold())
            if at >= 0:
                return self.body_line + body.count("\n", 0, at)
        return self.body_line


@dataclass(frozen=True)
class Font:
    """A family to ask for by name; with `file`, a font file of the vault that makes it."""

    family: str
    file: Path | None = None


@dataclass(frozen=True)
class Fonts:
    """The fonts the reader chose (exporter.toml); None where the guide's own stands."""

    body: Font | None = None
    headings: Font | None = None
    code: Font | None = None


# Languages written right to left (ISO 639-1 and -3 codes of the scripts Unicode marks RTL).
RTL_LANGUAGES = {"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ps", "sd", "syr", "ug", "ur",
                 "yi"}


@dataclass
class Book:
    """The ordered notes that make up one guide, with what its title page shows."""

    title: str
    author: str | None
    source: str | None
    notes: list[Note]
    root: Path
    paper: str = "a4"
    tags: list[str] = field(default_factory=list)
    lang: str = "en"
    index_groups: bool = True  # index entries grouped by their target's folder
    theme: str = "study-guide"
    css: Path | None = None  # the user's CSS
    template: Path | None = None  # the user's pandoc HTML template
    duplex: bool = False
    cover: Path | None = None  # an image of the vault, checked
    fonts: Fonts = field(default_factory=Fonts)  # the reader's (exporter.toml)

    @property
    def dir(self) -> str:
        """The direction the guide's language is written in: rtl or ltr."""
        return "rtl" if self.lang.lower().split("-")[0] in RTL_LANGUAGES else "ltr"

"""Characters no installed font can print: found before layout, warned with file and line."""
from __future__ import annotations

import shutil
import subprocess
import unicodedata
from bisect import bisect_right
from functools import cache

from .log import Warnings
from .model import Note

# Characters that take no glyph of their own: controls, joiners, variation selectors.
NO_GLYPH_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
SHOWN = 8  # characters named in one warning


class Coverage:
    """Code points as merged ranges: fontconfig lists hundreds of fonts of thousands each."""

    def __init__(self, ranges: list[tuple[int, int]]):
        merged: list[list[int]] = []
        for first, last in sorted(ranges):
            if merged and first <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], last)
            else:
                merged.append([first, last])
        self.starts = [first for first, _ in merged]
        self.ends = [last for _, last in merged]

    def __contains__(self, point: int) -> bool:
        at = bisect_right(self.starts, point) - 1
        return at >= 0 and point <= self.ends[at]


@cache
def fontconfig(line_format: str) -> str | None:
    """fc-list's line for each installed font, in fontconfig's `line_format`; None where
    fontconfig cannot be asked."""
    if not shutil.which("fc-list"):
        return None
    try:
        return subprocess.run(["fc-list", "--format", line_format], capture_output=True,
                              text=True, timeout=60, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None


@cache
def installed_coverage() -> Coverage | None:
    """Every code point some fontconfig font has (what Pango falls back to); None if unknown."""
    listing = fontconfig("%{charset}\n")
    return None if listing is None else Coverage(parse_charsets(listing))


def parse_charsets(listing: str) -> list[tuple[int, int]]:
    """fontconfig's charsets, hex ranges such as `20-7e a0 4e00-9fff`, as (first, last)."""
    ranges = []
    for item in set(listing.split()):
        first, _, last = item.partition("-")
        ranges.append((int(first, 16), int(last or first, 16)))
    return ranges


def unprintable(text: str, covered: Coverage) -> list[str]:
    """The characters of `text` that need a glyph and that no font covers, in order of use."""
    missing: dict[str, None] = {}
    for char in set(text) - {chr(c) for c in range(0x20, 0x7f)}:
        point = ord(char)
        if point in covered or char.isspace() or 0xFE00 <= point <= 0xFE0F:
            continue
        if unicodedata.category(char) not in NO_GLYPH_CATEGORIES:
            missing[char] = None
    return sorted(missing, key=text.index)


INSTALL = ("install a font with them (on Debian: fonts-noto-core, fonts-noto-cjk, "
           "fonts-noto-color-emoji)")


def warn_unprintable(notes: list[Note], warnings: Warnings, covered: Coverage | None = None,
                     fonts: str = "installed font", advice: str = INSTALL) -> None:
    """Warn, per note, of characters that would print as empty boxes or not at all: that
    no font of `covered` (by default every installed one) has."""
    covered = covered or installed_coverage()
    if covered is None:
        return
    for note in notes:
        text = note.body + "\n" + str(note.meta.get("title", ""))
        missing = unprintable(text, covered)
        if not missing:
            continue
        named = ", ".join(f"{c} (U+{ord(c):04X})" for c in missing[:SHOWN])
        more = f" and {len(missing) - SHOWN} more" if len(missing) > SHOWN else ""
        line = note.line_of(missing[0]) if missing[0] in note.body else None
        warnings.warn(f"no {fonts} has {named}{more}: they will not print; {advice}",
                      note.rel, line, kind="font")

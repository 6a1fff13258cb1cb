"""Fallback fonts for the characters of a LaTeX guide that Latin Modern lacks (xelatex has none)."""
from __future__ import annotations

import unicodedata
from functools import cache

from ..glyphs import Coverage, fontconfig, parse_charsets

BODY_FONTS = ("Latin Modern Roman", "Latin Modern Sans", "Latin Modern Mono")
# Tried in this order for a character the body fonts lack, then any other font that has
# it; CJK takes the forms of the guide's language (as templates/print.css).
PREFERRED = ("Noto Serif", "DejaVu Serif", "Noto Sans", "DejaVu Sans", "Noto Sans Symbols",
             "Noto Sans Symbols2", "Noto Sans Math", "DejaVu Sans Mono", "Noto Serif CJK {}",
             "Noto Sans CJK {}")
# Scripts whose letters join or reorder: their fonts are loaded with the script, so that
# XeTeX shapes them (else Arabic prints as unjoined letters), and tried first for them.
SCRIPTS = {
    "Arabic": (((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF),
                (0xFE70, 0xFEFF)), ("Noto Naskh Arabic", "Noto Sans Arabic")),
    "Hebrew": (((0x0590, 0x05FF), (0xFB1D, 0xFB4F)), ("Noto Serif Hebrew", "Noto Sans Hebrew")),
    "Devanagari": (((0x0900, 0x097F), (0xA8E0, 0xA8FF)),
                   ("Noto Serif Devanagari", "Noto Sans Devanagari")),
}
CJK_FORMS = {"ja": "JP", "ko": "KR", "zh-tw": "TC", "zh-hk": "HK", "zh-hant": "TC"}
# Han, kana and Hangul break lines between any two characters, not at spaces.
CJK_BLOCKS = ((0x1100, 0x11FF), (0x2E80, 0x9FFF), (0xA960, 0xA97F), (0xAC00, 0xD7FF),
              (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF), (0x20000, 0x3FFFF))
# XeTeX's character classes a fallback class meets: ordinary, the three CJK ones of
# LaTeX's unicode-letters, and the boundary (a space, a command, a group's edge).
OTHER_CLASSES = ("0", "1", "2", "3", "4095")
FIRST_CLASS = 3000  # ours, numbered apart: \newXeTeXintercharclass may give 1, a CJK one
START = "\\begin{document}\n"


def with_fallback_fonts(tex: str, lang: str) -> str:
    """The .tex with its preamble choosing, for each character the body fonts lack, an
    installed font that has it (switched to and back by XeTeX's inter-character tokens).
    A character no font has is left to print as nothing, as TeX does: it stops nothing."""
    fonts = installed_fonts()
    if not fonts or START not in tex:
        return tex
    chosen: dict[str, list[str]] = {}
    for char in needed(tex, fonts):
        family = fallback_for(char, fonts, lang)
        if family:
            chosen.setdefault(family, []).append(char)
    if not chosen:
        return tex
    head, _, body = tex.partition(START)
    return head + preamble(chosen) + START + body


def needed(tex: str, fonts: dict[str, Coverage]) -> list[str]:
    """The characters of `tex` (both cases, for running heads) some body font lacks."""
    chars = {c for c in tex if ord(c) > 0x7F}
    chars |= {cased for c in chars for cased in (c.upper(), c.lower()) if len(cased) == 1}
    bodies = [fonts[name] for name in BODY_FONTS if name in fonts]
    return sorted(c for c in chars if unicodedata.category(c)[0] not in "MCZ"
                  and not all(ord(c) in body for body in bodies))


def fallback_for(char: str, fonts: dict[str, Coverage], lang: str) -> str | None:
    forms = CJK_FORMS.get(lang.lower(), CJK_FORMS.get(lang.lower().split("-")[0], "SC"))
    script = script_of(char)
    preferred = [*(SCRIPTS[script][1] if script else ()),
                 *(name.format(forms) for name in PREFERRED)]
    others = sorted(set(fonts) - set(preferred) - set(BODY_FONTS))
    return next((name for name in preferred + others
                 if name in fonts and ord(char) in fonts[name]), None)


def preamble(chosen: dict[str, list[str]]) -> str:
    lines = ["% Fonts for the characters Latin Modern lacks (tex_fonts.py).",
             "\\ifdefined\\XeTeXinterchartokenstate", "\\XeTeXinterchartokenstate=1"]
    classes = []
    for number, (family, chars) in enumerate(chosen.items()):
        name = f"exporterfallback{chr(ord('a') + number)}"
        font = f"\\{name}font"
        if any(is_cjk(c) for c in chars):  # break lines between the characters
            font += '\\XeTeXlinebreaklocale "zh"\\XeTeXlinebreakskip=0pt plus 1pt\\relax'
        scripts = {script_of(c) for c in chars} - {None}
        options = f"[Script={scripts.pop()}]" if len(scripts) == 1 else ""
        lines += [f"\\newfontfamily\\{name}font{options}{{{family}}}",
                  f"\\chardef\\{name}={FIRST_CLASS + number}"]
        lines += [f'\\XeTeXcharclass"{ord(c):X}=\\{name}' for c in chars]
        classes.append((f"\\{name}", font))
    for name, font in classes:
        for other in OTHER_CLASSES:
            lines += [f"\\XeTeXinterchartoks {other} {name}={{\\begingroup{font}}}",
                      f"\\XeTeXinterchartoks {name} {other}={{\\endgroup}}"]
        lines += [f"\\XeTeXinterchartoks {name} {next_name}={{\\endgroup\\begingroup{next_font}}}"
                  for next_name, next_font in classes if next_name != name]
    return "\n".join([*lines, "\\fi", ""])


def script_of(char: str) -> str | None:
    """The joining script `char` is a letter of (SCRIPTS), if any."""
    return next((script for script, (blocks, _) in SCRIPTS.items()
                 if any(first <= ord(char) <= last for first, last in blocks)), None)


def is_cjk(char: str) -> bool:
    return any(first <= ord(char) <= last for first, last in CJK_BLOCKS)


def drawable() -> Coverage | None:
    """What the installed fonts xelatex can draw have between them; None without any."""
    fonts = installed_fonts()
    return Coverage([span for font in fonts.values()
                     for span in zip(font.starts, font.ends, strict=True)]) if fonts else None


@cache
def installed_fonts() -> dict[str, Coverage]:
    """Each outline font family fontconfig knows (colour fonts, which xelatex cannot
    draw, left out), with the characters its faces have; {} without fontconfig."""
    listing = fontconfig("%{family[0]}\t%{color}\t%{outline}\t%{charset}\n")
    if listing is None:
        return {}
    charsets: dict[str, list[str]] = {}
    for line in listing.splitlines():
        family, color, outline, charset = (line.split("\t") + ["", "", ""])[:4]
        if family and color != "True" and outline != "False":
            charsets.setdefault(family, []).append(charset)
    return {family: Coverage(parse_charsets(" ".join(sets))) for family, sets in charsets.items()}

"""The fallback fonts a LaTeX guide's preamble chooses for what Latin Modern lacks."""
from __future__ import annotations

from exporter.glyphs import Coverage
from exporter.render import tex_fonts

FONTS = {"Latin Modern Roman": Coverage([(0x20, 0x17F)]),
         "Latin Modern Mono": Coverage([(0x20, 0x7E)]),
         "Noto Serif": Coverage([(0x20, 0x4FF)]),
         "Noto Serif CJK JP": Coverage([(0x4E00, 0x9FFF)]),
         "Noto Serif CJK SC": Coverage([(0x4E00, 0x9FFF)])}
TEX = "\\documentclass{report}\n\\begin{document}\né ж 中 \U0001F534\n\\end{document}\n"


def test_each_character_gets_the_first_font_that_has_it(monkeypatch):
    monkeypatch.setattr(tex_fonts, "installed_fonts", lambda: FONTS)
    tex = tex_fonts.with_fallback_fonts(TEX, "ja")
    head, body = tex.split("\\begin{document}\n")
    assert body == TEX.split("\\begin{document}\n")[1]
    # é: the mono font lacks it; Ж too, for an upper-case running head; 中 in Japanese forms
    assert '\\XeTeXcharclass"E9=\\exporterfallbacka' in head
    assert '\\XeTeXcharclass"416=\\exporterfallbacka' in head
    assert "\\newfontfamily\\exporterfallbackbfont{Noto Serif CJK JP}" in head
    assert '\\XeTeXcharclass"4E2D=\\exporterfallbackb' in head
    assert "1F534" not in head  # no font has it: TeX prints nothing there, and goes on


def test_without_fontconfig_the_source_is_as_written(monkeypatch):
    monkeypatch.setattr(tex_fonts, "installed_fonts", lambda: {})
    assert tex_fonts.with_fallback_fonts(TEX, "en") == TEX

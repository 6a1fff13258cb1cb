"""TeX math drawn as SVG by ziamath, for the PDF and HTML, where nothing reads MathML.

Only when doc.math_pictures is set (run alone: for HTML): the EPUB keeps pandoc's MathML,
LaTeX its own math. Each formula is an inline <svg> of paths (no ids, so formulas never
clash), sized in em so that it takes the text's size, lowered by its depth so that it
sits on the baseline; display math is centred on a line of its own. Its TeX is the
picture's label (aria-label and <title>), never text of the page; a heading holding one
gets its text in `data-label`, the formula written out in a line ("e^(iπ)+1=0"), for
the PDF's bookmarks and running heads (print.css). A formula drawn once is kept in memory
and in doc.cache, by its TeX. One ziamath cannot draw prints as code, with a warning
naming the note and line.
"""
from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from functools import cache
from importlib.metadata import version
from pathlib import Path

import panflute as pf
from exporter.filters import raw_content

from exporter.cache import digest

ACTS_ON = frozenset([pf.Math, pf.Header])  # all action() acts on
SIZE = 24  # ziamath's font size: SIZE units of its pictures are one em
VIEWBOX = re.compile(r'<svg ([^>]*?)width="[^"]*" height="[^"]*" viewBox="([^"]+)"')
BEGIN = re.compile(r"\\begin\{([^}]*)\}")
# ziamath (latex2mathml) prints a command it does not know as its name, in the formula
UNKNOWN_COMMAND = re.compile(r">\\[A-Za-z]")
MTEXT = re.compile(r"(<mtext[^>]*>)(.*?)(</mtext>)")  # latex2mathml leaves \text{a < b} unescaped
PICTURE = '<svg xmlns="http://www.w3.org/2000/svg"'  # how ziamath's pictures start
DRAWN: dict[tuple[str, bool], str] = {}  # (TeX, display) -> the picture, "" if not drawable
LABEL = re.compile(r'aria-label="([^"]*)"')
# MathML's scripts and fractions written out in a line: {0} the first child, {1} the next
IN_A_LINE = {"msup": "{0}^{1}", "msub": "{0}_{1}", "msubsup": "{0}_{1}^{2}", "mfrac": "{0}/{1}",
             "msqrt": "√{0}", "mroot": "{1}√{0}", "mover": "{0}", "munder": "{0}",
             "munderover": "{0}"}


def action(elem, doc):
    if not getattr(doc, "math_pictures", doc.format.startswith("html")):
        return None
    if isinstance(elem, pf.Header):
        return label_heading(elem)
    if not isinstance(elem, pf.Math):
        return None
    tex, display = elem.text, elem.format == "DisplayMath"
    picture = drawn(tex, display, getattr(doc, "cache", None))
    if picture:
        return pf.RawInline(picture, "html")
    one_line = " ".join(tex.split())
    raw_content.warn(doc, elem, [f"${tex}$", tex.strip().split("\n")[0]],
                     f"formula not drawn, printed as TeX: {one_line[:60]}", kind="formula")
    return pf.Code(tex.strip(), classes=["math"])


def label_heading(header: pf.Header) -> None:
    """Give a heading that holds a formula's picture its text, the formula in a line."""
    parts, pictures = [], []

    def visit(elem, _):
        if is_picture(elem):
            pictures.append(elem)
            parts.append(in_a_line(html.unescape(LABEL.search(elem.text)[1])))
        elif isinstance(elem, pf.Str):
            parts.append(elem.text)
        elif isinstance(elem, (pf.Space, pf.SoftBreak, pf.LineBreak)):
            parts.append(" ")
    header.walk(visit)
    if pictures:
        header.attributes["data-label"] = "".join(parts).strip()


def in_a_line(tex: str) -> str:
    """The formula as text in a line: "e^(iπ)+1=0"."""
    from ziamath.tex import tex2mml

    def text(node: ET.Element) -> str:
        tag = node.tag.rpartition("}")[2]
        if tag not in IN_A_LINE:
            return (node.text or "") + "".join(text(child) + (child.tail or "") for child in node)
        parts = [text(child) for child in node]
        if not tag.startswith(("mover", "munder")):
            parts = [part if len(part) == 1 else f"({part})" for part in parts]
        return IN_A_LINE[tag].format(*parts)

    try:
        return " ".join(text(ET.fromstring(MTEXT.sub(escaped_text, tex2mml(tex, inline=True))))
                        .split())  # \text's spaces are no-break ones
    except Exception:  # noqa: BLE001 - as drawn, the formula parsed: this is for safety
        return tex


def is_picture(elem) -> bool:
    """A formula's picture, as action() makes it."""
    return isinstance(elem, pf.RawInline) and elem.text.startswith(PICTURE)


def drawn(tex: str, display: bool, disk=None) -> str:
    """The formula's picture ("" if ziamath cannot draw it): from memory, from the disk
    cache, else drawn now and kept in both."""
    if (tex, display) in DRAWN:
        return DRAWN[tex, display]
    key = digest(renderer(), tex, str(display))
    picture = disk.get("math", key) if disk is not None else None
    if picture is None:
        picture = draw(tex, display)
        if disk is not None:
            disk.put("math", key, picture)
    DRAWN[tex, display] = picture
    return picture


@cache
def renderer() -> str:
    """What a drawn formula depends on besides its TeX: ziamath and this module."""
    return digest(version("ziamath"), version("ziafont"), version("latex2mathml"),
                  Path(__file__).read_bytes())


def draw(tex: str, display: bool) -> str:
    """The formula as an inline <svg>, or "" if ziamath cannot draw it."""
    if not drawable(tex):
        return ""
    import ziamath  # a quarter of a second to import: only for a guide with math
    from ziamath.tex import tex2mml

    ziamath.config.svg2 = False  # paths alone: SVG 2's <symbol>s have ids, which would clash
    try:
        mathml = MTEXT.sub(escaped_text, tex2mml(tex, inline=not display))
        if UNKNOWN_COMMAND.search(mathml):
            return ""
        svg = ziamath.Math(mathml, size=SIZE).svg()
    except Exception:  # noqa: BLE001 - any error of the renderer leaves the TeX as code
        return ""
    return labelled(svg, tex, display)


def escaped_text(match: re.Match) -> str:
    """An <mtext> with its text escaped as XML."""
    text = re.sub(r"&(?!#?\w+;)", "&amp;", match.group(2)).replace("<", "&lt;")
    return match.group(1) + text.replace(">", "&gt;") + match.group(3)


def drawable(tex: str) -> bool:
    """Not a formula ziamath would draw wrong: one with an environment it does not know
    (it leaves the environment out without a word)."""
    from latex2mathml.commands import MATRICES

    return all(f"\\{name}" in MATRICES or name == "aligned" for name in BEGIN.findall(tex))


def labelled(svg: str, tex: str, display: bool) -> str:
    """ziamath's SVG sized in em and lowered to the baseline, its TeX as its label."""
    match = VIEWBOX.search(svg)
    _, top, width, height = (float(n) for n in match.group(2).split())
    depth = (top + height) / SIZE  # the viewBox's y is 0 on the baseline
    place = ("max-width:100%;display:block;margin:0.5em auto" if display
             else f"vertical-align:{-depth:.3f}em")
    label = html.escape(" ".join(tex.split()))
    head = (f'<svg {match.group(1)}class="math {"display" if display else "inline"}" '
            f'role="img" aria-label="{label}" viewBox="{match.group(2)}" '
            f'style="width:{width / SIZE:.3f}em;height:{height / SIZE:.3f}em;{place}">'
            f"<title>{label}</title>")
    return head + svg[svg.index(">", match.end()) + 1:].replace('="black"', '="currentColor"')


def main(doc=None):
    return pf.run_filter(action, doc=doc)


if __name__ == "__main__":
    main()

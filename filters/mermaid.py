"""```mermaid blocks drawn as SVG pictures by mermaid-cli (exporter/mermaid.py).

With doc.mermaid (the renderer exporter.mermaid.find() found, set by the pipeline):
the PDF and HTML get the SVG inline, each copy with ids of its own; with
doc.diagram_images (the EPUB) it is an image, which pandoc makes a file of the book;
LaTeX an image of a file, doc.diagrams[file] holding the SVG the pipeline writes beside
the .tex as a PDF. The note's diagrams not drawn before are drawn in one mmdc run; each
is kept in memory and in doc.cache, by its text and the renderer's version (so is a parse
error, not a renderer that failed). One that does not parse stays code, with a warning
naming note and line; without a renderer every block stays code, with one warning (the
same in every note, printed once) saying how to install one.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

import panflute as pf
from exporter.filters import embeds, raw_content

from exporter import mermaid
from exporter.cache import digest
from exporter.images import SVG, data_uri, problem

ACTS_ON = frozenset([pf.CodeBlock])  # all action() acts on
CODE_BLOCKS = frozenset([pf.CodeBlock])  # prepare's own walk (ACTS_ON may be taken away)
FOLDER = "diagrams"  # beside the .tex: the diagrams' PDFs
DRAWN: dict[tuple[str, str], str] = {}  # (renderer key, text) -> picture or "error: ..."


def is_diagram(elem) -> bool:
    return isinstance(elem, pf.CodeBlock) and "mermaid" in elem.classes


def prepare(doc):
    """Draw the note's diagrams not drawn before, all in one run."""
    doc.diagrams, doc.diagram_count = getattr(doc, "diagrams", {}), 0
    renderer = getattr(doc, "mermaid", None)
    if not renderer:
        return
    from exporter import filters  # the package imports this module

    texts = []
    filters.walk(doc, lambda elem, _: texts.append(elem.text) if is_diagram(elem) else None,
                 doc, CODE_BLOCKS)
    key, disk = renderer_key(renderer["version"]), getattr(doc, "cache", None)
    missing = []
    for text in dict.fromkeys(texts):
        if (key, text) in DRAWN:
            continue
        kept = disk.get("mermaid", digest(key, text)) if disk is not None else None
        if kept is None:
            missing.append(text)
        else:
            DRAWN[key, text] = kept
    if missing:
        for text, drawn in zip(missing, mermaid.draw(missing, renderer), strict=True):
            DRAWN[key, text] = drawn
            failed = drawn.startswith("error:") and mermaid.error_line(drawn) is None
            if disk is not None and not failed:
                disk.put("mermaid", digest(key, text), drawn)


def action(elem, doc):
    if not is_diagram(elem):
        return None
    renderer = getattr(doc, "mermaid", None)
    if not renderer:
        embeds.warn(doc, mermaid.INSTALL, kind="diagram-renderer")  # no note named: one warning
        return None
    drawn = DRAWN.get((renderer_key(renderer["version"]), elem.text), "error: not drawn")
    if not drawn.startswith("error:"):
        why = problem(drawn.encode("utf-8"), SVG)
        drawn = f"error: the SVG drawn is {why}" if why else drawn
    if drawn.startswith("error:"):
        warn_error(doc, elem, drawn.removeprefix("error:").strip())
        return None
    doc.diagram_count += 1
    if doc.format == "latex":
        name = f"{FOLDER}/mermaid-{digest(elem.text)[:16]}.pdf"
        doc.diagrams[name] = drawn
        return pf.Para(pf.Image(pf.Str("diagram"), url=name, classes=["mermaid"]))
    if getattr(doc, "diagram_images", False):
        url = data_uri(drawn.replace(mermaid.ID, "diagram").encode("utf-8"), SVG)
        return pf.Para(pf.Image(pf.Str("diagram"), url=url, classes=["mermaid"]))
    own_id = f"{getattr(doc, 'id_prefix', '')}mermaid-{doc.diagram_count}"
    return pf.RawBlock(f'<div class="mermaid">{mermaid.with_id(drawn, own_id)}</div>', "html")


def warn_error(doc, elem, why):
    """Warn of a diagram mmdc could not draw, at the line the error names."""
    rel = raw_content.note_of(elem, doc)
    vault = getattr(doc, "vault", None)
    note = vault.note_at(rel) if vault is not None and rel else None
    line = note.line_of(elem.text, elem.text.split("\n")[0]) if note else None
    if line is not None and mermaid.error_line(why):
        line += mermaid.error_line(why) - 1
    embeds.warn(doc, f"Mermaid diagram not drawn, printed as code: {why}", rel, line,
                kind="diagram")


@cache
def renderer_key(version: str) -> str:
    """What a drawn diagram depends on besides its text: mermaid-cli's version, and the
    code that runs it and reworks its SVG."""
    return digest(version, Path(mermaid.__file__).read_bytes(), Path(__file__).read_bytes())


def main(doc=None):
    return pf.run_filter(action, prepare=prepare, doc=doc)


if __name__ == "__main__":
    main()

"""Print #tags as small labels (Span `tag`) and collect them in `doc.tags`.

A tag is '#' then letters, digits, '_', '-' or '/', with at least one non-digit
(so '#42' is not a tag). It must start a word: 'C#' and URLs are left alone.
"""
from __future__ import annotations

import re

import panflute as pf

TAG = re.compile(r"^#([\w/-]*[^\W\d][\w/-]*)([.,;:!?)]*)$")


def prepare(doc):
    doc.tags = []


ACTS_ON = frozenset([pf.Str])  # all action() acts on


def action(elem, doc):
    if not isinstance(elem, pf.Str) or not elem.text.startswith("#") or in_link(elem):
        return None
    match = TAG.match(elem.text)
    if not match or match.group(1).endswith("/"):
        return None
    tag = match.group(1)
    if tag not in doc.tags:
        doc.tags.append(tag)
    label = pf.Span(pf.Str("#" + tag), classes=["tag"], attributes={"data-tag": tag})
    if doc.format == "latex":
        label = pf.Span(pf.RawInline("\\obstag{", "latex"), label, pf.RawInline("}", "latex"))
    return [label, pf.Str(match.group(2))] if match.group(2) else label


def in_link(elem) -> bool:
    """Inside a link's or a cross-reference's text, '#' is part of the name shown."""
    parent = elem.parent
    while parent is not None and not isinstance(parent, pf.Block):
        if isinstance(parent, pf.Link) or "concept" in getattr(parent, "classes", []):
            return True
        parent = parent.parent
    return False


def main(doc=None):
    return pf.run_filter(action, prepare=prepare, doc=doc)


if __name__ == "__main__":
    main()

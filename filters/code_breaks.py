"""LaTeX: long inline code may break at its punctuation (TeX breaks \\texttt only at spaces).

`obsidian://open?path=%2Fabsolute%2Fpath` ran 11 cm off the page: the Code is cut after
/ . = ? & , : _ - and before % into Codes with a raw \\allowbreak between, which print as one.
"""
from __future__ import annotations

import re

import panflute as pf

ACTS_ON = frozenset([pf.Code])  # all action() acts on
LONG = 16  # characters without a space, for a run to be given break points
RUN = re.compile(rf"\S{{{LONG},}}")
AFTER = re.compile(r"(?<=[/.=?&,:_-])(?=[^/.=?&,:_\s-])|(?<=[^\s%])(?=%)")  # or before %


def action(elem, doc):
    if not isinstance(elem, pf.Code) or doc.format != "latex" or not RUN.search(elem.text):
        return None
    above = elem.parent
    while above is not None:
        if isinstance(above, pf.Header):  # a heading's text also goes into the bookmarks
            return None
        above = above.parent
    text = elem.text
    cuts = [0, *(at.start() for run in RUN.finditer(text)
                 for at in AFTER.finditer(text, run.start() + 1, run.end())), len(text)]
    if len(cuts) == 2:
        return None
    made = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        if made:
            made.append(pf.RawInline("\\allowbreak{}", "latex"))
        made.append(pf.Code(text[start:end], identifier="" if made else elem.identifier,
                            classes=list(elem.classes), attributes=dict(elem.attributes)))
    return made


def main(doc=None):
    return pf.run_filter(action, doc=doc)


if __name__ == "__main__":
    main()

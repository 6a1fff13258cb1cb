"""Turn Obsidian callouts (`> [!type]+ Title`) into Divs `callout callout-<type>`.

The Div holds a `callout-title` Div and a `callout-content` Div; CSS gives each type
its colour and icon. LaTeX gets a breakable tcolorbox per type (see latex-preamble.tex).
"""
from __future__ import annotations

import re

import panflute as pf

# Obsidian's built-in types: alias -> the type whose style it shares.
TYPES = {
    "note": "note", "abstract": "abstract", "summary": "abstract", "tldr": "abstract",
    "info": "info", "todo": "todo", "tip": "tip", "hint": "tip", "important": "tip",
    "success": "success", "check": "success", "done": "success", "question": "question",
    "help": "question", "faq": "question", "warning": "warning", "caution": "warning",
    "attention": "warning", "failure": "failure", "fail": "failure", "missing": "failure",
    "danger": "danger", "error": "danger", "bug": "bug", "example": "example",
    "quote": "quote", "cite": "quote",
}
# [!type], [!type|metadata] (themes read it; it changes nothing here), a fold marker, and
# maybe the title glued on: "[!tip]Title".
MARKER = re.compile(r"^\[!([^\]|]+)(?:\|[^\]]*)?\]([+-]?)(.*)$", re.DOTALL)


ACTS_ON = frozenset([pf.BlockQuote])  # all action() acts on


def action(elem, doc):
    if not isinstance(elem, pf.BlockQuote) or not elem.content:
        return None
    first = elem.content[0]
    if not isinstance(first, (pf.Para, pf.Plain)):
        return None
    parsed = parse_first_line(list(first.content))
    if parsed is None:
        return None
    given, title, rest = parsed
    kind = TYPES.get(given.lower(), "note")
    body = ([pf.Para(*rest)] if rest else []) + list(elem.content[1:])
    return make_callout(kind, given, title or default_title(given), body, doc)


def parse_first_line(inlines):
    """(type, title inlines, rest of the paragraph) if the paragraph opens with [!type]."""
    line_end = next((i for i, x in enumerate(inlines)
                     if isinstance(x, (pf.SoftBreak, pf.LineBreak))), len(inlines))
    for end in range(min(line_end, 8)):  # a type may hold spaces: "[!my type]"
        if not isinstance(inlines[end], pf.Str) or "]" not in inlines[end].text:
            continue
        match = MARKER.match(pf.stringify(pf.Plain(*inlines[:end + 1])))
        if match:
            glued = [pf.Str(match.group(3))] if match.group(3) else []
            title = strip_blank(glued + inlines[end + 1:line_end])
            rest = strip_blank(inlines[line_end + 1:])
            return match.group(1).strip(), title, rest
        return None
    return None


def strip_blank(inlines):
    blank = (pf.Space, pf.SoftBreak, pf.LineBreak)
    while inlines and isinstance(inlines[0], blank):
        inlines = inlines[1:]
    while inlines and isinstance(inlines[-1], blank):
        inlines = inlines[:-1]
    return list(inlines)


def default_title(given):
    """No title: the type's name, capitalised, as Obsidian shows it."""
    return [pf.Str(given[:1].upper() + given[1:].lower())]


def make_callout(kind, given, title, body, doc):
    """The callout in the output format: a Div pair, or a tcolorbox in LaTeX."""
    if doc.format == "latex":
        return [pf.Para(pf.RawInline(f"\\begin{{callout}}{{callout{kind}}}{{", "latex"), *title,
                        pf.RawInline("}", "latex")),
                *body, pf.RawBlock("\\end{callout}", "latex")]
    parts = [pf.Div(pf.Para(*title), classes=["callout-title"])]
    if body:
        parts.append(pf.Div(*body, classes=["callout-content"]))
    return pf.Div(*parts, classes=["callout", f"callout-{kind}"],
                  attributes={"data-callout": given.lower()})


def main(doc=None):
    return pf.run_filter(action, doc=doc)


if __name__ == "__main__":
    main()

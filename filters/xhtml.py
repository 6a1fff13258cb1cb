"""Raw HTML as well-formed XHTML: the raw pieces of one list of blocks or inlines are read
as one run of tags (pandoc gives a piece per tag), balanced within that list, and written
again with void elements closed, entities as characters and only attributes XHTML allows.
"""
from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

import panflute as pf

PHRASING = {"a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "del", "dfn", "em", "i",
            "img", "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub",
            "sup", "time", "u", "var", "wbr"}
BLOCK = {"address", "article", "aside", "blockquote", "caption", "col", "colgroup", "dd",
         "div", "dl", "dt", "figcaption", "figure", "footer", "h1", "h2", "h3",
         "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
         "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"}
VOID = {"br", "hr", "img", "wbr", "col"}
RENAMED = {"strike": "s", "tt": "code", "big": "span", "font": "span", "center": "div",
           "details": "div", "summary": "div"}
# printed open, as callouts are (XHTML would want a <summary> first in every <details>)
CLASSED = {"details", "summary"}
HIDDEN = {"svg", "math", "template", "title", "textarea", "select", "head"}  # with all inside
# Elements whose children are phrasing content only (and text).
PHRASING_PARENTS = PHRASING | {"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "dt"}
ONLY = {"table": {"caption", "colgroup", "thead", "tbody", "tfoot", "tr"}, "thead": {"tr"},
        "tbody": {"tr"}, "tfoot": {"tr"}, "tr": {"td", "th"}, "ul": {"li"}, "ol": {"li"},
        "dl": {"dt", "dd"}, "colgroup": {"col"}}
PARENTS = {"li": {"ul", "ol"}, "dt": {"dl"}, "dd": {"dl"}, "tr": {"table", "thead", "tbody",
           "tfoot"}, "td": {"tr"}, "th": {"tr"}, "thead": {"table"}, "tbody": {"table"},
           "tfoot": {"table"}, "caption": {"table"}, "colgroup": {"table"}, "col": {"colgroup"}}
FLOW, INLINE, TEXT = "#flow", "#inline", "#text"  # a list's context; what pandoc writes
GLOBAL = {"class", "title", "lang", "dir", "style"}
ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt", "width", "height"}, "td": {"colspan",
              "rowspan"}, "th": {"colspan", "rowspan", "scope"}, "ol": {"start", "reversed"},
              "li": {"value"}, "col": {"span"}, "colgroup": {"span"}, "time": {"datetime"},
              "del": {"datetime"}, "ins": {"datetime"}}
NUMBERS = {"width", "height", "colspan", "rowspan", "span", "start", "value"}
BOOLEAN = {"reversed"}
VALID = {"dir": re.compile(r"ltr|rtl|auto"), "scope": re.compile(r"row|col|rowgroup|colgroup"),
         "lang": re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*"),
         "href": re.compile(r"(https?://|mailto:)\S+", re.I),
         "src": re.compile(r"data:image/[^\s]+"), "id": re.compile(r"[A-Za-z][\w.-]*")}
DATA_NAME = re.compile(r"data-[a-z0-9_.-]+")
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def balance(items: list, context: str, in_link: bool = False, ids: set | None = None) -> list:
    """The elements of one list (of blocks, context FLOW, or inlines, context INLINE), its
    raw HTML written as XHTML that opens and closes within the list. `in_link`: the list is
    inside a link (or a heading, which the contents link), so raw <a> tags are dropped."""
    writer = Writer(context, in_link, ids if ids is not None else set())
    raw = pf.RawBlock if context == FLOW else pf.RawInline
    out = []
    for item in items:
        text = writer.feed(item.text) if is_html(item) else writer.fit(kind_of(item), item)
        if text:
            out.append(raw(text, "html"))
        if not is_html(item):
            out.append(item)
    if closing := writer.close_all():
        out.append(raw(closing, "html"))
    return out


def is_html(elem) -> bool:
    return isinstance(elem, (pf.RawInline, pf.RawBlock)) and elem.format.startswith("html")


def kind_of(elem) -> str:
    if isinstance(elem, pf.Header):
        return "#header"  # a section starts there: nothing raw stays open across it
    return INLINE if isinstance(elem, (pf.Inline, pf.Plain)) else FLOW


def holds_link(elem) -> bool:
    """Whether pandoc writes a link (<a>) for the element or inside it."""
    found = []
    elem.walk(lambda e, _: found.append(e) if isinstance(e, (pf.Link, pf.Note, pf.Cite)) else None)
    return bool(found)


def allows(parent: str, child: str) -> bool:
    """Whether XHTML allows `child` (an element name, INLINE, FLOW or TEXT) in `parent` (an
    element name, or a list's context)."""
    if child in PARENTS:
        return parent in PARENTS[child]
    if parent in ONLY:
        return child in ONLY[parent]
    if parent in PHRASING_PARENTS or parent == INLINE:
        return child in PHRASING or child in (INLINE, TEXT)
    return True


class Writer(HTMLParser):
    """Reads raw HTML piece by piece and writes it as XHTML, keeping the elements it left
    open (innermost last) from one piece to the next."""

    def __init__(self, context: str, in_link: bool, ids: set):
        super().__init__(convert_charrefs=True)
        self.context, self.in_link, self.ids = context, in_link, ids
        self.open: list[str] = []
        self.hidden: tuple[str, int] | None = None  # an element left out with all inside
        self.parts: list[str] = []

    def feed(self, text: str) -> str:
        """The XHTML of one piece, read on its own (an unfinished tag in it is text)."""
        self.reset()
        super().feed(text)
        self.close()
        return self.written()

    def written(self) -> str:
        text, self.parts = "".join(self.parts), []
        return text

    def fit(self, kind: str, elem=None) -> str:
        """Close what must be closed before pandoc's `kind` of element `elem` comes."""
        if kind == "#header":
            return self.close_all()
        if "a" in self.open and elem is not None and holds_link(elem):
            self.close_to(self.open.index("a"))
        depth = self.depth_for(kind)
        self.close_to(0 if depth is None else depth)
        return self.written()

    def close_all(self) -> str:
        self.close_to(0)
        self.hidden = None
        return self.written()

    def depth_for(self, child: str) -> int | None:
        """How many open elements may stay open for `child` to fit in the innermost."""
        for depth in range(len(self.open), -1, -1):
            if allows(self.open[depth - 1] if depth else self.context, child):
                return depth
        return None

    def close_to(self, depth: int) -> None:
        while len(self.open) > depth:
            self.parts.append(f"</{self.open.pop()}>")

    def handle_starttag(self, tag, attrs):
        if self.hidden:
            if tag == self.hidden[0]:
                self.hidden = (tag, self.hidden[1] + 1)
            return
        if tag in CLASSED:
            given = " ".join(v or "" for k, v in attrs if k == "class")
            attrs = [("class", f"{tag} {given}".strip())] + [a for a in attrs if a[0] != "class"]
        tag = RENAMED.get(tag, tag)
        if tag in HIDDEN:
            self.hidden = (tag, 1)
            return
        if tag not in PHRASING | BLOCK:
            return
        if tag == "img" and not any(k == "src" and VALID["src"].fullmatch(v or "")
                                    for k, v in attrs):
            return  # an image of nothing (raw_content took its src away)
        if tag == "a":
            if self.in_link:
                return
            if "a" in self.open:
                self.close_to(self.open.index("a"))
        depth = self.depth_for(tag)
        if depth is None:
            if self.context == INLINE and tag in BLOCK:
                self.parts.append("<br />")  # a paragraph or a block, in a line
            return
        self.close_to(depth)
        attributes = self.attributes(tag, attrs)
        shown = "".join(f' {key}="{escape(value)}"' for key, value in attributes.items())
        if tag in VOID:
            self.parts.append(f"<{tag}{shown} />")
        else:
            self.parts.append(f"<{tag}{shown}>")
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)  # <p/> opens a p, as in HTML; a void one is done
        if self.hidden and self.hidden[0] == tag:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if self.hidden:
            if tag == self.hidden[0]:
                count = self.hidden[1] - 1
                self.hidden = (tag, count) if count else None
            return
        tag = RENAMED.get(tag, tag)
        if tag == "br":
            self.handle_starttag("br", [])  # as HTML reads </br>
        elif tag in self.open:
            self.close_to(len(self.open) - 1 - self.open[::-1].index(tag))

    def handle_data(self, data):
        if self.hidden:
            return
        data = NOT_XML.sub("", data)
        if data.strip():
            depth = self.depth_for(TEXT)
            self.close_to(0 if depth is None else depth)
        self.parts.append(escape(data, quote=False))

    def attributes(self, tag: str, attrs: list) -> dict[str, str]:
        """The attributes XHTML allows on `tag`, with values it accepts; the first of each
        name, as HTML reads them."""
        kept: dict[str, str] = {}
        for key, value in attrs:
            value = NOT_XML.sub("", value or "")
            data = bool(DATA_NAME.fullmatch(key))
            if key in kept or not (key in GLOBAL or key in ATTRIBUTES.get(tag, ()) or data
                                   or key == "id"):
                continue
            if key in BOOLEAN:
                value = key
            elif key in NUMBERS:
                if not value.strip().isdigit():
                    continue
                value = value.strip()
            pattern = VALID.get(key)
            if pattern and not pattern.fullmatch(value):
                continue
            if key == "id":
                if value in self.ids:
                    continue
                self.ids.add(value)
            kept[key] = value
        return kept

"""Vet raw HTML, raw LaTeX and attributes: nothing a note writes may load a file or URL.

HTML outputs: raw <iframe>, <object>, <embed>, <script>, <style>, <link>, <base>, <meta>
and the like are dropped; a raw tag keeps all but its attributes that load something
(src, srcset, data, poster, background, an href other than a link's, url() or @import,
on* handlers, rel=attachment). A lone raw <img> becomes an Image, vetted like ![](...)
by the embeds filter. Attributes written in Markdown ({style=...}) are vetted the same way.
Then the raw HTML of each list of blocks or inlines is written as XHTML balanced within the
list (filters/xhtml.py): an EPUB's chapters must be well-formed XML. With
doc.ereader_links (the EPUB), a link of a scheme e-readers do not open (obsidian://,
zotero://) prints as its text. A heading with no text (`##`, `## <b>`) stays out of the
contents, which cannot link nothing.
LaTeX output: raw LaTeX and math that read or write files, or run code (\\input, \\include,
\\openin, \\write18, \\directlua, ...) are dropped unless doc.allow_raw_latex; raw LaTeX
that ends in a command gets {} before text, so that the text cannot lengthen its name; of
raw HTML, LaTeX keeps a lone <img> (vetted as in HTML) and <br>.
Each drop warns, naming note and line (doc.vault and doc.anchors, set by the pipeline).
"""
from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

import panflute as pf
from exporter.filters import embeds, xhtml

DROPPED_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "script",
                "noscript", "style", "link", "base", "meta", "portal"}
DROPPED = re.compile(r"<\s*/?\s*(?:" + "|".join(DROPPED_TAGS) + r")\b", re.I)
LOADING = {"src", "srcset", "data", "poster", "background", "lowsrc", "dynsrc", "codebase",
           "archive", "longdesc", "manifest", "action", "formaction", "ping", "icon"}
LINKING = {"a", "area"}  # their href is a link to follow, not something to load
URL_CALL = re.compile(r"url\((?!['\"]?#)", re.I)  # url(#id) only points into the page
CSS_LOADS = re.compile(r"url\((?!['\"]?#)|@import|image-set\(|\\", re.I)  # \ : an escape
SCRIPT_URL = re.compile(r"^(?:javascript|vbscript):", re.I)
# Raw TeX that reaches files or the shell, or builds such a command where it cannot be
# seen (\csname, \catcode, ^^5c): each as the start of a control word, case-insensitive.
TEX_DANGER = re.compile(
    r"\\@*(?:input|include|import|subimport|open(?:in|out)|read|write|immediate|directlua|"
    r"lua|latelua|csname|catcode|scantokens|special|pdf|xetex|usepackage|requirepackage|"
    r"documentclass|loadclass|verbatiminput|lstinput|bibliography|addbibresource|"
    r"shellescape|endinput|everyeof|makeat|explsyntax)|\^\^|filecontents", re.I)
CONTROL_WORD_END = re.compile(r"\\[A-Za-z@]+$")
LONE_CONTROL_WORD = re.compile(r"\\([A-Za-z]+)(\s*)")
CONDITIONALS = re.compile(r"if|unless|fi$|else$|or$")  # \ifdefined cannot hold them
GUARD = "\\ifdefined"
HTML_FORMATS = ("html", "epub")
READER_SCHEMES = {"http", "https", "mailto", "tel", "ftp"}  # what an EPUB may link to
PLAIN_ELEMENTS = (pf.Div, pf.Span, pf.Header, pf.Code, pf.CodeBlock)
OWN_ATTRIBUTES = {"note", "part"}  # the exporter's own, read by later filters
XML_NAME = re.compile(r"[A-Za-z_][\w.-]*")
SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
TEX_FORMATS = ("tex", "latex")


def prepare(doc):
    """Which note each top-level block comes from (the chapter anchors tell)."""
    doc.block_notes = {}
    notes = {anchor: rel for rel, anchor in getattr(doc, "anchors", {}).items()}
    current = next(iter(notes.values())) if len(notes) == 1 else None
    for block in doc.content:
        current = notes.get(getattr(block, "identifier", ""), current)
        doc.block_notes[id(block)] = current
    doc.raw_ids = set()  # ids that raw HTML gave, each kept once


def action(elem, doc):
    html = doc.format.startswith(HTML_FORMATS)
    if isinstance(elem, (pf.RawInline, pf.RawBlock)):
        if html and elem.format.startswith(HTML_FORMATS):
            return vet_html(elem, doc)
        if doc.format == "latex" and elem.format in TEX_FORMATS:
            vetted = vet_tex(elem, elem.text, doc)
            if vetted is not None:
                return vetted
            as_written_if_undefined(elem)
            return end_control_word(elem)
        if doc.format == "latex" and elem.format.startswith(HTML_FORMATS):
            return html_in_tex(elem, doc)
    elif isinstance(elem, pf.Math) and doc.format == "latex":
        return vet_tex(elem, elem.text, doc)
    elif isinstance(elem, pf.Link) and getattr(doc, "ereader_links", False):
        scheme = SCHEME.match(elem.url)
        if scheme and scheme[1].lower() not in READER_SCHEMES:
            return list(elem.content)
    if html and getattr(elem, "attributes", None):
        vet_attributes(elem, doc)
    if html and isinstance(getattr(elem, "content", None), pf.ListContainer):
        balance(elem, doc)
    if html and isinstance(elem, pf.Header) and not shows_text(elem):
        elem.classes.extend(c for c in ("unlisted",) if c not in elem.classes)
    return None


def shows_text(elem) -> bool:
    """Whether the element prints any text (raw HTML such as <b></b> prints none)."""
    found = []
    elem.walk(lambda e, _: found.append(e) if isinstance(e, (pf.Str, pf.Code, pf.Math))
              and e.text.strip() else None)
    return bool(found)


def balance(elem, doc):
    """The raw HTML of the element's list of children as XHTML, balanced within the list
    (its pieces were vetted already: the walk goes bottom-up)."""
    raw = next((item for item in elem.content if xhtml.is_html(item)), None)
    if raw is None:
        return
    in_link, above = False, elem
    while above is not None and not in_link:
        in_link, above = isinstance(above, (pf.Link, pf.Header)), above.parent
    context = xhtml.FLOW if isinstance(raw, pf.RawBlock) else xhtml.INLINE
    elem.content = xhtml.balance(list(elem.content), context, in_link, doc.raw_ids)


def vet_html(elem, doc):
    """The raw HTML, an Image for a lone <img>, or nothing (with a warning)."""
    tags = Tags(elem.text).tags
    if DROPPED.search(elem.text) or any(name in DROPPED_TAGS for name, _ in tags):
        named = next((name for name, attrs in tags if name in DROPPED_TAGS and attrs is not None),
                     None)
        if named:  # a lone closing tag goes quietly
            warn(doc, elem, [elem.text], f"raw HTML <{named}> dropped", kind="raw-html")
        return []
    if len(tags) == 1 and tags[0][0] == "img" and tags[0][1] is not None:
        return raw_image(elem, dict(tags[0][1]), doc)
    loading = [(name, key) for name, attrs in tags for key, value in attrs or []
               if loads(name, key, value)]
    for name, key in loading:
        warn(doc, elem, [elem.text], f"raw HTML <{name} {key}=...>: {key} dropped, it loads "
                                     "something from outside the notes", kind="raw-html")
    if loading:  # the tags stay, so that each still has its closing tag
        elem.text = WithoutLoads(elem.text).html
    return None


def html_in_tex(elem, doc):
    """The raw HTML LaTeX keeps (pandoc's writer drops the rest, keeping the text between
    tags): a lone <img> of a vault image, and <br> as a line break, in a table cell too;
    not where no line has begun (TeX: There's no line here to end)."""
    tags = Tags(elem.text).tags
    if len(tags) != 1 or tags[0][1] is None:
        return None
    name, attrs = tags[0]
    if name == "img":
        return raw_image(elem, dict(attrs), doc)
    if name == "br":
        before = elem.prev
        while isinstance(before, pf.RawInline) and before.format.startswith(HTML_FORMATS):
            before = before.prev  # other tags print nothing
        begun = isinstance(elem, pf.RawInline) and before is not None and not isinstance(
            before, (pf.LineBreak, pf.SoftBreak, pf.Space))
        return pf.LineBreak() if begun else []
    return None


def raw_image(elem, attrs, doc):
    """<img src=...> as an Image, vetted by the embeds filter like ![alt](src)."""
    for key, value in attrs.items():
        if key != "src" and loads("img", key, value):
            warn(doc, elem, [elem.text], f"raw HTML <img {key}=...> dropped", kind="raw-html")
            return []
    kept = {k: v for k, v in attrs.items() if k in ("width", "height") and v}
    note = note_of(elem, doc)
    if note:
        kept["note"] = note
    image = pf.Image(*([pf.Str(attrs["alt"])] if attrs.get("alt") else []),
                     url=attrs.get("src") or "", title=attrs.get("title") or "", attributes=kept)
    vetted = embeds.image(image, doc) if hasattr(doc, "images") else None
    if vetted is None:
        image.attributes.pop("note", None)
        vetted = image if image.url.startswith("data:") else embeds.placeholder("image")
    return pf.Plain(vetted) if isinstance(elem, pf.RawBlock) else vetted


def vet_attributes(elem, doc):
    """Remove attributes written in Markdown ({style=...}) that would load something, and
    quietly those XHTML cannot hold (a:b, whose prefix names no namespace; dir=sideways).
    On a div, span, heading or code, an attribute XHTML does not allow there (<div
    width=50%>) is kept as data-width: pandoc writes the ones it knows from HTML as they are."""
    tag = "a" if isinstance(elem, pf.Link) else elem.tag.lower()
    for key, value in list(elem.attributes.items()):
        valid = xhtml.VALID.get(key)
        if not XML_NAME.fullmatch(key) or (valid and not valid.fullmatch(value)):
            del elem.attributes[key]
        elif key != "note" and not key.startswith("data-") and loads(tag, key, value):
            del elem.attributes[key]
            written = [f"{key}={value}", f'{key}="{value}"', f"{key}='{value}'", value]
            warn(doc, elem, written, f"attribute {key}={value!r} dropped: it loads something "
                                     "from outside the notes", kind="raw-html")
        elif (isinstance(elem, PLAIN_ELEMENTS) and key not in xhtml.GLOBAL | OWN_ATTRIBUTES
              and not key.startswith("data-")):
            elem.attributes[f"data-{key.lower()}"] = elem.attributes.pop(key)


def loads(tag, key, value) -> bool:
    """Whether this attribute on this tag would load a file or URL, or run a script."""
    key, value = key.lower(), re.sub(r"[\s\x00-\x1f]", "", value or "")
    if key.startswith("on") or SCRIPT_URL.match(value):
        return True
    if key == "rel" and "attachment" in value.lower():
        return True
    if key in LOADING or (key.endswith("href") and tag not in LINKING):
        return not value.startswith("#")
    return bool((CSS_LOADS if key == "style" else URL_CALL).search(value))


def vet_tex(elem, text, doc):
    """Raw LaTeX or math as written, unless it reaches files or the shell."""
    if getattr(doc, "allow_raw_latex", False) or not TEX_DANGER.search(text):
        return None
    shown = " ".join(text.split())[:60]
    written = [f"${text}$", f"$${text}$$", text] if isinstance(elem, pf.Math) else [text]
    warn(doc, elem, written, f"raw LaTeX dropped (it may read files or run commands; "
                          f"--allow-raw-latex keeps it): {shown}", kind="raw-latex")
    return pf.Code(text) if isinstance(elem, pf.Math) else []


def as_written_if_undefined(elem):
    """A raw inline that is one control word written right after text, as in a Windows
    path (pandoc reads `C:\\Users\\Name` as raw LaTeX `\\Users`, `\\Name`, which Obsidian
    shows as text), prints as written when TeX does not know it. One after a space is left
    alone: it may be a command whose arguments follow (`\\newread\\file`)."""
    word = LONE_CONTROL_WORD.fullmatch(elem.text) if isinstance(elem, pf.RawInline) else None
    if not word or CONDITIONALS.match(word[1]):
        return
    before = elem.prev
    if isinstance(before, pf.Str) or (isinstance(before, pf.RawInline)
                                      and before.text.startswith(GUARD)):
        name, space = word[1], "\\space" if word[2] else ""
        elem.text = (f"{GUARD}\\{name}\\expandafter\\{name}"
                     f"\\else\\textbackslash{{}}{name}{space}\\fi")


def end_control_word(elem):
    """`\\inp` raw, then text `ut`: pandoc writes them side by side, and TeX reads
    `\\input`. A raw inline that ends in a control word before a letter gets {} between."""
    if not isinstance(elem, pf.RawInline) or not CONTROL_WORD_END.search(elem.text):
        return None
    after = elem.next
    while isinstance(after, pf.RawInline) and after.format not in TEX_FORMATS:
        after = after.next  # raw HTML prints nothing in LaTeX
    starts_a_word = isinstance(after, (pf.Str, pf.RawInline)) and after.text[:1].isalpha()
    if starts_a_word or isinstance(after, pf.Cite):  # a raw `ut` comes of pandoc's macros
        elem.text += "{}"
    return None


class Tags(HTMLParser):
    """The tags of a piece of HTML: (name, attributes) for a start tag, (name, None) for
    an end tag. Names are lower-case and entities decoded, as a browser would read them."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_endtag(self, tag):
        self.tags.append((tag, None))


class WithoutLoads(HTMLParser):
    """The same HTML without the attributes that load something, and without comments."""

    def __init__(self, text):
        super().__init__(convert_charrefs=False)
        self.parts = []
        self.feed(text)
        self.close()
        self.html = "".join(self.parts)

    def start(self, tag, attrs, end):
        kept = "".join(f' {key}="{escape(value or "", quote=True)}"' for key, value in attrs
                       if not loads(tag, key, value))
        self.parts.append(f"<{tag}{kept}{end}")

    def handle_starttag(self, tag, attrs):
        self.start(tag, attrs, ">")

    def handle_startendtag(self, tag, attrs):
        self.start(tag, attrs, " />")

    def handle_endtag(self, tag):
        self.parts.append(f"</{tag}>")

    def handle_data(self, data):
        self.parts.append(data)

    def handle_entityref(self, name):
        self.parts.append(f"&{name};")

    def handle_charref(self, name):
        self.parts.append(f"&#{name};")


def note_of(elem, doc):
    """The vault-relative path of the note an element comes from (None if unknown)."""
    while True:
        if isinstance(elem, pf.Div) and "data-source" in elem.attributes:
            return elem.attributes["data-source"]  # an embedded copy
        if isinstance(elem.parent, (pf.Doc, type(None))):
            return getattr(doc, "block_notes", {}).get(id(elem))
        elem = elem.parent


def warn(doc, elem, needles, message, kind=None):
    """Warn, naming the note and the line of the first of `needles` found in it; `kind`
    as for Warnings.warn."""
    rel = note_of(elem, doc)
    vault = getattr(doc, "vault", None)
    note = vault.note_at(rel) if vault is not None and rel else None
    embeds.warn(doc, message, rel, note.line_of(*needles) if note else None, kind=kind)


def main(doc=None):
    return pf.run_filter(action, prepare=prepare, doc=doc)


if __name__ == "__main__":
    main()

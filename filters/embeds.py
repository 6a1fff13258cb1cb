"""Expand ![[embeds]]: a note, a heading's section or a block, transcluded; images sized.

`![[Note]]`, `![[Note#Heading]]` and `![[Note#^id]]` become a Div `embed` holding a fresh
copy of those blocks (ids dropped, headings unlisted), expanded in turn up to MAX_DEPTH.
A cycle, too deep a chain, or a spent budget prints a visible line and warns.
`![[pic.png|300]]` and `![[pic.png|300x200]]` become sized images found in the vault.
Only files of the vault print: a path out of it, a symlink out of it or another scheme
(file:) is refused; a remote image is a placeholder unless doc.allow_remote. With
doc.inline_images (EPUB, HTML: pandoc runs sandboxed) images become data: URIs.
Needs `doc.vault` and `doc.notes` (the pipeline sets them); alone, embeds print a notice.
"""
from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import quote, unquote

import panflute as pf
from exporter.filters import comments
from exporter.filters.blocks import find_block, ids_alone
from exporter.filters.wikilinks import words

from exporter import images
from exporter.errors import ExportError
from exporter.log import reason
from exporter.vault import IMAGE_SUFFIXES, heading_key

MAX_DEPTH = 10
MAX_EMBEDS = 1000  # per note: a note embedding another 10 times, 6 deep, is 10^6
# Blocks and inlines inside one another, embeds included: panflute's walk() and the
# filters recurse about 4 Python frames a level, and the stack ends near 1,000.
MAX_NESTING = 130
SIZE = re.compile(r"^(?P<width>\d+)(?:x(?P<height>\d+))?$")
ALT_SIZE = re.compile(r"^(?P<alt>.*?)\|(?P<width>\d+)(?:x(?P<height>\d+))?$")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
REMOTE = ("http://", "https://", "ftp://", "//")
MIME = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
        ".svg": "image/svg+xml", ".webp": "image/webp", ".bmp": "image/bmp",
        ".avif": "image/avif"}


def prepare(doc):
    doc.embeds_left = MAX_EMBEDS
    doc.embedded_headings = 0
    doc.images = []
    doc.embedded = []  # the notes whose text the document now holds


ACTS_ON = frozenset([pf.Image, pf.Para, pf.Plain])  # all action() acts on


def action(elem, doc):
    return expand(elem, doc, chain=[], above=0)


def expand(elem, doc, chain, above):
    """Expand one element met by walk(); `chain` is the embeds we are inside of, and
    `above` how deep in the document the innermost of them sits."""
    if isinstance(elem, pf.Image):
        return image(elem, doc)
    if isinstance(elem, (pf.Para, pf.Plain)) and any(map(is_note_embed, elem.content.list)):
        return split_at_embeds(elem, doc, chain, above + nesting(elem))
    return None


def is_note_embed(elem) -> bool:
    if not isinstance(elem, pf.Image) or "wikilink" not in elem.classes:
        return False
    return PurePosixPath(elem.url.partition("#")[0]).suffix.lower() in ("", ".md")


def split_at_embeds(para, doc, chain, depth):
    """The paragraph's text around its embeds, and each embed's blocks in between;
    `depth`: how deep in the document the paragraph is."""
    blocks, run = [], []
    for inline in para.content:
        if is_note_embed(inline):
            blocks.extend(flush(para, run))
            run = []
            blocks.extend(embed_note(inline, doc, chain, depth))
        else:
            run.append(inline)
    return blocks + flush(para, run)


def flush(para, inlines):
    blank = (pf.Space, pf.SoftBreak, pf.LineBreak)
    while inlines and isinstance(inlines[0], blank):
        inlines = inlines[1:]
    while inlines and isinstance(inlines[-1], blank):
        inlines = inlines[:-1]
    return [type(para)(*inlines)] if inlines else []


def embed_note(link, doc, chain, depth):
    """The embedded blocks in a Div `embed` at `depth`, or a visible notice saying why not."""
    target = link.url
    name, _, fragment = target.partition("#")
    vault = getattr(doc, "vault", None)
    if vault is None:
        return notice(f"(embed of {target} omitted: no vault)")
    source = link.attributes.get("note")
    from_note = vault.note_at(source) if source else None
    note = vault.resolve(name, from_note) if name else from_note
    if note is None and vault.refuses(name, from_note):  # the vault has warned (file, line)
        return notice(f"(embed of {target} omitted: outside the vault)")
    left_out = vault.left_out_note(name) if note is None and name else None
    if left_out:
        warn(doc, f"![[{target}]]: {left_out} is left out ({vault.left_out[left_out]})", source,
             kind="left-out-note")
        return notice(f"(embed of {target} omitted: left out)")
    if note is None:
        warn(doc, f"![[{target}]]: no such note", source, kind="missing-embed")
        return notice(f"(embed of {target} omitted: no such note)")
    key = f"{note.rel}#{fragment}" if fragment else str(note.rel)
    outer = chain or [f"{source}" if source else "?"]
    if key in outer:
        warn(doc, f"embed cycle: {' -> '.join([*outer, key])}", source, kind="embed-cycle")
        return notice(f"(embed of {target} omitted: cycle)")
    if len(outer) > MAX_DEPTH:
        warn(doc, f"![[{target}]]: embeds nested deeper than {MAX_DEPTH}", source,
             kind="embed-limit")
        return notice(f"(embed of {target} omitted: nested deeper than {MAX_DEPTH})")
    if doc.embeds_left <= 0:
        warn(doc, f"![[{target}]]: more than {MAX_EMBEDS} embeds in one note", source,
             kind="embed-limit")
        return notice(f"(embed of {target} omitted: more than {MAX_EMBEDS} embeds)")
    try:
        embedded = doc.notes.doc(note)
    except ExportError as error:  # a note that is no part of the guide, parsed only now
        warn(doc, f"![[{target}]]: {note.rel} cannot be embedded ({reason(error)})", source,
             kind="left-out-note")
        return notice(f"(embed of {target} omitted: it cannot be read)")
    doc.embeds_left -= 1
    doc.embedded.append(str(note.rel))
    blocks = select(comments.without_comments(embedded), fragment, note)
    if blocks is None:
        warn(doc, f"![[{target}]]: {note.name} has no {fragment!r}", source, kind="missing-part")
        return notice(f"(embed of {target} omitted: not found)")
    if depth + 1 + deepest(blocks) > MAX_NESTING:
        warn(doc, f"![[{target}]]: would nest the text more than {MAX_NESTING} levels deep",
             source, kind="embed-limit")
        return notice(f"(embed of {target} omitted: nested too deeply)")
    box = pf.Div(*blocks, classes=["embed"], attributes={"data-source": str(note.rel)})
    detach(box, str(note.rel), doc)
    box.walk(lambda elem, d: expand(elem, d, [*outer, key], depth), doc)
    return [box]


def nesting(elem):
    """How many elements `elem` sits inside."""
    count = 0
    while elem.parent is not None:
        elem, count = elem.parent, count + 1
    return count


def deepest(elements):
    """How many levels deep these elements and what they hold go (iteratively)."""
    most, stack = 0, [(elem, 1) for elem in elements]
    while stack:
        elem, depth = stack.pop()
        most = max(most, depth)
        for name in elem._children:  # how panflute's own walk() finds the children
            child = getattr(elem, name)
            if isinstance(child, pf.DictContainer):
                child = child.values()
            elif not isinstance(child, pf.ListContainer):
                child = [child] if child is not None else []
            stack.extend((c, depth + 1) for c in child)
    return most


def select(blocks, fragment, note):
    """All blocks of `note`, a heading's section (`Heading`, or `A#B` for B) or a block
    (`^id`)."""
    if not fragment:
        return blocks
    if fragment.startswith("^"):
        found = find_block(blocks, fragment[1:], ids_alone(note.body))
        # a list item's text alone is a Plain, which would print with no paragraph
        return [pf.Para(*b.content) if isinstance(b, pf.Plain) else b
                for b in found] if found else None
    wanted = heading_key(fragment.split("#")[-1])
    for start, block in enumerate(blocks):
        if isinstance(block, pf.Header) and heading_key(pf.stringify(block)) == wanted:
            end = next((i for i in range(start + 1, len(blocks))
                        if isinstance(blocks[i], pf.Header) and blocks[i].level <= block.level),
                       len(blocks))
            return blocks[start:end]
    return None


def detach(box, rel, doc):
    """Make a copy fit to stand in another note: headings out of the contents and below
    chapter level (an embed never starts a chapter, nor an EPUB file), with ids of their
    own (else pandoc's EPUB writer makes ids from their text, the chapters' ids); no
    other ids."""
    headers = []

    def visit(elem, _):
        if hasattr(elem, "identifier") and not isinstance(elem, pf.Doc):
            elem.identifier = ""
        if isinstance(elem, pf.Header):
            elem.classes.extend(c for c in ("unlisted", "unnumbered") if c not in elem.classes)
            headers.append(elem)
        if isinstance(elem, (pf.Link, pf.Image)):
            elem.attributes["note"] = rel
    box.walk(visit)
    shift = max(0, 2 - min((h.level for h in headers), default=2))
    for header in headers:
        header.level = min(6, header.level + shift)
        doc.embedded_headings += 1
        header.identifier = f"{getattr(doc, 'id_prefix', '')}embedded-{doc.embedded_headings}"


def image(elem, doc):
    """An image found in the vault, sized as `|300` or `|300x200` asks; else a placeholder."""
    wikilink = "wikilink" in elem.classes
    target = unquote(elem.url.partition("#")[0]) if not wikilink else elem.url.partition("#")[0]
    if not wikilink and not elem.url:
        return None
    if not wikilink and elem.url.startswith("data:"):
        why = images.data_uri_problem(elem.url)
        if why is None:
            return None
        warn(doc, f"image refused: a data: URI holding {why}", *place(elem, doc),
             kind="refused-image")
        return placeholder("refused image")
    if elem.url.lower().startswith(REMOTE):
        return remote_image(elem, doc)
    if SCHEME.match(elem.url):
        warn(doc, f"image refused: {elem.url} is not a file of the vault",
             *place(elem, doc), kind="refused-image")
        return placeholder(f"refused image: {elem.url}")
    if wikilink and PurePosixPath(target).suffix.lower() not in IMAGE_SUFFIXES:
        if is_note_embed(elem):
            return None if isinstance(elem.parent, (pf.Para, pf.Plain)) else as_link(elem)
        return pf.Span(pf.Emph(pf.Str(f"(attachment: {target})")), classes=["embed-file"])
    found, refused = find_image(target, elem, doc)
    if found is None:
        if not refused:  # the vault has warned about a path out of it
            warn(doc, f"image not found: {target}", elem.attributes.get("note"),
                 kind="missing-image")
        return placeholder(f"missing image: {target}")
    if getattr(doc, "inline_images", False):
        try:
            data, mime = doc.vault.read_attachment(found), MIME[found.suffix.lower()]
        except (OSError, ValueError) as error:
            warn(doc, f"image not read: {error}", elem.attributes.get("note"),
                 kind="missing-image")
            return placeholder(f"missing image: {target}")
        why = images.problem(data, mime)
        if why:
            warn(doc, f"image refused: {target} is {why}", elem.attributes.get("note"),
                 kind="refused-image")
            return placeholder(f"refused image: {target}")
        url = images.data_uri(data, mime)
    elif doc.format == "latex":
        refused, why = tex_problem(found, doc)
        if why:
            warn(doc, f"image {'refused' if refused else 'left out'}: {target} is {why}",
                 elem.attributes.get("note"), kind="refused-image")
            return placeholder(f"{'refused image' if refused else 'image left out'}: {target}")
        url = str(images.tex_file(found))
    else:
        url = quote(str(found))
    doc.images.append(found)
    return printed(elem, url, target)


def tex_problem(found, doc):
    """(refused, why) LaTeX cannot include the image, or (False, None): an SVG is refused
    if it loads anything, left out if it does not convert to the PDF LaTeX includes."""
    if found.suffix.lower() != ".svg":
        return False, None
    try:
        data = doc.vault.read_attachment(found)
    except (OSError, ValueError) as error:
        return False, str(error)
    why = images.problem(data, images.SVG)
    if why:
        return True, why
    try:
        images.svg_to_pdf(data)  # converted again, beside the .tex, when it can be
    except ValueError as error:
        return False, str(error)
    return False, None


def printed(elem, url, target):
    """The Image to print: `url`, the size asked for (`![[pic.png|300]]`, or the alt
    text of `![alt|300x200](pic.png)`), no wikilink class."""
    wikilink = "wikilink" in elem.classes
    alt = list(elem.content) if not wikilink else [pf.Str(PurePosixPath(target).stem)]
    if wikilink:
        size = SIZE.match(pf.stringify(elem))
    else:  # ![alt|300](pic.png), as Obsidian reads it
        size = ALT_SIZE.match(pf.stringify(elem))
        if size:
            alt = words(size["alt"])
    attributes = dict(elem.attributes)
    attributes.pop("note", None)
    if size:
        attributes["width"] = f"{size['width']}px"
        if size["height"]:
            attributes["height"] = f"{size['height']}px"
    return pf.Image(*alt, url=url, attributes=attributes,
                    classes=[c for c in elem.classes if c != "wikilink"])


def remote_image(elem, doc):
    """A placeholder; with --allow-remote, the image fetched here, once, as a data: URI
    (all the writers see; LaTeX takes no data: URI, so it keeps the placeholder)."""
    if not getattr(doc, "allow_remote", False):
        why = "--allow-remote fetches it"
    elif doc.format == "latex" or not elem.url.lower().startswith(("http://", "https://")):
        why = "only http(s) images, and not in LaTeX"
    else:
        try:
            data, mime = images.download(elem.url)
            return printed(elem, images.data_uri(data, mime), elem.url.rsplit("/", 1)[-1])
        except (OSError, ValueError) as error:
            why = str(error)
    kind = "remote-image" if not getattr(doc, "allow_remote", False) else "remote-image-failed"
    warn(doc, f"remote image not fetched: {elem.url} ({why})", *place(elem, doc), kind=kind)
    return placeholder(f"remote image: {elem.url}")


def as_link(embed):
    """An embed inside emphasis, a link or a heading cannot hold blocks: it links instead."""
    return pf.Link(*embed.content, url=embed.url, classes=["wikilink"],
                   attributes=dict(embed.attributes))


def find_image(target, elem, doc):
    """Vault-relative path of the image (see Vault.resolve_attachment), and whether the
    target points out of the vault."""
    vault = getattr(doc, "vault", None)
    if vault is None:
        return None, False
    source = elem.attributes.get("note")
    from_note = vault.note_at(source) if source else None
    return vault.resolve_attachment(target, from_note), vault.refuses(target, from_note)


def placeholder(text):
    return pf.Span(pf.Str(f"[{text}]"), classes=["missing-image"])


def notice(text):
    return [pf.Div(pf.Para(pf.Emph(pf.Str(text))), classes=["embed-omitted"])]


def place(elem, doc):
    """The note an image is written in, and the line of its URL there (for warnings)."""
    rel = elem.attributes.get("note")
    vault = getattr(doc, "vault", None)
    note = vault.note_at(rel) if vault is not None and rel else None
    return rel, note.line_of(elem.url) if note else None


def warn(doc, message, where=None, line=None, kind=None):
    """Warnings.warn of the document's warnings (`kind` as there); alone, pandoc's stderr."""
    warnings = getattr(doc, "warnings", None)
    if warnings is not None:
        warnings.warn(message, where, line, kind=kind)
    else:
        pf.debug(f"warning: {message}")


def main(doc=None):
    return pf.run_filter(action, prepare=prepare, doc=doc)


if __name__ == "__main__":
    main()

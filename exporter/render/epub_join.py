"""Join EPUBs that pandoc wrote for consecutive runs of chapters into one EPUB.

Every piece has the guide's metadata, title page, contents and stylesheet; the first
piece's are kept (the guide's styles added to the stylesheet), with the chapters, images,
contents entries and manifest of all pieces, in order. Chapter files and images are
renamed to be unique, and a link to an id in another piece (pandoc left it as "#id", not
knowing it) is pointed at the chapter that holds it.
"""
from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

STYLESHEET = "EPUB/styles/stylesheet1.css"  # pandoc's, which every page of it links
CHAPTER = re.compile(r"EPUB/text/ch(\d+)\.xhtml")
ITEM = re.compile(r'<item id="[^"]*" href="([^"]*)" media-type="([^"]*)"( properties="[^"]*")? />')
ID = re.compile(r'\sid="([^"]+)"')
LOCAL_LINK = re.compile(r'href="#([^"]+)"')
CHAPTER_LINK = re.compile(r'(href|src)="(text/|)(ch\d+\.xhtml)(#[^"]*)?"')
MEDIA_LINK = re.compile(r'"(\.\./)?media/([^"]+)"')
TOC_ITEMS = re.compile(r'(<nav epub:type="toc"[^>]*>.*?<ol class="toc">)(.*)(</ol></nav>)', re.S)
NAV_POINTS = re.compile(r"(<navMap>\n)(.*)(  </navMap>)", re.S)
TITLE_POINT = re.compile(r' *<navPoint id="navPoint-\d+">\s*<navLabel>\s*<text>[^<]*</text>\s*'
                         r'</navLabel>\s*<content src="text/title_page.xhtml" />\s*</navPoint>\n')


@dataclass
class Piece:
    """One of the EPUBs being joined: its files, and its names for them in the join."""

    book: zipfile.ZipFile
    chapters: dict[str, str] = field(default_factory=dict)  # its ch001.xhtml -> joined name
    media: dict[str, str] = field(default_factory=dict)  # its file0.png -> joined name
    items: dict[str, tuple[str, str]] = field(default_factory=dict)  # href -> type, properties

    def text(self, name: str) -> str:
        return self.book.read(name).decode("utf-8")


def join(pieces: list[Path], target: Path, css: str = "", cover: Path | None = None) -> None:
    """Write the EPUB of all `pieces` (EPUBs by pandoc, in order) to `target`, with `css`
    after pandoc's own in its stylesheet, and `cover` as its cover (pandoc, sandboxed,
    cannot read the file)."""
    opened = [Piece(zipfile.ZipFile(path)) for path in pieces]
    try:
        chapters, media = name_files(opened)
        holder = {}  # id -> the joined chapter that holds it (the first, if several)
        for name, (piece, old) in chapters.items():
            for found in ID.findall(piece.text(f"EPUB/text/{old}")):
                holder.setdefault(found, name)
        first, nav = opened[0], joined_nav(opened)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
            out.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip",
                         zipfile.ZIP_STORED)
            for name in first.book.namelist():
                if name == "mimetype" or CHAPTER.fullmatch(name) or "/media/" in name:
                    continue
                if name == "EPUB/nav.xhtml":
                    out.writestr(name, nav)
                elif name == "EPUB/toc.ncx":
                    out.writestr(name, joined_ncx(opened))
                elif name == STYLESHEET:
                    out.writestr(name, f"{first.text(name)}\n{css}")
                elif name == "EPUB/content.opf":
                    opf = joined_opf(first.text(name), chapters, media)
                    if "<math" in nav:  # a heading's formula, which pandoc does not declare
                        opf = opf.replace('properties="nav"', 'properties="nav mathml"', 1)
                    out.writestr(name, with_cover(opf, cover) if cover else opf)
                else:
                    out.writestr(name, first.book.read(name))
            for name, (piece, old) in chapters.items():
                out.writestr(f"EPUB/text/{name}", relinked(piece, old, name, holder))
            for name, (piece, old) in media.items():
                out.writestr(f"EPUB/media/{name}", piece.book.read(f"EPUB/media/{old}"))
            if cover:
                out.writestr(f"EPUB/media/{COVER_NAME}{cover.suffix.lower()}", cover.read_bytes())
                out.writestr("EPUB/text/cover.xhtml", cover_page(cover, first))
    finally:
        for piece in opened:
            piece.book.close()


COVER_NAME = "cover-image"
COVER_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
               ".gif": "image/gif", ".svg": "image/svg+xml", ".webp": "image/webp"}


def with_cover(opf: str, cover: Path) -> str:
    """The package file with the cover image (EPUB3's cover-image, EPUB2's meta) and its
    page first in the spine."""
    image = f"media/{COVER_NAME}{cover.suffix.lower()}"
    opf = opf.replace("  </metadata>", f'    <meta name="cover" content="{COVER_NAME}" />\n'
                      "  </metadata>", 1)
    opf = opf.replace("  </manifest>", f'    <item id="{COVER_NAME}" href="{image}" media-type='
                      f'"{COVER_TYPES[cover.suffix.lower()]}" properties="cover-image" />\n'
                      '    <item id="cover_xhtml" href="text/cover.xhtml" '
                      'media-type="application/xhtml+xml" />\n  </manifest>', 1)
    return re.sub(r"(<spine[^>]*>\n)", r'\1    <itemref idref="cover_xhtml" linear="yes" />\n',
                  opf, count=1)


def cover_page(cover: Path, first: Piece) -> str:
    """The cover's page, in the title page's language and direction."""
    head = re.match(r"(?s).*?<html[^>]*>", first.text("EPUB/text/title_page.xhtml"))
    return (f"{head.group(0)}\n<head>\n<meta charset=\"utf-8\" />\n<title>Cover</title>\n"
            '<style>body { margin: 0; text-align: center; } img { max-width: 100%; '
            "max-height: 100vh; }</style>\n</head>\n"
            '<body epub:type="cover">\n<section epub:type="cover">'
            f'<img src="../media/{COVER_NAME}{cover.suffix.lower()}" alt="Cover" />'
            "</section>\n</body>\n</html>\n")


def name_files(pieces: list[Piece]) -> tuple[dict, dict]:
    """Joined name -> (piece, its own name), for chapters (numbered on) and images (one
    file per distinct content); each piece learns its renames."""
    chapters: dict[str, tuple[Piece, str]] = {}
    media: dict[str, tuple[Piece, str]] = {}
    by_content: dict[str, str] = {}
    for piece in pieces:
        opf = piece.text("EPUB/content.opf")
        piece.items = {href: (kind, props or "") for href, kind, props in ITEM.findall(opf)}
        own = sorted((m for m in map(CHAPTER.fullmatch, piece.book.namelist()) if m),
                     key=lambda m: int(m[1]))
        for match in own:
            name = f"ch{len(chapters) + 1:03d}.xhtml"
            piece.chapters[PurePosixPath(match[0]).name] = name
            chapters[name] = (piece, PurePosixPath(match[0]).name)
        for path in piece.book.namelist():
            if path.startswith("EPUB/media/"):
                old = path.removeprefix("EPUB/media/")
                content = hashlib.sha1(piece.book.read(path)).hexdigest()
                if content not in by_content:
                    by_content[content] = f"file{len(by_content)}{PurePosixPath(old).suffix}"
                    media[by_content[content]] = (piece, old)
                piece.media[old] = by_content[content]
    return chapters, media


def relinked(piece: Piece, old: str, name: str, holder: dict[str, str]) -> str:
    """A chapter's XHTML with its links and image paths in the joined names."""
    text = piece.text(f"EPUB/text/{old}").replace(f"<title>{old}</title>",
                                                   f"<title>{name}</title>", 1)
    own_ids = set(ID.findall(text))

    def local(match: re.Match) -> str:
        target = match[1]
        if target in own_ids or target not in holder:
            return match[0]
        return f'href="{holder[target]}#{target}"'

    text = CHAPTER_LINK.sub(lambda m: renamed_chapter(m, piece), text)  # before the next:
    text = LOCAL_LINK.sub(local, text)  # it writes joined names already
    return MEDIA_LINK.sub(lambda m: f'"{m[1] or ""}media/{piece.media.get(m[2], m[2])}"', text)


def renamed_chapter(match: re.Match, piece: Piece) -> str:
    attribute, folder, chapter, fragment = match.groups()
    return f'{attribute}="{folder}{piece.chapters.get(chapter, chapter)}{fragment or ""}"'


def joined_nav(pieces: list[Piece]) -> str:
    """The first piece's nav.xhtml, its contents list holding every piece's entries."""
    items = []
    for piece in pieces:
        found = TOC_ITEMS.search(piece.text("EPUB/nav.xhtml"))
        items.append(CHAPTER_LINK.sub(lambda m, p=piece: renamed_chapter(m, p), found[2]))
    numbered = iter(range(1, 10**9))
    entries = re.sub(r'id="toc-li-\d+"', lambda _: f'id="toc-li-{next(numbered)}"',
                     "".join(items))
    return TOC_ITEMS.sub(lambda m: m[1] + entries + m[3], pieces[0].text("EPUB/nav.xhtml"),
                         count=1)


def joined_ncx(pieces: list[Piece]) -> str:
    """The first piece's toc.ncx (for EPUB 2 readers), its navMap holding every piece's."""
    points = []
    for index, piece in enumerate(pieces):
        found = NAV_POINTS.search(piece.text("EPUB/toc.ncx"))[2]
        if index:
            found = TITLE_POINT.sub("", found, count=1)
        points.append(CHAPTER_LINK.sub(lambda m, p=piece: renamed_chapter(m, p), found))
    numbered = iter(range(10**9))
    entries = re.sub(r'id="navPoint-\d+"', lambda _: f'id="navPoint-{next(numbered)}"',
                     "".join(points))
    return NAV_POINTS.sub(lambda m: m[1] + entries + m[3], pieces[0].text("EPUB/toc.ncx"),
                          count=1)


def joined_opf(opf: str, chapters: dict, media: dict) -> str:
    """The first piece's package file with every chapter and image in its manifest, and
    every chapter in its spine."""
    opf = re.sub(r' *<item id="[^"]*" href="(text/ch\d+\.xhtml|media/[^"]*)"[^>]*/>\n', "", opf)
    opf = re.sub(r' *<itemref idref="ch\d+_xhtml" />\n', "", opf)
    items, spine = [], []
    for name, (piece, old) in chapters.items():
        kind, props = piece.items[f"text/{old}"]
        items.append(f'<item id="{name.replace(".", "_")}" href="text/{name}" '
                     f'media-type="{kind}"{props} />')
        spine.append(f'<itemref idref="{name.replace(".", "_")}" />')
    for name, (piece, old) in media.items():
        kind, props = piece.items[f"media/{old}"]
        items.append(f'<item id="{name.replace(".", "_")}" href="media/{name}" '
                     f'media-type="{kind}"{props} />')
    opf = opf.replace("  </manifest>", "".join(f"    {i}\n" for i in items) + "  </manifest>")
    return opf.replace("  </spine>", "".join(f"    {s}\n" for s in spine) + "  </spine>")

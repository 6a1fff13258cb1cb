"""The HTML guide: title page and contents (Jinja2), body (pandoc template guide.html)."""
from __future__ import annotations

import jinja2
import panflute as pf

from .. import pandoc
from ..index import Entry, groups, page_list
from ..model import Book, Fonts
from . import TEMPLATES, template_text

PAGE_SIZES = {"a4": "A4", "letter": "letter", "a5": "A5"}
TEMPLATE_FILES = jinja2.Environment(autoescape=True, loader=jinja2.FileSystemLoader(TEMPLATES))


def render(doc: pf.Doc, book: Book, parts: list[str] = (), self_contained: bool = False) -> str:
    """The whole guide as one standalone HTML page: title page, contents, body, index.

    Images stay vault-relative links, unless `self_contained` (an HTML file to be read on
    its own): then they are data URIs.
    """
    doc.metadata["title-page"] = pf.MetaBlocks(pf.RawBlock(title_page(book), "html"))
    embedding = ["--embed-resources", f"--resource-path={book.root}"] if self_contained else []
    return render_body(doc, book, ["--toc", "--toc-depth=2", *embedding], parts, screen=True)


def render_body(doc: pf.Doc, book: Book, extra: list[str] = (), parts: list[str] = (),
                css: str = "", screen: bool = False) -> str:
    """The guide's body as an HTML document for WeasyPrint (no title page, no contents):
    the blocks of `parts`, then the Doc's own; `css` after the guide's styles; with
    `screen`, the styles of the HTML page on a screen too."""
    doc.metadata["styles"] = pf.MetaBlocks(pf.RawBlock(styles(book, screen) + css, "html"))
    template = book.template or TEMPLATES / "guide.html"
    return pandoc.write(doc, "html5", [
        "--standalone", f"--template={template}", "--wrap=none", *extra,
    ], "HTML writer", parts)


def render_front(book: Book, toc: list[dict], numbers_later: bool = False) -> str:
    """Title page and contents; `toc` entries are dicts of level, id, text and page. With
    `numbers_later` the pages are placeholders, laid out unseen, to be drawn in later."""
    return TEMPLATE_FILES.get_template("front.html").render(
        book=book, toc=toc, styles=styles(book), numbers_later=numbers_later,
        **title_fields(book))


def render_index(entries: list[Entry], pages: dict[str, int], book: Book,
                 first_page: int) -> str:
    """The index pages, numbered from `first_page`, with the pages occurrences landed on."""
    return TEMPLATE_FILES.get_template("index.html").render(
        book=book, groups=groups(entries), pages=lambda e: page_list(e, pages),
        first_page=first_page, styles=styles(book))


def title_page(book: Book) -> str:
    return TEMPLATE_FILES.get_template("title-page.html").render(**title_fields(book))


def title_fields(book: Book) -> dict:
    return dict(title=book.title, author=book.author, source=book.source, tags=book.tags)


def styles(book: Book, screen: bool = False) -> str:
    """The paper size, print.css, callouts.css, code.css, the theme, with `screen`
    screen.css, then the user's CSS."""
    page = f"@page {{ size: {PAGE_SIZES[book.paper]}; }}\n"
    duplex = "h1 { break-before: right; }\n" if book.duplex else ""
    user = book.css.read_text(encoding="utf-8") if book.css else ""
    return "\n".join([page, template_text("print.css"), template_text("callouts.css"),
                      template_text("code.css"),
                      template_text(f"themes/{book.theme}.css"), duplex,
                      template_text("screen.css") if screen else "", font_css(book.fonts), user])


# The guide's own families after the reader's: a character their font lacks still prints.
SERIF = '"Caladea", "DejaVu Serif", serif'
FONT_RULES = {"body": ("html", SERIF), "headings": ("h1, h2, h3, h4, h5, h6, .title-page", SERIF),
              "code": ("code, pre, kbd", '"DejaVu Sans Mono", monospace')}


def font_css(fonts: Fonts, with_files: bool = True) -> str:
    """The reader's fonts put first: @font-face rules for the vault's files (`with_files`),
    then each family before the guide's own."""
    chosen = {role: getattr(fonts, role) for role in FONT_RULES if getattr(fonts, role)}
    faces = sorted({f'@font-face {{ font-family: "{font.family}"; '
                    f'src: url("{font.file.as_uri()}"); }}'
                    for font in chosen.values() if font.file and with_files})
    return "\n".join([*faces, *(f'{FONT_RULES[role][0]} {{ font-family: "{font.family}", '
                                 f'{FONT_RULES[role][1]}; }}' for role, font in chosen.items())])

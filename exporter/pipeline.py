"""The export, stage by stage: scan, select, parse, assemble, filter, write."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import panflute as pf

import filters

from . import bibliography, index, reader
from .assemble import Chapter, assemble, chapters_of, slugify
from .book import book_author, book_title, select_notes
from .cache import Cache
from .config import EXTENSIONS, Options, VaultConfig, load_vault_config
from .errors import ExportError, time_limit
from .index import Entry
from .log import Warnings
from .model import Book
from .render import atomic_output, epub, html, latex, pdf
from .vault import Vault, scan

WRITE_SECONDS = 600  # pandoc's writers and WeasyPrint's layout, together


@dataclass
class Result:
    """What an export produced, and what it warned about."""

    output: Path
    warnings: list[str] = field(default_factory=list)
    extra: list[Path] = field(default_factory=list)  # e.g. the compiled PDF beside a .tex


@dataclass
class Guide:
    """A guide ready to write: its filtered Doc, its Book, the warnings so far."""

    doc: pf.Doc
    book: Book
    warnings: Warnings
    index: list[Entry]


def export(options: Options) -> Result:
    """Export the vault or note at options.source in options.fmt; raise ExportError on failure."""
    guide = build(options)
    slug = f"{slugify(guide.book.title)}.{EXTENSIONS[options.fmt]}"
    output = options.output or default_output_dir() / slug
    result = Result(output=output)
    write(guide, options, output, result)
    result.warnings = guide.warnings.messages
    return result


def build(options: Options) -> Guide:
    """Read, parse, assemble and filter: everything but writing."""
    warnings = Warnings(strict=options.strict)
    vault, config = read_vault(options, warnings)
    selected = select_notes(vault, config, options.source if options.source.is_file() else None)
    if not selected:
        raise ExportError("no notes to export", vault.root)

    notes = reader.ParsedNotes(Cache(options.cache_folder), options.processes)
    notes.parse(selected)
    docs = [notes.doc(note) for note in selected]
    chapters = chapters_of(selected, docs)  # takes each note's title H1 first
    headers = [reader.take_header_lines(d) for d in docs]
    doc = assemble(chapters, one_chapter_per_note=len(chapters) > 1)
    book = make_book(options, config, chapters, headers, vault.root)

    doc.format = "latex" if options.fmt == "latex" else "html"
    doc.vault, doc.notes, doc.warnings = vault, notes, warnings
    doc.allow_remote, doc.allow_raw_latex = options.allow_remote, options.allow_raw_latex
    doc.inline_images = options.fmt in ("epub", "html")  # pandoc is sandboxed: data: URIs
    doc.csl, doc.short_citations = options.csl, options.short_citations
    doc.paged = options.fmt == "pdf"  # footnotes at the page foot
    sources = [first_source([c.note], [h]) for c, h in zip(chapters, headers, strict=True)]
    bibliography.attach(doc, chapters, [chapter_title(c) for c in chapters], sources)
    doc = filters.run_chain(doc)
    for note in sorted({note for note, _ in doc.uncited}):
        warnings.warn("page numbers but no book to cite (front matter needs `author`); "
                      "left as written", note)
    book.tags += [tag for tag in doc.tags if tag not in book.tags]
    describe(doc, book)
    return Guide(doc, book, warnings, index.build(doc, grouped=book.index_groups))


def read_vault(options: Options, warnings: Warnings) -> tuple[Vault, VaultConfig]:
    """The vault index (every note of the folder, or the one note asked for) and its config."""
    root = options.source if options.source.is_dir() else options.source.parent
    if options.source.is_file():
        paths, attachments = [options.source], []
    else:
        paths, attachments = scan(root, output_dirs_inside(root, options), warnings)
    notes = [reader.read_note(path, root, warnings) for path in paths]
    return Vault(root, notes, attachments, warnings), load_vault_config(root)


def make_book(options: Options, config: VaultConfig, chapters: list[Chapter],
              headers: list[dict], root: Path) -> Book:
    """What the title page and the writers need to know about the guide."""
    notes = [chapter.note for chapter in chapters]
    titles = [chapter_title(chapter) for chapter in chapters]
    return Book(title=book_title(options, config, notes, titles, root),
                author=book_author(options, config, notes),
                source=first_source(notes, headers), notes=notes, root=root,
                paper=options.paper or config.paper or "a4",
                lang=str(notes[0].meta.get("lang", "en")), tags=header_tags(headers),
                index_groups=config.index_groups, theme=options.theme, css=options.css,
                template=options.template, duplex=options.duplex)


def write(guide: Guide, options: Options, output: Path, result: Result) -> None:
    """Write the guide in the asked format, replacing `output` atomically.

    Under --strict a warning raised while writing fails the export before the rename.
    """
    doc, book, warnings = guide.doc, guide.book, guide.warnings
    warnings.check_strict()
    with atomic_output(output) as partial, time_limit(WRITE_SECONDS, f"writing {output.name}"):
        if options.fmt == "pdf":
            pdf.write_guide(doc, book, guide.index, partial, warnings)
        elif options.fmt == "latex":
            if guide.index:
                doc.content.append(pf.RawBlock("\\printindex", "latex"))
            partial.write_text(latex.render(doc, book), encoding="utf-8")
            latex.copy_images(doc.images, book.root, output.parent)
        else:
            doc.content.extend(index.to_blocks(guide.index))
            if options.fmt == "epub":
                epub.write_epub(doc, partial, book.root)
            else:
                partial.write_text(html.render(doc, book, self_contained=True), encoding="utf-8")
        warnings.check_strict()
    if options.fmt == "latex" and options.compile_tex:
        result.extra.append(latex.compile_pdf(output, doc.images))


def chapter_title(chapter: Chapter) -> str:
    return pf.stringify(pf.Plain(*chapter.title))


def describe(doc: pf.Doc, book: Book) -> None:
    """The metadata every writer reads: title, author, language, keywords."""
    doc.metadata["title"] = pf.MetaString(book.title)
    doc.metadata["pagetitle"] = pf.MetaString(book.title)
    doc.metadata["lang"] = pf.MetaString(book.lang)
    if book.author:
        doc.metadata["author"] = pf.MetaString(book.author)
    if book.tags:
        doc.metadata["keywords"] = pf.MetaList(*[pf.MetaString(t) for t in book.tags])
    if book.source:
        doc.metadata["description"] = pf.MetaString(f"Study guide. Source: {book.source}")


def first_source(notes, headers) -> str | None:
    """The book's source URL: front matter `source`, else a `SOURCE:` header line's link."""
    for note, header in zip(notes, headers, strict=True):
        if note.meta.get("source"):
            return str(note.meta["source"])
        links = [e for e in header.get("source", []) if isinstance(e, pf.Link)]
        if links:
            return links[0].url
        if header.get("source"):
            return pf.stringify(pf.Plain(*header["source"])).strip()
    return None


def header_tags(headers) -> list[str]:
    """Tags listed on `TAGS:` header lines, without '#'."""
    found = []
    for header in headers:
        for word in pf.stringify(pf.Plain(*header.get("tags", []))).split():
            tag = word.lstrip("#").strip(",")
            if tag and tag not in found:
                found.append(tag)
    return found


def default_output_dir() -> Path:
    return Path("build").resolve()


def output_dirs_inside(root: Path, options: Options) -> list[Path]:
    """Output folders below the vault root, which scanning must skip."""
    folder = (options.output.parent if options.output else default_output_dir()).resolve()
    root = root.resolve()
    return [folder] if folder != root and folder.is_relative_to(root) else []

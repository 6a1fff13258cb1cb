"""The export, stage by stage: scan, select, parse, outline, filter, write."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath

import panflute as pf

from exporter.filters import index_terms

from . import (
    bibliography,
    citations,
    glyphs,
    index,
    mermaid,
    pandoc,
    per_note,
    properties,
    reader,
)
from .assemble import Outline, anchors_for, slugify
from .book import book_author, book_language, book_title, select_notes
from .cache import Cache
from .config import (
    CONFIG_NAME,
    EXTENSIONS,
    Options,
    VaultConfig,
    line_of_key,
    load_vault_config,
)
from .errors import ExportError, interrupts_held, time_limit
from .fonts import chosen_fonts
from .index import Entry
from .log import Warnings, reason
from .model import Book, Note
from .progress import Progress
from .render import atomic_output, epub, html, latex, tex_fonts
from .render.epub_join import COVER_TYPES
from .vault import Vault, note_in_vault, scan, vault_file, vault_root
from .workers import Workers

WRITE_SECONDS = 600  # pandoc's writers and WeasyPrint's layout, together


@dataclass
class Result:
    """What an export produced, and what it warned about."""

    output: Path
    warnings: list[str] = field(default_factory=list)
    extra: list[Path] = field(default_factory=list)  # e.g. the compiled PDF beside a .tex
    inputs: list[Path] = field(default_factory=list)  # its notes, the notes they embed, images
    left_out: list[ExportError] = field(default_factory=list)  # notes it went on without


@dataclass
class Guide:
    """A guide ready to write: its notes filtered, its metadata, index and contents."""

    meta: pf.Doc  # the guide's metadata (and options the writers read); blocks go after parts
    parts: list[str]  # each note's filtered blocks, as pandoc JSON (see pandoc.dump)
    references: list[pf.Block]  # the References section, when citations are formatted already
    book: Book
    warnings: Warnings
    index: list[Entry]
    contents: list[dict]  # the headings the contents list: level, id, text
    chapter_pages: dict[str, list[int]]  # book pages each chapter cites, by its id
    cited: list[str]  # the citekeys of the books the guide cites
    images: list[PurePosixPath]
    diagrams: dict[str, str]  # LaTeX: the diagrams' files, each as its SVG
    embedded: list[str]  # the notes other notes embed (or that embed themselves)
    context: per_note.Context

    @cached_property
    def doc(self) -> pf.Doc:
        """The whole guide as one panflute Doc, for the handout, which rearranges it."""
        doc = pandoc.load(pandoc.dump(self.meta, self.parts), "the guide")
        doc.format, doc.vault = self.meta.format, self.context.vault
        doc.csl, doc.short_citations = self.meta.csl, self.meta.short_citations
        doc.chapter_pages = self.chapter_pages
        doc.note_starts = {anchor: rel for rel, anchor in self.context.anchors.items()}
        doc.first_note = str(self.book.notes[0].rel)
        return doc


def export(options: Options, progress: Progress | None = None) -> Result:
    """Export the vault or note at options.source in options.fmt; raise ExportError on failure.

    `progress` hears of each stage (silence by default).
    """
    pool = Workers(options.processes, progress or Progress())
    guide = build(options, pool)
    slug = f"{slugify(guide.book.title)}.{EXTENSIONS[options.fmt]}"
    output = options.output or default_output_dir() / slug
    read = [*(str(note.rel) for note in guide.book.notes), *guide.embedded,
            *map(str, guide.images)]
    result = Result(output=output, inputs=[guide.book.root / rel for rel in unique(read)])
    write(guide, options, output, result, pool)
    result.warnings, result.left_out = guide.warnings.messages, guide.warnings.left_out
    return result


def build(options: Options, pool: Workers | None = None) -> Guide:
    """Read, parse, outline and filter the notes: everything but writing."""
    pool = pool or Workers(options.processes)
    warnings = Warnings(strict=options.strict)
    pool.progress.stage("Reading the vault")
    vault, config = read_vault(options, warnings)
    single = note_in_vault(options.source, vault.root) if options.source.is_file() else None
    selected = select_notes(vault, config, single)
    cache = Cache(options.cache_folder)
    parsed = reader.ParsedNotes(cache, options.processes)
    pool.progress.stage("Parsing notes")
    parsed.parse(selected)
    vault, selected = leave_out_unparsed(vault, selected, parsed, options, warnings)
    if options.fmt in ("pdf", "html"):  # laid out with the installed fonts
        glyphs.warn_unprintable(selected, warnings)
    elif options.fmt == "latex":  # xelatex draws no colour font
        glyphs.warn_unprintable(selected, warnings, tex_fonts.drawable(), "font xelatex draws",
                                "xelatex draws no colour font (emoji)")
    own_chapter = len(selected) > 1
    prefixes = anchors_for(selected)
    outlines = per_note.outline_all(selected, prefixes, parsed, own_chapter, cache, pool)
    sources = [note_source(note, outline) for note, outline in zip(selected, outlines, strict=True)]
    found = bibliography.books(selected, [o.title_text for o in outlines], sources)
    book = make_book(options, config, selected, outlines, vault.root, warnings)
    rels = [str(note.rel) for note in selected]
    context = per_note.Context(
        format="latex" if options.fmt == "latex" else "html",
        flags=dict(allow_remote=options.allow_remote, allow_raw_latex=options.allow_raw_latex,
                   inline_images=options.fmt in ("epub", "html"),  # pandoc is sandboxed
                   paged=options.fmt == "pdf",  # footnotes at the page foot
                   break_before=config.break_before,
                   math_pictures=options.fmt in ("pdf", "html"),  # the EPUB has MathML
                   ereader_links=options.fmt == "epub",  # no obsidian:// links
                   mermaid=mermaid.find(config.mermaid, config.chromium, vault.root),
                   diagram_images=options.fmt == "epub",  # files: e-readers' inline SVG is strict
                   short_citations=options.short_citations,
                   citations_once=options.format_citations
                   and citations.formats_once(options.csl)),
        own_chapter=own_chapter, vault=vault, parsed=parsed,
        prefixes=dict(zip(rels, prefixes, strict=True)),
        outlines=dict(zip(rels, outlines, strict=True)), books=found,
        index_terms=index_terms.front_matter_terms(vault, rels), cache=cache,
        properties=properties.tables(selected, config.properties, cache, options.processes))
    filtered = per_note.filter_all(selected, context, cache, pool)

    for part in filtered:
        warnings.extend(part.warnings)
    for note in sorted({note for part in filtered for note, _ in part.uncited}):
        warnings.warn("page numbers but no book to cite (front matter needs `author`); "
                      "left as written", note, kind="uncited-pages")
    book.tags = unique([*book.tags, *(tag for part in filtered for tag in part.tags)])
    meta = metadata(options, book, found)
    parts, references = [part.blocks for part in filtered], []
    if context.flags["citations_once"] and "references" in meta.metadata:
        pool.progress.stage("Formatting citations")
        formatted, references = citations.format_kept(
            cache, meta, {key: cite for part in filtered for key, cite in part.citations.items()},
            unique(key for part in filtered for key in part.cited), options.processes)
        parts = [citations.fill(part, formatted) for part in parts]
        del meta.metadata["references"]  # the writers have no citeproc left to run
    occurrences = [tuple(o) for part in filtered for o in part.occurrences]
    return Guide(
        meta=meta, parts=parts, references=references, book=book, warnings=warnings,
        index=index.build(occurrences, context.anchors, vault, grouped=book.index_groups),
        contents=[entry for part in filtered for entry in part.contents],
        chapter_pages={k: v for part in filtered for k, v in part.chapter_pages.items()},
        cited=unique(key for part in filtered for key in part.cited),
        images=unique(PurePosixPath(i) for part in filtered for i in part.images),
        diagrams={name: svg for part in filtered for name, svg in part.diagrams.items()},
        embedded=unique(rel for part in filtered for rel in part.embedded), context=context)


def metadata(options: Options, book: Book, found: bibliography.Books) -> pf.Doc:
    """An empty Doc holding the guide's metadata and what the writers read of the options."""
    meta = pf.Doc(api_version=pandoc.API_VERSION)
    meta.format = "latex" if options.fmt == "latex" else "html"
    meta.csl, meta.short_citations = options.csl, options.short_citations
    bibliography.attach(meta, found)
    if options.fmt == "pdf" and "references" in meta.metadata:
        # A citation that links to its reference is three boxes for WeasyPrint, not one:
        # the body's layout takes a fifth longer. On paper a reader looks it up.
        meta.metadata["link-citations"] = False
    describe(meta, book)
    return meta


def unique(items) -> list:
    return list(dict.fromkeys(items))


def read_vault(options: Options, warnings: Warnings) -> tuple[Vault, VaultConfig]:
    """The vault index and its config: of the folder given, or of the vault one note is in
    (see vault_root), whose other notes the note may embed.

    A note of the folder that cannot be read is left out (its error kept in `warnings`);
    the one note asked for fails the export.
    """
    root = vault_root(options.source)
    if options.source.is_dir():
        paths, attachments = scan(root, output_dirs_inside(root, options), warnings)
        notes = []
        for path in paths:
            try:
                notes.append(reader.read_note(path, root, warnings))
            except ExportError as error:
                warnings.leave_out(error)
        left_out = {str(error.path): reason(error) for error in warnings.left_out}
    else:
        notes, attachments, left_out = read_around(options.source, root, options, warnings)
    return Vault(root, notes, attachments, warnings, left_out), load_vault_config(root, warnings)


def leave_out_unparsed(vault: Vault, selected: list[Note], parsed: reader.ParsedNotes,
                       options: Options, warnings: Warnings) -> tuple[Vault, list[Note]]:
    """The vault and the notes to export without those pandoc could not parse (too deep,
    too slow), each error kept in `warnings`; the one note asked for fails the export, and
    so does a guide left with no note."""
    unparsed = parsed.errors(selected)
    if unparsed and options.source.is_file():
        raise next(iter(unparsed.values()))
    for error in unparsed.values():
        warnings.leave_out(error)
    selected = [note for note in selected if str(note.rel) not in unparsed]
    if not selected and warnings.left_out:
        raise ExportError("no notes to export; every note was left out:\n"
                          + "\n".join(map(str, warnings.left_out)), vault.root)
    if not selected:
        raise ExportError("no notes to export", vault.root)
    if unparsed:
        vault = vault.without({rel: reason(error) for rel, error in unparsed.items()})
    return vault, selected


def read_around(source: Path, root: Path, options: Options, warnings: Warnings
                ) -> tuple[list[Note], list[PurePosixPath], dict[str, str]]:
    """The note `source` (even where a scan skips, as in .trash), the vault's other notes
    and files, and why each note left out was. Only the note's own problems are told:
    another note that cannot be read is left out quietly (an embed of it warns)."""
    single = root / note_in_vault(source, root)
    paths, attachments = scan(root, output_dirs_inside(root, options))
    notes, left_out = [], {}
    for path in paths if single in paths else [*paths, single]:
        try:
            notes.append(reader.read_note(path, root, warnings if path == single else Warnings()))
        except ExportError as error:
            if path == single:
                raise
            left_out[str(error.path)] = reason(error)
    return notes, attachments, left_out


def make_book(options: Options, config: VaultConfig, notes: list[Note],
              outlines: list[Outline], root: Path, warnings: Warnings) -> Book:
    """What the title page and the writers need to know about the guide."""
    titles = [outline.title_text for outline in outlines]
    return Book(title=book_title(options, config, notes, titles, root),
                author=book_author(options, config, notes),
                source=first_source(notes, outlines), notes=notes, root=root,
                paper=options.paper or config.paper or "a4",
                lang=book_language(notes, warnings, config.lang), tags=header_tags(outlines),
                index_groups=config.index_groups, theme=options.theme, css=options.css,
                template=options.template, duplex=options.duplex,
                fonts=chosen_fonts(config, root, warnings),
                cover=cover_image(config, root, warnings))



def cover_image(config: VaultConfig, root: Path, warnings: Warnings) -> Path | None:
    """exporter.toml's `cover`, if it is an image file inside the vault; else a warning."""
    if not config.cover:
        return None
    path = vault_file(root, config.cover)
    if path is not None and path.suffix.lower() in COVER_TYPES:  # as the EPUB can hold it
        return path
    warnings.warn(f"cover {config.cover!r}: no such image inside the vault; no cover",
                  CONFIG_NAME, line_of_key((root / CONFIG_NAME).read_text(encoding="utf-8"),
                                           "cover"), kind="config")
    return None


def write(guide: Guide, options: Options, output: Path, result: Result, pool: Workers) -> None:
    """Write the guide in the asked format, replacing `output` atomically.

    Under --strict a warning raised while writing fails the export before the rename.
    """
    meta, book, warnings = guide.meta, guide.book, guide.warnings
    warnings.check_strict()
    if options.fmt == "pdf":
        # imported only for a PDF (WeasyPrint takes a third of a second), and whole: pikepdf's
        # C++ part aborts the process when Ctrl-C cuts its import short
        with interrupts_held():
            from .render import guide_pdf
    with atomic_output(output) as partial, time_limit(WRITE_SECONDS, f"writing {output.name}"):
        if options.fmt == "pdf":
            guide_pdf.write_guide(guide, partial, pool, Cache(options.cache_folder))
        elif options.fmt == "latex":
            pool.progress.stage("Writing LaTeX")
            if guide.index:
                meta.content.append(pf.RawBlock("\\printindex", "latex"))
            meta.content.extend(guide.references)
            partial.write_text(latex.render(meta, book, guide.parts, pool.processes,
                                            guide.context.own_chapter), encoding="utf-8")
            latex.copy_images(guide.images, book.root, output.parent)
            latex.write_diagrams(guide.diagrams, output.parent)
        else:
            meta.content.extend([*index.to_blocks(guide.index), *guide.references])
            pool.progress.stage(f"Writing {options.fmt.upper()}")
            if options.fmt == "epub":
                epub.write_epub(meta, book, partial, guide.parts, pool.processes,
                                guide.context.own_chapter)
            else:
                partial.write_text(html.render(meta, book, guide.parts, self_contained=True),
                                   encoding="utf-8")
        warnings.check_strict()
    if options.fmt == "latex" and options.compile_tex:
        pool.progress.stage("Compiling LaTeX")
        result.extra.append(latex.compile_pdf(
            output, [*guide.images, *map(PurePosixPath, guide.diagrams)]))


def describe(doc: pf.Doc, book: Book) -> None:
    """The metadata every writer reads: title, author, language, keywords."""
    doc.metadata["title"] = pf.MetaString(book.title)
    doc.metadata["pagetitle"] = pf.MetaString(book.title)
    doc.metadata["lang"] = pf.MetaString(book.lang)
    if book.dir == "rtl":  # pandoc: dir on the HTML, the EPUB's page progression
        doc.metadata["dir"] = pf.MetaString("rtl")
        doc.metadata["page-progression-direction"] = pf.MetaString("rtl")
    if book.author:
        doc.metadata["author"] = pf.MetaString(book.author)
    if book.tags:
        doc.metadata["keywords"] = pf.MetaList(*[pf.MetaString(t) for t in book.tags])
    if book.source:
        doc.metadata["description"] = pf.MetaString(f"Study guide. Source: {book.source}")


def note_source(note: Note, outline: Outline) -> str | None:
    """A note's source URL: front matter `source`, else its `SOURCE:` header line's link."""
    if note.meta.get("source"):
        return str(note.meta["source"])
    header = outline.header_inlines("source")
    links = [e for e in header if isinstance(e, pf.Link)]
    if links:
        return links[0].url
    return pf.stringify(pf.Plain(*header)).strip() if header else None


def first_source(notes: list[Note], outlines: list[Outline]) -> str | None:
    """The book's source URL: the first note's that has one."""
    return next(filter(None, map(note_source, notes, outlines)), None)


def header_tags(outlines: list[Outline]) -> list[str]:
    """Tags listed on `TAGS:` header lines, without '#'."""
    found = []
    for outline in outlines:
        for word in pf.stringify(pf.Plain(*outline.header_inlines("tags"))).split():
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

"""Hostile vaults: nothing from outside the vault reaches any output, nothing is fetched,
the vault never changes, and every fault ends, in bounded time, in a clear message."""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time
import zipfile
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from pypdf import PdfReader

from exporter import ExportError, export, pandoc

from .conftest import FIXTURES, ROOT, SEEDS, epubcheck, require_tex

HOSTILE = FIXTURES / "hostile"
SECRET = "OUTSIDE-SECRET"  # in every file outside the vault; never in an output
FORMATS = ["pdf", "epub", "latex", "html"]
EXTENSIONS = {"pdf": "pdf", "epub": "epub", "latex": "tex", "html": "html"}


class Tracker(ThreadingHTTPServer):
    """A server on 127.0.0.1 that counts the connections made to it and serves a PNG."""

    def __init__(self):
        self.requests: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(handler):  # noqa: N805
                body = png(2, 2)
                handler.send_response(200)
                handler.send_header("Content-Type", "image/png")
                handler.send_header("Content-Length", str(len(body)))
                handler.end_headers()
                handler.wfile.write(body)

            def log_message(handler, *args):  # noqa: N805
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"

    def verify_request(self, request, client_address):
        self.requests.append(str(client_address))  # every connection, even a broken one
        return True


@pytest.fixture(scope="module")
def tracker():
    server = Tracker()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def png(width: int, height: int, colour: bytes = b"\xff\x00\x00") -> bytes:
    """A small PNG of one colour."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + colour * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                             0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


SECRET_PNG = png(7, 3, b"\x12\x34\x56")


def make_vault(root: Path, tracker_url: str) -> tuple[Path, Path]:
    """The hostile fixture in root/vault, its placeholders filled in; root/outside holds
    the files it reaches for, and the vault has symlinks to them."""
    outside = root / "outside"
    outside.mkdir()
    for name in ["secret.txt", "secret.md", "secret.html", "secret.bib", "secret.tex"]:
        (outside / name).write_text(f"{SECRET} in {name}\n")
    (outside / "secret.css").write_text(f'body::before {{ content: "{SECRET} in css"; }}\n')
    (outside / "secret.png").write_bytes(SECRET_PNG)
    vault = root / "vault"
    shutil.copytree(HOSTILE, vault)
    for note in vault.rglob("*.md"):
        text = note.read_text().replace("OUTSIDE", str(outside)).replace("TRACKER", tracker_url)
        note.write_text(text)
    (vault / "Leak.md").symlink_to(outside / "secret.md")
    (vault / "Attachments" / "Leak.png").symlink_to(outside / "secret.png")
    (vault / "Outside folder").symlink_to(outside, target_is_directory=True)
    (vault / "Windows.md").write_bytes(b"\xef\xbb\xbf---\r\norder: 7\r\n---\r\n"
                                       b"WINDOWS-BODY-OK.\r\nSecond line.\r\n")
    return vault, outside


def checksums(folder: Path) -> dict[str, str]:
    """Every entry below `folder` (not following symlinks): file digests, link targets."""
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        if path.is_symlink():
            found[rel] = "-> " + os.readlink(path)
        elif path.is_file():
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            found[rel] = "dir"
    return found


def pdf_text(path: Path) -> str:
    return " ".join(" ".join((p.extract_text() or "") for p in PdfReader(path).pages).split())


def output_texts(folder: Path) -> dict[str, bytes | str]:
    """What each output file holds: PDF text, EPUB members, other files' bytes."""
    texts: dict[str, bytes | str] = {}
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        texts[str(path)] = path.read_bytes()
        if path.suffix == ".pdf":
            texts[f"{path} (text)"] = pdf_text(path)
        if path.suffix == ".epub":
            with zipfile.ZipFile(path) as book:
                for name in book.namelist():
                    texts[f"{path}:{name}"] = book.read(name)
    return texts


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, tracker):
    """The hostile vault exported in every format (LaTeX compiled when TeX is here)."""
    root = tmp_path_factory.mktemp("hostile")
    vault, outside = make_vault(root, tracker.url)
    before = {"vault": checksums(vault), "outside": checksums(outside),
              "root": sorted(p.name for p in root.iterdir())}
    results, times = {}, {}
    for fmt in FORMATS:
        out = root / "out" / fmt / f"guide.{EXTENSIONS[fmt]}"
        compile_tex = fmt == "latex" and shutil.which("latexmk") is not None
        started = time.monotonic()
        results[fmt] = export(vault, fmt, output=out, compile_tex=compile_tex)
        times[fmt] = time.monotonic() - started
    return dict(root=root, vault=vault, outside=outside, before=before, results=results,
                times=times, requests=list(tracker.requests))


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_outside_content_reaches_the_output(hostile, fmt):
    texts = output_texts(hostile["root"] / "out" / fmt)
    assert texts
    for name, content in texts.items():
        data = content.encode() if isinstance(content, str) else content
        assert SECRET.encode() not in data, name
        assert SECRET_PNG not in data, name
        if name.endswith(".tex"):  # elsewhere math prints as written, harmlessly
            assert b"\\input{" + str(hostile["outside"]).encode() not in data, name


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_notes_themselves_are_printed(hostile, fmt):
    out = hostile["results"][fmt].output
    if fmt == "pdf":
        text = pdf_text(out)
    elif fmt == "epub":
        with zipfile.ZipFile(out) as book:
            text = " ".join(book.read(n).decode() for n in book.namelist()
                            if n.endswith(".xhtml"))
    else:
        text = out.read_text()
    for token in ["GUIDE-BODY-OK", "EMBEDDED-BODY-OK", "BAD-YAML-BODY-KEPT", "TYPES-BODY-OK",
                  "WINDOWS-BODY-OK", "A styled span."]:
        assert token in text, token


def test_no_request_reaches_the_tracker(hostile):
    assert hostile["requests"] == []


def test_the_vault_and_its_surroundings_do_not_change(hostile):
    root = hostile["root"]
    assert checksums(hostile["vault"]) == hostile["before"]["vault"]
    assert checksums(hostile["outside"]) == hostile["before"]["outside"]
    assert sorted(p.name for p in root.iterdir()) == sorted(hostile["before"]["root"] + ["out"])
    assert not (hostile["outside"] / "pwned").exists()


def test_every_export_ends_in_bounded_time(hostile):
    assert max(hostile["times"].values()) < 120, hostile["times"]


def warnings_of(hostile, fmt):
    return "\n".join(hostile["results"][fmt].warnings)


def guide_line(hostile, text):
    """The line of Guide.md (after its front matter) on which `text` is first written."""
    lines = (hostile["vault"] / "Guide.md").read_text().splitlines()
    return next(n for n, line in enumerate(lines, start=1) if n > 14 and text in line)


def test_paths_out_of_the_vault_are_refused_naming_file_and_line(hostile):
    warnings = warnings_of(hostile, "html")
    outside = hostile["outside"]
    for target, written in [("../outside/secret", "[[../outside/secret]]"),
                            (f"{outside}/secret", f"[[{outside}/secret]]"),
                            ("../outside/secret.md", "(../outside/secret.md)"),
                            (f"{outside}/secret.md", f"[[{outside}/secret.md]]"),
                            ("../outside/secret.png", "(../outside/secret.png)"),
                            (f"{outside}/secret.png", f"({outside}/secret.png)")]:
        line = guide_line(hostile, written)
        assert f"Guide.md:{line}: {target}: outside the vault; refused" in warnings, target
    assert "Leak.md: a symlink to outside the vault; skipped" in warnings
    assert "Attachments/Leak.png: a symlink to outside the vault; skipped" in warnings
    assert "Outside folder: a symlink to outside the vault; skipped" in warnings
    line = guide_line(hostile, "file://")
    assert f"Guide.md:{line}: image refused: file://{outside}/secret.png is not a file of the " \
        "vault" in warnings


def test_raw_html_that_loads_anything_is_dropped_naming_file_and_line(hostile):
    warnings = warnings_of(hostile, "html")
    for tag in ["iframe", "object", "embed", "script", "style", "link", "base", "meta"]:
        line = guide_line(hostile, f"<{tag}")
        assert re.search(rf"Guide.md:{line}: raw HTML <{tag}> dropped", warnings), tag
    for written, message in [("<image href", "raw HTML <image href=...>: href dropped"),
                             ("<video poster", "raw HTML <video poster=...>: poster dropped"),
                             ("url('", "attribute style="),
                             ('<a rel="attachment"', "raw HTML <a rel=...>: rel dropped"),
                             ("<table background",
                              "raw HTML <table background=...>: background dropped"),
                             ("{rel=attachment}", "attribute rel='attachment' dropped"),
                             (r"\75 rl", "raw HTML <p style=...>: style dropped")]:
        assert f"Guide.md:{guide_line(hostile, written)}: {message}" in warnings, written
    assert "Embedded.md:8: raw HTML <iframe> dropped" in warnings
    html = hostile["results"]["html"].output.read_text()
    for trace in ["<iframe", "<object", "<embed", "<script", "<link", "<base", "<meta",
                  "import.css", "url(", "svg.png", "poster", 'rel="attachment"', "table.png"]:
        assert trace not in html.split("</style>", 1)[-1], trace  # the body, not our styles


def test_remote_images_are_placeholders(hostile):
    warnings = warnings_of(hostile, "pdf")
    assert re.search(r"remote image not fetched: http://127\.0\.0\.1:\d+/remote\.png", warnings)
    html = hostile["results"]["html"].output.read_text()
    assert re.search(r"\[remote image: http://127\.0\.0\.1:\d+/remote\.png\]", html)
    assert "[remote image: http" in pdf_text(hostile["results"]["pdf"].output)


def test_vault_images_are_still_printed(hostile):
    html = hostile["results"]["html"].output.read_text()
    assert html.count("data:image/png;base64,") >= 2  # ![[ok.png|40]] and the raw <img>
    with zipfile.ZipFile(hostile["results"]["epub"].output) as book:
        images = [n for n in book.namelist() if n.endswith(".png")]
        assert images and all(book.read(n) != SECRET_PNG for n in images)
    sizes = {tuple(image.image.size) for page in PdfReader(hostile["results"]["pdf"].output).pages
             for image in page.images}
    assert sizes and (7, 3) not in sizes


def test_raw_latex_that_reaches_files_or_the_shell_is_dropped(hostile):
    warnings = warnings_of(hostile, "latex")
    for command in [r"\input{", r"\include{", r"\openin", r"\write18", r"\directlua",
                    r"\newcommand{\leak}", r"\csname"]:
        line = guide_line(hostile, command)
        assert re.search(rf"Guide.md:{line}: raw LaTeX dropped", warnings), command
    tex = hostile["results"]["latex"].output.read_text()
    for trace in [r"\input{/", r"\include{/", r"\openin", r"\write18", r"\directlua",
                  r"\csname input"]:
        assert trace not in tex, trace
    assert re.search(r"Math:\s+\\texttt\{\\textbackslash\{\}input", tex)  # shown as code


def test_front_matter_of_notes_never_reaches_pandoc(hostile):
    tex = hostile["results"]["latex"].output.read_text()
    html = hostile["results"]["html"].output.read_text()
    outside = str(hostile["outside"])
    for text in (tex, html):
        assert "include-after.png" not in text and "secret.css" not in text
        assert f'<iframe src="{outside}' not in text
    with zipfile.ZipFile(hostile["results"]["epub"].output) as book:
        opf = book.read("EPUB/content.opf").decode()
    assert "cover-image" not in opf


def test_bad_front_matter_warns_and_yaml_types_become_strings(hostile):
    warnings = warnings_of(hostile, "html")
    assert "Bad YAML.md:4: front matter unreadable" in warnings


def test_embed_cycles_stop_with_a_notice(hostile):
    warnings = warnings_of(hostile, "html")
    assert "embed cycle: Guide.md -> Loops/A.md -> Loops/B.md -> Loops/A.md" in warnings


def test_no_attachment_reaches_the_pdf(hostile):
    assert PdfReader(hostile["results"]["pdf"].output).attachments == {}


def test_strict_makes_the_warnings_fatal_and_writes_nothing(hostile, tmp_path):
    for fmt in FORMATS:
        out = tmp_path / fmt / f"guide.{EXTENSIONS[fmt]}"
        with pytest.raises(ExportError, match=r"warning\(s\) under --strict"):
            export(hostile["vault"], fmt, output=out, strict=True)
        assert not out.parent.exists() or list(out.parent.iterdir()) == []


# Faults that fail an export: each must end, soon, in an ExportError naming the note.

ALIAS_BOMB = "---\n" + "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 10)) + "---\nBody.\n"


@pytest.mark.parametrize("text, message", [
    (ALIAS_BOMB, "expanding to more than 10000 values"),
    ("---\nkey: " + "x" * 70_000 + "\n---\nBody.\n", "front matter larger than 64 KB"),
    ("---\nkey: " + "[" * 5000 + "]" * 5000 + "\n---\nBody.\n", "nested deeper than 50"),
    ("---\nkey: " + "[" * 60 + "]" * 60 + "\n---\nBody.\n", "nested deeper than 50"),
])
def test_explosive_front_matter_is_an_error_naming_the_note(tmp_path, text, message):
    (tmp_path / "Bomb.md").write_text(text)
    started = time.monotonic()
    with pytest.raises(ExportError, match=rf"Bomb\.md: .*{message}"):
        export(tmp_path, "html", output=tmp_path / "out" / "x.html")
    assert time.monotonic() - started < 10


def test_yaml_types_become_strings_and_a_bom_and_crlf_are_read(tmp_path):
    from exporter import reader
    from exporter.log import Warnings
    note = tmp_path / "Types.md"
    note.write_bytes((HOSTILE / "Types.md").read_bytes().replace(b"\n", b"\r\n")
                     .replace(b"---", b"\xef\xbb\xbf---", 1))
    meta = reader.read_note(note, tmp_path, Warnings()).meta
    assert meta["date"] == "2024-03-01" and meta["published"] == "2024-03-01 10:00:00"
    assert meta["tags"] == ["a", 2, "2024-01-01"]
    assert meta["nested"] == {"when": "2024-01-01", "list": [1, {"x": "2020-02-02"}]}
    assert meta["count"] == 12 and meta["draft"] is False and meta["nothing"] is None


def exporter_cli(*args, cwd=ROOT, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "exporter", *map(str, args)], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_note_that_is_not_utf8_is_an_error_naming_file_and_byte(tmp_path, fmt):
    vault = tmp_path / "vault"
    shutil.copytree(FIXTURES / "prince", vault)
    (vault / "Latin-1.md").write_bytes(b"---\ntitle: x\n---\nCaf\xe9 cr\xe8me\n")
    out = tmp_path / "out" / f"guide.{EXTENSIONS[fmt]}"
    done = exporter_cli(fmt, vault, "-o", out)  # the vault: exported without the note
    _, stderr = done.communicate(timeout=120)
    assert done.returncode == 0
    assert "error: Latin-1.md:4: not UTF-8 (byte 20)" in stderr and "Traceback" not in stderr
    assert "1 note left out: Latin-1.md (not UTF-8)" in stderr and out.exists()
    done = exporter_cli(fmt, vault / "Latin-1.md", "-o", tmp_path / "one" / out.name)
    _, stderr = done.communicate(timeout=120)  # the note alone: the export fails
    assert done.returncode == 1
    assert "error: Latin-1.md:4: not UTF-8 (byte 20)" in stderr and "Traceback" not in stderr
    assert not (tmp_path / "one").exists()


def deep(kind: str, levels: int) -> str:
    if kind == "quotes":
        return ">" * levels + " deep\n"
    if kind == "lists":
        return "".join("  " * i + "- item\n" for i in range(levels))
    return "<span>" * levels + "x" + "</span>" * levels + "\n"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind, levels", [("quotes", 600), ("lists", 300), ("spans", 400)])
def test_nesting_too_deep_is_an_error_on_that_note(tmp_path, fmt, kind, levels):
    shutil.copytree(FIXTURES / "prince", tmp_path / "vault")
    (tmp_path / "vault" / "Deep.md").write_text("Fine.\n\n" + deep(kind, levels))
    result = export(tmp_path / "vault", fmt, output=tmp_path / "out" / "x")
    assert [str(error) for error in result.left_out] == [f"Deep.md: {pandoc.TOO_DEEP}"]
    with pytest.raises(ExportError, match="Deep.md: nesting too deep"):
        export(tmp_path / "vault" / "Deep.md", fmt, output=tmp_path / "out" / "y")


@pytest.mark.parametrize("fmt", FORMATS)
def test_nesting_through_embeds_stops_with_a_notice(tmp_path, fmt):
    for i in range(8):  # each note 40 quotes deep, embedding the next in its deepest quote
        (tmp_path / f"n{i}.md").write_text(">" * 40 + f" level {i} ![[n{i + 1}]]\n")
    (tmp_path / "n8.md").write_text("The bottom.\n")
    (tmp_path / "exporter.toml").write_text('notes = ["n0"]\n')
    result = export(tmp_path, fmt, output=tmp_path / "out" / f"x.{EXTENSIONS[fmt]}")
    assert any("would nest the text more than 130 levels deep" in w for w in result.warnings)


def fan_out_vault(root: Path) -> None:
    for level in range(6):  # each note embeds the next 10 times: 10^6 copies unbounded
        embeds = "\n\n".join(f"![[n{level + 1}]]" for _ in range(10))
        (root / f"n{level}.md").write_text(f"Level {level}.\n\n{embeds}\n")
    (root / "n6.md").write_text("The bottom.\n")
    (root / "exporter.toml").write_text('notes = ["n0"]\n')


@pytest.mark.parametrize("fmt", FORMATS)
def test_embed_fan_out_stops_at_a_budget_and_says_so(tmp_path, fmt):
    fan_out_vault(tmp_path)
    started = time.monotonic()
    result = export(tmp_path, fmt, output=tmp_path / "out" / f"x.{EXTENSIONS[fmt]}")
    assert time.monotonic() - started < 60
    assert "n5.md: ![[n6]]: more than 1000 embeds in one note" in result.warnings


def test_a_pandoc_parse_that_runs_too_long_is_cut_short(tmp_path, monkeypatch):
    monkeypatch.setattr(pandoc, "PARSE_SECONDS", 1)
    staircase = "".join("> " * (i + 1) + "x\n" for i in range(24))  # exponential in pandoc
    (tmp_path / "Stairs.md").write_text(staircase)
    started = time.monotonic()
    with pytest.raises(ExportError, match="Stairs.md: pandoc took longer than 1 s"):
        export(tmp_path, "html", output=tmp_path / "out" / "x.html")
    assert time.monotonic() - started < 10


def test_a_layout_that_runs_too_long_is_cut_short(tmp_path, monkeypatch):
    from exporter import pipeline
    monkeypatch.setattr(pipeline, "WRITE_SECONDS", 0.5)
    out = tmp_path / "out" / "x.pdf"
    started = time.monotonic()
    with pytest.raises(ExportError, match=r"writing x\.pdf took longer than 0\.5 s"):
        export(SEEDS, "pdf", output=out, cache=False)  # no layout kept from other tests
    assert time.monotonic() - started < 10
    assert list(out.parent.iterdir()) == []


def test_ctrl_c_leaves_no_partial_file_and_exits_130(tmp_path):
    finished_whole = []  # the stage lines of each export the signal came too late for
    for attempt in range(5):
        out = tmp_path / str(attempt) / "guide.pdf"
        # --no-cache: with the seed's layout cached by other tests the write is over in a
        # few milliseconds, and the signal would come after it
        done = exporter_cli("pdf", SEEDS, "-o", out, "--no-cache")
        deadline = time.monotonic() + 120
        while not any(out.parent.glob("*.part")):
            assert done.poll() is None, "the export ended before its PDF was being written"
            assert time.monotonic() < deadline
            time.sleep(0.01)
        done.send_signal(signal.SIGINT)  # while the PDF is being written
        _, stderr = done.communicate(timeout=60)
        if done.returncode == 0:  # on a loaded machine the signal came after the write:
            assert [p.name for p in out.parent.iterdir()] == ["guide.pdf"]  # whole, then
            finished_whole.append(stderr)
            continue
        assert done.returncode == 130, stderr
        assert "interrupted: nothing written" in stderr
        assert list(out.parent.iterdir()) == []
        return
    pytest.fail("five exports ended before the signal reached them:\n" + "\n".join(finished_whole))


def test_a_symlinked_note_out_of_its_folder_is_refused(tmp_path):
    (tmp_path / "outside.md").write_text(f"{SECRET}\n")
    (tmp_path / "vault").mkdir()
    (tmp_path / "vault" / "link.md").symlink_to(tmp_path / "outside.md")
    with pytest.raises(ExportError, match="link.md: a symlink to outside the vault; refused"):
        export(tmp_path / "vault" / "link.md", "html", output=tmp_path / "out" / "x.html")


def test_an_output_folder_inside_the_vault_is_not_scanned(tmp_path):
    vault = tmp_path / "vault"
    shutil.copytree(FIXTURES / "prince", vault)
    (vault / "build").mkdir()
    (vault / "build" / "Old export.md").write_text("NOT-A-NOTE\n")
    before = checksums(vault)
    out = vault / "build" / "guide.html"
    assert "NOT-A-NOTE" not in export(vault, "html", output=out).output.read_text()
    after = checksums(vault)
    assert {k: v for k, v in after.items() if k != "build/guide.html"} == before


# TeX: with --allow-raw-latex the raw LaTeX reaches TeX, which still runs no command and
# reads no file outside its folder.

def test_tex_runs_no_shell_command(tmp_path):
    require_tex()
    marker = tmp_path / "pwned"
    (tmp_path / "vault").mkdir()
    (tmp_path / "vault" / "Shell.md").write_text(
        f"Before.\n\n\\immediate\\write18{{touch {marker}}}\n\n"
        "\\ifnum\\shellescape=0 SHELL-DISABLED\\else SHELL-ALLOWED\\fi\n\nAfter.\n")
    result = export(tmp_path / "vault", "latex", output=tmp_path / "out" / "x.tex",
                    compile_tex=True, allow_raw_latex=True)
    assert r"\immediate\write18" in result.output.read_text()  # it did reach TeX
    text = pdf_text(result.extra[0])
    assert "SHELL-DISABLED" in text and "After." in text  # not even the restricted shell
    assert not marker.exists()


def test_tex_reads_no_file_outside_its_folder(tmp_path):
    require_tex()
    secret = tmp_path / "secret.tex"
    secret.write_text(f"{SECRET}\n")
    (tmp_path / "vault").mkdir()
    (tmp_path / "vault" / "Read.md").write_text(f"Before.\n\n\\input{{{secret}}}\n\nAfter.\n")
    out = tmp_path / "out" / "x.tex"
    try:
        result = export(tmp_path / "vault", "latex", output=out, compile_tex=True,
                        allow_raw_latex=True)
    except ExportError as error:  # TeX refuses the file: openin_any=p
        assert "TeX failed" in str(error)
    else:
        assert SECRET not in pdf_text(result.extra[0])
    assert all(SECRET.encode() not in p.read_bytes() for p in out.parent.glob("*.pdf"))


def test_remote_images_are_fetched_only_with_allow_remote(tmp_path):
    server = Tracker()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        (tmp_path / "vault").mkdir()
        (tmp_path / "vault" / "Remote.md").write_text(f"![a pixel]({server.url}/pixel.png)\n")
        html = export(tmp_path / "vault", "html", output=tmp_path / "out" / "x.html",
                      allow_remote=True).output.read_text()
        assert len(server.requests) == 1
        assert "data:image/png;base64," in html and "[remote image" not in html
        export(tmp_path / "vault", "html", output=tmp_path / "out" / "y.html")
        assert len(server.requests) == 1
    finally:
        server.shutdown()
        server.server_close()


def test_pandoc_packages_nothing_from_outside_even_past_the_filters(tmp_path):
    """The sandbox alone: a Doc the filters never saw, written straight to EPUB."""
    import panflute as pf

    from exporter.model import Book
    from exporter.render import epub
    (tmp_path / "secret.png").write_bytes(SECRET_PNG)
    (tmp_path / "vault").mkdir()
    doc = pf.Doc(pf.Para(pf.Image(url=str(tmp_path / "secret.png")),
                         pf.RawInline(f'<img src="{tmp_path / "secret.png"}"/>', "html"),
                         pf.RawInline('<img src="../secret.png"/>', "html")),
                 api_version=(1, 23, 1))
    doc.metadata["title"] = pf.MetaString("T")
    epub.write_epub(doc, Book("T", None, None, [], tmp_path / "vault"), tmp_path / "x.epub")
    with zipfile.ZipFile(tmp_path / "x.epub") as book:
        assert all(SECRET_PNG not in book.read(name) for name in book.namelist())


def test_raw_tex_cannot_be_joined_into_a_command_that_reads_files(tmp_path):
    (tmp_path / "vault").mkdir()
    (tmp_path / "vault" / "Join.md").write_text(
        "A \\def\\a{\\inp}\\def\\b{ut}\\a\\b{/etc/passwd} B\n\n"
        "C \\inp<!-- html, printed as nothing -->ut /etc/passwd D\n\n"
        "E \\inp%%a comment%%ut /etc/hostname F\n\n\\LaTeX<!-- -->ist.\n")
    tex = export(tmp_path / "vault", "latex", output=tmp_path / "out" / "x.tex").output
    body = tex.read_text().split("\\begin{document}", 1)[1]
    assert "\\input" not in body and body.count("\\inp{}ut") == 3
    assert "\\LaTeX{}ist" in body


def test_a_tag_that_loads_something_keeps_its_closing_tag(tmp_path):
    (tmp_path / "vault").mkdir()
    (tmp_path / "vault" / "Styled.md").write_text(
        '<p style="background:url(http://127.0.0.1:9/x.png)" class="kept">styled para</p>\n\n'
        '<video src="http://127.0.0.1:9/v.mp4">a video</video>\n')
    out = export(tmp_path / "vault", "epub", output=tmp_path / "out" / "x.epub").output
    check = epubcheck(out)
    assert "0 fatals / 0 errors" in check.stdout, check.stdout
    with zipfile.ZipFile(out) as book:
        text = " ".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xhtml"))
    assert '<p class="kept">' in text and "styled para" in text and "127.0.0.1" not in text


SVG_LOADING = ("<svg xmlns='http://www.w3.org/2000/svg'><image href='http://127.0.0.1:9/t.png'/>"
               "</svg>")


@pytest.mark.parametrize("fmt", ["epub", "html", "latex"])
def test_an_svg_that_loads_something_is_refused(tmp_path, fmt):
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "loads.svg").write_text(SVG_LOADING)
    (vault / "plain.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'><rect "
                                     "width='4' height='4'/></svg>")
    (vault / "Svg.md").write_text(
        f'<img src="data:image/svg+xml;utf8,{SVG_LOADING}">\n\n![[loads.svg]]\n\n![[plain.svg]]\n')
    result = export(vault, fmt, output=tmp_path / "out" / f"x.{EXTENSIONS[fmt]}")
    if fmt == "epub":
        with zipfile.ZipFile(result.output) as book:
            text = " ".join(book.read(n).decode("utf-8", "replace") for n in book.namelist())
    else:
        text = result.output.read_text().replace("{[}", "[")
    assert "127.0.0.1" not in text and text.count("[refused image") == 2
    assert "Svg.md: image refused: loads.svg is an SVG that loads other files or URLs" \
        in result.warnings


def test_a_remote_image_has_one_time_limit_for_all_of_it(tmp_path, monkeypatch):
    from exporter import images

    class Drip(BaseHTTPRequestHandler):
        def do_GET(self):  # a byte a tenth of a second, for ever
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            try:
                while True:
                    self.wfile.write(b"\x89")
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Drip)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setattr(images, "DOWNLOAD_SECONDS", 1)
    try:
        (tmp_path / "vault").mkdir()
        (tmp_path / "vault" / "Slow.md").write_text(
            f"![slow](http://127.0.0.1:{server.server_address[1]}/slow.png)\n")
        started = time.monotonic()
        result = export(tmp_path / "vault", "html", output=tmp_path / "out" / "x.html",
                        allow_remote=True)
        assert time.monotonic() - started < 10
        assert any("not received within 1 s" in w for w in result.warnings)
    finally:
        server.shutdown()
        server.server_close()


def test_front_matter_that_yaml_cannot_make_values_of_is_a_warning(tmp_path):
    (tmp_path / "Dated.md").write_text("---\ntitle: x\ndate: 2020-02-30\n---\n# Body\n\nText.\n")
    (tmp_path / "Lang.md").write_text("---\nlang: 'en\\input{x}'\n---\nMore text.\n")
    result = export(tmp_path, "epub", output=tmp_path / "out" / "x.epub")
    assert "Dated.md:2: front matter unreadable, exported as text: day is out of range for " \
        "month" in result.warnings
    assert epubcheck(result.output).returncode == 0
    single = export(tmp_path / "Lang.md", "epub", output=tmp_path / "out" / "l.epub")
    assert any("is not a language tag" in w for w in single.warnings)
    assert epubcheck(single.output).returncode == 0
    from exporter.render import current_umask
    assert oct(result.output.stat().st_mode & 0o777) == oct(0o666 & ~current_umask())


def test_every_note_too_slow_to_parse_is_named_and_costs_its_limit_once(tmp_path, monkeypatch):
    monkeypatch.setattr(pandoc, "PARSE_SECONDS", 1)
    staircase = "".join("> " * (i + 1) + "x\n" for i in range(24))  # exponential in pandoc
    for i in range(3):
        (tmp_path / f"Stairs {i}.md").write_text(staircase)
    (tmp_path / "Fine.md").write_text("Fine.\n")
    started = time.monotonic()
    result = export(tmp_path, "html", output=tmp_path / "out" / "x.html", jobs=1, cache=False)
    assert time.monotonic() - started < 3 * 1 + 5  # a second a slow note, and no more
    assert [str(error) for error in result.left_out] == [
        f"Stairs {i}.md: pandoc took longer than 1 s to parse it" for i in range(3)]
    assert "Fine." in result.output.read_text()

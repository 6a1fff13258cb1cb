"""Mermaid diagrams drawn as SVG by mermaid-cli (mmdc) with a local Chromium, and made
into SVG that WeasyPrint, e-readers and cairosvg draw.

mmdc reads a Markdown file of several diagrams in one run (one Chromium start, a second
or more); it stops at the first diagram that does not parse, so a run with an error is
followed by a run of the diagrams after it. A diagram with a line that would end mmdc's
``` block is drawn alone. Chromium is told not to reach the network.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUMS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
# No network: nothing of its own (updates, sync), and what a diagram points at (an image
# node's https://...) goes to a proxy that is not there, with no name looked up
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--headless", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
                "--proxy-bypass-list=<-loopback>"]
# Labels as SVG text, not HTML in <foreignObject> (WeasyPrint and cairosvg draw none of it)
CONFIG = {"htmlLabels": False, "fontFamily": "sans-serif", "securityLevel": "strict",
          **{kind: {"htmlLabels": False} for kind in ("flowchart", "class", "state")}}
RUN_SECONDS = 120
INSTALL = ("Mermaid diagrams printed as code: no renderer found (install Node.js and "
           "`npm install -g @mermaid-js/mermaid-cli`, and Chromium or Chrome; or name them "
           "in exporter.toml: mermaid = \"/path/to/mmdc\", chromium = \"/path/to/chromium\")")
SVG_START = re.compile(r"<svg ([^>]*)>")
PLACE = re.compile(r'\s(?:width|height|style)="[^"]*"')
VIEWBOX = re.compile(r'viewBox="([^"]+)"')
ID = "my-svg"  # mmdc's id for every diagram; each picture is given its own
ERROR_LINE = re.compile(r"on line (\d+)")
TAG = re.compile(r'<([a-zA-Z][\w:-]*)((?:\s+[\w:.-]+="[^"]*")*)\s*(/?)>')
ATTRIBUTE = re.compile(r'\s([a-zA-Z_:][\w:.-]*)="([^"]*)"')
SIZED = {"svg", "rect", "image", "use", "foreignObject", "pattern", "mask", "filter", "symbol"}
VIEWBOXED = {"svg", "symbol", "marker", "pattern", "view"}
OWN_ID = re.compile(r'\sid="([^"]+)"')
SIZE_OF = {name: re.compile(rf'<svg [^>]*?\b{name}="(\d+)"') for name in ("width", "height")}
NOT_SVG_11 = {"name", "transform-origin"}  # attributes epubcheck's SVG schema refuses
GOT = re.compile(r"got '[^']*'")  # the token a parse error did not expect
FENCE_END = re.compile(r"[`:]{3}[^\S\n]*$", re.M)  # what ends a block for mmdc


def find(mmdc: str | None = None, chromium: str | None = None,
         root: Path | None = None) -> dict | None:
    """The renderer: mmdc (as named in exporter.toml, else on PATH), the browser it runs
    (named, else on PATH, else puppeteer's own) and its version; None without mmdc.
    A name is looked for on PATH; a path may start with ~ or be relative to `root`."""
    mmdc = shutil.which(program(mmdc, root)) if mmdc else shutil.which("mmdc")
    if mmdc is None:
        return None
    if chromium:
        chromium = shutil.which(program(chromium, root))
    else:
        chromium = next(filter(None, map(shutil.which, CHROMIUMS)), None)
    version = mmdc_version(mmdc)
    return None if version is None else {"mmdc": mmdc, "chromium": chromium, "version": version}


def program(name: str, root: Path | None) -> str:
    if "/" not in name and "\\" not in name:
        return name
    path = Path(name).expanduser()
    return str(path if path.is_absolute() or root is None else root / path)


def mmdc_version(mmdc: str) -> str | None:
    """mermaid-cli's version: from its package.json (no Node.js start), else `mmdc -V`."""
    package = Path(mmdc).resolve().parent.parent / "package.json"
    try:
        data = json.loads(package.read_text(encoding="utf-8"))
        if data.get("name") == "@mermaid-js/mermaid-cli":
            return data["version"]
    except (OSError, ValueError, KeyError):
        pass
    try:
        done = subprocess.run([mmdc, "--version"], capture_output=True, text=True, timeout=30,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def draw(texts: list[str], renderer: dict) -> list[str]:
    """Each diagram as a picture (see picture()), or the error mmdc gave, starting "error:"."""
    together = [text for text in texts if not FENCE_END.search(text)]
    results: list[str] = []
    with tempfile.TemporaryDirectory(prefix="exporter-mermaid-") as folder:
        folder = Path(folder)
        puppeteer = {"args": BROWSER_ARGS}
        if renderer.get("chromium"):
            puppeteer["executablePath"] = renderer["chromium"]
        (folder / "puppeteer.json").write_text(json.dumps(puppeteer), encoding="utf-8")
        (folder / "mermaid.json").write_text(json.dumps(CONFIG), encoding="utf-8")
        runs = 0
        while len(results) < len(together):
            runs += 1
            results.extend(draw_run(together[len(results):], renderer, folder, runs))
        drawn = dict(zip(together, results, strict=True))
        for text in texts:
            if text not in drawn:
                runs += 1
                drawn[text] = draw_run([text], renderer, folder, runs, alone=True)[0]
    return [drawn[text] for text in texts]


def draw_run(texts: list[str], renderer: dict, folder: Path, run: int,
             alone: bool = False) -> list[str]:
    """One mmdc run over the diagrams: the pictures up to and with the first error."""
    if alone:  # a file of one diagram: drawn as mmdc's Markdown would draw it numbered 1
        source, output = folder / f"run{run}.mmd", folder / f"run{run}-out-1.svg"
        source.write_text(texts[0], encoding="utf-8")
    else:
        source, output = folder / f"run{run}.md", folder / f"run{run}-out.md"
        source.write_text("".join(f"```mermaid\n{text}\n```\n\n" for text in texts),
                          encoding="utf-8")
    command = [renderer["mmdc"], "-q", "-p", str(folder / "puppeteer.json"),
               "-c", str(folder / "mermaid.json"), "--no-font-embed", "-b", "white",
               "-i", str(source), "-o", str(output)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=RUN_SECONDS,
                              stdin=subprocess.DEVNULL, cwd=folder)
        why = error_text(done.stderr) if done.returncode else ""
    except (OSError, subprocess.SubprocessError) as error:
        why = str(error) or type(error).__name__
    pictures = []
    for number in range(1, len(texts) + 1):
        drawn = folder / f"run{run}-out-{number}.svg"
        if not drawn.exists():
            return [*pictures, f"error: {why or 'mmdc drew nothing'}"]
        pictures.append(picture(drawn.read_text(encoding="utf-8")))
    return pictures


def error_text(stderr: str) -> str:
    """What mmdc says went wrong, without the stack and the diagram's text: 'Parse error
    on line 2: got 'TAGEND''."""
    lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
    if not lines:
        return "mmdc failed"
    got = GOT.search(stderr) if lines[0].startswith("Error: Parse error") else None
    return (lines[0].removeprefix("Error: ") + (f" {got[0]}" if got else ""))[:300]


def error_line(error: str) -> int | None:
    """The line of the diagram a parse error names."""
    found = ERROR_LINE.search(error)
    return int(found[1]) if found else None


def picture(svg: str) -> str:
    """mmdc's SVG sized by its viewBox in CSS px, never wider than the text nor taller than
    most of the page (WeasyPrint cut it at the page's foot; mmdc writes width="100%", which
    WeasyPrint draws as nothing when the viewBox does not start at 0),
    with the placeholder ID for the id each copy is given (ids()); no XML declaration."""
    svg = svg[svg.index("<svg"):]
    start = SVG_START.match(svg)
    head = start[1]
    _, _, width, height = (float(n) for n in VIEWBOX.search(head)[1].split())
    head = PLACE.sub("", head).replace('role="graphics-document document"', 'role="img"')
    return (f'<svg {head} width="{width:.0f}" height="{height:.0f}" '
            f'style="max-width:100%;max-height:80vh;display:block;margin:0 auto">'
            + prefixed_ids(TAG.sub(tidy_tag, svg[start.end():])))


def prefixed_ids(svg: str) -> str:
    """Every id mmdc gave without its own prefix (a sequence diagram's id="actor0") with
    it, in the references to it too: with_id() then makes them the picture's own."""
    for name in set(OWN_ID.findall(svg)) - {ID}:
        if not name.startswith(ID):
            svg = re.sub(rf'(id="|url\(#|href="#){re.escape(name)}(?=[")])', rf"\g<1>{ID}-{name}",
                         svg)
    return svg


def tidy_tag(tag: re.Match) -> str:
    """A start tag as SVG 1.1 has it, which epubcheck validates: style="fill:red" as
    fill="red" (WeasyPrint reads style attributes inside an SVG as HTML CSS too, and warns
    of each SVG property it does not know), no empty attributes (an HTML writer prints
    font-weight="" as font-weight), no size or viewBox where SVG 1.1 has none, a rect's
    size always given."""
    name, attributes = tag[1], dict(ATTRIBUTE.findall(tag[2]))
    for declaration in attributes.pop("style", "").split(";"):
        prop, colon, value = declaration.partition(":")
        if colon and prop.strip() and value.strip():
            attributes[prop.strip().lower()] = value.strip().removesuffix("!important").strip()
    dropped = {*NOT_SVG_11, *(("width", "height") if name not in SIZED else ()),
               *(("viewBox",) if name not in VIEWBOXED else ())}
    attributes = {k: v for k, v in attributes.items() if v and k not in dropped}
    if name == "rect":
        attributes = {"width": "0", "height": "0", **attributes}
    return f"<{name}" + "".join(f' {k}="{v}"' for k, v in attributes.items()) + f"{tag[3]}>"


def with_id(picture: str, new_id: str) -> str:
    """The picture with its own id, in its style sheet and references too."""
    return picture.replace(ID, new_id)


def to_pdf(picture: str) -> bytes:
    """The picture as a PDF page of its size, laid out by WeasyPrint, which draws it as
    the PDF guide does (cairosvg draws the labels' words over each other)."""
    import weasyprint  # a third of a second to import: only for a LaTeX guide with diagrams

    width, height = (SIZE_OF[name].search(picture)[1] for name in ("width", "height"))
    page = (f"<style>@page {{size: {width}px {height}px; margin: 0}} "
            f"body {{margin: 0}} svg {{max-height: none !important}}</style>{picture}")
    return weasyprint.HTML(string=page).write_pdf()

"""What an image's bytes may be before an output carries them: a raster image, or an SVG
that loads nothing (an SVG can point at any file or URL, and a reader would follow it)."""
from __future__ import annotations

import base64
import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import PurePosixPath
from urllib.parse import unquote_to_bytes

RASTER = {  # the bytes each raster type starts with
    "image/png": (b"\x89PNG\r\n\x1a\n",), "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"), "image/bmp": (b"BM",), "image/webp": (b"RIFF",),
    "image/avif": (b"\x00\x00\x00",),
}
SVG = "image/svg+xml"
# In an SVG: an href or src not to '#id', url() not to '#id', @import, scripts, foreign
# HTML, entities (which can name files).
SVG_LOADS = re.compile(r"""\b(?:href|src)\s*=\s*["']?\s*(?!#)[^\s"'>]|url\(\s*["']?\s*(?!#)"""
                       r"|@import|<\s*script|<\s*foreignObject|<!ENTITY", re.I)
CONVERT_SECONDS = 60
DOWNLOAD_SECONDS = 20  # for the whole of one image
DOWNLOAD_BYTES = 20 * 2**20


def problem(data: bytes, mime: str) -> str | None:
    """Why these bytes may not be shown as an image of type `mime`; None when they may."""
    if mime == SVG:
        text = data.decode("utf-8", "replace")
        return "an SVG that loads other files or URLs" if SVG_LOADS.search(text) else None
    starts = RASTER.get(mime)
    if starts is None:
        return f"not an image type shown here ({mime})"
    if not data.startswith(starts):
        return f"not a {mime.split('/')[1].upper()} image"
    return None


def data_uri_problem(url: str) -> str | None:
    """Why a data: URI may not be shown as an image; None when it may."""
    head, comma, payload = url[len("data:"):].partition(",")
    if not comma:
        return "a malformed data: URI"
    mime, *params = head.split(";")
    try:
        data = (base64.b64decode(payload, validate=False) if "base64" in params
                else unquote_to_bytes(payload))
    except ValueError:
        return "a malformed data: URI"
    return problem(data, mime.strip().lower() or "text/plain")


def data_uri(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def download(url: str) -> tuple[bytes, str]:
    """An image's bytes and type from an http(s) URL, within DOWNLOAD_SECONDS in all and
    DOWNLOAD_BYTES; ValueError if it is not an image that may be shown."""
    deadline = time.monotonic() + DOWNLOAD_SECONDS
    request = urllib.request.Request(url, headers={"User-Agent": "obsidian-study-guide"})
    with urllib.request.urlopen(request, timeout=DOWNLOAD_SECONDS) as response:
        mime = response.headers.get_content_type()
        chunks, size = [], 0
        while chunk := response.read1(64 * 1024):
            chunks.append(chunk)
            size += len(chunk)
            if size > DOWNLOAD_BYTES:
                raise ValueError(f"larger than {DOWNLOAD_BYTES // 2**20} MB")
            if time.monotonic() > deadline:
                raise ValueError(f"not received within {DOWNLOAD_SECONDS} s")
    data = b"".join(chunks)
    why = problem(data, mime)
    if why:
        raise ValueError(why)
    return data, mime


def tex_file(image: PurePosixPath) -> PurePosixPath:
    """The file a .tex includes for a vault image: for an SVG, which xelatex cannot read
    (\\includesvg needs Inkscape), its PDF beside it."""
    return image.with_name(image.name + ".pdf") if image.suffix.lower() == ".svg" else image


def svg_to_pdf(data: bytes) -> bytes:
    """An SVG as a one-page PDF, with cairosvg (which follows no external file or URL),
    else rsvg-convert (which also sizes an SVG that gives no size); ValueError if
    neither converts it."""
    why = "not convertible here (that needs cairosvg or rsvg-convert)"
    try:
        import cairosvg
        return cairosvg.svg2pdf(bytestring=data)
    except (ImportError, OSError):  # OSError: cairosvg is there, libcairo not
        pass
    except Exception as error:  # cairosvg raises what its XML and CSS parsers raise
        why = f"not convertible to PDF ({str(error).strip()[:100] or type(error).__name__})"
    if shutil.which("rsvg-convert") is not None:
        try:
            return subprocess.run(["rsvg-convert", "--format=pdf"], input=data,
                                  capture_output=True, check=True, timeout=CONVERT_SECONDS).stdout
        except (OSError, subprocess.SubprocessError):
            pass
    raise ValueError(f"an SVG {why}")

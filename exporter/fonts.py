"""The reader's fonts (exporter.toml's font, heading_font, mono_font): an installed family
or a font file inside the vault; a missing one warns, and the guide's own stands."""
from __future__ import annotations

from functools import cache
from pathlib import Path

from .config import CONFIG_NAME, VaultConfig
from .glyphs import fontconfig
from .log import Warnings
from .model import Font, Fonts
from .vault import vault_file

FONT_FILES = {".ttf", ".otf", ".woff", ".woff2"}
ROLES = {"font": "body", "heading_font": "headings", "mono_font": "code"}


def chosen_fonts(config: VaultConfig, root: Path, warnings: Warnings) -> Fonts:
    """The fonts exporter.toml names, each found or warned of and left out."""
    found = {role: find_font(getattr(config, key), key, root, warnings)
             for key, role in ROLES.items() if getattr(config, key)}
    return Fonts(**found)


def find_font(name: str, key: str, root: Path, warnings: Warnings) -> Font | None:
    """`name` as a font file inside the vault, else as an installed family."""
    if Path(name).suffix.lower() in FONT_FILES:
        path = vault_file(root, name)
        if path is not None:
            return Font(family=f"vault {path.stem}", file=path)
        warnings.warn(f"{key} {name!r}: no such font file inside the vault; the guide's own "
                      "font is used", CONFIG_NAME, kind="config")
        return None
    families = installed_families()
    if families is None or name.casefold() in families:
        return Font(family=name)
    warnings.warn(f"{key} {name!r} is not an installed font family (fc-list : family lists "
                  "them); the guide's own font is used", CONFIG_NAME, kind="config")
    return None


@cache
def installed_families() -> frozenset[str] | None:
    """Every family name fontconfig knows, case-folded; None where it cannot be asked."""
    listing = fontconfig("%{family}\n")
    if listing is None:
        return None
    return frozenset(name.strip().casefold() for line in listing.splitlines()
                     for name in line.split(",") if name.strip())

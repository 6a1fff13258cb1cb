"""The LaTeX of what real vaults hold (fixtures/latex_real, after Obsidian's help vault)."""
from __future__ import annotations

import pytest

from exporter import export

from .conftest import FIXTURES

VAULT = FIXTURES / "latex_real"


@pytest.fixture(scope="module")
def tex(tmp_path_factory):
    folder = tmp_path_factory.mktemp("latex_real")
    return " ".join(export(VAULT, "latex", output=folder / "real.tex").output.read_text().split())


def test_links_to_parts_of_notes(tex):
    assert "{Elsewhere › Some heading}\\index{Elsewhere}}" in tex
    assert "{Tables › A heading}\\index{Tables}~(p.~\\pageref{tables--a-heading})" in tex

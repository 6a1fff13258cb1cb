"""exporter.toml: the keys it knows, read with their types; others warned of by line."""
from __future__ import annotations

from exporter.config import VaultConfig, load_vault_config
from exporter.log import Warnings


def test_known_keys_are_read_with_their_types(tmp_path):
    (tmp_path / "exporter.toml").write_text(
        'title = "Reading group"\nauthor = "A. Reader"\npaper = "a5"\n'
        'notes = ["One", "Two.md"]\nindex_groups = false\n')
    warnings = Warnings()
    assert load_vault_config(tmp_path, warnings) == VaultConfig(
        notes=["One", "Two.md"], title="Reading group", author="A. Reader", paper="a5",
        index_groups=False)
    assert warnings.messages == []


def test_unknown_keys_and_wrong_types_warn_with_the_line_and_keep_the_default(tmp_path):
    (tmp_path / "exporter.toml").write_text(
        'title = "Guide"\n\n"tilte" = "typo"\nindex_groups = "no"\nnotes = ["a", 3]\n')
    warnings = Warnings()
    config = load_vault_config(tmp_path, warnings)
    assert config == VaultConfig(title="Guide")
    assert [m.split(": ", 1)[0] for m in warnings.messages] == [
        "exporter.toml:3", "exporter.toml:4", "exporter.toml:5"]
    assert "unknown key 'tilte' (known: notes, title," in warnings.messages[0]
    assert "'index_groups' must be true or false, not 'no'" in warnings.messages[1]
    assert "'notes' must be a list of strings, not ['a', 3]" in warnings.messages[2]

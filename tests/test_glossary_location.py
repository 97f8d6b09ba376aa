"""Which glossary editing commands and `clean` use: --glossary, else $NORMALIZE_GLOSSARY, else
./glossaries in a checkout, else the bundled one, which is never written when it is the copy
installed in site-packages (`normalize glossary init DIR` starts an editable copy)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import normalize.resources as resources
from normalize.cli import main
from normalize.glossary.entries import load_glossary
from normalize.resources import data_dir, default_glossary


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """normalize as `pip install .` lays it out, run from a folder that is no checkout."""
    package = tmp_path / "site-packages" / "normalize"
    for name in ("glossaries", "models", "rules"):
        shutil.copytree(data_dir(name), package / "_data" / name)
    monkeypatch.setattr(resources, "_PACKAGE", package)
    monkeypatch.delenv("NORMALIZE_GLOSSARY", raising=False)
    monkeypatch.setenv("NORMALIZE_CACHE", str(tmp_path / "cache"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return package / "_data" / "glossaries"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_edits_into_the_installed_package_are_refused(installed: Path) -> None:
    before = (installed / "drugs.yaml").read_text(encoding="utf-8")
    code, out = run("glossary", "alias", "add", "pyrotinib", "Quixotinib")
    assert code == 1
    assert "installed with the normalize package" in out
    assert "normalize glossary init DIR" in out
    assert (installed / "drugs.yaml").read_text(encoding="utf-8") == before
    assert run("glossary", "fmt")[0] == 0  # nothing to format: nothing written, no refusal


def test_init_then_edit_and_clean_use_the_editors_folder(
    installed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = tmp_path / "my-glossary"
    code, out = run("glossary", "init", str(mine))
    assert code == 0, out
    assert (mine / "drugs.yaml").read_bytes() == (installed / "drugs.yaml").read_bytes()
    assert (mine / "lexicon" / "zh-en.yaml").is_file()
    assert run("glossary", "init", str(mine))[0] == 1  # never over an existing glossary
    monkeypatch.setenv("NORMALIZE_GLOSSARY", str(mine))
    code, out = run("glossary", "alias", "add", "pyrotinib", "Quixotinib")
    assert code == 0, out
    assert "Quixotinib" in (mine / "drugs.yaml").read_text(encoding="utf-8")
    assert "Quixotinib" not in (installed / "drugs.yaml").read_text(encoding="utf-8")
    assert load_glossary()["pyrotinib"].aliases[-1].text == "Quixotinib"
    text = tmp_path / "news.txt"
    text.write_text("Hengrui said Quixotinib met its primary endpoint.\n", encoding="utf-8")
    code, out = run("clean", "--no-translate", "--no-strip", str(text))
    assert code == 0, out
    assert "pyrotinib met its primary endpoint" in out


def test_a_checkout_uses_its_own_glossaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NORMALIZE_GLOSSARY", raising=False)
    (tmp_path / "glossaries").mkdir()
    (tmp_path / "normalize").mkdir()
    (tmp_path / "normalize" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "normalize"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert default_glossary() == [tmp_path / "glossaries"]
    monkeypatch.chdir(tmp_path / "glossaries")
    assert default_glossary() == [data_dir("glossaries")]

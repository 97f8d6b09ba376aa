"""Export and import lose nothing they can hold, say what a format cannot hold, never turn an
unverified fact into a verified one, keep row types, create --into files, say when everything
matched, merge fields into existing entries on request; accept adds Chinese names."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from normalize.cli import main
from normalize.glossary.entries import load_glossary
from normalize.glossary.termbase import comparable, dropped_fields
from normalize.resources import data_dir


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NORMALIZE_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))


BUNDLED = data_dir("glossaries")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["glossary", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def export(tmp_path: Path, fmt: str) -> tuple[Path, str]:
    code, out, err = run("export", "--glossary", str(BUNDLED), "--format", fmt)
    assert code == 0, err
    path = tmp_path / f"all.{fmt}"
    path.write_text(out, encoding="utf-8")
    return path, err


@pytest.mark.parametrize("fmt", ["tbx", "json"])
def test_round_trip_keeps_every_field_of_the_bundled_glossary(tmp_path: Path, fmt: str) -> None:
    original = load_glossary([BUNDLED])
    # The fields TBX used to lose are there to lose.
    assert sum(1 for e in original if e.unverified) > 50
    assert any(e.code_at_first for e in original) and any(e.examples_match for e in original)
    assert any(e.jurisdiction for e in original) and any(e.inn_status for e in original)
    source, err = export(tmp_path, fmt)
    assert "left out" not in err
    folder = tmp_path / "rt"  # no folder yet: --into creates it
    code, _, err = run("import", str(source), "--glossary", str(tmp_path), "--into",
                       str(folder / "all.yaml"))  # fmt: skip
    assert code == 0, err
    back = load_glossary([folder])
    assert {e.id: comparable(e) for e in back} == {e.id: comparable(e) for e in original}
    assert run("fmt", "--check", str(folder / "all.yaml"))[0] == 0
    code, _, err = run("import", str(source), "--glossary", str(folder))
    assert code == 0 and "everything matched" in err


def test_csv_export_counts_what_it_leaves_out(tmp_path: Path) -> None:
    g = load_glossary([BUNDLED])
    _, err = export(tmp_path, "csv")
    assert f"unverified {sum(1 for e in g if e.unverified)}" in err
    assert f"examples {sum(1 for e in g if e.examples_match or e.examples_no_match)}" in err
    assert dropped_fields(g, "tbx") == {} and dropped_fields(g, "json") == {}


def test_csv_import_into_an_empty_folder_keeps_types_and_rematches(tmp_path: Path) -> None:
    source, _ = export(tmp_path, "csv")
    empty = tmp_path / "rt"
    empty.mkdir()
    code, _, err = run("import", str(source), "--glossary", str(empty), "--into",
                       str(empty / "all.yaml"))  # fmt: skip
    assert code == 0, err
    g = load_glossary([empty])
    by_zh = {zh: e for e in g for zh in e.zh}
    assert by_zh["江苏恒瑞医药股份有限公司"].type == "company"
    assert by_zh["瑞康曲妥珠单抗"].type == "drug"
    assert by_zh["国家药品监督管理局"].type == "regulator"
    assert {e.status for e in g} == {"draft"}
    code, _, err = run("import", str(source), "--glossary", str(empty))
    assert code == 0 and "everything matched" in err


FOREIGN_TBX = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic"><text><body>
<termEntry id="camrelizumab">
  <langSet xml:lang="en"><tig><term>camrelizumab</term></tig>
    <tig><term>Camrelizumab Injection X</term></tig></langSet>
  <langSet xml:lang="zh"><tig><term>卡瑞利珠单抗注射液X</term></tig></langSet>
  <descrip type="x-innStatus">pINN</descrip>
</termEntry>
<termEntry id="newmab">
  <langSet xml:lang="en"><tig><term>newmab</term></tig></langSet>
</termEntry>
</body></text></martif>
"""


def test_foreign_import_is_unverified_and_merge_is_explicit(tmp_path: Path) -> None:
    folder = tmp_path / "g"
    shutil.copytree(BUNDLED, folder)
    source = tmp_path / "vendor.tbx"
    source.write_text(FOREIGN_TBX, encoding="utf-8")
    before = load_glossary([folder])["camrelizumab"]
    code, _, err = run("import", str(source), "--glossary", str(folder))
    assert code == 0, err
    g = load_glossary([folder])
    assert g["newmab"].status == "unverified"  # nothing says a vendor's term is confirmed
    assert comparable(g["camrelizumab"]) == comparable(before)  # exists: left alone
    assert "--merge" in err
    code, _, err = run("import", str(source), "--glossary", str(folder), "--merge")
    assert code == 0, err
    after = load_glossary([folder])["camrelizumab"]
    assert "Camrelizumab Injection X" in [a.text for a in after.aliases]
    assert after.zh[-1] == "卡瑞利珠单抗注射液X"
    assert after.inn_status == before.inn_status  # a differing fact is reported, not overwritten
    assert "conflict: inn_status" in err
    assert {"aliases", "zh"} <= set(after.unverified) and after.status == before.status
    assert run("fmt", "--check", "--glossary", str(folder))[0] == 0


def test_json_without_status_imports_unverified(tmp_path: Path) -> None:
    folder = tmp_path / "g"
    source = tmp_path / "x.json"
    source.write_text(
        json.dumps({"entries": [{"id": "zmab", "type": "drug", "canonical": "zmab"}]}),
        encoding="utf-8",
    )
    code, _, err = run("import", str(source), "--glossary", str(tmp_path), "--into",
                       str(folder / "drugs.yaml"))  # fmt: skip
    assert code == 0, err
    assert load_glossary([folder])["zmab"].status == "unverified"


def test_accept_adds_chinese_names(tmp_path: Path) -> None:
    folder = tmp_path / "g"
    shutil.copytree(BUNDLED, folder)
    decisions = tmp_path / "d.tsv"
    decisions.write_text(
        "decision\tid\ttype\tsurface\nzh\tpyrotinib\t\t吡咯替尼胶囊\nzh-brand\tpyrotinib\t\t艾瑞尼X\n",
        encoding="utf-8",
    )
    code, _, err = run("accept", str(decisions), "--glossary", str(folder))
    assert code == 0, err
    entry = load_glossary([folder])["pyrotinib"]
    assert "吡咯替尼胶囊" in entry.zh and "艾瑞尼X" in entry.zh_brands
    assert run("fmt", "--check", "--glossary", str(folder))[0] == 0

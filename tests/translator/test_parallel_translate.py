"""Translation with ``--jobs 2``: the tiny Marian model in two worker processes writing one
shared translation cache; the same bytes as one process, and an intact cache afterwards."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from normalize.cli import main
from normalize.translate.cache import CACHE_FILE

pytestmark = [pytest.mark.torch, pytest.mark.slow]

GLOSSARY = Path(__file__).resolve().parents[1] / "data" / "translator-glossary"
# {n} makes every sentence unique: a cache hit changes which sentences share a batch, and a
# random-weight model's output depends on its batch, so hits would differ between runs.
ZH = [
    "安贝生物宣布维洛妥珠单抗第{n}期获批。公司宣布新药{n}获批上市。",
    "醫藥公司宣佈第{n}號，國家藥監局批准。",
    "The English line stays.\n公司宣布新药{n}获批上市，今日宣布研究结果。",
]


def run(tiny_marian: Path, cache: Path, data: str, *extra: str):  # type: ignore[no-untyped-def]
    args = ["clean", "--model", str(tiny_marian), "--glossary", str(GLOSSARY)]
    args += ["--cache-dir", str(cache), "--input-format", "jsonl", *extra]
    return CliRunner().invoke(main, args, input=data)


def test_jobs_2_translates_as_one_process(tiny_marian: Path, tmp_path: Path) -> None:
    lines = [json.dumps({"id": i, "text": ZH[i % 3].format(n=i)}) for i in range(24)]
    lines.insert(5, "[1, 2]")  # a bad record among them
    data = "\n".join(lines) + "\n"
    one = run(tiny_marian, tmp_path / "one", data, "--no-cache")
    shared = tmp_path / "shared"
    two = run(tiny_marian, shared, data, "--jobs", "2")
    assert one.exit_code == two.exit_code == 1
    assert two.stdout == one.stdout
    assert "<stdin>:6: expected a JSON object, got list" in two.stderr
    rows = [json.loads(line) for line in two.stdout.splitlines()]
    assert sum("error" in r for r in rows) == 1
    assert all(r["lang"] == "zh" for r in rows if "error" not in r)
    # Both workers wrote the one cache file; it is intact, and a re-run reads it back.
    db = sqlite3.connect(shared / CACHE_FILE)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert db.execute("SELECT count(*) FROM mt").fetchone()[0] > 0
    db.close()
    again = run(tiny_marian, shared, data, "--jobs", "2")
    texts = [json.loads(line).get("text") for line in again.stdout.splitlines()]
    assert texts == [r.get("text") for r in rows]
    assert "from the translation cache" in again.stdout

"""`glossary suggest` on the bundled glossary: a bad JSONL line is skipped, plain English never
becomes a near miss, spans stop at codes, weak ids are left empty, rows rank by evidence, and
the HTML review page works in a real browser (headless Chromium, where installed)."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from normalize.cli import main
from normalize.glossary.entries import load_glossary
from normalize.resources import data_dir


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NORMALIZE_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))


def suggest(*args: str) -> tuple[int, list[dict[str, object]], str]:
    result = CliRunner().invoke(
        main, ["glossary", "suggest", "--no-fuzzy", "--format", "json", *args],
        catch_exceptions=False,
    )  # fmt: skip
    rows = json.loads(result.stdout) if result.stdout.strip() else []
    return result.exit_code, rows, result.stderr


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# Sentences written for this test.
NEWS = """\
Submit your comments by Friday. Accept the terms before testing the therapeutics.
The company said Aumolertinib and HS-20093 entered a combined trial.
Zelgen Biopharmaceuticals reported that Jaktinib met its primary endpoint.
"""


def test_plain_words_codes_and_weak_ids(tmp_path: Path) -> None:
    code, rows, err = suggest(str(write(tmp_path / "news.txt", NEWS)))
    assert code == 0, err
    by_surface = {str(r["surface"]): r for r in rows}
    for word in ("Submit", "Accept", "testing", "therapeutics", "the therapeutics"):
        assert word not in by_surface
    assert not [s for s in by_surface if s.endswith(" HS") or "and HS" in s]
    assert by_surface["HS-20093"]["kind"] == "code"
    # Close-ish but wrong entries are shown as candidates, never pre-filled as the id.
    assert by_surface["Zelgen Biopharmaceuticals"]["id"] == ""
    assert by_surface["Jaktinib"]["id"] == ""
    assert any("INN stem" in why for why in by_surface["Jaktinib"]["why"])  # type: ignore[attr-defined]


def test_a_malformed_jsonl_line_is_reported_and_skipped(tmp_path: Path) -> None:
    corpus = write(
        tmp_path / "c.jsonl",
        json.dumps({"text": "Trials of HRS-4642 began."})
        + '\n{"text": broken\n'
        + json.dumps({"text": "Later, QLX-2201 followed."})
        + "\n",
    )
    code, rows, err = suggest(str(corpus))
    assert code == 0
    assert {"HRS-4642", "QLX-2201"} <= {r["surface"] for r in rows}
    assert f"skipped {corpus}:2: malformed JSON" in err and "1 unreadable records skipped" in err


def test_rows_rank_by_evidence(tmp_path: Path) -> None:
    # ABC-101 is in three documents; XYZ-909 three times in one; QRS-505 once.
    docs = [
        "ABC-101 was dosed. XYZ-909 too, XYZ-909 again, and XYZ-909 later.",
        "ABC-101 continued.",
        "ABC-101 and QRS-505 finished.",
    ]
    corpus = write(tmp_path / "c.jsonl", "".join(json.dumps({"text": d}) + "\n" for d in docs))
    _, rows, _ = suggest(str(corpus))
    assert [r["surface"] for r in rows][:3] == ["ABC-101", "XYZ-909", "QRS-505"]
    assert rows[0]["documents"] == 3


# ---- the review page in a browser --------------------------------------------------------------

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(BROWSER is None, reason="headless Chromium is not installed (apt chromium)")
def test_review_page_works_in_a_browser_and_round_trips(tmp_path: Path) -> None:
    folder = tmp_path / "g"
    shutil.copytree(data_dir("glossaries"), folder)
    corpus = write(tmp_path / "news.txt", NEWS + "Hengrui said Pyrotinnib <b>sales</b> rose.\n")
    page = tmp_path / "review.html"
    result = CliRunner().invoke(
        main,
        ["glossary", "suggest", "--no-fuzzy", "--glossary", str(folder), str(corpus),
         "--format", "json", "--html", str(page)],
        catch_exceptions=False,
    )  # fmt: skip
    rows = json.loads(result.stdout)
    surfaces = [r["surface"] for r in rows]
    assert "Pyrotinnib" in surfaces and "HS-20093" in surfaces
    # What an editor does on the page: pick decisions, fix an id; then the download's TSV.
    actions = {"Pyrotinnib": ("alias", "pyrotinib"), "HS-20093": ("new", "hs_20093")}
    script = "".join(
        f"var tr = document.querySelectorAll('tr[data-row]')[{surfaces.index(s)}];"
        f"tr.querySelector('select[name=decision]').value = {json.dumps(d)};"
        f"tr.querySelector('input[name=id]').value = {json.dumps(i)};"
        for s, (d, i) in actions.items()
    )
    script += (
        "var out = document.createElement('pre'); out.id = 'tsv';"
        "out.textContent = decisionsTsv(); document.body.appendChild(out);"
    )
    driven = tmp_path / "driven.html"
    driven.write_text(
        page.read_text(encoding="utf-8").replace("</body>", f"<script>{script}</script></body>"),
        encoding="utf-8",
    )
    proc = subprocess.run(
        [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", driven.as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    assert dom.count('<td class="why">') == len(rows)  # every row says why it was proposed
    assert "<b>sales</b>" not in dom  # the corpus never becomes markup
    found = re.search(r'<pre id="tsv">(.*?)</pre>', dom, re.S)
    assert found is not None, dom[-2000:]
    tsv = write(tmp_path / "decisions.tsv", html.unescape(found.group(1)))
    lines = tsv.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3 and lines[0].startswith("decision\tid\ttype\tsurface")
    result = CliRunner().invoke(
        main, ["glossary", "accept", str(tsv), "--glossary", str(folder)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    g = load_glossary([folder])
    assert "Pyrotinnib" in [a.text for a in g["pyrotinib"].aliases]
    assert g["hs_20093"].canonical == "HS-20093"

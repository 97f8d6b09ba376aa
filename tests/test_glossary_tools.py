"""`normalize glossary ...`: every command through click's runner, on the small glossary in
tests/data/glossary (our own text), copied to a temporary folder when a command edits it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from normalize.cli import main
from normalize.glossary.entries import load_glossary

FIXTURE = Path(__file__).parent / "data" / "glossary"


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NORMALIZE_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))


@pytest.fixture
def gdir(tmp_path: Path) -> Path:
    target = tmp_path / "glossary"
    shutil.copytree(FIXTURE, target)
    return target


def run(*args: str, input: str | None = None) -> tuple[int, str]:
    """Exit code and everything printed (stdout and stderr)."""
    result = CliRunner().invoke(main, ["glossary", *args], input=input, catch_exceptions=False)
    return result.exit_code, result.output


def run_stdout(*args: str) -> tuple[int, str]:
    """Exit code and stdout alone (for output that is parsed)."""
    result = CliRunner().invoke(main, ["glossary", *args], catch_exceptions=False)
    return result.exit_code, result.stdout


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# ---- lint --------------------------------------------------------------------------------------


def test_lint_clean_fixture() -> None:
    code, out = run("lint", "--glossary", str(FIXTURE))
    assert code == 0, out
    assert "0 errors, 0 warnings" in out


BROKEN = """\
entries:
  - id: alpha
    type: drug
    canonical: alphamab
    aliases: [Alpha One]
    former_names: [Old Alpha Co., Ltd.]
    company: nobody
  - id: beta
    type: drug
    canonical: 贝塔单抗
    aliases:
      - Alpha One
    zh: [Betamab]
  - id: beta
    type: company
    canonical: Beta Pharma
  - id: gamma
    type: medicine
    canonical: gamma
  - id: delta
    type: drug
    canonical: delta
    zh: [德爾塔]
"""


def test_lint_reports_every_error_with_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.yaml", BROKEN)
    code, out = run("lint", "--glossary", str(path))
    assert code == 1
    expected = {
        "dangling-ref": f"{path}:2: error: entry 'alpha': company names unknown id 'nobody'",
        "fragment": f"{path}:6: error: entry 'alpha': former_names: 'Ltd.' is not a name",
        "same-name": f"{path}:12: error: entry 'beta': aliases: 'Alpha One' is also aliases "
        "'Alpha One' of 'alpha'",
        "duplicate-id": f"{path}:14: error: entry 'beta': duplicate id",
        "schema": f"{path}:17: error: entry 'gamma': type must be one of",
        "zh-script": f"{path}:23: warning: entry 'delta': zh: '德爾塔' is traditional script",
    }
    for code_name, text in expected.items():
        assert text in out, (code_name, out)
    assert "canonical: '贝塔单抗' is Chinese" in out
    assert "zh: 'Betamab' has no Chinese characters" in out


def test_lint_json_and_confusable_names(tmp_path: Path) -> None:
    text = """\
entries:
  - id: one
    type: company
    canonical: Shanghai Junshi Biosciences
  - id: two
    type: company
    canonical: Shanghai Junshe Bioscience
"""
    path = write(tmp_path / "g.yaml", text)
    code, out = run_stdout("lint", "--glossary", str(path), "--format", "json")
    assert code == 0  # warnings do not fail ...
    problems = json.loads(out)
    assert [p["code"] for p in problems] == ["confusable"]
    assert problems[0]["entry"] == "two" and problems[0]["line"] == 7
    assert run("lint", "--glossary", str(path), "--strict")[0] == 1  # ... unless --strict
    write(path, text + "    do_not_confuse: [one]\n")
    assert json.loads(run_stdout("lint", "--glossary", str(path), "--format", "json")[1]) == []


# ---- test --------------------------------------------------------------------------------------


def test_test_command_passes_on_fixture() -> None:
    code, out = run("test", "--glossary", str(FIXTURE))
    assert code == 0, out
    assert "0 failed" in out and "must-not-confuse" in out


def test_test_command_fails_on_a_wrong_example(gdir: Path) -> None:
    path = gdir / "drugs.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "        - Camrelizumab plus chemotherapy was approved.",
        "        - Camrelizumab plus chemotherapy was approved.\n"
        "        - Nothing here names the drug.",
    )
    write(path, text)
    code, out = run("test", "--glossary", str(gdir))
    assert code == 1
    assert (
        "FAIL" in out
        and "'Nothing here names the drug.'" in out
        and "expected camrelizumab, found nothing" in out
    )


# ---- find / show / stats -------------------------------------------------------------------------


def test_find_explains_decisions() -> None:
    code, out = run("find", "--glossary", str(FIXTURE), "Hengrui Medicine said Camrelizunab works")
    assert code == 0, out
    assert (
        "'Hengrui Medicine'" in out
        and "-> hengrui (Jiangsu Hengrui Pharmaceuticals Co., Ltd.)" in out
    )
    assert "-> camrelizumab" in out and "fuzzy" in out
    code, out = run_stdout("find", "--glossary", str(FIXTURE), "--format", "json", "Camrelizunab")
    spans = json.loads(out)
    assert spans[0]["surface"] == "Camrelizunab"
    assert (
        spans[0]["decision"]["id"] == "camrelizumab" and spans[0]["decision"]["method"] == "fuzzy"
    )
    assert {"id", "form", "kind", "score", "verdict"} <= set(spans[0]["candidates"][0])
    code, out = run("find", "--glossary", str(FIXTURE), "nothing to see here")
    assert "no names found" in out


def test_find_shows_candidates_evidence_and_decision_in_order() -> None:
    code, out = run("find", "--glossary", str(FIXTURE), "Hengrui Medicine said Camrelizunab works")
    assert code == 0, out
    block = out[out.index("'Camrelizunab'") :]
    steps = [block.index(step) for step in ("1 candidates", "2 evidence", "3 decision")]
    assert steps == sorted(steps)
    # the evidence step gives each candidate's score before and after, and every reason
    evidence = block[steps[1] : steps[2]]
    assert "91.7 -> 97.7" in evidence
    assert "+6.0     context: the text names it, its company or product" in evidence
    assert "-2.0     derived form:" in evidence
    code, out = run_stdout("find", "--glossary", str(FIXTURE), "--format", "json", "Camrelizunab")
    support = json.loads(out)[0]["candidates"][0]["support"]
    assert all({"evidence", "points", "reason", "veto"} <= set(s) for s in support)


def test_show_and_stats() -> None:
    code, out = run("show", "--glossary", str(FIXTURE), "suncadia")
    assert code == 0
    assert "companies.yaml:" in out and "- id: suncadia" in out and "parent: hengrui" in out
    assert "literal" in out  # derived renderings of the Chinese name are listed
    code, out = run_stdout("show", "--glossary", str(FIXTURE), "hengrui", "--format", "json")
    data = json.loads(out)
    assert {"id": "suncadia", "field": "parent"} in data["referenced_by"]
    assert run("show", "--glossary", str(FIXTURE), "hengru")[0] == 1
    code, out = run_stdout("stats", "--glossary", str(FIXTURE), "--format", "json")
    data = json.loads(out)
    assert data["by_type"] == {"drug": 4, "company": 2}
    assert data["without_sources"] == ["suncadia", "dalpiciclib"]
    assert "without sources: 2" in run("stats", "--glossary", str(FIXTURE))[1]


# ---- editing -------------------------------------------------------------------------------------


def test_alias_add_keeps_comments_and_layout(gdir: Path) -> None:
    path = gdir / "drugs.yaml"
    before = path.read_text(encoding="utf-8")
    code, out = run(
        "alias",
        "add",
        "--glossary",
        str(gdir),
        "camrelizumab",
        "Karelizumab",
        "--policy",
        "exact",
        "--note",
        "seen in MT output",
    )
    assert code == 0, out
    after = path.read_text(encoding="utf-8")
    import difflib

    diff = difflib.ndiff(before.splitlines(), after.splitlines())
    added = [ln[2:] for ln in diff if ln.startswith("+ ")]
    assert not [
        ln for ln in difflib.ndiff(before.splitlines(), after.splitlines()) if ln.startswith("- ")
    ]
    # The new field in fmt's layout, shifted to the file's own indentation.
    assert added == ["    aliases: [{text: Karelizumab, match: exact, note: seen in MT output}]"]
    assert "# A PD-1 antibody; the brand is written in camel case on purpose." in after
    entry = load_glossary([gdir])["camrelizumab"]
    assert entry.aliases[0].text == "Karelizumab" and entry.aliases[0].match == "exact"
    # Another field, appended to an existing flow list.
    assert (
        run(
            "alias", "add", "--glossary", str(gdir), "camrelizumab", "SHR1210X", "--field", "codes"
        )[0]
        == 0
    )
    assert "    codes: [SHR-1210, SHR1210X]" in path.read_text(encoding="utf-8")


def test_edit_that_breaks_lint_is_not_written(gdir: Path) -> None:
    path = gdir / "drugs.yaml"
    before = path.read_text(encoding="utf-8")
    code, out = run("alias", "add", "--glossary", str(gdir), "dalpiciclib", "Hengrui Pharma")
    assert code == 1
    assert "not written" in out and "same-name" in out
    assert path.read_text(encoding="utf-8") == before


def test_add_entry_and_dry_run(gdir: Path) -> None:
    args = [
        "add",
        "--glossary",
        str(gdir),
        "ivonescimab",
        "--type",
        "drug",
        "--canonical",
        "ivonescimab",
        "--code",
        "AK112",
        "--zh",
        "依沃西单抗",
        "--company",
        "hengrui",
        "--source",
        "https://example.org/i",
    ]
    before = (gdir / "drugs.yaml").read_text(encoding="utf-8")
    code, out = run(*args, "--dry-run")
    assert code == 0 and "+  - id: ivonescimab" in out and "+    codes: [AK112]" in out
    assert (gdir / "drugs.yaml").read_text(encoding="utf-8") == before
    assert run(*args)[0] == 0
    g = load_glossary([gdir])
    assert g["ivonescimab"].codes == ("AK112",) and g["ivonescimab"].status == "draft"
    assert g["ivonescimab"].file.endswith("drugs.yaml")
    assert run(*args)[0] == 1  # the id exists now
    assert (
        run(
            "add",
            "--glossary",
            str(gdir),
            "x",
            "--type",
            "drug",
            "--canonical",
            "x",
            "--company",
            "nobody",
        )[0]
        == 1
    )


def test_fmt_is_idempotent_and_keeps_comments(tmp_path: Path) -> None:
    path = write(
        tmp_path / "g.yaml",
        """\
# header comment
entries:
  - canonical: Beta Pharma   # the English name
    type: company
    id: beta
    aliases:
      - "Beta Pharmaceutical Co., Ltd."


  # alpha comes next
  - type: drug
    examples:
      no_match: [An alphabet.]
      match:
        - Alphamab works.
    id: alphamab
    canonical: alphamab
""",
    )
    assert run("fmt", "--check", str(path))[0] == 1
    assert run("fmt", str(path))[0] == 0
    once = path.read_text(encoding="utf-8")
    assert (
        once
        == """\
# header comment
entries:
- id: beta
  type: company
  canonical: Beta Pharma     # the English name
  aliases: ["Beta Pharmaceutical Co., Ltd."]

# alpha comes next
- id: alphamab
  type: drug
  canonical: alphamab
  examples:
    match: [Alphamab works.]
    no_match: [An alphabet.]
"""
    )
    assert run("fmt", "--check", str(path))[0] == 0
    assert run("fmt", str(path))[0] == 0
    assert path.read_text(encoding="utf-8") == once
    assert load_glossary([path])["beta"].aliases[0].text == "Beta Pharmaceutical Co., Ltd."


def test_fmt_fixture_files_twice_changes_nothing(gdir: Path) -> None:
    assert run("fmt", "--glossary", str(gdir))[0] == 0
    first = {p.name: p.read_text(encoding="utf-8") for p in gdir.glob("*.yaml")}
    assert run("fmt", "--glossary", str(gdir), "--check")[0] == 0
    assert run("fmt", "--glossary", str(gdir))[0] == 0
    assert {p.name: p.read_text(encoding="utf-8") for p in gdir.glob("*.yaml")} == first
    before = load_glossary([FIXTURE])
    after = load_glossary([gdir])
    from normalize.glossary.termbase import comparable

    assert {k: comparable(v) for k, v in before.entries.items()} == {
        k: comparable(v) for k, v in after.entries.items()
    }


# ---- export / import -----------------------------------------------------------------------------


def _entries(path: Path) -> dict[str, object]:
    from normalize.glossary.termbase import comparable

    return {e.id: comparable(e) for e in load_glossary([path])}


def test_json_round_trip(tmp_path: Path) -> None:
    code, out = run_stdout("export", "--glossary", str(FIXTURE), "--format", "json")
    assert code == 0
    src = write(tmp_path / "g.json", out)
    # Import into an empty glossary folder: every entry lands in the --into file.
    empty = tmp_path / "empty"
    empty.mkdir()
    write(empty / "all.yaml", "entries: []\n")
    code, out = run("import", str(src), "--glossary", str(empty), "--into", str(empty / "all.yaml"))
    assert code == 0, out
    assert _entries(empty) == _entries(FIXTURE)


def test_tbx_round_trip(tmp_path: Path) -> None:
    from normalize.glossary.termbase import TBX_DROPS, comparable

    code, out = run_stdout("export", "--glossary", str(FIXTURE), "--format", "tbx")
    assert code == 0 and out.startswith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<martif type="TBX-Basic"'
    )
    assert '<termNote type="administrativeStatus">preferredTerm-admn-sts</termNote>' in out
    empty = tmp_path / "empty"
    empty.mkdir()
    write(empty / "all.yaml", "entries: []\n")
    code, _ = run(
        "import",
        str(write(tmp_path / "g.tbx", out)),
        "--glossary",
        str(empty),
        "--into",
        str(empty / "all.yaml"),
    )
    assert code == 0
    back = {e.id: comparable(e, TBX_DROPS) for e in load_glossary([empty])}
    assert back == {e.id: comparable(e, TBX_DROPS) for e in load_glossary([FIXTURE])}


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_pairs_round_trip(tmp_path: Path, fmt: str) -> None:
    from normalize.glossary.termbase import glossary_pairs

    code, out = run_stdout("export", "--glossary", str(FIXTURE), "--format", fmt, "--header")
    assert code == 0
    sep = "\t" if fmt == "tsv" else ","
    assert out.splitlines()[0] == f"zh{sep}en"
    assert f"瑞康曲妥珠单抗{sep}trastuzumab rezetecan" in out.splitlines()
    src = write(tmp_path / f"pairs.{fmt}", out)
    # Into an empty glossary: one draft entry per English target, holding its Chinese names.
    empty = tmp_path / "empty"
    empty.mkdir()
    write(empty / "all.yaml", "entries: []\n")
    assert (
        run("import", str(src), "--glossary", str(empty), "--into", str(empty / "all.yaml"))[0] == 0
    )
    assert sorted(glossary_pairs(load_glossary([empty]))) == sorted(
        glossary_pairs(load_glossary([FIXTURE]))
    )
    # Into the glossary it came from: nothing changes.
    gdir = tmp_path / "g"
    shutil.copytree(FIXTURE, gdir)
    assert run("import", str(src), "--glossary", str(gdir))[0] == 0
    assert {p.name: p.read_text(encoding="utf-8") for p in gdir.glob("*.yaml")} == {
        p.name: p.read_text(encoding="utf-8") for p in FIXTURE.glob("*.yaml")
    }


def test_csv_import_adds_chinese_names_to_existing_entries(gdir: Path, tmp_path: Path) -> None:
    src = write(tmp_path / "new.csv", "达尔西利片,dalpiciclib\n新药甲,newdrugumab\n")
    code, out = run("import", str(src), "--glossary", str(gdir), "--into", str(gdir / "drugs.yaml"))
    assert code == 0, out
    g = load_glossary([gdir])
    assert g["dalpiciclib"].zh == ("达尔西利", "达尔西利片")
    assert g["newdrugumab"].zh == ("新药甲",) and g["newdrugumab"].status == "draft"


# ---- suggest / accept ----------------------------------------------------------------------------

CORPUS = """\
Jiangsu Hengrui Medicine said its partner Akeso Biopharma Inc. will start a trial of AK112 with
Camrelizunab. Separately, BGB-11417 and disitamab vedotin entered Phase 3 in 2025, and Dalpicilib
tablets won approval. Analysts accept the concept. Camrelizunab sales rose.
<script>alert(1)</script>
"""


def test_suggest_tsv_lists_new_names_and_near_misses(tmp_path: Path) -> None:
    corpus = write(tmp_path / "news.txt", CORPUS)
    code, out = run_stdout("suggest", "--glossary", str(FIXTURE), str(corpus))
    assert code == 0
    rows = [line.split("\t") for line in out.splitlines()]
    header, body = rows[0], rows[1:]
    assert header == [
        "decision",
        "id",
        "type",
        "surface",
        "kind",
        "count",
        "score",
        "candidates",
        "contexts",
        "why",
    ]
    by_surface = {r[3]: dict(zip(header, r, strict=True)) for r in body}
    assert by_surface["AK112"]["kind"] == "code" and by_surface["BGB-11417"]["kind"] == "code"
    assert by_surface["disitamab vedotin"]["kind"] == "drug"
    assert by_surface["Akeso Biopharma Inc"]["kind"] == "company"
    assert (
        "accept" not in by_surface and "concept" not in by_surface and "Phase 3" not in by_surface
    )
    assert "Camrelizunab" not in by_surface  # fuzzy-matched: known
    # With the fuzzy layer off, garbled renderings are listed with their entry first.
    code, out = run_stdout(
        "suggest", "--glossary", str(FIXTURE), "--no-fuzzy", "--format", "json", str(corpus)
    )
    rows = {r["surface"]: r for r in json.loads(out)}
    assert rows["Camrelizunab"]["count"] == 2
    assert rows["Camrelizunab"]["candidates"][0]["id"] == "camrelizumab"
    assert rows["Camrelizunab"]["id"] == "camrelizumab"
    assert "[[Camrelizunab]]" in rows["Camrelizunab"]["contexts"][0]
    assert rows["Dalpicilib"]["candidates"][0]["id"] == "dalpiciclib"


def test_suggest_reads_jsonl_like_clean(tmp_path: Path) -> None:
    corpus = write(
        tmp_path / "news.jsonl",
        json.dumps({"id": 1, "text": "Trials of HRS-4642 began."})
        + "\n"
        + json.dumps({"id": 2, "text": "HRS-4642 again."})
        + "\n",
    )
    _, out = run_stdout("suggest", "--glossary", str(FIXTURE), str(corpus), "--format", "json")
    rows = json.loads(out)
    assert rows[0]["surface"] == "HRS-4642" and rows[0]["count"] == 2
    assert rows[0]["sources"][0].endswith("news.jsonl:1 (id 1)")


def test_suggest_html_page_escapes_everything(tmp_path: Path) -> None:
    from html.parser import HTMLParser

    corpus = write(tmp_path / "news.txt", CORPUS + "Xyz<b>Pharma</b> Biotech licensed AK112.\n")
    page_path = tmp_path / "review.html"
    code, _ = run_stdout(
        "suggest", "--glossary", str(FIXTURE), "--no-fuzzy", str(corpus), "--html", str(page_path)
    )
    assert code == 0
    page = page_path.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page and "<b>Pharma</b>" not in page

    class Cells(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: list[str] = []
            self.surfaces: list[str] = []
            self.marks: list[str] = []
            self._in: str | None = None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.tags.append(tag)
            if tag == "td" and ("class", "surface") in attrs:
                self._in = "surface"
            elif tag == "mark":
                self._in = "mark"

        def handle_endtag(self, tag: str) -> None:
            self._in = None

        def handle_data(self, data: str) -> None:
            if self._in == "surface":
                self.surfaces.append(data)
            elif self._in == "mark":
                self.marks.append(data)

    parser = Cells()
    parser.feed(page)
    assert set(parser.tags) <= {
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "h1",
        "p",
        "button",
        "code",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "select",
        "option",
        "input",
        "ol",
        "ul",
        "li",
        "small",
        "mark",
        "em",
        "script",
    }
    assert (
        parser.tags.count("script") == 2
    )  # the data block and the download helper, nothing from the corpus
    assert {"Camrelizunab", "AK112", "Dalpicilib"} <= set(parser.surfaces)
    assert "Camrelizunab" in parser.marks
    assert parser.tags.count("tr") == len(parser.surfaces) + 1


def test_accept_applies_marked_rows(gdir: Path, tmp_path: Path) -> None:
    corpus = write(tmp_path / "news.txt", CORPUS)
    code, out = run_stdout("suggest", "--glossary", str(gdir), "--no-fuzzy", str(corpus))
    lines = out.splitlines()
    marked = [lines[0]]
    for line in lines[1:]:
        cells = line.split("\t")
        if cells[3] == "Camrelizunab":
            cells[0] = "alias"
        elif cells[3] == "AK112":
            cells[0], cells[1] = "new", "ivonescimab"
        elif cells[3] == "Dalpicilib":
            cells[0] = "former"
        marked.append("\t".join(cells))
    decisions = write(tmp_path / "decisions.tsv", "\n".join(marked) + "\n")
    code, out = run("accept", "--glossary", str(gdir), str(decisions))
    assert code == 0, out
    g = load_glossary([gdir])
    assert "Camrelizunab" in [a.text for a in g["camrelizumab"].aliases]
    assert g["dalpiciclib"].former_names == ("Dalpicilib",)
    assert g["ivonescimab"].canonical == "AK112" and g["ivonescimab"].status == "draft"
    bad = write(tmp_path / "bad.tsv", "decision\tid\tsurface\nmerge\tx\ty\n")
    code, out = run("accept", "--glossary", str(gdir), str(bad))
    assert code == 1 and f"{bad}:2: unknown decision 'merge'" in out


def test_suggest_reads_html(tmp_path: Path) -> None:
    page = write(
        tmp_path / "page.html",
        "<html><body><script>var AK999 = 1;</script><p>Trials of HRS-4642 began.</p></body></html>",
    )
    _, out = run_stdout("suggest", "--glossary", str(FIXTURE), str(page), "--format", "json")
    assert [r["surface"] for r in json.loads(out)] == ["HRS-4642"]


# ---- property: fmt is idempotent and keeps meaning, whatever the key order and list style -----

_FIELDS = {
    "aliases": ["Alpha One", "Alpha Co., Ltd."],
    "codes": ["AB-101", "AB101"],
    "zh": ["阿尔法单抗"],
    "status": "draft",
    "notes": "Made up: a note with a colon: inside",
    "sources": ["https://example.org/a"],
    "render": {"short": "Alpha", "first": "Alpha One"},
}


@settings(max_examples=40, deadline=None)
@given(
    order=st.permutations(list(_FIELDS)),
    flow=st.lists(st.booleans(), min_size=len(_FIELDS), max_size=len(_FIELDS)),
    comment=st.booleans(),
)
def test_fmt_idempotent_property(order: list[str], flow: list[bool], comment: bool) -> None:
    from normalize.glossary.entries import parse_glossary_text
    from normalize.glossary.termbase import comparable
    from normalize.glossary.yamledit import format_text

    lines = ["entries:", "  - id: alphamab", "    type: drug"]
    for key, inline in zip(order, flow, strict=True):
        value = _FIELDS[key]
        if isinstance(value, list):
            items = [json.dumps(v, ensure_ascii=False) for v in value]
            if inline:
                lines.append(f"    {key}: [{', '.join(items)}]")
            else:
                lines += [f"    {key}:"] + [f"      - {v}" for v in items]
        elif isinstance(value, dict):
            lines += [f"    {key}:"] + [f"      {k}: {v}" for k, v in value.items()]
        else:
            lines.append(f"    {key}: {json.dumps(value)}")
    lines.append("    canonical: alphamab" + ("  # the INN" if comment else ""))
    text = "\n".join(lines) + "\n"
    once = format_text(text)
    assert format_text(once) == once
    assert [comparable(e) for e in parse_glossary_text(once)] == [
        comparable(e) for e in parse_glossary_text(text)
    ]
    assert ("# the INN" in once) == comment

"""``normalize clean`` through click's CliRunner (and one real subprocess): output formats,
JSONL records, gzip, several files, glossary options, stage switches, and bad input."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from normalize.cli import main

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_GLOSSARY = ROOT / "tests" / "data" / "core-glossary"

ARTICLE = (
    "Hengrui Medicine said Ruikang trastuzumab met its goal.\n"
    "Hengrui Medicine will file it next year.\n"
)
CLEANED = (
    "Jiangsu Hengrui Pharmaceuticals said trastuzumab rezetecan (SHR-A1811) met its goal.\n"
    "Hengrui will file it next year.\n"
)


def clean(*args: str, input: str | bytes | None = None) -> Result:
    # Not a terminal: no progress bar. stderr kept apart to check messages.
    return CliRunner().invoke(main, ["clean", "--no-translate", *args], input=input)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def jsonl(result: Result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines()]


# --- output formats ---------------------------------------------------------------------------


def test_text_from_stdin() -> None:
    result = clean(input=ARTICLE)
    assert result.exit_code == 0, result.output
    assert result.stdout == CLEANED


@pytest.mark.parametrize("text", ["Innovent Biologics", "Hengrui Medicine", "adebelimumab"])
def test_a_short_document_is_kept(text: str) -> None:
    result = CliRunner().invoke(main, ["clean", "--no-translate", "--no-canonicalize"], input=text)
    assert result.exit_code == 0, result.output
    assert result.stdout == text + "\n"


def test_a_document_of_nothing_but_junk_is_kept_with_a_warning_on_stderr() -> None:
    result = clean("--no-canonicalize", input="Share\nSubscribe\n")
    assert result.exit_code == 0
    assert result.stdout == "Share\nSubscribe\n"
    assert "Warning: <stdin>: strip: every line looked like boilerplate" in (result.stderr)


def test_text_from_file(tmp_path: Path) -> None:
    result = clean(str(write(tmp_path / "a.txt", ARTICLE)))
    assert result.exit_code == 0
    assert result.stdout == CLEANED


def test_json_output_has_entities_and_changes(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", ARTICLE)
    result = clean("--format", "json", str(path))
    assert result.exit_code == 0
    obj = json.loads(result.stdout)
    assert obj["text"] == CLEANED.rstrip("\n")
    assert obj["source"] == str(path)
    entity = obj["entities"][0]
    assert set(entity) == {"id", "canonical", "type", "surface", "start", "end", "score", "method"}
    for e in obj["entities"]:
        assert obj["text"][e["start"] : e["end"]]
    assert [e["surface"] for e in obj["entities"]] == [
        "Hengrui Medicine",
        "Ruikang trastuzumab",
        "Hengrui Medicine",
    ]
    assert [c["after"] for c in obj["changes"] if c["stage"] == "canonicalize"] == [
        "Jiangsu Hengrui Pharmaceuticals",
        "trastuzumab rezetecan (SHR-A1811)",
        "Hengrui",
    ]
    assert "glossary" in obj["stamp"]


def test_jsonl_output_for_text_input(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", ARTICLE)
    (record,) = jsonl(clean("--format", "jsonl", str(path)))
    assert record["text"] == CLEANED.rstrip("\n")
    assert record["source"] == str(path)


def test_json_output_for_several_records_is_a_list(tmp_path: Path) -> None:
    a = write(tmp_path / "a.txt", ARTICLE)
    b = write(tmp_path / "b.txt", "Adebelimumab was tested.\n")
    result = clean("--format", "json", str(a), str(b))
    assert result.exit_code == 0
    objs = json.loads(result.stdout)
    assert [o["source"] for o in objs] == [str(a), str(b)]
    assert objs[1]["text"] == "Adebrelimab (SHR-1316) was tested."


# --- JSONL input ------------------------------------------------------------------------------


def test_jsonl_records_keep_their_fields(tmp_path: Path) -> None:
    lines = [
        {"id": 7, "url": "https://example.com/a", "lang": "en", "site": "x", "text": ARTICLE},
        {
            "id": "b",
            "html": "<html><body><p>Adebelimumab was tested in a trial of patients "
            "with small cell lung cancer.</p></body></html>",
            "tags": [1, 2],
        },
    ]
    path = write(tmp_path / "in.jsonl", "".join(json.dumps(x) + "\n" for x in lines))
    result = clean(str(path))
    assert result.exit_code == 0, result.stderr
    first, second = jsonl(result)  # JSONL input gives JSONL output by default
    assert first["id"] == 7 and first["site"] == "x" and first["url"] == "https://example.com/a"
    assert first["text"] == CLEANED.rstrip("\n")
    assert first["source"] == str(path)
    assert first["entities"] and first["changes"]
    assert second["tags"] == [1, 2] and "html" in second
    assert "Adebrelimab (SHR-1316) was tested" in second["text"]


def test_jsonl_from_stdin_has_no_source() -> None:
    result = clean(input=json.dumps({"id": 1, "text": "Adebelimumab was tested."}) + "\n")
    assert result.exit_code == 0
    (record,) = jsonl(result)
    assert "source" not in record
    assert record["text"] == "Adebrelimab (SHR-1316) was tested."


def test_jsonl_lines_of_unicode_spaces_are_blank_lines(tmp_path: Path) -> None:
    # A scraper's line of no-break or ideographic spaces, or of the ASCII separators \x1c-\x1f,
    # is no record (Python's str.strip agrees); it must not fail the run as malformed JSON.
    record = json.dumps({"id": 1, "text": "Adebelimumab was tested."})
    path = write(tmp_path / "in.jsonl", f"\u00a0\n{record}\n\u3000 \u00a0\n\x1f\n \x1c\x85\n")
    result = clean(str(path))
    assert result.exit_code == 0, result.stderr
    assert [row["id"] for row in jsonl(result)] == [1]


def test_gzip_inputs(tmp_path: Path) -> None:
    text_gz = tmp_path / "a.txt.gz"
    text_gz.write_bytes(gzip.compress(ARTICLE.encode()))
    result = clean(str(text_gz))
    assert result.exit_code == 0
    assert result.stdout == CLEANED
    records_gz = tmp_path / "r.jsonl.gz"
    records_gz.write_bytes(gzip.compress(b'{"id": 1, "text": "Adebelimumab was tested."}\n'))
    (record,) = jsonl(clean(str(records_gz)))
    assert record["text"] == "Adebrelimab (SHR-1316) was tested."
    assert record["source"] == str(records_gz)


def test_several_files_text_output(tmp_path: Path) -> None:
    a = write(tmp_path / "a.txt", ARTICLE)
    b = write(tmp_path / "b.txt", "Adebelimumab was tested.\n")
    result = clean(str(a), str(b))
    assert result.exit_code == 0
    # Documents hold blank lines: a header line marks where each one starts.
    assert result.stdout == (
        f"==> {a} <==\n{CLEANED}\n==> {b} <==\nAdebrelimab (SHR-1316) was tested.\n"
    )


def test_one_text_input_has_no_header(tmp_path: Path) -> None:
    result = clean(str(write(tmp_path / "a.txt", ARTICLE)))
    assert result.stdout == CLEANED


def test_jsonl_as_text_marks_each_record(tmp_path: Path) -> None:
    path = write(tmp_path / "r.jsonl", '{"id": 1, "text": "A.\\n\\nB."}\n{"text": "C."}\n')
    result = clean("--format", "text", str(path))
    assert result.stdout == f"==> {path}:1 (id 1) <==\nA.\n\nB.\n\n==> {path}:2 <==\nC.\n"


def test_several_files_jsonl_output_name_their_source(tmp_path: Path) -> None:
    a = write(tmp_path / "a.jsonl", '{"id": 1, "text": "Adebelimumab was tested."}\n')
    b = write(tmp_path / "b.txt", ARTICLE)
    records = jsonl(clean("--format", "jsonl", str(a), str(b)))
    assert [(r.get("id"), r["source"]) for r in records] == [(1, str(a)), (None, str(b))]


# --- options ----------------------------------------------------------------------------------


def test_glossary_option_replaces_the_bundled_glossary(tmp_path: Path) -> None:
    text = "Northwind Pharma said Velosimab works. Hengrui Medicine did not comment.\n"
    result = clean("--glossary", str(FIXTURE_GLOSSARY), input=text)
    assert result.exit_code == 0, result.output
    # The fixture's names are rewritten; the bundled glossary's are not known any more.
    assert result.stdout == (
        "Northwind Therapeutics said velocimab (QX-101) works. Hengrui Medicine did not comment.\n"
    )


def test_glossary_option_takes_a_single_file(tmp_path: Path) -> None:
    result = clean("--glossary", str(FIXTURE_GLOSSARY / "fixture.yaml"), input="VCM works.\n")
    assert result.exit_code == 0
    assert result.stdout == "Velocimab (QX-101) works.\n"


def test_no_canonicalize_keeps_names() -> None:
    result = clean("--no-canonicalize", input=ARTICLE)
    assert result.exit_code == 0
    assert result.stdout == ARTICLE


def test_no_strip_keeps_junk_lines() -> None:
    text = ARTICLE + "\nShare:\n\nSubscribe\n"
    stripped = clean(input=text)
    kept = clean("--no-strip", input=text)
    assert "Subscribe" not in stripped.stdout and stripped.stdout == CLEANED
    assert kept.stdout == CLEANED + "\nShare:\n\nSubscribe\n"


def test_no_strip_no_canonicalize_is_the_identity() -> None:
    text = ARTICLE + "\nShare:\n"
    result = clean("--no-strip", "--no-canonicalize", "--format", "json", input=text)
    obj = json.loads(result.stdout)
    assert obj["text"] == text.rstrip("\n") or obj["text"] == text
    assert obj["changes"] == [] and obj["entities"] == []


def test_output_file(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    result = clean("-o", str(out), input=ARTICLE)
    assert result.exit_code == 0 and result.stdout == ""
    assert out.read_text(encoding="utf-8") == CLEANED


# --- bad input --------------------------------------------------------------------------------


def test_bad_records_are_reported_and_the_rest_processed(tmp_path: Path) -> None:
    lines = [
        '{"id": 1, "text": "Adebelimumab was tested."}',
        '{"id": 2, "text": "broken',
        '{"id": 3, "body": "no text field"}',
        '{"id": 4, "text": "   "}',
        "[1, 2, 3]",
        '{"id": 6, "text": "Hengrui Medicine said so."}',
    ]
    path = write(tmp_path / "batch.jsonl", "\n".join(lines) + "\n")
    result = clean(str(path))
    assert result.exit_code == 1
    records = jsonl(result)
    assert len(records) == 6, "nothing is silently dropped"
    assert records[0]["text"] == "Adebrelimab (SHR-1316) was tested."
    assert records[5]["text"] == "Jiangsu Hengrui Pharmaceuticals said so."
    errors = [r.get("error") for r in records]
    assert errors[0] is None and errors[5] is None
    assert f"{path}:2: malformed JSON" in errors[1]
    assert f"{path}:3 (id 3)" in errors[2] and "'text' or 'html'" in errors[2]
    assert f"{path}:4 (id 4)" in errors[3] and "empty text" in errors[3]
    assert f"{path}:5" in errors[4] and "expected a JSON object" in errors[4]
    assert records[2]["body"] == "no text field", "a failed record keeps its fields"
    assert "Error: 4 of 6 record(s) failed" in result.stderr
    assert result.stderr.count(f"Error: {path}:") == 4


def test_text_output_after_a_failed_first_record_has_no_leading_blank_line(tmp_path: Path) -> None:
    good = write(tmp_path / "a.txt", ARTICLE)
    result = clean(str(tmp_path / "missing.txt"), str(good), str(good))
    assert result.exit_code == 1
    header = f"==> {good} <==\n"
    assert result.stdout == header + CLEANED + "\n" + header + CLEANED


def test_a_missing_file_in_a_batch(tmp_path: Path) -> None:
    good = write(tmp_path / "a.txt", ARTICLE)
    result = clean("--format", "jsonl", str(tmp_path / "missing.txt"), str(good))
    assert result.exit_code == 1
    missing, ok = jsonl(result)
    assert "missing.txt: cannot read" in missing["error"]
    assert ok["text"] == CLEANED.rstrip("\n")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty input"),
        (b"  \n\n\t\n", "empty input"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary file"),
    ],
    ids=["empty", "blank", "binary"],
)
def test_unreadable_files(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    result = clean(str(path))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"Error: {path}: " in result.stderr and message in result.stderr


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig"])
def test_text_with_a_byte_order_mark(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "bom.txt"
    data = ARTICLE.encode(encoding)
    path.write_bytes(data if encoding != "utf-16-be" else b"\xfe\xff" + data)
    result = clean(str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == CLEANED


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("恒瑞医药宣布，其创新药获批上市。\n公司表示将于明年提交申请。\n", "gbk"),
        ("恒瑞医药宣布，其创新药获批上市。\n", "gb18030"),
        ("The company\u2019s drug met its goal, the chief executive said on Monday.\n", "cp1252"),
    ],
    ids=["gbk", "gb18030", "cp1252-quote"],
)
def test_text_that_is_not_utf8_is_decoded_with_a_warning(
    tmp_path: Path, text: str, encoding: str
) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes(text.encode(encoding))
    result = CliRunner().invoke(
        main, ["clean", "--no-translate", "--no-canonicalize", "--format", "json", str(path)]
    )
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["text"] == text.strip()
    wanted = "cp1252" if encoding == "cp1252" else "gb18030"
    assert f"input: not UTF-8; read as {wanted} (detected)" in out["warnings"], out["warnings"]
    # The CLI names the file once, not twice.
    text_run = CliRunner().invoke(main, ["clean", "--no-translate", "--no-canonicalize", str(path)])
    assert f"Warning: {path}: input: not UTF-8; read as {wanted}" in text_run.stderr


HTML_PAGE = (
    "<!DOCTYPE html><html><head><title>Fabrikam news</title></head><body>"
    "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article><h1>Fabrikam starts a trial"
    "</h1><p>Fabrikam Therapeutics said on Monday that it had dosed the first patient in a "
    "Phase 3 trial of its oral candidate in adults with moderate disease.</p><p>The trial will "
    "enrol about 600 patients at sites in Europe and Asia over the next two years, the "
    "company said.</p></article></body></html>"
)


@pytest.mark.parametrize("where", ["stdin", "txt"])
def test_html_in_a_text_input_is_read_as_html_with_a_warning(tmp_path: Path, where: str) -> None:
    args = ["clean", "--no-translate", "--no-canonicalize", "--format", "json"]
    if where == "txt":
        path = tmp_path / "page.txt"
        path.write_text(HTML_PAGE, encoding="utf-8")
        result = CliRunner().invoke(main, [*args, str(path)])
    else:
        result = CliRunner().invoke(main, args, input=HTML_PAGE)
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert "<p>" not in out["text"] and "dosed the first patient" in out["text"]
    assert "input: read as HTML (the text is an HTML document)" in out["warnings"]


def test_input_format_text_keeps_html_as_text() -> None:
    result = CliRunner().invoke(
        main,
        ["clean", "--no-translate", "--no-canonicalize", "--input-format", "text"],
        input=HTML_PAGE,
    )
    assert result.exit_code == 0
    assert "<p>" in result.stdout


def test_empty_stdin() -> None:
    result = clean(input="")
    assert result.exit_code == 1
    assert "<stdin>: empty input" in result.stderr


def test_too_large_article(tmp_path: Path) -> None:
    path = write(tmp_path / "big.txt", ARTICLE * 20)
    result = clean("--max-bytes", "200", str(path))
    assert result.exit_code == 1
    assert "larger than the limit of 200 bytes" in result.stderr
    assert "--max-bytes" in result.stderr


def test_too_large_jsonl_record_is_skipped_and_the_next_read(tmp_path: Path) -> None:
    big = json.dumps({"id": 1, "text": "word " * 200})
    small = json.dumps({"id": 2, "text": "Adebelimumab was tested."})
    path = write(tmp_path / "r.jsonl", big + "\n" + small + "\n")
    result = clean("--max-bytes", "300", str(path))
    assert result.exit_code == 1
    first, second = jsonl(result)
    assert f"{path}:1: record is larger than the limit" in first["error"]
    assert second["text"] == "Adebrelimab (SHR-1316) was tested."


def _glossary_dir(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "g"
    folder.mkdir()
    write(folder / "drugs.yaml", text)
    return folder


def test_glossary_with_a_yaml_error(tmp_path: Path) -> None:
    folder = _glossary_dir(
        tmp_path, "entries:\n- id: a\n  type: drug\n  canonical: [unclosed\n- id: b\n"
    )
    result = clean("--glossary", str(folder), input=ARTICLE)
    assert result.exit_code != 0
    assert f"{folder / 'drugs.yaml'}:" in result.stderr
    assert "YAML error" in result.stderr
    assert "Traceback" not in result.output


def test_glossary_with_a_duplicate_id(tmp_path: Path) -> None:
    folder = _glossary_dir(
        tmp_path,
        "entries:\n- id: velo\n  type: drug\n  canonical: velocimab\n"
        "- id: velo\n  type: drug\n  canonical: velocimab two\n",
    )
    result = clean("--glossary", str(folder), input=ARTICLE)
    assert result.exit_code != 0
    path = folder / "drugs.yaml"
    assert f"{path}:5: entry 'velo': duplicate id (first defined at {path}:2)" in result.stderr


def test_glossary_duplicate_id_across_files(tmp_path: Path) -> None:
    folder = _glossary_dir(tmp_path, "entries:\n- id: velo\n  type: drug\n  canonical: velocimab\n")
    write(folder / "more.yaml", "entries:\n- id: velo\n  type: company\n  canonical: Velo Inc.\n")
    result = clean("--glossary", str(folder), input=ARTICLE)
    assert result.exit_code != 0
    assert "duplicate id" in result.stderr and "more.yaml:2" in result.stderr


def test_glossary_with_a_duplicate_key(tmp_path: Path) -> None:
    folder = _glossary_dir(
        tmp_path, "entries:\n- id: velo\n  type: drug\n  canonical: velocimab\n  type: company\n"
    )
    result = clean("--glossary", str(folder), input=ARTICLE)
    assert result.exit_code != 0
    assert f"{folder / 'drugs.yaml'}:2: duplicate key 'type'" in result.stderr


def test_glossary_not_in_utf8(tmp_path: Path) -> None:
    folder = tmp_path / "g"
    folder.mkdir()
    (folder / "drugs.yaml").write_bytes(
        "entries:\n- id: velo\n  type: drug\n  canonical: 维洛\n".encode("gb18030")
    )
    result = clean("--glossary", str(folder), input=ARTICLE)
    assert result.exit_code != 0
    assert f"{folder / 'drugs.yaml'}:4: not valid UTF-8" in result.stderr
    assert isinstance(result.exception, SystemExit), "a message, not a crash"


def test_glossary_with_an_unknown_field(tmp_path: Path) -> None:
    folder = _glossary_dir(
        tmp_path, "entries:\n- id: velo\n  type: drug\n  canonical: velocimab\n  alaises: [x]\n"
    )
    result = clean("--glossary", str(folder), input=ARTICLE)
    assert result.exit_code != 0
    # the field's own line, and the field meant
    assert "drugs.yaml:5: entry 'velo': unknown field 'alaises'; did you mean 'aliases'?" in (
        result.stderr
    )


# --- a real process ---------------------------------------------------------------------------


def test_real_subprocess(tmp_path: Path, session_cache: Path) -> None:
    path = write(tmp_path / "a.txt", ARTICLE + "\nSubscribe\n")
    proc = subprocess.run(
        [sys.executable, "-m", "normalize", "clean", "--no-translate", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**_env(), "NORMALIZE_CACHE": str(session_cache)},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == CLEANED
    bad = subprocess.run(
        [sys.executable, "-m", "normalize", "clean", "--no-translate", str(tmp_path / "nope.txt")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**_env(), "NORMALIZE_CACHE": str(session_cache)},
    )
    assert bad.returncode == 1
    assert "nope.txt: cannot read" in bad.stderr


def _env() -> dict[str, str]:
    import os

    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


# --- help everywhere --------------------------------------------------------------------------


def _commands(group: click.Command, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = [path]
    if isinstance(group, click.Group):
        for name, command in sorted(group.commands.items()):
            out += _commands(command, (*path, name))
    return out


@pytest.mark.parametrize("path", _commands(main), ids=lambda p: " ".join(p) or "normalize")
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Usage: ")
    assert " ".join(("main", *path)) in result.output.splitlines()[0] or path == ()
    # Every command says what it does, not only its options.
    body = result.output.split("Options:")[0]
    assert len(body.strip().splitlines()) >= 2, f"{path}: no description"


def test_commands_include_the_core() -> None:
    names = {p[0] for p in _commands(main) if p}
    assert {"clean", "glossary"} <= names


FOOTER_PAGE = """Home
Markets
Regulator clears a new lung cancer drug after a priority review
The national regulator approved the drug on Monday after a priority review of 400 patients.
The company said sales would start in the spring in three provinces and later across the country.
Analysts expect the drug to reach peak sales of two billion yuan a year by the end of the decade.
Write to the desk
Our team
Jobs at the paper
Print edition
Events calendar
"""


def test_strip_favor_trades_removal_for_safety() -> None:
    kept = {}
    for favor in ("precision", "balanced", "recall"):
        result = clean("--no-translate", "--strip-favor", favor, "--format", "json",
                       input=FOOTER_PAGE)  # fmt: skip
        assert result.exit_code == 0, result.output
        record = json.loads(result.stdout)
        assert ("favoring" in record["stamp"]["strip"]) == (favor != "balanced")
        kept[favor] = set(record["text"].splitlines())
    # lower thresholds can only take more (how many more depends on the shipped model; a
    # model with chosen thresholds is tested in test_line_model.py)
    assert kept["recall"] <= kept["balanced"] <= kept["precision"]
    assert all(line in kept["recall"] for line in FOOTER_PAGE.splitlines()[2:6])
    bad = clean("--strip-favor", "fast", input=FOOTER_PAGE)
    assert bad.exit_code == 2 and "'fast' is not one of" in bad.output

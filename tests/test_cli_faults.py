"""``normalize clean`` under faults and as a program reads it: the output file is never an input
and never half-written, one bad record or file never ends a batch, JSON output is strict, usage
errors exit 2 up front, and every message has one prefix."""

from __future__ import annotations

import gzip
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from normalize.cli import main
from normalize.io import read_records

clean_module = sys.modules["normalize.cli.clean"]  # `normalize.cli.clean` is also the command
ROOT = Path(__file__).resolve().parents[1]
ARTICLE = "Hengrui Medicine said Ruikang trastuzumab met its goal.\n"
CLEANED = "Jiangsu Hengrui Pharmaceuticals said trastuzumab rezetecan (SHR-A1811) met its goal.\n"
GOOD = '{"id": 9, "text": "Adebelimumab was tested."}'


def clean(*args: str, input: str | bytes | None = None) -> Result:
    return CliRunner().invoke(main, ["clean", "--no-translate", *args], input=input)


def rows(text: str) -> list[dict]:
    return [_strict_loads(line) for line in text.splitlines()]


def _strict_loads(text: str) -> object:
    def refuse(token: str) -> None:
        raise ValueError(f"not JSON: {token}")

    return json.loads(text, parse_constant=refuse)


# --- output formats ---------------------------------------------------------------------------


def test_json_list_is_always_a_list(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    one = clean("--format", "json-list", str(path))
    assert one.exit_code == 0
    (obj,) = json.loads(one.stdout)
    assert obj["text"] == CLEANED.rstrip("\n")
    assert isinstance(json.loads(clean("--format", "json", str(path)).stdout), dict)
    two = json.loads(clean("--format", "json-list", str(path), str(path)).stdout)
    assert len(two) == 2


def test_strict_json_for_numbers_json_cannot_hold() -> None:
    line = '{"id": 1, "text": "Adebelimumab was tested.", "a": NaN, "b": 1e999, "c": -Infinity}'
    big = '{"id": 2, "text": "Adebelimumab was tested.", "d": ' + "9" * 5000 + "}"
    result = clean(input=line + "\n" + big + "\n")
    assert result.exit_code == 0, result.stderr
    first, second = rows(result.stdout)  # parses with a parser that refuses NaN and Infinity
    assert (first["a"], first["b"], first["c"]) == ("NaN", "1e999", "-Infinity")
    assert second["d"] == "9" * 5000 and second["text"].startswith("Adebrelimab")


def test_lone_surrogates_and_nul_never_reach_the_output(tmp_path: Path) -> None:
    lines = [
        r'{"id": 1, "text": "Adebelimumab \ud800 was tested.\u0000", "extra": "x\udfffy"}',
        GOOD,
    ]
    result = clean(input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.stderr
    out = result.stdout_bytes
    assert b"\x00" not in out
    out.decode("utf-8")  # encodable: no raw surrogate
    first, second = rows(result.stdout)
    assert "\x00" not in first["text"] and "\ufffd" in first["text"]
    assert first["extra"] == "x\udfffy"  # passed through as its escape, unchanged
    assert any("NUL" in w for w in first["warnings"])
    assert second["id"] == 9


def test_nul_bytes_after_the_sniffed_head_are_removed(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(ARTICLE.encode() + b"x" * 9000 + b"\x00\x00 tail\n")
    result = clean("--format", "jsonl", str(path))
    assert result.exit_code == 0, result.stderr
    (row,) = rows(result.stdout)
    assert "\x00" not in row["text"] and "tail" in row["text"]
    assert b"\x00" not in result.stdout_bytes


# --- one bad record or file never ends the batch ---------------------------------------------


def test_each_bad_record_gets_its_row_and_the_rest_go_on() -> None:
    lines = [
        '{"id": 1, "url": "http://[::1", "text": "Hengrui Medicine said so."}',
        r'{"id": 2, "text": "\ud800"}',
        "[" * 100_000 + "]" * 100_000,
        GOOD,
    ]
    result = clean(input="\n".join(lines) + "\n")
    assert result.exception is None or isinstance(result.exception, SystemExit)
    out = rows(result.stdout)
    assert len(out) == 4
    assert out[0]["text"] == "Jiangsu Hengrui Pharmaceuticals said so."
    assert any("url" in w for w in out[0]["warnings"])
    assert "<stdin>:3: malformed JSON: nested too deeply" in out[2]["error"]
    assert out[3]["text"] == "Adebrelimab (SHR-1316) was tested."
    assert "Traceback" not in result.stderr


def test_an_unexpected_exception_is_an_error_row(monkeypatch: pytest.MonkeyPatch) -> None:
    from normalize.pipeline import Pipeline

    real = Pipeline.__call__

    def call(self, doc):  # type: ignore[no-untyped-def]
        if "boom" in doc.text:
            raise RuntimeError("a bug")
        return real(self, doc)

    monkeypatch.setattr(Pipeline, "__call__", call)
    data = '{"id": 1, "text": "boom"}\n' + GOOD + "\n"
    result = clean(input=data)
    assert result.exit_code == 1
    bad, good = rows(result.stdout)
    assert bad["error"] == "<stdin>:1 (id 1): internal error: RuntimeError: a bug"
    assert good["id"] == 9 and "error" not in good
    assert "Traceback" not in result.stderr
    debug = clean("--debug", input=data)
    assert "Traceback" in debug.stderr and "RuntimeError: a bug" in debug.stderr
    assert len(rows(debug.stdout)) == 2


def test_truncated_and_corrupt_gzip_files(tmp_path: Path) -> None:
    truncated = tmp_path / "t.txt.gz"
    truncated.write_bytes(gzip.compress(ARTICLE.encode() * 50)[:40])
    corrupt = tmp_path / "c.txt.gz"
    data = bytearray(gzip.compress(ARTICLE.encode() * 50))
    data[20:30] = b"\xff" * 10
    corrupt.write_bytes(bytes(data))
    records = tmp_path / "r.jsonl.gz"
    whole = gzip.compress(((GOOD + "\n") * 3000).encode())
    records.write_bytes(whole[: len(whole) * 2 // 3])
    good = tmp_path / "g.txt"
    good.write_text(ARTICLE, encoding="utf-8")
    result = clean("--format", "jsonl", str(truncated), str(corrupt), str(records), str(good))
    assert result.exit_code == 1
    assert "Aborted" not in result.output and "Traceback" not in result.stderr
    out = rows(result.stdout)
    assert "t.txt.gz: cannot read: truncated gzip data" in out[0]["error"]
    assert "c.txt.gz: cannot read" in out[1]["error"]
    read = [r for r in out if r["source"] == str(records)]
    assert len(read) > 100 and all(r["id"] == 9 for r in read[:-1])
    assert "cannot read after line" in read[-1]["error"]
    assert out[-1]["text"] == CLEANED.rstrip("\n")


def test_a_gzip_bomb_is_refused_while_reading(tmp_path: Path) -> None:
    """200 MB of inflated text (200 kB on disk) against a 1 MB limit: reading stops at the
    limit, and memory stays near it (tracemalloc counts what Python allocates)."""
    import tracemalloc

    bomb = tmp_path / "bomb.txt.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as f:
        chunk = b"a" * (1 << 20)
        for _ in range(200):
            f.write(chunk)
    tracemalloc.start()
    (record,) = read_records([str(bomb)], max_bytes=1 << 20)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert record.error and "larger than the limit" in record.error
    assert peak < 8 << 20, f"peak {peak / 1e6:.1f} MB while reading"


# --- -o ---------------------------------------------------------------------------------------


def test_output_naming_an_input_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(GOOD + "\n", encoding="utf-8")
    link = tmp_path / "other-name.jsonl"
    os.link(path, link)
    for args in ([str(path), "-o", str(path)], [str(path), "-o", str(link)]):
        result = clean(*args)
        assert result.exit_code == 2
        assert "is the input" in result.stderr
    a = tmp_path / "a.txt"
    a.write_text(ARTICLE, encoding="utf-8")
    result = clean(str(a), str(path), "-o", str(path))
    assert result.exit_code == 2
    assert path.read_text(encoding="utf-8") == GOOD + "\n"


def test_stdout_appending_to_stdin_is_refused(tmp_path: Path, session_cache: Path) -> None:
    """`normalize clean < in.jsonl >> in.jsonl` would read its own output forever."""
    path = tmp_path / "in.jsonl"
    path.write_text(GOOD + "\n", encoding="utf-8")
    with open(path, "rb") as stdin, open(path, "ab") as stdout:
        proc = subprocess.run(
            [sys.executable, "-m", "normalize", "clean", "--no-translate"],
            stdin=stdin,
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT), "NORMALIZE_CACHE": str(session_cache)},
            timeout=120,
        )
    assert proc.returncode == 2 and "same file as stdin" in proc.stderr
    assert path.read_text(encoding="utf-8") == GOOD + "\n"


def test_output_is_replaced_only_when_the_run_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out.txt"
    out.write_text("old\n", encoding="utf-8")
    out.chmod(0o640)
    source = tmp_path / "a.txt"
    source.write_text(ARTICLE, encoding="utf-8")

    def full(self: object) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(clean_module._Writer, "close", full)
        result = clean(str(source), "-o", str(out))
    assert result.exit_code == 1
    assert "cannot write" in result.stderr and "Traceback" not in result.stderr
    assert out.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "out.txt"], "no temp file left"

    link = tmp_path / "link.txt"
    link.symlink_to(out)
    result = clean(str(source), "-o", str(link))
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8") == CLEANED
    assert link.is_symlink(), "written through the link"
    assert stat.S_IMODE(out.stat().st_mode) == 0o640, "mode kept"


def test_a_run_where_every_record_failed_keeps_the_old_output(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("old\n", encoding="utf-8")
    result = clean(str(tmp_path / "missing.jsonl"), "-o", str(out))
    assert result.exit_code == 1
    assert out.read_text(encoding="utf-8") == "old\n"
    assert "left as it was" in result.stderr
    new = tmp_path / "new.jsonl"
    clean("--format", "jsonl", str(tmp_path / "missing.jsonl"), "-o", str(new))
    assert "cannot read" in rows(new.read_text(encoding="utf-8"))[0]["error"]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_output_to_a_full_device_is_a_message(session_cache: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "normalize", "clean", "--no-translate", "-o", "/dev/full"],
        input=ARTICLE,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "NORMALIZE_CACHE": str(session_cache)},
        timeout=120,
    )
    assert proc.returncode == 1
    assert proc.stderr.strip() == "Error: cannot write /dev/full: No space left on device"


# --- usage ------------------------------------------------------------------------------------


def test_a_bad_model_is_a_usage_error_up_front(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["clean", "--model", "no-such-model"], input=ARTICLE)
    assert result.exit_code == 2
    assert "'--model'" in result.stderr and "no-such-model" in result.stderr
    assert result.stdout == ""
    folder = tmp_path / "not-a-model"
    folder.mkdir()
    result = CliRunner().invoke(main, ["clean", "--model", str(folder)], input=ARTICLE)
    assert result.exit_code == 2 and "not a Marian model folder" in result.stderr


def test_every_clean_option_has_help() -> None:
    result = CliRunner().invoke(main, ["clean", "--help"])
    options = [p for p in clean_module.clean.params if p.param_type_name == "option"]
    assert all(p.help for p in options), [p.name for p in options if not p.help]  # type: ignore[attr-defined]
    assert "Where the translation model runs" in result.output


def test_stdin_on_a_terminal_says_it_is_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clean_module, "_isatty", lambda stream: stream is sys.stdin)
    result = clean(input=ARTICLE)
    assert "reading the article from stdin" in result.stderr
    assert result.stdout == CLEANED


def test_one_error_prefix(tmp_path: Path) -> None:
    """Record errors, run errors and usage errors all say `Error: `."""
    record = clean(str(tmp_path / "missing.txt"))
    usage = CliRunner().invoke(main, ["clean", "--format", "xml"])
    run = clean("--glossary", str(ROOT / "README.md"), input=ARTICLE)
    for result in (record, usage, run):
        assert result.exit_code in (1, 2)
        lines = [ln for ln in result.stderr.splitlines() if "rror" in ln]
        assert lines and all(ln.startswith("Error: ") for ln in lines), result.stderr

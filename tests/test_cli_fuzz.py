"""Fuzzing ``normalize clean`` through the CLI (hypothesis, bounded so CI stays fast): random
bytes, random JSONL and random HTML. Whatever comes in: no traceback, every record gets exactly
one strict-JSON output row in input order, and the exit status follows the contract (0 when
every record succeeded, 1 when one failed, never anything else)."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from normalize.cli import main

EXAMPLES = int(os.environ.get("NORMALIZE_FUZZ_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

WORDS = ["Hengrui", "Medicine", "adebelimumab", "said", "the", "Share:", "恒瑞医药", "单抗", "\x00"]
text = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(WORDS), max_size=30).map(" ".join),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=80),
)
json_scalar = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), text
)
json_value = st.recursive(
    json_scalar,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
record = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(st.integers(), st.text(max_size=8), json_value),
        "text": st.one_of(text, json_value),
        "html": st.one_of(text, json_value),
        "url": st.one_of(st.sampled_from(["https://example.com/a", "http://[::1", ""]), text),
        "lang": st.one_of(st.sampled_from(["en", "zh", ""]), json_value),
        "extra": json_value,
    },
)
raw_line = st.one_of(
    record.map(lambda r: json.dumps(r, ensure_ascii=False)),
    st.sampled_from(["NaN", "[1]", '{"text": 1e999}', '{"text": "x"', "{" * 50, '"just a string"']),
    st.text(max_size=60).filter(lambda s: "\n" not in s and "\r" not in s),
)
tags = st.sampled_from(
    ["p", "div", "h1", "script", "style", "nav", "article", "meta", "br", "<!--", "]]>", "&amp;"]
)
html_piece = st.one_of(
    text,
    tags.map(lambda t: f"<{t}>"),
    tags.map(lambda t: f"</{t}>"),
    st.just('<meta charset="gb2312">'),
)
html = st.lists(html_piece, max_size=40).map(lambda parts: "<html><body>" + "".join(parts))


@pytest.fixture(scope="module", autouse=True)
def one_pipeline() -> object:
    """Every example runs the real CLI on its input, but on one shared pipeline: building the
    pipeline (rules, glossary) per example would spend the test's time on start-up."""
    import normalize.pipeline
    from normalize.config import Config

    real = normalize.pipeline.Pipeline
    shared = real(Config(translate=False))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            normalize.pipeline,
            "Pipeline",
            lambda config: shared if config == shared.config else real(config),
        )
        yield shared


def run(path: Path) -> Result:
    return CliRunner().invoke(main, ["clean", "--no-translate", "--format", "jsonl", str(path)])


def check(result: Result, expected_rows: int) -> list[dict]:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1)
    assert b"\x00" not in result.stdout_bytes
    lines = result.stdout.split("\n")[:-1] if result.stdout else []
    assert lines == result.stdout.splitlines(), "one row is one line for any line splitter"

    def refuse(token: str) -> None:
        raise AssertionError(f"not strict JSON: {token}")

    out = [json.loads(line, parse_constant=refuse) for line in lines]
    assert len(out) == expected_rows, (len(out), expected_rows, result.stderr[-500:])
    failed = sum(1 for row in out if "stamp" not in row)  # a result row always has a stamp
    assert all(("error" in row) != ("stamp" in row) for row in out)
    assert (result.exit_code == 1) == bool(failed), (result.exit_code, failed)
    return out


@FUZZ
@given(data=st.binary(max_size=600))
def test_random_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "input.txt"
    path.write_bytes(data)
    check(run(path), 1)


@FUZZ
@given(lines=st.lists(raw_line, min_size=1, max_size=6))
def test_random_jsonl(tmp_path: Path, lines: list[str]) -> None:
    path = tmp_path / "input.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    expected = sum(1 for ln in lines if ln.strip()) or 1  # an all-blank file: one "empty" row
    out = check(run(path), expected)
    for row, line in zip(out, [ln for ln in lines if ln.strip()], strict=False):
        try:  # the input as the README says it passes through: odd numbers as their tokens
            obj = json.loads(
                line,
                parse_constant=str,
                parse_float=lambda t: float(t) if math.isfinite(float(t)) else t,
            )
        except (ValueError, RecursionError):
            continue
        if isinstance(obj, dict) and "id" in obj:
            assert row["id"] == obj["id"]


@FUZZ
@given(page=html)
def test_random_html(tmp_path: Path, page: str) -> None:
    path = tmp_path / "input.html"
    path.write_bytes(page.encode("utf-8", errors="surrogatepass"))
    check(run(path), 1)


@pytest.mark.parametrize(
    "line",
    [
        '{"id": 1, "url": "http://[::1", "text": "Hengrui said so."}',
        '{"id": 2, "text": "\\ud800"}',
        "[" * 100_000,
        '{"id": 4, "text": "x", "n": NaN, "m": 1e999}',
        '{"id": 5, "html": "<p>a' + "<>" * 2000 + '</p>"}',
    ],
    ids=["bad-url", "surrogate", "deep-nesting", "nan", "angle-runs"],
)
def test_known_bad_lines(tmp_path: Path, line: str) -> None:
    """The crafted lines from issue 15, each followed by a good record."""
    path = tmp_path / "input.jsonl"
    path.write_text(line + '\n{"id": 99, "text": "Adebelimumab was tested."}\n', encoding="utf-8")
    out = check(run(path), 2)
    assert out[1]["id"] == 99 and out[1]["text"] == "Adebrelimab (SHR-1316) was tested."

"""Golden whole-article cases (tests/golden/articles/*.yaml) through ``clean --no-translate``.

Each case holds a comment (why it exists), an input article (inline, or ``input_file`` relative
to the repository root) and the expected output, or ``unchanged: true``. A case whose expected
output is right but not yet produced carries ``xfail: <reason>`` (a strict xfail: it fails the
suite once fixed, so the marker gets removed); its ``must_contain`` / ``must_not_contain``
snippets are checked on every run all the same.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from normalize.cli import main
from normalize.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "golden" / "articles"
EXAMPLE = ROOT / "examples" / "hengrui-licensing-mt.txt"


def _load(path: Path) -> dict[str, Any]:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    if "input_file" in case:
        case["input"] = (ROOT / case["input_file"]).read_text(encoding="utf-8")
    if case.get("unchanged"):
        case["expected"] = case["input"]
    return case


CASES = {path.stem: _load(path) for path in sorted(GOLDEN.glob("*.yaml"))}


def _params() -> list[Any]:
    out = []
    for name, case in CASES.items():
        marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if case.get("xfail") else []
        out.append(pytest.param(name, marks=marks, id=name))
    return out


def _run(pipeline: Pipeline, text: str) -> str:
    return pipeline.process(text).text


def test_cases_are_well_formed() -> None:
    assert len(CASES) >= 6
    assert any(case.get("unchanged") for case in CASES.values()), "a must-not-change case"
    for name, case in CASES.items():
        assert case.get("comment"), f"{name}: every golden case says why it exists"
        assert case.get("input", "").strip() and case.get("expected", "").strip(), name
        unknown = set(case) - {
            "comment",
            "input",
            "input_file",
            "expected",
            "unchanged",
            "xfail",
            "must_contain",
            "must_not_contain",
        }
        assert not unknown, f"{name}: unknown keys {unknown}"


@pytest.mark.parametrize("name", _params())
def test_golden_article(pipeline_no_translate: Pipeline, name: str) -> None:
    case = CASES[name]
    assert _run(pipeline_no_translate, case["input"]) == case["expected"].rstrip("\n")


@pytest.mark.parametrize(
    "name", [n for n, c in CASES.items() if "must_contain" in c or "must_not_contain" in c]
)
def test_golden_snippets(pipeline_no_translate: Pipeline, name: str) -> None:
    case = CASES[name]
    out = _run(pipeline_no_translate, case["input"])
    missing = [s for s in case.get("must_contain", []) if s not in out]
    present = [s for s in case.get("must_not_contain", []) if s in out]
    assert not missing and not present, f"missing {missing}, present {present}\n{out}"


@pytest.mark.parametrize("name", _params())
def test_golden_output_is_stable(pipeline_no_translate: Pipeline, name: str) -> None:
    once = _run(pipeline_no_translate, CASES[name]["input"])
    assert _run(pipeline_no_translate, once) == once


def test_cli_prints_what_the_library_returns_for_the_example(
    pipeline_no_translate: Pipeline,
) -> None:
    result = CliRunner().invoke(main, ["clean", "--no-translate", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    expected = _run(pipeline_no_translate, EXAMPLE.read_text(encoding="utf-8"))
    assert result.output == expected + "\n"

"""Messages that point at the fix: YAML errors with a hint, unknown fields with a suggestion and
their own line, a bundled glossary that lints clean, intentional warnings marked in the data."""

from __future__ import annotations

from pathlib import Path

import pytest

from normalize.errors import GlossaryError
from normalize.glossary.entries import parse_glossary_text
from normalize.glossary.lint import lint_paths, lint_texts
from normalize.resources import data_dir

HEAD = "entries:\n- id: alpha\n  type: drug\n  canonical: alphamab\n"


def only_error(text: str) -> str:
    problems = [p for p in lint_texts({"g.yaml": text}, derived=False) if p.severity == "error"]
    assert len(problems) == 1, problems
    return str(problems[0])


def test_three_space_indent_gets_a_hint() -> None:
    text = HEAD + "- id: beta\n   type: drug\n   canonical: betamab\n"
    message = only_error(text)
    assert message.startswith("g.yaml:6: error: YAML error:")
    assert "line 6 is indented 3 spaces but the key above it 2" in message
    with pytest.raises(GlossaryError, match="indented 3 spaces"):
        parse_glossary_text(text, "g.yaml")


def test_unquoted_colon_gets_a_hint() -> None:
    message = only_error(HEAD + "  notes: Approved: 2018\n")
    assert message.startswith("g.yaml:5: error: YAML error:")
    assert "quote it: notes: \"Approved: 2018\"" in message


def test_unknown_field_suggests_the_field_and_names_its_line() -> None:
    text = HEAD + "  zh: [阿尔法单抗]\n  brand: [Alfa]\n"
    assert only_error(text) == (
        "g.yaml:6: error: entry 'alpha': unknown field 'brand'; did you mean 'brands'? [schema]"
    )
    with pytest.raises(GlossaryError, match=r"g.yaml:6: entry 'alpha': unknown field 'brand'"):
        parse_glossary_text(text, "g.yaml")


def test_bundled_glossary_lints_without_warnings() -> None:
    problems = lint_paths()
    assert [str(p) for p in problems if p.severity != "info"] == []


SAME_BRAND = """\
entries:
- id: alpha
  type: drug
  canonical: alphamab
  brands: [Alfabrand]
  do_not_confuse: [beta]
- id: beta
  type: drug
  canonical: betamab
  brands: [Alfabrand]
"""


def test_expected_warnings_are_marked_in_the_data() -> None:
    def codes(text: str, severity: str) -> list[str]:
        return [p.code for p in lint_texts({"g.yaml": text}) if p.severity == severity]

    assert codes(SAME_BRAND, "warning") == ["same-name"]
    marked = SAME_BRAND + "  expected_warnings: [same-name]\n"
    assert codes(marked, "warning") == []
    assert "same-name" in codes(marked, "info")
    assert sorted(codes(SAME_BRAND + "  expected_warnings: [same-nam]\n", "warning")) == [
        "expected-warnings",
        "same-name",
    ]


def test_glossary_readme_gives_commands() -> None:
    readme = (Path(data_dir("glossaries")) / "README.md").read_text(encoding="utf-8")
    assert "python -c" not in readme and "normalize glossary lint" in readme

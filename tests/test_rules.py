"""Rule files: the bundled ones load; malformed ones fail with file:line and the rule id."""

from __future__ import annotations

from pathlib import Path

import pytest

from normalize.errors import RulesError
from normalize.rules import dump_site_profile, load_rules, parse_rules_text, rule_files


def test_bundled_rules_load() -> None:
    rules = load_rules()
    ids = [r.id for r in rules.generic]
    assert len(ids) == len(set(ids)) >= 40
    assert {p.name for p in rule_files()} >= {"generic-en.yaml", "generic-zh.yaml"}
    assert len(rules.digest) == 12


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rules:\n  - id: x1\n    match: '(unclosed'\n", "<t>:2: rule 'x1': bad regex"),
        (
            "rules:\n  - id: x1\n    match: 'a'\n    wher: edges\n",
            "<t>:2: rule 'x1': unknown key 'wher'",
        ),
        ("rules:\n  - id: x1\n    match: 'a'\n    where: middle\n", "'where' must be one of"),
        ("rules:\n  - id: Bad Id\n    match: 'a'\n", "<t>:2: rule 'Bad Id': 'id' must be"),
        ("rules:\n  - id: x1\n", "needs 'match'"),
        ("rules:\n  - id: x1\n    match: '.*'\n", "matches the empty line"),
        ("rules:\n  - id: x1\n    match: '{nope}'\n", "unknown placeholder {nope}"),
        (
            "rules:\n  - id: x1\n    match: 'a'\n    sentences: yes please\n",
            "'sentences' must be true or false",
        ),
        ("site: not a domain\nlines: [a]\n", "<t>:1: 'site' must be a domain"),
        ("site: example.com\nlines: a line\n", "'lines' must be a list of strings"),
        ("rules: [\n", "<t>:2: not valid YAML"),
        ("lang: fr\nrules:\n  - id: x1\n    match: a\n", "lang must be one of"),
        (
            "rules:\n  - id: x1\n    match: a\n  - id: x1\n    match: a\n    match: b\n",
            "duplicate key 'match'",
        ),
    ],
)
def test_errors_name_file_line_and_rule(text: str, message: str) -> None:
    with pytest.raises(RulesError) as info:
        parse_rules_text(text, "<t>")
    assert message in str(info.value)


def test_defines_are_expanded() -> None:
    rules, _ = parse_rules_text(
        "defines:\n  word: 'foo|bar'\nrules:\n  - id: x1\n    match: 'say {word}'\n"
    )
    assert rules[0].matches("say bar") and not rules[0].matches("say baz")


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    (tmp_path / "extra.yaml").write_text("rules:\n  - id: en-share\n    match: 'x'\n")
    with pytest.raises(RulesError, match="already used"):
        load_rules([tmp_path])


def test_missing_path_and_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="no such rule file"):
        load_rules([tmp_path / "missing"])
    with pytest.raises(RulesError, match=r"no \*.yaml rule files"):
        load_rules([tmp_path])


def test_site_profiles_match_subdomains(tmp_path: Path) -> None:
    (tmp_path / "example.com.yaml").write_text(
        dump_site_profile("example.com", ["Footer line"], documents=5)
    )
    rules = load_rules([tmp_path])
    assert rules.site_for("https://news.example.com/a") is rules.site_for("http://www.example.com")
    assert rules.site_for("https://example.org/") is None
    assert "footer line" in rules.sites["example.com"].lines

"""Rules run on RE2 (normalize.strip.linear): no line makes a rule hang, rules keep Python's
meaning (\\w, \\d, \\s are Unicode), constructs RE2 lacks and nested unbounded quantifiers are
refused at load and by ``sites lint`` with file:line and the rule id."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from normalize.cli import main
from normalize.errors import RulesError
from normalize.strip.linear import compile_linear, compile_literal_search
from normalize.strip.rules import parse_rules_text

ROOT = Path(__file__).resolve().parents[1]

# The lines: each took a minute or more (14 breadcrumb segments never finished) with
# Python's backtracking engine; on RE2 each is a few milliseconds.
_ADVERSARIAL = [
    "1 > " * 14 + "x" * 81,  # en-breadcrumb
    "by " + "a" * 250 + "!",  # en-byline
    "阅读 1" + " 阅读 1" * 40 + "x",  # zh-meta
    "首页 > " * 20 + "新闻" * 30,  # zh-breadcrumb
]
_RUN = """
import sys, time
from normalize.strip.cleaner import clean_text
from normalize.strip.rules import load_rules
rules = load_rules()
worst = 0.0
for line in sys.stdin.read().split("\\n"):
    started = time.perf_counter()
    clean_text(line + "\\n", rules)
    worst = max(worst, time.perf_counter() - started)
print(worst)
"""


def test_adversarial_lines_do_not_hang_the_strip_stage() -> None:
    # In a subprocess with a timeout: before RE2 this did not finish.
    out = subprocess.run(
        [sys.executable, "-c", _RUN],
        input="\n".join(_ADVERSARIAL),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert out.returncode == 0, out.stderr
    assert float(out.stdout) < 10  # far above the milliseconds it takes; a hang is minutes


def test_rewritten_rules_still_remove_what_they_did() -> None:
    from normalize.strip.rules import load_rules, normalize_line

    rules = load_rules()
    for line, rule in [
        ("Home > News > Pharma > Article title", "en-breadcrumb"),
        ("首页 » 新闻 / 医药 » 政策", "zh-breadcrumb"),  # "/" is no en-breadcrumb segment
        ("张三、李四、王五、赵六", "zh-author-list"),
        ("阅读 1,234 评论 5 转发 8", "zh-meta"),
        ("page_view_count 12", "en-field-label"),
        ("请联系 13812345678 咨询", "zh-phone-ad"),
        ("客服微信：abc", "zh-phone-ad"),
    ]:
        found = rules.matcher.first(normalize_line(line), sentences_only=False)
        assert found is not None and found.id == rule, (line, found)
    # The phone rule's lookarounds, rewritten: a longer run of digits is no mobile number.
    found = rules.matcher.first(normalize_line("订单号 138123456789 已发货"), sentences_only=False)
    assert found is None or found.id != "zh-phone-ad"


@pytest.mark.parametrize(
    ("match", "message"),
    [
        (r"foo(?=bar).*", r"<t>:2: rule 'x1': 'match': lookahead/lookbehind"),
        (r"(?<!\d)123", r"<t>:2: rule 'x1': 'match': lookahead/lookbehind"),
        (r"(?:a+)+b", r"<t>:2: rule 'x1': 'match': nested quantifiers \(a repeat \+ inside"),
        (r"(?:x{1,30}\s*>\s*){2,}", r"<t>:2: rule 'x1': 'match': nested quantifiers"),
        (r"(?:ab*)*c", r"nested quantifiers"),
        (r"(?>ab|a)c", r"atomic group or possessive repeat"),
    ],
)
def test_constructs_re2_lacks_and_nested_quantifiers_are_refused(match: str, message: str) -> None:
    with pytest.raises(RulesError, match=message):
        parse_rules_text(f"rules:\n  - id: x1\n    match: '{match}'\n", "<t>")


def test_bounded_nesting_is_allowed() -> None:
    rules, _ = parse_rules_text("rules:\n  - id: x1\n    match: '(?:\\w+ ){0,5}end'\n", "<t>")
    assert rules[0].matches("one two end")


def test_sites_lint_rejects_a_nested_quantifier_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "generic-x.yaml").write_text(
        "lang: en\nrules:\n  - id: bad-crumb\n    match: '(?:[^>]{1,30}\\s*>\\s*){2,}.*'\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["sites", "lint", str(tmp_path)])
    assert result.exit_code != 0
    assert "generic-x.yaml:3: rule 'bad-crumb': 'match': nested quantifiers" in result.output


_PATTERNS = [
    r"\w+",
    r"[\w.'-]+ \w*",
    r"\d+[\d,.]*",
    r"\s*\S+\s*",
    r"[^\s\d]+",
    r"\W+\w",
    r"[\u3400-\u9fff·]{2,4}",
    r".{0,3}x.*",
    r"(?:ab|a)(?:bc|c)?",
    r"\D{2}\d?",
]
_TEXT = st.text(
    alphabet=st.sampled_from(
        [*"ab cx1é_-.'·、9٣", "\u00a0", "\u3000", "\u2003", "中", "文", "Ⅻ", "\t", "\x1c"]
    ),
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_PATTERNS), _TEXT, st.booleans())
def test_re2_translation_keeps_python_meaning(pattern: str, text: str, ignore_case: bool) -> None:
    python = re.compile(pattern, re.IGNORECASE if ignore_case else 0)
    linear = compile_linear(pattern, ignore_case=ignore_case)
    assert (python.fullmatch(text) is None) == (linear.fullmatch(text) is None), (pattern, text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["all rights", "版权", "ab", "b c", "©", "x.y", "a"]), max_size=6))
def test_literal_search_finds_exactly_the_words_that_occur(parts: list[str]) -> None:
    words = ["all rights", "版权所有", "版权", "b c", "©", "x.y", "(a)"]
    text = " ".join(parts)
    found = compile_literal_search(words).Match(text.encode()) or []
    assert sorted(found) == [i for i, w in enumerate(words) if w in text]


def test_a_relaxed_set_is_confirmed_by_the_pattern_itself() -> None:
    # The matcher's set reads ".{0,10}" as ".*" (fast); the pattern itself has the last word.
    from normalize.strip.linear import compile_set, is_relaxed
    from normalize.strip.rules import Matcher, Rule

    source = r"(?:.{0,10}\s)?code \d{3}"
    assert is_relaxed(source) and not is_relaxed(r"code \d{3}")
    long_line = "x" * 30 + " code 123"
    assert compile_set([source], ignore_case=False, relax=True).Match(long_line.encode())
    rule = Rule("r", re.compile(source, re.IGNORECASE))
    matcher = Matcher([Rule("plain", re.compile(r"code \d{3}", re.IGNORECASE)), rule])
    assert matcher.first(long_line, sentences_only=False) is None
    assert matcher.first("short code 123", sentences_only=False) is rule
    assert matcher.first("code 123", sentences_only=False).id == "plain"  # type: ignore[union-attr]

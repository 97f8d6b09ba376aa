"""Keyword analysis of rule regexes (normalize.strip.rulelits): only necessary conditions."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from normalize.strip.rulelits import (
    case_folded_equivalent,
    keyword_pattern,
    rare_piece,
    required_literals,
)


def test_required_literals_of_alternatives_and_sequences() -> None:
    assert required_literals(r".{0,40}\b(?:newsletter|e-?mail alerts?)\b.{0,40}") == {
        "newsletter",
        "email alert",
        "e-mail alert",
        "email alerts",
        "e-mail alerts",
    }
    assert required_literals(r"(?:版权所有|未经授权).{0,30}") == {"版权所有", "未经授权"}
    # Optional parts and classes of many characters need nothing; a weak set is no answer.
    assert required_literals(r"(?:foo)?\w+") is None
    assert required_literals(r"\d{1,2}[:：]\d{2}") is None


def test_non_ascii_cased_letters_are_not_keywords() -> None:
    # "É" may be written either way in a line; the analysis must not require one spelling.
    need = required_literals(r"caf[ée] society")
    assert need is not None and all("é" not in word for word in need)


def test_keyword_pattern_finds_the_shortest_word_at_a_position() -> None:
    pattern = keyword_pattern(["abc", "ab", "xyz"])
    assert [m.group() for m in pattern.finditer("xxabcx xyz")] == ["ab", "xyz"]


def test_rare_piece_is_inside_the_word() -> None:
    for word in ("all rights reserved", "for more information, contact", "版权所有", "ab"):
        assert rare_piece(word) in word


def test_case_folded_equivalence() -> None:
    assert case_folded_equivalent(r"straße|caf[ée]|新闻")
    assert not case_folded_equivalent(r"µg")  # case folding turns µ into a Greek mu
    assert not case_folded_equivalent(r"News")  # upper case never matches a folded line


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aiıIİsſSkKµμΜßé É-: 版权", max_size=12))
def test_folded_patterns_match_like_ignore_case(text: str) -> None:
    folded = text.casefold()
    if "ı" in folded:
        return  # the caller uses the ignore-case regex for these lines
    for source in (r"[a-z]+ i\w*", r"straße|s+", r"caf[ée].*", r"版权\S*", r"k.?"):
        assert case_folded_equivalent(source)
        with_case = re.compile(source, re.IGNORECASE).fullmatch(folded) is not None
        without = re.compile(source).fullmatch(folded) is not None
        assert with_case == without, (source, folded)

"""Keyword analysis of rule regexes (normalize.strip.rulelits): only necessary conditions."""

from __future__ import annotations

import re
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from normalize.strip.rulelits import case_folded_equivalent, max_width, required_literals


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


def test_max_width_bounds_every_match() -> None:
    assert max_width(r".{0,80}\b(?:newsletter|e-?mail)\b.{0,40}") == 80 + 10 + 40
    assert max_width(r"(?:ab|c){2,3}") == 6
    assert max_width(r"copyright.*") == sys.maxsize
    assert max_width(r"(") == sys.maxsize  # not a pattern: no bound, never a wrong one


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab c-", max_size=30))
def test_no_match_is_longer_than_max_width(text: str) -> None:
    for source in (r"a{1,3}(?: b| c)?", r"(?:a-?|b){2,4}\s?c{0,2}", r".{0,5}b.{0,3}"):
        match = re.fullmatch(source, text)
        assert match is None or len(text) <= max_width(source)


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

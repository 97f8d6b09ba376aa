"""The canonicalizer's speed shortcuts keep its results: a span whose shape rules out every near
form is not scored (the same matches and suggestions as scoring it), exact lookups stop only
where no glossary form opens with the span's key, and the real-drug guard's ties do not depend
on the hash seed of the process that built the index."""

from __future__ import annotations

import pytest
from garble import edit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from normalize.canonicalize.candidates.fuzzy import Fuzzy
from normalize.canonicalize.canonicalizer import Canonicalizer
from normalize.canonicalize.keys import tokenize

_EDITS = st.lists(
    st.tuples(st.sampled_from("dis"), st.integers(0, 40), st.sampled_from("aeiklmnrstxz")),
    max_size=3,
)
_FILLER = ("said", "the", "trial", "of", "monotherapy", "Beijing", "and", "Mabtherapy", "for")
_TAILS = ("", "", " Pharmaceutical Co., Ltd.", " Biologics", " therapy designation")


@st.composite
def _sentences(draw: st.DrawFn, forms: list[str]) -> str:
    """Filler words and glossary names, garbled, lowercased or capitalized, some followed by
    company or programme words."""
    words = []
    for _ in range(draw(st.integers(1, 6))):
        if draw(st.booleans()):
            words.append(draw(st.sampled_from(_FILLER)))
            continue
        name = edit(draw(st.sampled_from(forms)), draw(_EDITS))
        case = draw(st.sampled_from(["lower", "title", "as is"]))
        name = name.lower() if case == "lower" else name.title() if case == "title" else name
        words.append(name + draw(st.sampled_from(_TAILS)))
    return " ".join(words) + "."


def _found(canon: Canonicalizer, text: str) -> tuple[object, object]:
    matches, suggestions, _ = canon.find(text)
    return sorted(matches, key=lambda m: (m.start, m.end)), suggestions


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_shape_shortcut_keeps_every_result(
    canon: Canonicalizer, monkeypatch: pytest.MonkeyPatch, data: st.DataObject
) -> None:
    index = canon.index
    forms = sorted({index.rows[row][1].text for row in index.fuzzy_owner})
    text = data.draw(_sentences(forms))
    fast = _found(canon, text)
    with monkeypatch.context() as m:
        m.setattr(Fuzzy, "shape_rules_out", lambda *_: False)
        full = _found(canon, text)
    assert fast == full, text


def test_shape_shortcut_rules_out_a_lowercase_word_near_a_brand_only(canon: Canonicalizer) -> None:
    # The case the shortcut is for: scored, the word's only near forms are ruled out by its
    # shape (a brand, written in lowercase); unscored, it has no candidates at all.
    span = tokenize("monotherapy")
    full = canon.fuzzy.score(span)
    assert full and all(c.rejected for c in full)
    named = canon.fuzzy.name_key(span)
    assert named is not None and canon.fuzzy.shape_rules_out(span, named)
    assert canon.fuzzy.score(span, eligible_only=True) == []


def test_a_lowercase_garble_of_a_drug_is_still_scored(canon: Canonicalizer) -> None:
    span = tokenize("teruipulimab")  # toripalimab, garbled as MT writes pinyin
    named = canon.fuzzy.name_key(span)
    assert named is not None and not canon.fuzzy.shape_rules_out(span, named)
    assert canon.fuzzy.score(span, eligible_only=True) == canon.fuzzy.score(span)


@given(key=st.text(alphabet="abcdehilmnoprstuz", min_size=1, max_size=14), cut=st.integers(1, 30))
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_exact_lookups_stop_only_where_no_form_opens(
    canon: Canonicalizer, key: str, cut: int
) -> None:
    index = canon.index
    keys = [*index.exact, *(k.casefold() for k in index.exact_cased)]
    some = keys[cut * 37 % len(keys)]
    for probe in (key, some[:cut], some[:cut] + key):
        if not index.opens_form(probe):
            assert not any(k.startswith(probe) for k in keys), probe


def test_real_drugs_are_bucketed_in_a_fixed_order(canon: Canonicalizer) -> None:
    # Sorted by length, then alphabetically: a set's order (the hash seed's) decided which of
    # two real drugs equally near a span a suggestion named.
    buckets = canon.index.known_by_initial.values()
    assert any(len(keys) > 1 for keys, _ in buckets)
    for keys, _ in buckets:
        assert keys == sorted(keys, key=lambda k: (len(k), k))

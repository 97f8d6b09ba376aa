"""The fuzzy pool's shortcuts keep its definition: the POOL_LIMIT forms best by spelling (at least
RAW_FLOOR alike), plus those as alike among the POOL_LIMIT best by consonant skeleton. The
skeleton pass is skipped when the spelling pass does not fill the limit, and a key with no near
form gets no skeleton; checked here against the definition computed in full."""

from __future__ import annotations

import pytest
from garble import edit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from normalize.canonicalize import thresholds
from normalize.canonicalize.candidates.pool import Pools
from normalize.canonicalize.canonicalizer import Canonicalizer
from normalize.canonicalize.index import Index
from normalize.canonicalize.keys import skeleton


def _definition(index: Index, key: str) -> tuple[list[tuple[int, float]], str]:
    from rapidfuzz import fuzz, process

    floor, limit = thresholds.RAW_FLOOR, thresholds.POOL_LIMIT
    a, b = index.window(index.fuzzy_starts, len(key), floor)
    pool: dict[int, float] = {}
    for _c, score, pos in process.extract(
        key, index.fuzzy_keys[a:b], scorer=fuzz.ratio, score_cutoff=floor, limit=limit
    ):
        pool[a + pos] = score
    skel = skeleton(key)
    if len(skel) >= 3:
        for _c, _s, pos in process.extract(
            skel,
            index.fuzzy_skeletons[a:b],
            scorer=fuzz.ratio,
            score_cutoff=thresholds.SKELETON_PREFILTER,
            limit=limit,
        ):
            raw = fuzz.ratio(key, index.fuzzy_keys[a + pos])
            if raw >= floor:
                pool.setdefault(a + pos, raw)
    return list(pool.items()), skel if pool else ""


_EDITS = st.lists(
    st.tuples(st.sampled_from("dis"), st.integers(0, 40), st.sampled_from("aeiklmnrstxz")),
    max_size=4,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pick=st.integers(0, 10**6), edits=_EDITS, limit=st.sampled_from([1, 3, 24]))
def test_pool_is_its_definition(
    canon: Canonicalizer, monkeypatch: pytest.MonkeyPatch, pick: int, edits: list, limit: int
) -> None:
    # small limits fill the spelling pass, so the skeleton pass runs and adds forms
    monkeypatch.setattr(thresholds, "POOL_LIMIT", limit)
    index = canon.index
    key = edit(index.fuzzy_keys[pick % len(index.fuzzy_keys)], edits)
    pool, skel = Pools(index).near(key)
    assert (list(pool.items()), skel) == _definition(index, key)


def test_the_skeleton_pass_adds_forms_when_the_spelling_pass_is_full(
    canon: Canonicalizer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The case the definition test must reach: a key whose skeleton brings in a form beyond
    # the spelling pass's limit.
    monkeypatch.setattr(thresholds, "POOL_LIMIT", 1)
    index = canon.index
    grown = 0
    for key in index.fuzzy_keys[::7]:
        pool, _ = Pools(index).near(key)
        assert list(pool.items()) == _definition(index, key)[0]
        grown += len(pool) > 1
    assert grown > 0

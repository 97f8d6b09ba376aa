"""The fuzzy neighbours of a span key: the glossary's fuzzy forms near it by spelling or by
consonant skeleton. They depend on the key alone, so a canonicalizer remembers them for its
life (news repeats its words across articles), and gathers a document's new keys in one batch
on a large glossary."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from normalize.canonicalize import thresholds
from normalize.canonicalize.index import MIN_FUZZY_CHARS, Index, _length_starts
from normalize.canonicalize.keys import skeleton


@dataclass(frozen=True)
class Forms:
    """Some of the index's fuzzy forms (their keys, still sorted by length, and length starts)."""

    keys: list[str]
    starts: list[int]

    @classmethod
    def of(cls, index: Index, positions: Iterable[int]) -> Forms:
        keys = [index.fuzzy_keys[pos] for pos in sorted(positions)]
        return cls(keys, _length_starts(keys))


class Pools:
    """Remembered neighbours per key: ``key -> (position -> spelling score, key's skeleton)``."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self._pools: dict[str, tuple[dict[int, float], str]] = {}
        self._windows: dict[tuple[int, int], list[str]] = {}  # (a, b) -> fuzzy_keys[a:b]

    def near(self, key: str) -> tuple[dict[int, float], str]:
        """The fuzzy forms near ``key`` (position -> spelling score) and the key's skeleton
        ("" when no form is near): the POOL_LIMIT forms best by spelling, at least RAW_FLOOR
        alike, and, when those fill the limit, any others as alike among the POOL_LIMIT best
        by consonant skeleton."""
        hit = self._pools.get(key)
        if hit is not None:
            return hit
        from rapidfuzz import fuzz, process

        index = self.index
        floor = thresholds.RAW_FLOOR
        a, b = index.window(index.fuzzy_starts, len(key), floor)
        pool: dict[int, float] = {}
        window = self._windows.get((a, b))
        if window is None:
            window = self._windows[a, b] = index.fuzzy_keys[a:b]  # one per key length
        for _c, score, pos in process.extract(
            key,
            window,
            scorer=fuzz.ratio,
            score_cutoff=floor,
            limit=thresholds.POOL_LIMIT,
        ):
            pool[a + pos] = score
        skel = skeleton(key) if pool else ""
        if len(pool) == thresholds.POOL_LIMIT and len(skel) >= 3:
            # (a pool short of the limit already holds every form RAW_FLOOR alike)
            for _c, _score, pos in process.extract(
                skel,
                index.fuzzy_skeletons[a:b],
                scorer=fuzz.ratio,
                score_cutoff=thresholds.SKELETON_PREFILTER,
                limit=thresholds.POOL_LIMIT,
            ):
                raw = fuzz.ratio(key, index.fuzzy_keys[a + pos])
                if raw >= floor and a + pos not in pool:
                    pool[a + pos] = raw
        self._remember(key, pool, skel)
        return pool, skel

    def any_near(self, key: str, forms: Forms) -> bool:
        """Whether any of ``forms`` is RAW_FLOOR alike ``key`` by spelling: those that are not
        are in no pool of :meth:`near` (it gathers only forms that are)."""
        from rapidfuzz import fuzz, process

        floor = thresholds.RAW_FLOOR
        a, b = self.index.window(forms.starts, len(key), floor)
        return (
            a < b
            and process.extractOne(key, forms.keys[a:b], scorer=fuzz.ratio, score_cutoff=floor)
            is not None
        )

    def _remember(self, key: str, pool: dict[int, float], skel: str) -> None:
        if len(self._pools) >= thresholds.POOL_MEMO_MAX:
            self._pools.clear()  # bounded; news soon brings its common words back
        self._pools[key] = (pool, skel)

    def prefetch(self, keys: Iterable[str]) -> None:
        """Gather the fuzzy neighbours of a document's new span keys in one batch: rapidfuzz's
        ``cdist`` scores them all against every form at once, on every core (on a
        50,000-entry glossary ~15x faster than one ``extract`` per key). Same result as
        :meth:`near`, which then finds them remembered."""
        index = self.index
        if len(index.fuzzy_keys) < thresholds.PREFETCH_MIN_FORMS:
            return  # one key at a time is as fast: not even the keys are worth gathering
        new = sorted(
            {
                k
                for k in keys
                if len(k) >= MIN_FUZZY_CHARS
                and k not in self._pools
                and not any(ch.isdigit() for ch in k)
            }
        )
        if len(new) < thresholds.PREFETCH_MIN_KEYS:
            return  # one key at a time is as fast
        import numpy as np
        from rapidfuzz import fuzz, process

        floor, prefilter = thresholds.RAW_FLOOR, thresholds.SKELETON_PREFILTER
        for at in range(0, len(new), thresholds.PREFETCH_BATCH):
            batch = new[at : at + thresholds.PREFETCH_BATCH]
            skels = [skeleton(k) for k in batch]
            # rounded scores, one byte each, to shortlist (a point below the cutoff: rounding)
            spelling, skeletal = (
                process.cdist(
                    queries,
                    choices,
                    scorer=fuzz.ratio,
                    score_cutoff=cutoff - 1,
                    dtype=np.uint8,
                    workers=-1,
                )
                for queries, choices, cutoff in (
                    (batch, index.fuzzy_keys, floor),
                    (skels, index.fuzzy_skeletons, prefilter),
                )
            )
            for row, (key, skel) in enumerate(zip(batch, skels, strict=True)):
                a, b = index.window(index.fuzzy_starts, len(key), floor)
                pool = _top(key, spelling[row], a, b, index.fuzzy_keys, floor)
                if not pool:
                    skel = ""
                elif len(pool) == thresholds.POOL_LIMIT and len(skel) >= 3:
                    for pos in _top(skel, skeletal[row], a, b, index.fuzzy_skeletons, prefilter):
                        raw = fuzz.ratio(key, index.fuzzy_keys[pos])
                        if raw >= floor and pos not in pool:
                            pool[pos] = raw
                self._remember(key, pool, skel)


def _top(
    query: str, scores: object, a: int, b: int, choices: Sequence[str], cutoff: float
) -> dict[int, float]:
    """The best (at most POOL_LIMIT) choices in ``[a, b)`` at or above ``cutoff``, as
    ``process.extract`` would give them: exact scores, best first, earlier on a tie. ``scores``
    is a row of rounded cdist scores, used to shortlist."""
    import numpy as np
    from rapidfuzz import fuzz

    row = np.asarray(scores)[a:b]
    near = np.nonzero(row)[0]
    if len(near) > thresholds.POOL_SHORTLIST:
        near = near[np.lexsort((near, -row[near].astype(np.int16)))[: thresholds.POOL_SHORTLIST]]
    exact = [(fuzz.ratio(query, choices[a + int(i)]), a + int(i)) for i in near]
    best = sorted(((sc, pos) for sc, pos in exact if sc >= cutoff), key=lambda sp: (-sp[0], sp[1]))
    return {pos: sc for sc, pos in best[: thresholds.POOL_LIMIT]}

"""Keywords a regex needs: the literal strings one of which every match must contain.

Used by :class:`normalize.strip.rules.Matcher` to skip rules a line cannot match. The analysis walks
the parsed pattern (``re._parser``, the parser ``re`` itself uses) and only ever answers with
a *necessary* condition, or with None when it finds no good one, so a wrong guess can cost
speed but never change a match.

Patterns are ignore-case and are matched against case-folded lines, so keywords are lower-case
and only use characters for which "matches ignoring case" means "is equal" in such a line:
ASCII and caseless characters (CJK, digits, punctuation). The one exception, the dotless
"ı" that an ignore-case "i" matches, is handled by the caller.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from typing import Any

try:  # Python 3.11+
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser as _p  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

# At most this many strings in a set of alternatives before the analysis gives up on it.
MAX_ALTERNATIVES = 64
# A keyword set is worth a search only if each keyword weighs at least this much (an ASCII
# character weighs 1, any other 3): ":" or "-" would be found in most lines.
MIN_KEYWORD_WEIGHT = 2
_SMALL_RANGE = 10

Strings = frozenset[str]


def required_literals(pattern: str, flags: int = re.IGNORECASE) -> Strings | None:
    """Strings one of which every match of ``pattern`` contains, or None if there is no set
    whose every keyword weighs at least MIN_KEYWORD_WEIGHT."""
    try:
        parsed = _p.parse(pattern, flags)
    except Exception:  # any parser trouble just means "no keywords"
        return None
    exact, needed = _sequence(list(parsed), bool(flags & re.IGNORECASE))
    best = _needed(exact, needed)
    if best is None or _weight(best) < MIN_KEYWORD_WEIGHT:
        return None
    return best


def max_width(pattern: str, flags: int = re.IGNORECASE) -> int:
    """The most characters a match of ``pattern`` can have (sys.maxsize when unbounded; also
    when the parser fails, so that an answer can only cost speed)."""
    try:
        high = _p.parse(pattern, flags).getwidth()[1]
    except Exception:
        return sys.maxsize
    return sys.maxsize if high >= _c.MAXREPEAT else int(high)


def _weight(strings: Strings) -> int:
    return min(sum(1 if ch.isascii() else 3 for ch in s) for s in strings)


def _needed(exact: Strings | None, needed: Strings | None) -> Strings | None:
    if exact is not None and "" not in exact:
        return exact
    return needed


def _better(a: Strings | None, b: Strings | None) -> Strings | None:
    if a is None or not a or "" in a:
        return b
    if b is None or not b or "" in b:
        return a
    return a if (_weight(a), -len(a)) >= (_weight(b), -len(b)) else b


def _char(code: int, ignore_case: bool) -> str | None:
    ch = chr(code)
    if not ignore_case or ch.lower() == ch.upper():
        return ch
    return ch.lower() if ch.isascii() else None


def _sequence(items: Sequence[Any], ic: bool) -> tuple[Strings | None, Strings | None]:
    """(the exact strings the sequence matches, if few; strings one of which it contains)."""
    run: Strings = frozenset({""})
    exact_so_far = True
    best: Strings | None = None
    for op, av in items:
        exact, needed = _node(op, av, ic)
        if exact is not None and len(run) * len(exact) <= MAX_ALTERNATIVES:
            run = frozenset(a + b for a in run for b in exact)
            continue
        exact_so_far = False
        best = _better(best, run)
        best = _better(best, _needed(exact, needed))
        run = exact if exact is not None else frozenset({""})
    best = _better(best, run)
    return (run if exact_so_far else None), best


def _node(op: Any, av: Any, ic: bool) -> tuple[Strings | None, Strings | None]:
    if op is _c.LITERAL:
        ch = _char(av, ic)
        return (frozenset({ch}), None) if ch else (None, None)
    if op is _c.IN:
        chars: set[str] = set()
        for kind, value in av:
            if kind is _c.LITERAL:
                codes: Iterable[int] = (value,)
            elif kind is _c.RANGE and value[1] - value[0] < _SMALL_RANGE:
                codes = range(value[0], value[1] + 1)
            else:
                return None, None
            for code in codes:
                ch = _char(code, ic)
                if ch is None:
                    return None, None
                chars.add(ch)
        return frozenset(chars), None
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):  # zero-width: needs nothing
        return frozenset({""}), None
    if op is _c.SUBPATTERN:
        return _sequence(list(av[-1]), ic)
    if op is getattr(_c, "ATOMIC_GROUP", None):
        return _sequence(list(av), ic)
    if op is _c.BRANCH:
        parts = [_sequence(list(b), ic) for b in av[1]]
        exact: Strings | None = None
        if all(e is not None for e, _ in parts):
            exact = frozenset().union(*(e for e, _ in parts if e is not None))
            if len(exact) > MAX_ALTERNATIVES:
                exact = None
        needs = [_needed(e, n) for e, n in parts]
        needed = None
        if all(n is not None and n and "" not in n for n in needs):
            needed = frozenset().union(*(n for n in needs if n is not None))
        return exact, needed
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
        low, high, body = av
        exact, needed = _sequence(list(body), ic)
        if low == 0:
            if high == 1 and exact is not None:
                return exact | {""}, None
            return None, None
        if low == high == 1:
            return exact, needed
        return None, _needed(exact, needed)
    return None, None


def case_folded_equivalent(pattern: str, flags: int = re.IGNORECASE) -> bool:
    """Whether ``pattern`` compiled *without* IGNORECASE matches exactly what it matches with
    it, on case-folded text without "ı": true when every character it names is caseless, an
    ASCII letter, digit or sign, or a lower-case Latin letter whose only case partners are
    upper-case (which case folding removes). Dropping IGNORECASE makes the regex engine much
    faster on alternatives of words."""
    try:
        parsed = _p.parse(pattern, flags)
    except Exception:  # any parser trouble: keep ignore-case
        return False
    return _all_safe(list(parsed))


def _safe_code(code: int) -> bool:
    ch = chr(code)
    if ch.lower() == ch.upper():  # caseless: CJK, digits, punctuation
        return True
    if code < 0x80:
        return ch.islower()
    # Latin-1 and Latin Extended-A/B lower-case letters (µ is not one: case folding makes it
    # a Greek mu), but not the dotless i or the long s (ignore-case partners of i and s).
    return 0xC0 <= code < 0x250 and ch.islower() and code not in (0x131, 0x17F)


def _safe_range(low: int, high: int) -> bool:
    caseless_blocks = ((0x2E80, 0x9FFF), (0xF900, 0xFAFF), (0x3000, 0x303F))
    if any(a <= low and high <= b for a, b in caseless_blocks):
        return True
    return high - low < 256 and all(_safe_code(c) for c in range(low, high + 1))


def _all_safe(items: Sequence[Any]) -> bool:
    for op, av in items:
        if op in (_c.LITERAL, _c.NOT_LITERAL):
            if not _safe_code(av):
                return False
        elif op is _c.IN:
            for kind, value in av:
                if kind is _c.LITERAL and not _safe_code(value):
                    return False
                if kind is _c.RANGE and not _safe_range(*value):
                    return False
        elif op is _c.SUBPATTERN:
            if not _all_safe(list(av[-1])):
                return False
        elif op is _c.BRANCH:
            if not all(_all_safe(list(b)) for b in av[1]):
                return False
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
            if not _all_safe(list(av[2])):
                return False
        elif op in (_c.ASSERT, _c.ASSERT_NOT):
            if not _all_safe(list(av[1])):
                return False
        elif op is getattr(_c, "ATOMIC_GROUP", None):
            if not _all_safe(list(av)):
                return False
        elif op not in (_c.ANY, _c.AT, _c.CATEGORY):
            return False  # anything else: keep ignore-case
    return True

"""Rule regexes on a linear-time engine (RE2), so that no line can make a rule hang.

Rules are editor-written data: Python's backtracking ``re`` takes exponential time on some
patterns (``(?:[^>]{1,30}\\s*>\\s*){2,}`` on "1 > 1 > ... x": minutes for 126 bytes), and being
careful in each rule is not a guarantee. RE2 (the ``google-re2`` package) matches in time linear
in the line for every pattern; it lacks backreferences and lookaround, which rules do not need.

Rules keep Python's syntax and meaning: a pattern is parsed with ``re``'s own parser (so errors
and the literal analysis of :mod:`.rulelits` are unchanged) and written out in RE2 syntax
with Python's Unicode classes spelled out (``\\w`` -> ``[\\p{L}\\p{N}_]``, ``\\d`` ->
``\\p{Nd}``, ``\\s`` -> Python's whitespace set). The one difference: ``\\b`` is RE2's ASCII
word boundary (Python's also treats accented and CJK letters as word characters); rules use it
next to ASCII words.

:func:`check` also refuses *nested quantifiers*: a group repeated without bound (``*``, ``+``,
``{n,}``) around another repeat, as in ``(a+)+`` or ``(x{1,30}\\s*){2,}``. Harmless to RE2, but
the shape that makes a pattern exponential anywhere else it is used (an editor's test in Python,
another tool); bound the outer repeat (``{2,30}``). A bounded group around an unbounded repeat
(``(\\w+ ){0,5}``) is at worst polynomial elsewhere and is allowed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from normalize.errors import MissingDependencyError

try:  # Python 3.11+
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser as _p  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

# Python's str whitespace (str.isspace), which \s matches in Python and only in part in RE2.
_SPACE_CLASS = (
    r"\t-\r\x{1c}-\x{20}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}"
    r"\x{3000}"
)
_WORD_CLASS = r"\p{L}\p{N}_"
_CATEGORY_IN_CLASS = {
    _c.CATEGORY_DIGIT: r"\p{Nd}",
    _c.CATEGORY_NOT_DIGIT: r"\P{Nd}",
    _c.CATEGORY_SPACE: _SPACE_CLASS,
    _c.CATEGORY_WORD: _WORD_CLASS,
}
_CATEGORY_ALONE = {
    _c.CATEGORY_NOT_SPACE: f"[^{_SPACE_CLASS}]",
    _c.CATEGORY_NOT_WORD: f"[^{_WORD_CLASS}]",
}
_AT = {
    _c.AT_BEGINNING: "^",
    _c.AT_BEGINNING_STRING: r"\A",
    _c.AT_END: "$",
    _c.AT_END_STRING: r"\z",
    _c.AT_BOUNDARY: r"\b",
    _c.AT_NON_BOUNDARY: r"\B",
}
_UNSUPPORTED = {
    _c.ASSERT: "lookahead/lookbehind ((?=...), (?!...), (?<=...), (?<!...))",
    _c.ASSERT_NOT: "lookahead/lookbehind ((?=...), (?!...), (?<=...), (?<!...))",
    _c.GROUPREF: r"a backreference (\1)",
    _c.GROUPREF_EXISTS: "a conditional group ((?(1)...))",
}
for _name in ("ATOMIC_GROUP", "POSSESSIVE_REPEAT"):  # Python 3.11+
    if hasattr(_c, _name):
        _UNSUPPORTED[getattr(_c, _name)] = "an atomic group or possessive repeat ((?>...), a*+)"


# In a relaxed pattern (see compile_set), a bounded repeat spanning at least this many counts
# is written unbounded.
RELAX_MIN_SPAN = 8


class LinearRegexError(ValueError):
    """A pattern the linear-time engine cannot run, or one with nested quantifiers."""


def _re2() -> Any:
    try:
        import re2
    except ImportError:
        raise MissingDependencyError(
            "cleaner rules need the RE2 engine: pip install google-re2"
        ) from None
    return re2


def _char(code: int) -> str:
    ch = chr(code)
    return ch if ch.isascii() and ch.isalnum() else f"\\x{{{code:x}}}"


def _class(items: list[Any]) -> str:
    negate = bool(items) and items[0][0] is _c.NEGATE
    body = items[1:] if negate else items
    if len(body) == 1 and body[0][0] is _c.CATEGORY and body[0][1] in _CATEGORY_ALONE:
        alone = _CATEGORY_ALONE[body[0][1]]  # [\S] or [^\S]
        return alone.replace("[^", "[", 1) if negate else alone
    parts = []
    for op, av in body:
        if op is _c.LITERAL:
            parts.append(_char(av))
        elif op is _c.RANGE:
            parts.append(f"{_char(av[0])}-{_char(av[1])}")
        elif op is _c.CATEGORY and av in _CATEGORY_IN_CLASS:
            parts.append(_CATEGORY_IN_CLASS[av])
        else:
            raise LinearRegexError(
                f"a character class mixing {op} {av} with other characters "
                r"(write [^\s...] or [^\w...] as a separate alternative)"
            )
    return f"[{'^' if negate else ''}{''.join(parts)}]"


def _repeat(lo: int, hi: int) -> str:
    if hi == _c.MAXREPEAT:
        return {0: "*", 1: "+"}.get(lo, f"{{{lo},}}")
    if (lo, hi) == (0, 1):
        return "?"
    return f"{{{lo}}}" if lo == hi else f"{{{lo},{hi}}}"


def _emit(items: Any, capture: bool = False, relax: bool = False) -> str:
    out = []
    for op, av in items:
        if op in _UNSUPPORTED:
            raise LinearRegexError(f"{_UNSUPPORTED[op]} is not supported by the RE2 engine")
        if op is _c.LITERAL:
            out.append(_char(av))
        elif op is _c.NOT_LITERAL:
            out.append(f"[^{_char(av)}]")
        elif op is _c.ANY:
            out.append(".")
        elif op is _c.IN:
            out.append(_class(list(av)))
        elif op is _c.AT:
            out.append(_AT[av])
        elif op is _c.BRANCH:
            out.append("(?:" + "|".join(_emit(b, capture, relax) for b in av[1]) + ")")
        elif op is _c.SUBPATTERN:
            group, add, _remove, sub = av
            flags = "i" if add & re.IGNORECASE else ""
            if capture and group is not None:
                out.append(f"({'(?i)' if flags else ''}{_emit(sub, capture, relax)})")
            else:
                out.append(f"(?{flags}:{_emit(sub, capture, relax)})")
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
            lo, hi, sub = av
            lazy = "?" if op is _c.MIN_REPEAT else ""
            if relax and hi != _c.MAXREPEAT and hi - lo >= RELAX_MIN_SPAN:
                hi = _c.MAXREPEAT
            out.append(f"(?:{_emit(sub, capture, relax)}){_repeat(lo, hi)}{lazy}")
        else:
            raise LinearRegexError(f"the construct {op} is not supported by the RE2 engine")
    return "".join(out)


# A rule's pattern is translated several times while the rules load (checked, relaxed or not,
# in two match plans): the translation, a pure function of its arguments, is memoised.
@lru_cache(maxsize=4096)
def to_re2(source: str, flags: int = 0, *, relax: bool = False) -> str:
    """``source`` (Python syntax) in RE2 syntax with the same meaning (see the module doc).
    ``relax``: bounded repeats of a wide span are written unbounded (``.{0,300}`` as ``.*``):
    a pattern that matches every line the original matches and more, see :func:`compile_set`."""
    return _emit(_p.parse(source, flags), relax=relax)


def _nested(items: Any, outer: tuple[int, int] | None) -> str | None:
    for op, av in items:
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
            lo, hi, sub = av
            if outer is not None and hi > 1:
                return f"a repeat {_repeat(lo, hi)} inside a group repeated {_repeat(*outer)}"
            found = _nested(sub, (lo, hi) if hi == _c.MAXREPEAT else outer)
        elif op is _c.BRANCH:
            found = next((f for b in av[1] if (f := _nested(b, outer))), None)
        elif op is _c.SUBPATTERN:
            found = _nested(av[3], outer)
        else:
            found = None
        if found:
            return found
    return None


def check(source: str) -> Any:
    """``source`` compiled by RE2 ignoring case, as :func:`compile_linear` gives it; raise
    :class:`LinearRegexError` for a pattern with nested quantifiers or one RE2 cannot run.
    ``source`` must already compile with ``re``. (One parse serves both: parsing is most of a
    run's start-up.)"""
    parsed = _p.parse(source, 0)
    problem = _nested(parsed, None)
    if problem:
        raise LinearRegexError(
            f"nested quantifiers ({problem}): the shape that makes a regex exponential; "
            "bound the outer repeat, e.g. {2,30} (on a rule's collapsed line, "
            r"\s* is \s? and \s+ is \s)"
        )
    return _compile_re2(_emit(parsed), ignore_case=True)


def compile_linear(source: str, *, ignore_case: bool) -> Any:
    """``source`` compiled by RE2 (captures off: only whether and where it matches)."""
    return _compile_re2(to_re2(source), ignore_case=ignore_case)


def _compile_re2(text: str, *, ignore_case: bool) -> Any:
    re2 = _re2()
    options = re2.Options()
    options.never_capture = True
    options.log_errors = False  # reported as LinearRegexError instead
    options.max_mem = 64 << 20  # room for bounded repeats of large classes
    try:
        return re2.compile(("(?i)" if ignore_case else "") + text, options)
    except re2.error as exc:
        raise LinearRegexError(f"the RE2 engine refuses it: {exc}") from None


def is_relaxed(source: str) -> bool:
    """Whether relaxing ``source`` (:func:`to_re2`) changes it."""
    return to_re2(source, relax=True) != to_re2(source)


def compile_literal_search(words: Sequence[str]) -> Any:
    """An RE2 set that finds which of ``words`` (plain strings, matched exactly) occur anywhere
    in a text: ``.Match(text.encode())`` lists their indexes (None when none occurs)."""
    re2 = _re2()
    options = re2.Options()
    options.log_errors = False
    rset = re2.Set.SearchSet(options)
    for word in words:
        rset.Add("".join(_char(ord(ch)) for ch in word))
    rset.Compile()
    return rset


def compile_search(source: str, flags: int = 0) -> Any:
    """``source`` (Python syntax, ``flags`` from re.IGNORECASE and re.DOTALL) compiled by RE2
    with its groups: for searching and substituting in whole HTML pages, where Python's engine
    is quadratic or worse on crafted markup (many ``<meta `` or ``<`` without ``>``)."""
    re2 = _re2()
    options = re2.Options()
    options.log_errors = False
    options.max_mem = 64 << 20
    prefix = ("i" if flags & re.IGNORECASE else "") + ("s" if flags & re.DOTALL else "")
    text = (f"(?{prefix})" if prefix else "") + _emit(_p.parse(source, flags), capture=True)
    return re2.compile(text, options)


@lru_cache(maxsize=4096)
def compile_one(source: str, *, ignore_case: bool) -> Any:
    """:func:`compile_set` of one pattern, memoised: the two match plans of the rules (all
    rules, sentence rules) check many of the same patterns one by one."""
    return compile_set([source], ignore_case=ignore_case)


def compile_set(sources: list[str], *, ignore_case: bool, relax: bool = False) -> Any:
    r"""An RE2 set of whole-line patterns: ``.Match(line)`` lists the indexes that match.
    ``relax``: the set's patterns are relaxed (:func:`to_re2`), so it lists every pattern that
    matches and perhaps others, which the caller confirms one by one (:func:`is_relaxed` says
    which may need it). A set reads all its patterns in one automaton whose states are sets of
    positions in them; a wide bounded repeat near a pattern's start (``(?:.{0,299}\D)?``)
    makes those states new at nearly every character of every line, too many to keep, and the
    set then builds states instead of reading the line: several times slower."""
    re2 = _re2()
    options = re2.Options()
    options.max_mem = 256 << 20
    options.log_errors = False
    rset = re2.Set.FullMatchSet(options)
    for source in sources:
        rset.Add(("(?i)" if ignore_case else "") + to_re2(source, relax=relax))
    rset.Compile()
    return rset

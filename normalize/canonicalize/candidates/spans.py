"""Name-like spans: which runs of words fuzzy matching looks at, and the key a span is compared
on (its company core, without leading place names)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import partial

from normalize.canonicalize import thresholds
from normalize.canonicalize.index import _SPAN_STOP, Index, is_plain_english
from normalize.canonicalize.keys import Token
from normalize.canonicalize.matches import joined

CONNECTORS = {"of", "and", "for", "the", "de"}  # lowercase words inside capitalized names


def name_spans(
    tokens: Sequence[Token],
    taken: set[int],
    first_words: set[str],
    text: str,
    english: frozenset[str] = frozenset(),
    company_words: frozenset[str] = frozenset(),
    plain_word: Callable[[str], bool] | None = None,
    later_words: set[str] | frozenset[str] = frozenset(),
) -> Iterable[tuple[int, int]]:
    """Token spans that could be a (garbled) name: alphabetic, not stop words at the edges, not
    opening with a company word (unless a name opens so);
    several words only if capitalized throughout or opening like a known multi-word name
    ("breakthrough therapeutics"), or two words whose second ends a multi-word drug name
    (``later_words``: "sacituumab tirumotecan"); never plain English words alone ("The
    Company"), unless they open like a known name ("State Drug Administration")."""
    if plain_word is None:
        plain_word = partial(is_plain_english, english=english)
    n = len(tokens)
    for i in range(n):
        first = tokens[i]
        if i in taken or first.is_cjk or first.key in _SPAN_STOP:
            continue
        opens_name = first.bare in first_words
        if first.key in company_words and not opens_name:
            # A company word ends a name, and opens none that no form opens with ("Pharma
            # Mar"): "Co., Ltd. National Reimbursement Drg" and "Group and Drug Registrationn
            # Certificate" are the end of one name and a garbled other, not garbles of the other.
            continue
        capitalized = first.text[:1].isupper()
        plain = plain_word(first.bare)
        # a plain lowercase word is no name alone, and runs on into one only through a
        # connector ("therapy of ..."): most words of news end here
        if (
            plain
            and not (capitalized or opens_name)
            and (i + 1 == n or tokens[i + 1].key not in CONNECTORS)
        ):
            continue
        for size in range(1, thresholds.MAX_FUZZY_TOKENS + 1):
            j = i + size
            last = tokens[j - 1] if j <= n else None
            if last is None or (j - 1) in taken or last.is_cjk or not last.bare.isalpha():
                break
            if size > 1:
                # (the cheap tests of the words first: most words end every span at once)
                if last.text[:1].isupper():
                    if not capitalized:
                        break
                elif (
                    last.key not in CONNECTORS
                    and (capitalized or not opens_name)
                    and not (size == 2 and last.key in later_words)
                ):
                    break
                if not joined(text, tokens[j - 2], last):
                    break
                if "," in text[tokens[j - 2].end : last.start] and last.key not in company_words:
                    break  # "Shanghai, Beijing" is a list; only "Co., Ltd." runs on past a comma
                plain = plain and plain_word(last.bare)
            if last.key in _SPAN_STOP or (plain and not (opens_name and size > 1)):
                if last.possessive:
                    break
                continue
            yield i, j
            if last.possessive:
                break


def index_name_spans(
    index: Index,
    text: str,
    tokens: Sequence[Token],
    taken: set[int],
    plain_word: Callable[[str], bool] | None = None,
) -> Iterable[tuple[int, int]]:
    """:func:`name_spans` with the index's word lists (``plain_word``: a remembering
    :func:`is_plain_english` on them)."""
    return name_spans(
        tokens,
        taken,
        index.first_words,
        text,
        index.english,
        index.company_words,
        plain_word,
        index.later_words,
    )


def span_key(index: Index, span: Sequence[Token]) -> tuple[str, bool]:
    """The key a span is compared on, and whether it ends in company words (then its core).
    Leading place names are left out: "Shanghai" tells no Shanghai company from another."""
    span = without_places(span, index.places)
    keys = [t.key for t in span]
    full = "".join(keys).replace("'", "")
    core = index.company_core(keys)
    # Only capitalized company words make a company name: "Kangfang Biologics" is one,
    # "breakthrough therapeutics" is not.
    tail = span[len(name_tokens_of(core, span)) :] if core else ()
    if core and core != full and all(t.text[:1].isupper() for t in tail):
        return core, True
    return full, False


def name_tokens_of(core: str, span: Sequence[Token]) -> Sequence[Token]:
    """The leading tokens of ``span`` whose keys make up ``core``."""
    acc = ""
    for k, t in enumerate(span):
        if acc == core:
            return span[:k]
        acc += t.key.replace("'", "")
    return span


def without_places(span: Sequence[Token], places: frozenset[str]) -> Sequence[Token]:
    """The span after its leading (capitalized) place names."""
    k = 0
    while k < len(span) and span[k].key in places and span[k].text[:1].isupper():
        k += 1
    return span[k:]


def stem_of(key: str, stems: Sequence[str]) -> str | None:
    """The INN stem ``key`` ends in, if it is longer than the stem by more than two letters."""
    for stem in stems:
        if key.endswith(stem) and len(key) > len(stem) + 2:
            return stem
    return None

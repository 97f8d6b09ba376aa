"""Word salads of glossary names, for the idempotence property (tests/test_idempotence.py) and
its figure (benchmarks/bench_idempotence.py): one generator, driven either by hypothesis draws or
by a seeded ``random.Random``.

Texts are built from the bundled glossary's names (canonical, rendered and alias forms, codes,
Chinese names), garbled copies of them (a letter dropped, doubled or swapped, case changed,
pinyin-like vowel swaps), plain words and the punctuation around names in news text.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Protocol, TypeVar

from normalize.glossary.entries import load_glossary

T = TypeVar("T")

PLAIN = [
    "the",
    "company",
    "said",
    "sales",
    "rose",
    "in",
    "the",
    "first",
    "half",
    "and",
    "patients",
    "received",
    "the",
    "drug",
    "on",
    "Monday",
    "after",
    "approval",
    "by",
    "regulators",
    "in",
    "China",
    "while",
    "analysts",
    "expect",
    "growth",
    "shares",
    "results",
    "trial",
    "phase",
    "data",
    "safety",
    "cancer",
    "antibody",
]
JOINERS = (" ", " ", " ", ", ", ". ", "'s ", " (", ") ", " and ", "\n", ": ", '"', "; ")
GARBLES = ("drop", "double", "swap", "vowel", "upper", "lower", "title")
PIECES = ("name", "garble", "plain")
VOWELS = "aeiou"
MAX_WORDS = 14


class Chooser(Protocol):
    """What the generator draws from: ``random.Random`` is one, :class:`Drawn` another."""

    def choice(self, seq: Sequence[T]) -> T: ...

    def randint(self, a: int, b: int) -> int: ...  # both ends included


@cache
def names() -> list[str]:
    """The glossary's names the salads are made of (read once; no index compile)."""
    out: set[str] = set()
    for entry in load_glossary():
        out.update({entry.canonical, entry.first_form, entry.short_form})
        out.update(a.text for a in entry.aliases)
        out.update(entry.codes[:1] + entry.abbreviations[:1] + entry.brands[:1] + entry.zh[:1])
    return sorted(out)


def garble(pick: Chooser) -> str:
    """A glossary name with one typo or a changed case."""
    name = pick.choice(names())
    if len(name) < 4 or not name.isascii():
        return name
    i = pick.randint(0, len(name) - 2)
    how = pick.choice(GARBLES)
    if how == "drop":
        return name[:i] + name[i + 1 :]
    if how == "double":
        return name[: i + 1] + name[i:]
    if how == "swap":
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if how == "vowel" and name[i].lower() in VOWELS:
        return name[:i] + pick.choice(VOWELS) + name[i + 1 :]
    if how == "upper":
        return name.upper()
    if how == "lower":
        return name.lower()
    return name.title()


def piece(pick: Chooser) -> str:
    kind = pick.choice(PIECES)
    if kind == "name":
        return pick.choice(names())
    if kind == "garble":
        return garble(pick)
    return pick.choice(PLAIN)


def salad(pick: Chooser, max_words: int = MAX_WORDS) -> str:
    """One line: 1 to ``max_words`` pieces joined by news punctuation."""
    out = [piece(pick)]
    for _ in range(pick.randint(1, max_words) - 1):
        out.append(pick.choice(JOINERS))
        out.append(piece(pick))
    return "".join(out)


def document(pick: Chooser, max_lines: int = 6) -> str:
    """1 to ``max_lines`` salads, one a line."""
    return "\n".join(salad(pick) for _ in range(pick.randint(1, max_lines)))

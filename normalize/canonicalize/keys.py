"""Tokens and lookup keys for names: the one place that decides when two spellings are equal.

Keys are NFKC-normalized, case-folded, with ®/™ dropped, dashes and punctuation turned into
token breaks and possessives removed. The *compact* key joins tokens without spaces, so
"Heng Rui", "Hengrui" and "HENG-RUI" are the same name.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_LATIN = "A-Za-z0-9\u00c0-\u024f"
# A word: Latin letters/digits (apostrophes inside, e.g. Tai'ai), or a run of CJK characters
# with its possessive ("泽沃基奥仑赛's": the "s" is no word of its own, which a name could take
# in: "s" + "FDA" read as SFDA, where a second run, the run rewritten, has none).
_TOKEN = re.compile(rf"[{_LATIN}]+(?:['’][{_LATIN}]+)*|[{CJK}]+(?:['’][sS](?![{_LATIN}]))?")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
_DROP = str.maketrans({"®": None, "™": None, "©": None, "\u00ad": None})


class Token(NamedTuple):
    """A word of the input. A tuple, not a dataclass: articles have thousands of them and the
    matcher reads these fields in its innermost loops."""

    text: str  # as in the input (possessive removed)
    start: int
    end: int
    key: str  # case-folded
    possessive: bool = False
    is_cjk: bool = False
    bare: str = ""  # key without apostrophes: the piece of a compact key
    cased: str = ""  # text without apostrophes: the piece of a case-sensitive key


def clean_text(text: str) -> str:
    """NFKC and symbol removal that keep string length stable enough to map offsets."""
    return unicodedata.normalize("NFKC", text).translate(_DROP)


def tokenize(text: str) -> list[Token]:
    """Words of ``text`` with offsets into ``text`` itself (no normalization of the input)."""
    tokens: list[Token] = []
    append = tokens.append
    new = tuple.__new__  # Token's own __new__ is Python code: a tenth of the time on news
    for m in _TOKEN.finditer(text):
        word = m.group()
        start, end = m.span()
        possessive = False
        apostrophe = "'" in word or "’" in word
        pm = _POSSESSIVE.search(word) if apostrophe else None
        if pm and len(word) > 2:
            word, end, possessive = word[: pm.start()], start + pm.start(), True
        elif (
            word[-1:] in "sS"
            and text[end : end + 1] in ("'", "’")
            and not text[end + 1 : end + 2].isalnum()
        ):
            possessive = True  # plural possessive: "Pharmaceuticals' pipeline"
        if word.isascii():
            key = word.lower()  # NFKC and casefold change no ASCII word: the common case, fast
        else:
            key = unicodedata.normalize("NFKC", word).casefold().replace("’", "'")
        if apostrophe or "'" in key:
            bare, cased = key.replace("'", ""), word.replace("'", "").replace("’", "")
        else:
            bare, cased = key, word
        cjk = "\u3400" <= word[0] <= "\ufaff"
        append(new(Token, (word, start, end, key, possessive, cjk, bare, cased)))
    return tokens


def name_tokens(name: str) -> list[str]:
    """The token keys of a glossary name."""
    return [t.key for t in tokenize(clean_text(name))]


def compact(name: str) -> str:
    """The compact key of a name: tokens joined without spaces, apostrophes dropped."""
    return "".join(name_tokens(name)).replace("'", "")


def cased_compact(name: str) -> str:
    """Like :func:`compact` but keeping case, for case-sensitive aliases (abbreviations)."""
    return "".join(t.text for t in tokenize(clean_text(name))).replace("'", "").replace("’", "")


def has_cjk(text: str) -> bool:
    return re.search(f"[{CJK}]", text) is not None


def cjk_share(text: str) -> float:
    if not has_cjk(text):
        return 0.0  # the common case, without counting letters
    letters = sum(1 for ch in text if ch.isalnum())
    if not letters:
        return 0.0
    return len(re.findall(f"[{CJK}]", text)) / letters


_SKELETON_SWAPS = (
    ("zh", "z"),
    ("ch", "c"),
    ("sh", "s"),
    ("ph", "f"),
    ("x", "s"),
    ("q", "c"),
    ("w", "v"),
    ("r", "l"),
    ("k", "c"),
)


def skeleton(key: str) -> str:
    """The consonant skeleton of a compact key, with the letters that MT renderings of pinyin
    swap merged (x/s, q/c/k, r/l, w/v, zh/z ...): "teruipulimab" and "teriplimumab" -> "tlplmb".
    """
    s = key.lower()
    for a, b in _SKELETON_SWAPS:
        s = s.replace(a, b)
    s = re.sub(r"c(?=[eiy])", "s", s)
    s = re.sub(r"[aeiouy]+", "", s)
    return re.sub(r"(.)\1+", r"\1", s)

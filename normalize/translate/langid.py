"""Language detection for documents, paragraphs and sentences, without a model.

Scripts decide most languages: Han characters are Chinese (zh) unless kana make them Japanese
(ja), Hangul is Korean (ko), Cyrillic is Russian (ru). Latin-script text is English unless the
function words of another language in ``models/languages.yaml`` clearly outnumber English ones.
That is all the translator needs: which paragraphs to translate and with which model.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from normalize.errors import ModelError
from normalize.yamlfile import load_data

# Tunable thresholds.
CJK_WORD_WEIGHT = 2.0  # one Latin word carries about as much as two CJK characters
SCRIPT_SHARE = 0.5  # a non-Latin script needs this share of the text's weight to decide
KANA_SHARE = 0.1  # kana among Han+kana above this: Japanese, not Chinese
STOPWORD_MIN_HITS = 3  # a non-English Latin language needs at least this many function words ...
STOPWORD_RATIO = 2.0  # ... and this many times the English ones

UNDETERMINED = "und"

_SCRIPTS: tuple[tuple[str, str], ...] = (
    ("han", "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"),
    ("kana", "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9d"),
    ("hangul", "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"),
    ("cyrillic", "\u0400-\u04ff"),
)
_CHAR = re.compile("|".join(f"(?P<{name}>[{chars}])" for name, chars in _SCRIPTS))
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:['’][A-Za-z]+)?")
_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff]+")


@dataclass(frozen=True)
class Profiles:
    """Function words per Latin-script language (from ``models/languages.yaml``)."""

    stopwords: dict[str, frozenset[str]] = field(default_factory=dict)
    # word -> the languages it is a function word of (one lookup per word when detecting)
    languages_of: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_word: dict[str, list[str]] = {}
        for code, words in self.stopwords.items():
            for w in words:
                by_word.setdefault(w, []).append(code)
        object.__setattr__(self, "languages_of", {w: tuple(c) for w, c in by_word.items()})

    @classmethod
    def load(cls, path: Path | None = None) -> Profiles:
        from normalize.resources import data_dir

        path = path or data_dir("models") / "languages.yaml"
        data = load_data(path.read_text(encoding="utf-8"), str(path), ModelError, lines=False) or {}
        langs = data.get("languages") if isinstance(data, dict) else None
        if not isinstance(langs, dict):
            raise ModelError(f"{path}:1: expected a top-level 'languages:' mapping")
        out: dict[str, frozenset[str]] = {}
        for code, spec in langs.items():
            words = spec.get("stopwords") if isinstance(spec, dict) else None
            if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                raise ModelError(f"{path}: language {code!r}: 'stopwords' must be a list of words")
            out[str(code)] = frozenset(w.casefold() for w in words)
        return cls(out)


def script_counts(text: str) -> Counter[str]:
    """Characters per script (han, kana, hangul, cyrillic) plus Latin words (latin)."""
    counts: Counter[str] = Counter()
    for m in _CHAR.finditer(text):
        counts[m.lastgroup or ""] += 1
    counts["latin"] = len(_LATIN_WORD.findall(text))
    return counts


def detect(text: str, profiles: Profiles | None = None) -> str:
    """ISO 639-1 code of ``text`` (``und`` when it has no letters)."""
    counts = script_counts(text)
    cjk = counts["han"] + counts["kana"] + counts["hangul"]
    cyr_words = len(_CYRILLIC_WORD.findall(text)) if counts["cyrillic"] else 0
    total = cjk + CJK_WORD_WEIGHT * (counts["latin"] + cyr_words)
    if total == 0:
        return UNDETERMINED
    if cjk / total >= SCRIPT_SHARE:
        if counts["hangul"] > counts["han"] + counts["kana"]:
            return "ko"
        if counts["kana"] > KANA_SHARE * (counts["han"] + counts["kana"]):
            return "ja"
        return "zh"
    if CJK_WORD_WEIGHT * cyr_words / total >= SCRIPT_SHARE:
        return "ru"
    if not counts["latin"]:
        return UNDETERMINED
    return _latin_language(text, profiles)


def _latin_language(text: str, profiles: Profiles | None) -> str:
    if profiles is None or len(profiles.stopwords) < 2:
        return "en"
    return latin_verdict(function_word_hits(text, profiles))


def function_word_hits(text: str, profiles: Profiles) -> Counter[str]:
    """How many of the words of ``text`` are function words of each language."""
    hits: Counter[str] = Counter()
    languages_of = profiles.languages_of
    for word in _LATIN_WORD.findall(text):
        hits.update(languages_of.get(word.casefold(), ()))
    return hits


def latin_verdict(hits: Counter[str]) -> str:
    """The language of Latin-script text from its function-word hits per language."""
    english = hits.get("en", 0)
    best, n = max(
        ((c, k) for c, k in hits.items() if c != "en"), key=lambda ck: ck[1], default=("en", 0)
    )
    if n >= STOPWORD_MIN_HITS and n >= STOPWORD_RATIO * max(english, 1):
        return best
    return "en"

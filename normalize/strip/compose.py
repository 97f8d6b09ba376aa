"""Composite-line decisions of the strip stage: lines judged by their parts or by the kind of
words they are made of, so that what a new site writes a little differently still goes.

- ``meta-fields``: a line split at its field boundaries (separators, runs of spaces, a
  "Label:" key after a space) whose every part alone is a meta field one of the rules would
  remove (source stamp, date, byline, editor, count, reading time, category), or is a
  date-only part: "By Jane Doe | March 3, 2026 | 4 min read", "来源：某网 作者：张三 阅读：99";
  the first part may be the dateline's place in capitals when a date follows ("SHANGHAI —
  March 3, 2026 — 08:15 a.m. EST").
- ``menu-row``: three or more short segments between separators, none of them data or prose
  ("Home | News | Deals | Log in"); a row with the separators of a neighbouring line is a
  table's and stays unless a segment is a navigation word.
- ``date-only``: a line made only of date and time material (month and weekday names, numbers,
  times, AM/PM, time zones, "Updated", 年月日, separators) that names a day or a time.
- ``call-to-action``: a short line whose content words are mostly subscription, login, app
  and trial vocabulary, with at least one strong term ("Start your free trial to keep
  reading", "剩余80%未读，开通会员阅读全文"), and the bullet list that follows such a prompt.
- ``ui-label``: a very short line made only of interface vocabulary (buttons, section labels
  of the page's frame: share, print, comments, next, load more, cookies, 赞赏, 评论, 上一篇),
  with at least one strong term: "Link copied to clipboard", "Load more stories", "Comments
  (12)", "发表你的评论". Every content word must be vocabulary, so "Shares closed up 4%" or
  "Next steps" stay; not in a short document of no sentence (a one-line record is data).

The vocabulary is data (``rules/grammar/line-grammar.yaml``, described in rules/README.md);
thresholds are the constants below. The cleaner asks only about lines the rules kept.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any, Protocol

from normalize.errors import RulesError
from normalize.resources import data_dir
from normalize.strip.rules import normalize_line
from normalize.yamlfile import load_data, read_text, word_sections

GRAMMAR_FILE = Path("grammar") / "line-grammar.yaml"

# Lines longer than this (characters) are never composite lines: fields and menus are short.
COMPOSITE_MAX_CHARS = 200
# A line that reads as an article sentence is looked at only when at most this long: the
# prompts and meta lines the sentence test misreads (12+ CJK characters with a colon or a
# comma) are short; prose is not looked at (speed).
COMPOSITE_SENTENCE_MAX_CHARS = 100
# A date-only line has at most this many characters.
DATE_MAX_CHARS = 80
# A menu row: at least this many segments, each at most this many words / CJK characters /
# characters.
MENU_MIN_SEGMENTS = 3
MENU_SEGMENT_MAX_WORDS = 3
MENU_SEGMENT_MAX_CJK = 6
MENU_SEGMENT_MAX_CHARS = 25
# A call to action: at most this many characters, words (or CJK characters), and at least
# this share of
# its content words (or letters) from the vocabulary, one of them strong.
CTA_MAX_CHARS = 100
CTA_MAX_WORDS = 12
CTA_MAX_CJK = 30
CTA_MIN_SHARE = 0.6
# A prompt that reads as a sentence ("剩余80%未读，开通会员阅读全文" has 12 CJK characters and a
# comma) goes only when it is almost all vocabulary, with two different strong terms.
CTA_SENTENCE_MIN_SHARE = 0.8
CTA_SENTENCE_MIN_STRONG = 2
# ... or when it is all but a character or two vocabulary, with one strong term: a
# reading-progress prompt "已阅读60%，登录后查看剩余内容" names only the login.
CTA_SENTENCE_ALL_SHARE = 0.9
# The list after a prompt: at most this many items, each at most this many words / CJK
# characters, each a bullet or holding a vocabulary term.
CTA_LIST_MAX_ITEMS = 8
CTA_LIST_ITEM_MAX_WORDS = 8
CTA_LIST_ITEM_MAX_CJK = 20
# An interface label: at most this many words (CJK characters), every content word (CJK
# character) a vocabulary term; it may read as a sentence ("Comments are closed for this
# article.").
UI_MAX_WORDS = 8
UI_MAX_CJK = 12
UI_MAX_CHARS = 60

_SECTIONS: dict[str, tuple[str, ...]] = {
    "date": ("months", "weekdays", "time_zones", "labels", "zh_labels"),
    "meta": ("rules", "zh_keys", "en_keys"),
    "menu": ("words",),
    "cta": ("strong", "weak", "zh_strong", "zh_weak", "ignore", "list_after_rules"),
    "ui": ("strong", "weak", "zh_strong", "zh_weak", "ignore"),
}
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[^\W\d_]+(?:['’.-][^\W\d_]+)*")
_DIGIT = re.compile(r"\d")
_LETTERS = re.compile(r"[^\W\d_]+")
_PUNCT = "\"'’“”.,;:!?()[]*•|-–—…。，；：！？、（）【】"
# --- date-only ---
_AMPM = re.compile(r"\b([ap])\.\s?m\b\.?")
_ISO_T = re.compile(r"(?<=\d)t(?=\d)")
_DATE_TOKEN = re.compile(
    r"(?P<time>\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)|(?P<num>\d+)(?:st|nd|rd|th)?"
    r"|(?P<word>[^\W\d_]+)|(?P<sep>[-–—|,/.:：·•()+，、丨｜／\[\]【】])|(?P<other>\S)"
)
_NUMERIC_DATE = re.compile(
    r"(?<!\d)(?:\d{4}\s?[-./]\s?\d{1,2}\s?[-./]\s?\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})(?!\d)"
    r"|\d{1,2}\s?月\s?\d{1,2}\s?[日号號]"
)
_ZH_DAY = re.compile(r"(?:星期|周|週|礼拜|禮拜)[一二三四五六日天]")
_ZH_UNITS = ("年", "月", "日", "号", "號", "时", "時", "点", "點", "分", "秒")
# --- meta-fields ---
# separators between fields; runs of spaces are looked for in the original line
_FIELD_SEPARATOR = re.compile(r"\s*[|•丨｜]\s*|\s[·/／–—-]\s")
# What a field or menu boundary needs: one of these characters, or one of these spaced
# separators (quick tests: a character class and substring searches, no alternation).
_SEPARATOR_HINT = re.compile(r"[|•丨｜:：»›]")
_SPACED_SEPARATORS = (" - ", " · ", " / ", " – ", " — ", " > ", " ／ ")
_SPACE_RUN = re.compile(r"[ \t\u3000\u00a0]{2,}|\t")
_EN_KEY = re.compile(r"\s(?=[^\W\d_][\w'’\x00-]{0,30}\s?[:：](?!\d))")  # (\x00: see _keys)
_ZH_KEY_SPACE = re.compile(r"\s(?=[\u3400-\u9fff]{1,6}[:：])")
_KEY_HINT = re.compile(r"[:：]")
_FRAME = " |*•·"
# a dateline's place, as wire copy writes it: capitals only ("SHANGHAI", "NEW YORK", "ST. LOUIS")
_PLACE = re.compile(r"[A-Z][A-Z.'’ -]{1,30}")
# --- menu-row ---
_MENU_SEPARATOR = re.compile(r"\s*[|•»›丨｜]\s*|\s[·/>]\s")
_LIST_BULLET = re.compile(r"\s*(?:[-*•·▪◦✓✔►+]|\d{1,2}[.)、])")  # items under a prompt
# --- ui-label ---
# a line of dialogue (“Ok.” after a dash) or of code (print(a), x = 1; {...}) is no button
_NOT_UI = re.compile(r"^[\s\-–—]*[\"'“„「『‘]|\w[(\[{]|[=;{}]")
_MENU_BREAKERS = re.compile(r"[\d.,;:!?。，；：！？%$€£¥()（）\"“”]")


@dataclass(frozen=True)
class LineGrammar:
    """The vocabulary of the composite-line decisions, as loaded from its data file."""

    months: frozenset[str]
    weekdays: frozenset[str]
    time_zones: frozenset[str]
    date_labels: frozenset[str]
    zh_date_labels: tuple[str, ...]
    meta_rules: frozenset[str]
    zh_keys: tuple[str, ...]
    en_keys: tuple[str, ...]
    menu_words: frozenset[str]
    cta_strong: frozenset[str]  # English words and phrases (lower case)
    cta_weak: frozenset[str]
    zh_cta_strong: tuple[str, ...]
    zh_cta_weak: tuple[str, ...]
    cta_ignore: frozenset[str]
    cta_list_after: frozenset[str]
    ui_strong: frozenset[str]  # English (and other Latin-script) words and phrases
    ui_weak: frozenset[str]
    zh_ui_strong: frozenset[str]
    zh_ui_weak: tuple[str, ...]
    ui_ignore: frozenset[str]
    source: str = ""
    # the rule ids whose lines start a prompt's list (call-to-action and cta_list_after)
    list_starts: frozenset[str] = field(init=False, repr=False, compare=False)
    digest: str = ""
    # compiled from the lists above
    _date_words: frozenset[str] = field(init=False, repr=False, compare=False)
    _zh_date: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _zh_key: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _en_key: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _cta_first: frozenset[str] = field(init=False, repr=False, compare=False)
    _zh_cta_hint: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _zh_terms: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _cta_terms: frozenset[str] = field(init=False, repr=False, compare=False)
    _phrase_len: int = field(init=False, repr=False, compare=False)
    _ui_terms: frozenset[str] = field(init=False, repr=False, compare=False)
    _ui_phrase_len: int = field(init=False, repr=False, compare=False)
    _ui_first: frozenset[str] = field(init=False, repr=False, compare=False)
    _zh_ui_terms: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        def alternation(words: Sequence[str]) -> str:
            return "|".join(map(re.escape, sorted(set(words), key=lambda w: (-len(w), w))))

        put = object.__setattr__
        put(self, "list_starts", self.cta_list_after | {"call-to-action"})
        put(self, "_date_words", self.months | self.weekdays | self.time_zones | self.date_labels)
        zh = alternation([*self.zh_date_labels, *_ZH_UNITS])
        put(self, "_zh_date", re.compile(rf"(?:{zh}|{_ZH_DAY.pattern})+"))
        put(self, "_zh_key", re.compile(rf"(?:{alternation(self.zh_keys)})[:：]"))
        put(self, "_en_key", re.compile(rf"\b(?:{alternation(self.en_keys)})(?=\s?[:：])"))
        # which lines may hold a strong term: an English line one of their first words, a
        # Chinese line one of the Chinese terms (whole terms are checked after)
        put(self, "_cta_first", frozenset(term.split()[0] for term in self.cta_strong))
        put(self, "_zh_cta_hint", re.compile(alternation(self.zh_cta_strong)))
        put(self, "_zh_terms", re.compile(alternation([*self.zh_cta_strong, *self.zh_cta_weak])))
        put(self, "_cta_terms", self.cta_strong | self.cta_weak)
        put(self, "_phrase_len", max(len(t.split()) for t in self._cta_terms))
        put(self, "_ui_terms", self.ui_strong | self.ui_weak)
        put(self, "_ui_phrase_len", max(len(t.split()) for t in self._ui_terms))
        put(
            self,
            "_ui_first",
            frozenset(w for t in self._ui_terms | self.ui_ignore for w in t.split()),
        )
        put(
            self,
            "_zh_ui_terms",
            re.compile(alternation([*self.zh_ui_strong, *self.zh_ui_weak])),
        )

    # --- date-only ------------------------------------------------------------------------

    def date_only(self, norm: str) -> bool:
        """Whether ``norm`` (a normalized line) is made only of date and time material and
        names a day or a time of day."""
        if len(norm) > DATE_MAX_CHARS or not _DIGIT.search(norm):
            return False
        text = _AMPM.sub(r"\1m", norm) if "m." in norm else norm
        if "t" in text:
            text = _ISO_T.sub(" ", text)  # ISO 8601: "2024-11-19t14:03:00z"
        # first the words alone (quick: most lines have one that is no date material)
        for word in _LETTERS.findall(text):
            if word not in self._date_words and not (
                _CJK.match(word) and self._zh_date.fullmatch(word)
            ):
                return False
        time = month = number = day_number = False
        for m in _DATE_TOKEN.finditer(text):
            kind = m.lastgroup
            if kind == "time":
                time = True
            elif kind == "num":
                digits = len(m.group("num"))
                if digits == 3 or digits > 4:
                    return False  # dates have 1, 2 or 4 digits (not a phone number, a count)
                number = True
                day_number = day_number or digits <= 2
            elif kind == "word":  # (date material, as checked above)
                word = m.group()
                if word in self.months:
                    month = True
                elif word in ("am", "pm") and number:
                    time = True
            elif kind == "other":
                return False
        day = (month and day_number) or bool(_NUMERIC_DATE.search(text))
        return day or time

    # --- meta-fields ----------------------------------------------------------------------

    def field_parts(self, norm: str, original: str) -> list[str]:
        """``norm`` split at its field boundaries (the original line shows runs of spaces)."""
        pieces = (
            [normalize_line(p) for p in _SPACE_RUN.split(original.strip())]
            if _spaced(original)
            else [norm]
        )
        parts: list[str] = []
        for piece in pieces:
            for chunk in _FIELD_SEPARATOR.split(piece):
                if _KEY_HINT.search(chunk):
                    chunk = self._spaced_keys(chunk)
                    for sub in _ZH_KEY_SPACE.split(chunk):
                        parts.extend(p.replace("\x00", " ") for p in _EN_KEY.split(self._keys(sub)))
                else:
                    parts.append(chunk)
        return [p for p in (x.strip(_FRAME) for x in parts) if p]

    def _keys(self, chunk: str) -> str:
        """``chunk`` with the spaces inside its known multi-word keys ("last updated:") made
        \x00, so that a key is split off whole, not at its last word."""
        return self._en_key.sub(lambda m: m.group().replace(" ", "\x00"), chunk)

    def _spaced_keys(self, chunk: str) -> str:
        """``chunk`` with a space before each known Chinese key that follows a character
        directly ("来源：某网作者：张三"); a key inside a longer one (编辑 in 责任编辑) is not
        one, as the longest key is found first."""
        out, at = [], 0
        for m in self._zh_key.finditer(chunk):
            if m.start() and not chunk[m.start() - 1].isspace():
                out.append(chunk[at : m.start()])
                out.append(" ")
                at = m.start()
        out.append(chunk[at:])
        return "".join(out)

    # --- menu-row -------------------------------------------------------------------------

    def menu_segments(self, text: str) -> list[str] | None:
        """The segments of a line that looks like a menu row, or None."""
        stripped = text.strip()
        if stripped[:1] == "|" or stripped[-1:] == "|":
            return None  # a Markdown table row
        segments = [s.strip() for s in _MENU_SEPARATOR.split(stripped)]
        if len(segments) < MENU_MIN_SEGMENTS or not all(segments):
            return None
        for seg in segments:
            if len(seg) > MENU_SEGMENT_MAX_CHARS or _MENU_BREAKERS.search(seg):
                return None
            cjk = sum(map(len, _CJK_RUN.findall(seg)))
            if cjk > MENU_SEGMENT_MAX_CJK:
                return None
            words = len(_WORD.findall(_CJK_RUN.sub(" ", seg)))
            if (not cjk and not words) or words > MENU_SEGMENT_MAX_WORDS:
                return None
        return segments

    def has_menu_word(self, segments: Sequence[str]) -> bool:
        return any(s.lower() in self.menu_words for s in segments)

    # --- call-to-action -------------------------------------------------------------------

    def cta_measure(self, norm: str) -> tuple[int, float, int, int]:
        """(distinct strong terms, share of content that is vocabulary, words, CJK
        characters) of a normalized line; strong 0 when it holds no strong term."""
        cjk = sum(map(len, _CJK_RUN.findall(norm)))
        if cjk >= 2:
            letters = cjk + len(re.findall(r"[a-z]", norm))
            found = self._zh_terms.findall(norm)
            covered = sum(map(len, found))
            return (
                len({t for t in found if t in self.zh_cta_strong}),
                min(1.0, covered / letters) if letters else 0.0,
                0,
                cjk,
            )
        words = [w.strip("'’.-") for w in _WORD.findall(norm)]
        content = 0
        hits = 0
        strong: set[str] = set()
        for term, span in _terms_in(words, self._cta_terms, self._phrase_len):
            counted = sum(w not in self.cta_ignore for w in span)
            content += counted
            if term is not None:
                hits += counted
                if term in self.cta_strong:
                    strong.add(term)
        return len(strong), hits / content if content else 0.0, len(words), 0

    def call_to_action(self, norm: str, sentence: bool) -> bool:
        """Whether a line is a subscription, login, app or trial prompt."""
        zh_hint = not norm.isascii() and self._zh_cta_hint.search(norm) is not None
        if not zh_hint and self._cta_first.isdisjoint(
            map(str.strip, norm.replace("/", " ").split(), repeat(_PUNCT))  # (no Python loop)
        ):
            return False
        strong, share, words, cjk = self.cta_measure(norm)
        if not strong or (cjk and cjk > CTA_MAX_CJK) or (not cjk and words > CTA_MAX_WORDS):
            return False
        if sentence:
            return share >= CTA_SENTENCE_ALL_SHARE or (
                share >= CTA_SENTENCE_MIN_SHARE and strong >= CTA_SENTENCE_MIN_STRONG
            )
        return share >= CTA_MIN_SHARE

    # --- ui-label -------------------------------------------------------------------------

    def ui_label(self, norm: str) -> bool:
        """Whether a line is an interface label: every content word (CJK character) is
        interface vocabulary, one term at least strong."""
        # (most lines fail on their first word: looked at before the whole line is split)
        first = _WORD.search(norm)
        if (
            first is not None
            and first.group().strip("'’.-") not in self._ui_first
            and not _CJK.match(first.group())
        ):
            return False
        cjk = 0 if norm.isascii() else sum(map(len, _CJK_RUN.findall(norm)))
        if cjk:
            if cjk > UI_MAX_CJK:
                return False
            found = self._zh_ui_terms.findall(norm)
            if sum(map(len, found)) < cjk or self.zh_ui_strong.isdisjoint(found):
                return False
            # Latin words beside the Chinese ("打开APP") must be vocabulary too
            rest = _CJK_RUN.sub(" ", norm)
            return all(self._ui_word(w) for w in _WORD.findall(rest))
        words = [w.strip("'’.-") for w in _WORD.findall(norm)]
        if not words or len(words) > UI_MAX_WORDS:
            return False
        strong = False
        for term, span in _terms_in(words, self._ui_terms, self._ui_phrase_len):
            if term is None:
                if span[0] not in self.ui_ignore:
                    return False
            else:
                strong = strong or term in self.ui_strong
        return strong

    def _ui_word(self, word: str) -> bool:
        word = word.strip("'’.-")
        return word in self._ui_terms or word in self.ui_ignore

    def cta_list_item(self, norm: str, bullet: bool) -> bool:
        """Whether a short line after a prompt belongs to its list (a bullet, or a line with
        a vocabulary term)."""
        cjk = sum(map(len, _CJK_RUN.findall(norm)))
        if cjk > CTA_LIST_ITEM_MAX_CJK or len(_WORD.findall(norm)) > CTA_LIST_ITEM_MAX_WORDS:
            return False
        if bullet:
            return True
        if cjk >= 2:
            return bool(self._zh_terms.search(norm))
        words = [w.strip("'’.-") for w in _WORD.findall(norm)]
        return any(
            w not in self.cta_ignore and (w in self.cta_strong or w in self.cta_weak) for w in words
        )


def _terms_in(
    words: Sequence[str], terms: frozenset[str], max_len: int
) -> Iterator[tuple[str | None, Sequence[str]]]:
    """``words`` cut into the longest vocabulary terms (phrases of up to ``max_len`` words),
    left to right: (term, its words), or (None, [word]) for a word no term starts with."""
    i = 0
    while i < len(words):
        for size in range(min(max_len, len(words) - i), 0, -1):
            term = " ".join(words[i : i + size])
            if term in terms:
                yield term, words[i : i + size]
                i += size
                break
        else:
            yield None, words[i : i + 1]
            i += 1


def _spaced(original: str) -> bool:
    """Whether a line may have a run of spaces between fields (a quick look)."""
    return "  " in original or "\t" in original or "\u3000" in original


# --- the decisions, for the cleaner ---------------------------------------------------------------

Judgement = tuple[str, str]


class LineLike(Protocol):
    """What the decisions read of a line (the cleaner's lines)."""

    @property
    def text(self) -> str: ...  # repaired
    @property
    def norm(self) -> str: ...  # normalize_line form
    @property
    def original(self) -> str: ...
    @property
    def sentence(self) -> bool: ...  # reads as an article sentence


def judge_lines(
    grammar: LineGrammar,
    lines: Sequence[LineLike],
    candidates: Sequence[int],
    rule_of: Callable[[list[str]], list[Any]],
) -> dict[int, Judgement]:
    """The composite-line verdicts on ``candidates`` (indexes into a document's ``lines`` of
    lines the rules kept). ``rule_of`` gives the first rule (with ``id``) matching each of
    some normalized parts, or None."""
    out: dict[int, Judgement] = {}
    split: dict[int, list[str]] = {}
    for i in candidates:
        line = lines[i]
        norm, sentence = line.norm, line.sentence
        size = len(norm)
        if size > (COMPOSITE_SENTENCE_MAX_CHARS if sentence else COMPOSITE_MAX_CHARS):
            continue
        if not sentence and grammar.date_only(norm):
            out[i] = ("date-only", "a line of date and time material only (grammar)")
            continue
        if size <= CTA_MAX_CHARS and grammar.call_to_action(norm, sentence):
            out[i] = ("call-to-action", "a subscription, login, app or trial prompt (vocabulary)")
            continue
        if (
            size <= UI_MAX_CHARS
            and grammar.ui_label(norm)
            and not _NOT_UI.search(line.text)
        ):
            out[i] = ("ui-label", "an interface label: a button, a page heading (vocabulary)")
            continue
        separated = _SEPARATOR_HINT.search(norm) is not None or any(
            s in norm for s in _SPACED_SEPARATORS
        )
        if not sentence and separated:
            segments = grammar.menu_segments(line.text)
            if segments is not None and (
                grammar.has_menu_word(segments) or not _table_neighbour(lines, i)
            ):
                out[i] = ("menu-row", f"a row of {len(segments)} short menu segments")
                continue
        if not separated and not _spaced(line.original):
            continue  # (no separator, key or run of spaces: one field at most)
        parts = grammar.field_parts(norm, line.original)
        if len(parts) >= 2:
            split[i] = parts
    if split:
        flat = [p for parts in split.values() for p in parts]
        found = iter(rule_of(flat))
        for i, parts in split.items():
            kinds = [next(found) for _ in parts]
            meta = [
                (rule is not None and rule.id in grammar.meta_rules) or grammar.date_only(part)
                for rule, part in zip(kinds, parts, strict=True)
            ]
            if all(meta) or (
                all(meta[1:]) and grammar.date_only(parts[1]) and _place_first(lines[i].text)
            ):
                out[i] = ("meta-fields", f"{len(parts)} meta fields on one line")
    return out


def _place_first(text: str) -> bool:
    """Whether the line's first field is a place in capitals (a dateline's "BEIJING")."""
    first = _FIELD_SEPARATOR.split(text.strip(), maxsplit=1)[0].strip(_FRAME)
    return _PLACE.fullmatch(first) is not None


def _table_neighbour(lines: Sequence[LineLike], i: int) -> bool:
    """Whether the nearest non-blank line before or after ``i`` has as many of the same
    separators (rows of one table)."""
    counts = _separator_counts(lines[i].text)
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(lines) and not lines[j].text:
            j += step
        if 0 <= j < len(lines) and _separator_counts(lines[j].text) == counts:
            return True
    return False


def _separator_counts(text: str) -> tuple[int, ...]:
    return tuple(text.count(ch) for ch in "|•»›丨｜·/>")


def cta_list(
    grammar: LineGrammar,
    lines: Sequence[LineLike],
    verdicts: Sequence[Judgement | None],
) -> dict[int, Judgement]:
    """The lines of the bullet list after each prompt (a ``call-to-action`` line or one that
    a ``list_after_rules`` rule removed): the next short lines, while each is a bullet or
    holds a vocabulary term; lines the rules removed in between do not end the list."""
    out: dict[int, Judgement] = {}
    starts = grammar.list_starts
    n = len(lines)
    for i, verdict in enumerate(verdicts):
        if verdict is None or verdict[0] not in starts:
            continue
        items, j = 0, i + 1
        while j < n and items < CTA_LIST_MAX_ITEMS:
            line = lines[j]
            if not line.text or verdicts[j] is not None:
                j += 1
                continue
            if line.sentence or not grammar.cta_list_item(
                line.norm, _LIST_BULLET.match(line.text) is not None
            ):
                break
            out[j] = ("call-to-action", f"item {items + 1} of the list after a prompt")
            items += 1
            j += 1
    return out


# --- loading ----------------------------------------------------------------------------------


def load_grammar(
    path: Path | None = None, rule_ids: Mapping[str, str] | None = None
) -> LineGrammar:
    """The bundled grammar (``rules/grammar/line-grammar.yaml``) or the one at ``path``;
    ``rule_ids``: the loaded rules' ids, which the grammar's rule lists must name."""
    if path is None:
        path = data_dir("rules") / GRAMMAR_FILE
    return parse_grammar(read_text(path, RulesError), str(path), rule_ids)


def parse_grammar(text: str, source: str, rule_ids: Mapping[str, str] | None = None) -> LineGrammar:
    data = load_data(text, source, RulesError, label="not valid YAML")
    if not isinstance(data, dict):
        raise RulesError(f"{source}:1: expected a mapping with {', '.join(_SECTIONS)}")
    line = data.pop("__line__", 1)
    got = {
        key: tuple(normalize_line(v) for v in values)
        for key, values in word_sections(data, _SECTIONS, source, RulesError, line).items()
    }
    unknown = sorted(set(data) - set(_SECTIONS))
    if unknown:
        raise RulesError(f"{source}:{line}: unknown key {unknown[0]!r}")
    if rule_ids is not None:
        for key in ("meta.rules", "cta.list_after_rules"):
            for rid in got[key]:
                if rid not in rule_ids:
                    raise RulesError(f"{source}: {key} names {rid!r}, which no rule file defines")
    g = got
    return LineGrammar(
        frozenset(g["date.months"]),
        frozenset(g["date.weekdays"]),
        frozenset(g["date.time_zones"]),
        frozenset(g["date.labels"]),
        g["date.zh_labels"],
        frozenset(g["meta.rules"]),
        g["meta.zh_keys"],
        g["meta.en_keys"],
        frozenset(g["menu.words"]),
        frozenset(g["cta.strong"]),
        frozenset(g["cta.weak"]),
        g["cta.zh_strong"],
        g["cta.zh_weak"],
        frozenset(g["cta.ignore"]),
        frozenset(g["cta.list_after_rules"]),
        frozenset(g["ui.strong"]),
        frozenset(g["ui.weak"]),
        frozenset(g["ui.zh_strong"]),
        g["ui.zh_weak"],
        frozenset(g["ui.ignore"]),
        source,
        hashlib.sha256(text.encode("utf-8")).hexdigest()[:12],
    )

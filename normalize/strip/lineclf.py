"""The learned line classifier of the strip stage: is a line boilerplate, judged by shallow
features of the line *and its neighbours*?

The rules decide first (:mod:`.cleaner`); the classifier sees the lines they keep, in order,
as a second run over the output would see them, and removes those whose probability of being
boilerplate reaches the model's threshold (one for Chinese lines, one for the rest). Decisions
are then smoothed over neighbouring lines (as jusText does with its near-good class): a line
just below the threshold goes when the lines on both sides of it go, unless it reads as an
article sentence (a reply between two "Reply" buttons is someone's text).

The model has two stages: a logistic regression over :data:`FEATURES` (the line, its
neighbours' measures, its place relative to the article's sentences and main run, how often
its text recurs in the document, the run of short lines it is in, its size within the
document's distribution of sizes, Chinese lines' own measures), then boosted trees
(:mod:`.trees`) over those and the first stage's judgement of the line and its neighbours
(:data:`STACK_FEATURES`: the neighbours' decisions), for the lines whose first-stage logit
reaches the trees' gate. It is shipped as plain JSON (``rules/line-model.json``: feature
names, standardisation, weights, trees, thresholds, and the word lists its features count,
copied from ``rules/grammar/line-words.yaml``), trained by
``benchmarks/train_line_model.py``. Inference is pure Python (no numpy: an English run must
start fast), a few microseconds a line.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import operator
import re
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate, repeat
from pathlib import Path

from normalize.config import STRIP_FAVORS
from normalize.errors import RulesError
from normalize.resources import data_dir
from normalize.strip.lexicon import LEX_FEATURES, lexical_measures, word_tokens
from normalize.strip.lexicon import SAMPLE_CHARS as LEX_SAMPLE_CHARS
from normalize.strip.trees import Trees, parse_trees
from normalize.yamlfile import load_data, read_text, word_sections

MODEL_FILE = "line-model.json"
# Neighbourhood for the window features (lines each side).
WINDOW = 3
# A line's shares (digits, capitals, function words...) are measured on this many characters.
SAMPLE_CHARS = 160
# A line whose probability is at least threshold - SMOOTH_MARGIN goes when both its neighbours
# go (a short line inside a junk block); the margin is stored in the model file.

# Every pattern here runs once per line the classifier judges: each is written so that Python's
# engine skips quickly to where it can match (a leading character class, no IGNORECASE; lines
# are lower-cased once where case does not matter).
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WORD_OR_SPACE = re.compile(r"[\w\s]+")  # what is left is punctuation
# The same for ASCII text, as a table that deletes the ASCII characters it matches but turns
# digits into "0" (faster; one call leaves the punctuation and the digits to count).
_ASCII_PUNCT_AND_DIGITS = str.maketrans(
    {
        ch: "0" if ch.isdigit() else None
        for ch in map(chr, range(128))
        if _WORD_OR_SPACE.match(ch)
    }
)
_SEPARATORS = re.compile(r"\s[|•·/›»>]\s|[|•·›»]")
_SEPARATOR_CHAR = re.compile(r"[|•·/›»>]")
_BULLET = re.compile(r"\s*(?:[-*•·▪◦►>]|\d{1,2}[.)、])\s+")
_DATE_NUMERIC = re.compile(
    r"\d(?:\d{3}[-./年]\d|\d?(?:[-./]\d{1,2}[-./]\d{2,4}|:\d{2}|月\d{1,2}日))"
)
_DATE_MONTH = re.compile(r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d")
_LINK = re.compile(r"[h.w@](?:(?<=h)ttps?://|(?<=w)ww\.|(?<=\.)(?:com|cn|org|net|html?)\b|(?<=@)\w)")
_LINK_HINTS = ("http", "www.", ".com", ".cn", ".org", ".net", ".htm", "@")
_FIRST_CHAR = operator.itemgetter(0)
_SENTENCE_END = frozenset('.!?…。！？"”’)）」』')
# The words the features count (function words, site furniture, the reader addressed) are data:
# rules/grammar/line-words.yaml, copied into the model file by the trainer (:class:`Words`).
_ZEROS = repeat(0)  # the default of each lookup
WORDS_FILE = Path("grammar") / "line-words.yaml"
# A word's classes as one number (function words count 1, furniture 1 << _CLASS_BITS, reader
# address 1 << 2 * _CLASS_BITS): a line's sum holds the three counts (a line has fewer than
# 2 ** _CLASS_BITS words), one dictionary lookup a word.
_CLASS_BITS = 20
_CLASS_MASK = (1 << _CLASS_BITS) - 1
_KINDS = ("function", "furniture", "address")
_WORD_LISTS: dict[str, tuple[str, ...]] = {"en": _KINDS, "zh": _KINDS}


@dataclass(frozen=True)
class Words:
    """The word lists the features count: English words (matched lower-cased, whole words)
    and Chinese entries (substrings; function characters one each)."""

    en_function: tuple[str, ...]
    en_furniture: tuple[str, ...]
    en_address: tuple[str, ...]
    zh_function: tuple[str, ...]
    zh_furniture: tuple[str, ...]
    zh_address: tuple[str, ...]
    source: str = field(default="", compare=False)
    # compiled once
    en_classes: dict[str, int] = field(init=False, repr=False, compare=False)
    zh_function_re: re.Pattern[str] = field(init=False, repr=False, compare=False)
    zh_furniture_re: re.Pattern[str] = field(init=False, repr=False, compare=False)
    zh_address_re: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        function = frozenset(self.en_function)
        furniture = frozenset(self.en_furniture)
        address = frozenset(self.en_address)
        classes = {
            word: (word in function)
            + ((word in furniture) << _CLASS_BITS)
            + ((word in address) << 2 * _CLASS_BITS)
            for word in function | furniture | address
        }
        object.__setattr__(self, "en_classes", classes)
        function_chars = "".join(map(re.escape, self.zh_function))
        object.__setattr__(self, "zh_function_re", re.compile(f"[{function_chars}]"))
        for name, entries in (
            ("zh_furniture_re", self.zh_furniture),
            ("zh_address_re", self.zh_address),
        ):
            # the longest first: of two entries starting at one character, the longer counts
            alternatives = sorted(entries, key=len, reverse=True)
            object.__setattr__(self, name, re.compile("|".join(map(re.escape, alternatives))))

    def as_json(self) -> dict[str, dict[str, list[str]]]:
        return {
            lang: {kind: list(getattr(self, f"{lang}_{kind}")) for kind in kinds}
            for lang, kinds in _WORD_LISTS.items()
        }


def parse_words(obj: object, source: str, line: int = 0) -> Words:
    """Word lists from ``{"en": {"function": [...], ...}, "zh": {...}}`` (the YAML file's data,
    with its ``__line__`` marks, or a model file's ``words``, line 0); errors name the place."""

    def at(where: int) -> str:
        return f"{source}:{where}" if where else source

    if not isinstance(obj, dict):
        raise RulesError(f"{at(line)}: expected a mapping with en and zh")
    unknown = sorted(k for k in obj if k != "__line__" and k not in _WORD_LISTS)
    if unknown:
        raise RulesError(f"{at(line)}: unknown key {unknown[0]!r} (allowed: en, zh)")
    got = word_sections(obj, _WORD_LISTS, source, RulesError, line)
    for key, values in got.items():
        lang = key.split(".")[0]
        where = at(obj[lang].get("__line__", line))
        if any(v.strip() != v for v in values):
            raise RulesError(f"{where}: {key}: no spaces around a word")
        if lang == "en" and any(v != v.lower() or " " in v for v in values):
            raise RulesError(f"{where}: {key}: words are single lower-case words")
        if key == "zh.function" and any(len(v) != 1 for v in values):
            raise RulesError(f"{where}: zh.function: one character each")
    lists = {key.replace(".", "_"): values for key, values in got.items()}
    return Words(**lists, source=source)


@lru_cache(maxsize=4)
def load_words(path: Path | None = None) -> Words:
    """The bundled word lists (``rules/grammar/line-words.yaml``) or those at ``path``: what
    the trainer copies into a model, and what features use when given no model's words."""
    if path is None:
        path = data_dir("rules") / WORDS_FILE
    text = read_text(path, RulesError)
    data = load_data(text, str(path), RulesError, label="not valid YAML")
    return parse_words(data, str(path), 1)
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_WORD_ASCII = re.compile(r"[A-Za-z]+(?:['-][A-Za-z]+)*")  # the same words in ASCII, faster

FEATURES: tuple[str, ...] = (
    "size",  # log(1 + words + CJK characters / 2)
    "chars",  # log(1 + characters)
    "cjk_share",
    "zh",  # a Chinese line (2+ CJK characters)
    "zh_size",  # size, for Chinese lines only (sizes mean something else there)
    "ends_sentence",
    "ends_colon",
    "digit_share",
    "title_share",  # share of words with a capital first letter
    "punct_share",
    "function_share",  # function words (English) or characters (Chinese) per word
    "junk_share",  # site-furniture words per word
    "link_share",
    "separators",  # log(1 + | • / › » separators)
    "bullet",
    "date_like",
    "sentence",  # reads as an article sentence (the rules' anchor)
    "edge_rule",  # an edges-only rule matches it (a byline, a dated source line)
    "position",  # 0 first line .. 1 last line
    "before_first_sentence",
    "after_last_sentence",
    "sentence_distance",  # log(1 + lines to the nearest article sentence)
    "prev_size",
    "next_size",
    "prev_sentence",
    "next_sentence",
    "prev_junk",
    "next_junk",
    "prev_short",  # the neighbour has at most 4 words / 8 CJK characters
    "next_short",
    "window_size",  # mean size of the lines around it
    "window_sentences",  # share of article sentences around it
    "window_junk",
    "first_line",
    "last_line",
    # bins and products: a linear model sees no thresholds or interactions by itself
    "size_1",  # at most 1 word
    "size_2_3",
    "size_4_7",
    "size_8_15",
    "distance_1",  # next to an article sentence
    "distance_2_3",
    "distance_4_plus",
    "size_x_window_sentences",
    "size_x_distance",
    "junk_x_distance",
    "short_x_before_first",
    "short_x_after_last",
    # reader address ("you", "your", "please"; 您, 请): prompts, paywalls, comment rules
    "address_share",
    # the article's main run: the stretch of lines with the most article text, short lines
    # inside it costing MAIN_GAP_COST (a sidebar teaser or a comment is a sentence too, but
    # lies outside it)
    "in_main",
    "main_distance",  # log(1 + lines to the main run)
    "before_main",
    "after_main",
    "size_x_in_main",
    "short_x_in_main",
    # a site's template inside one page: the same line again (an author in a list of teasers,
    # "Read more" under each), and runs of short lines (menus, tag clouds; jusText's "short")
    "repeats",  # log(1 + other lines of the document with the same text)
    "short_run",  # log(1 + length of the run of short lines the line is in; 0 if not short)
    # Chinese lines: how prose ends and what it is made of, apart from other scripts' measures
    "zh_ends_sentence",
    "zh_function",
    "zh_short",
    # the line within its document's distribution: a menu is short where the article's lines
    # are long, a list of teasers is where most lines are short
    "size_rank",  # share of the document's other lines that are smaller
    "size_vs_median",  # size minus the document's median size
    "size_vs_max",  # size minus the document's largest size
    "doc_short",  # share of short lines in the document
    "doc_sentences",  # share of article sentences in the document
    "doc_lines",  # log(1 + lines of the document)
    "short_among_short",  # short, no sentence end, both neighbours short
    "short_x_doc_long",  # short, times the share of the document's lines that are not
    # what the line says: learnt token weights (normalize/strip/lexicon.py), its neighbours' too
    *LEX_FEATURES,
)
# The second stage sees the first stage's decisions on the line and its neighbours (logits,
# clipped to +-LOGIT_CLIP; a missing neighbour at the document's edge counts 0).
STACK_FEATURES: tuple[str, ...] = (
    "logit",
    "prev_logit",
    "next_logit",
    "window_logit",  # mean over WINDOW lines each side, the line itself left out
    "min_neighbour_logit",
    "max_neighbour_logit",
)
LOGIT_CLIP = 6.0
MAIN_GAP_COST = 2.0  # in words: what a non-sentence line costs the main run


class _Stats:
    __slots__ = (
        "address_share",
        "bullet",
        "chars",
        "cjk_share",
        "date_like",
        "digit_share",
        "ends_colon",
        "ends_sentence",
        "function_share",
        "junk_share",
        "lex",
        "link_share",
        "punct_share",
        "separators",
        "short",
        "size",
        "title_share",
        "units",
        "zh",
    )

    def __init__(
        self, text: str, vocab: Words, lexicon: Mapping[str, float] | None = None
    ) -> None:
        # Shares are measured on the first SAMPLE_CHARS characters (a long line is prose or a
        # wall of links all along); sizes are scaled up from them.
        full = len(text)
        sample = text if full <= SAMPLE_CHARS else text[:SAMPLE_CHARS]
        n = len(sample) or 1
        stretch = full / n if full > n else 1.0
        ascii_only = sample.isascii()
        cjk = 0 if ascii_only else sum(map(len, _CJK_RUN.findall(sample)))
        # Latin words outside CJK runs; CJK characters count half a word each.
        words = (_WORD_ASCII if ascii_only else _WORD).findall(sample) if cjk < n // 2 else []
        nwords = len(words)
        units = (nwords + cjk / 2) * stretch
        self.units = units
        self.size = math.log1p(units)
        self.chars = math.log1p(full)
        self.cjk_share = cjk / n
        self.zh = 1.0 if cjk >= 2 else 0.0
        last = text[-1:]
        if last.isspace():
            last = text.rstrip()[-1:]
        self.ends_sentence = 1.0 if last in _SENTENCE_END else 0.0
        self.ends_colon = 1.0 if last in (":", "：") else 0.0
        if ascii_only:
            punct = sample.translate(_ASCII_PUNCT_AND_DIGITS)
            digits = punct.count("0")
            punct_chars = len(punct) - digits
        else:
            punct = _WORD_OR_SPACE.sub("", sample)
            digits = sum(map(sample.count, "0123456789"))
            punct_chars = len(punct)
        self.digit_share = digits / n
        self.punct_share = punct_chars / n
        sample_units = nwords + cjk / 2
        low = sample.lower()
        if nwords:
            # words, lower-cased in one call (a word has no space in it)
            low_words = " ".join(words).lower().split(" ")
            capitals = sum(map(str.isupper, map(_FIRST_CHAR, words)))
            self.title_share = capitals / nwords
            classes = sum(map(vocab.en_classes.get, low_words, _ZEROS))
            func = classes & _CLASS_MASK
            junk = (classes >> _CLASS_BITS) & _CLASS_MASK
            address = classes >> 2 * _CLASS_BITS
        else:
            low_words = []
            self.title_share = 0.0
            func = junk = address = 0
        if cjk:
            func += len(vocab.zh_function_re.findall(sample))
            junk += 2 * len(vocab.zh_furniture_re.findall(sample))
            address += 2 * len(vocab.zh_address_re.findall(sample))
        self.address_share = min(1.0, address / sample_units) if sample_units else 0.0
        self.function_share = func / sample_units if sample_units else 0.0
        self.junk_share = min(1.0, junk / sample_units) if sample_units else 0.0
        links = (
            len(_LINK.findall(low)) if any(map(low.__contains__, _LINK_HINTS)) else 0
        )
        self.link_share = min(1.0, links / sample_units) if sample_units else 0.0
        self.separators = (  # (separators are punctuation: looked for among it, a short string)
            math.log1p(len(_SEPARATORS.findall(sample))) if _SEPARATOR_CHAR.search(punct) else 0.0
        )
        self.bullet = 1.0 if _BULLET.match(sample) else 0.0
        self.date_like = (  # dates have digits
            1.0 if digits and (_DATE_NUMERIC.search(sample) or _DATE_MONTH.search(low)) else 0.0
        )
        self.short = 1.0 if (cjk <= 8 if cjk >= 2 else nwords <= 4) and full <= n else 0.0
        if lexicon:
            # a short ASCII line's tokens are its words, lower-cased, and the first one marked
            # (lexicon.line_tokens, without finding the words again)
            tokens = None
            if ascii_only and 2 <= full <= LEX_SAMPLE_CHARS:
                tokens = word_tokens(low_words)
            self.lex = lexical_measures(text, lexicon, tokens)
        else:
            self.lex = (0.0, 0.0, 0.0, 0)


def line_features(
    texts: Sequence[str],
    sentence: Sequence[bool],
    edge_rule: Sequence[bool],
    cache: dict[str, object] | None = None,
    lexicon: Mapping[str, float] | None = None,
    words: Words | None = None,
) -> list[list[float]]:
    """One row of :data:`FEATURES` per line of ``texts`` (non-empty lines, in order).
    ``cache`` keeps each line's own measures between calls on the same document (and the
    same ``lexicon``: the model's token weights; without one the lexical features are 0;
    and the same ``words``: the model's, by default the bundled line-words.yaml)."""
    n = len(texts)
    if words is None:
        words = load_words()
    if cache is None:
        stats = [_Stats(t, words, lexicon) for t in texts]
    else:
        stats = []
        for t in texts:
            st = cache.get(t)
            if st is None:
                st = cache[t] = _Stats(t, words, lexicon)
            stats.append(st)  # type: ignore[arg-type]
    anchors = [i for i in range(n) if sentence[i]]
    first = anchors[0] if anchors else n
    last = anchors[-1] if anchors else -1
    dist = sentence_distances(sentence)
    main_start, main_end = _main_run(stats, sentence)
    same = dict.fromkeys(texts, 0)  # how often each text occurs (Counter costs more here)
    for t in texts:
        same[t] += 1
    # the run of short lines each line is in, in two sweeps
    run_before = [0] * n
    r = 0
    for i, s in enumerate(stats):
        r = r + 1 if s.short else 0
        run_before[i] = r
    runs = [0.0] * n
    r = 0
    for i in range(n - 1, -1, -1):
        r = r + 1 if stats[i].short else 0
        if r:
            runs[i] = math.log1p(run_before[i] + r - 1)
    # prefix sums for the window means
    sizes = list(accumulate((s.size for s in stats), initial=0.0))
    junks = list(accumulate((s.junk_share for s in stats), initial=0.0))
    lexes = list(accumulate((s.lex[0] for s in stats), initial=0.0))
    sents = list(accumulate((1 if x else 0 for x in sentence), initial=0))
    ordered = sorted(s.size for s in stats)
    median = (ordered[(n - 1) // 2] + ordered[n // 2]) / 2 if n else 0.0
    largest = ordered[-1] if n else 0.0
    doc_short = sum(s.short for s in stats) / n if n else 0.0
    doc_sentences = sents[-1] / n if n else 0.0
    doc_lines = math.log1p(n)
    rank_scale = 1.0 / (n - 1) if n > 1 else 0.0
    rows: list[list[float]] = []
    for i, s in enumerate(stats):
        prev = stats[i - 1] if i else None
        nxt = stats[i + 1] if i + 1 < n else None
        lo, hi = max(0, i - WINDOW), min(n, i + WINDOW + 1)
        k = hi - lo - 1 or 1
        u, dd = s.units, dist[i]
        window_sentences = (sents[hi] - sents[lo] - (1 if sentence[i] else 0)) / k
        log_dist = math.log1p(min(dd, 50.0))
        in_main = 1.0 if main_start <= i <= main_end else 0.0
        main_gap = 0 if in_main else (main_start - i if i < main_start else i - main_end)
        if main_end < 0:
            main_gap = n
        rows.append(
            [
                s.size,
                s.chars,
                s.cjk_share,
                s.zh,
                s.zh * s.size,
                s.ends_sentence,
                s.ends_colon,
                s.digit_share,
                s.title_share,
                s.punct_share,
                s.function_share,
                s.junk_share,
                s.link_share,
                s.separators,
                s.bullet,
                s.date_like,
                1.0 if sentence[i] else 0.0,
                1.0 if edge_rule[i] else 0.0,
                i / (n - 1) if n > 1 else 0.0,
                1.0 if i < first else 0.0,
                1.0 if i > last else 0.0,
                log_dist,
                prev.size if prev else 0.0,
                nxt.size if nxt else 0.0,
                1.0 if i and sentence[i - 1] else 0.0,
                1.0 if nxt and sentence[i + 1] else 0.0,
                prev.junk_share if prev else 0.0,
                nxt.junk_share if nxt else 0.0,
                prev.short if prev else 1.0,
                nxt.short if nxt else 1.0,
                (sizes[hi] - sizes[lo] - s.size) / k,
                window_sentences,
                (junks[hi] - junks[lo] - s.junk_share) / k,
                1.0 if i == 0 else 0.0,
                1.0 if i == n - 1 else 0.0,
                1.0 if u <= 1 else 0.0,
                1.0 if 1 < u <= 3 else 0.0,
                1.0 if 3 < u <= 7 else 0.0,
                1.0 if 7 < u <= 15 else 0.0,
                1.0 if dd == 1 else 0.0,
                1.0 if 2 <= dd <= 3 else 0.0,
                1.0 if dd >= 4 else 0.0,
                s.size * window_sentences,
                s.size * log_dist,
                s.junk_share * log_dist,
                s.short * (1.0 if i < first else 0.0),
                s.short * (1.0 if i > last else 0.0),
                s.address_share,
                in_main,
                math.log1p(min(main_gap, 50)),
                1.0 if i < main_start else 0.0,
                1.0 if i > main_end else 0.0,
                s.size * in_main,
                s.short * in_main,
                math.log1p(same[texts[i]] - 1),
                runs[i],
                s.zh * s.ends_sentence,
                s.zh * s.function_share,
                s.zh * s.short,
                bisect_left(ordered, s.size) * rank_scale,
                s.size - median,
                s.size - largest,
                doc_short,
                doc_sentences,
                doc_lines,
                s.short
                * (1.0 - s.ends_sentence)
                * (prev.short if prev else 1.0)
                * (nxt.short if nxt else 1.0),
                s.short * (1.0 - doc_short),
                s.lex[0],
                s.lex[1],
                s.lex[2],
                math.log1p(s.lex[3]),
                prev.lex[0] if prev else 0.0,
                nxt.lex[0] if nxt else 0.0,
                (lexes[hi] - lexes[lo] - s.lex[0]) / k,
                s.zh * s.lex[0],
            ]
        )
    return rows


def sentence_distances(sentence: Sequence[bool]) -> list[float]:
    """Each line's distance, in lines, to the nearest line flagged ``sentence`` (either
    direction; two sweeps). With no such line every distance is at least ``len(sentence)``."""
    n = len(sentence)
    dist = [float(n)] * n
    d = float(n)
    for i in range(n):
        d = 0.0 if sentence[i] else d + 1
        dist[i] = d
    d = float(n)
    for i in range(n - 1, -1, -1):
        d = 0.0 if sentence[i] else d + 1
        dist[i] = min(dist[i], d)
    return dist


def _main_run(stats: Sequence[_Stats], sentence: Sequence[bool]) -> tuple[int, int]:
    """First and last index of the run of lines with the most article text: each sentence
    scores its size in words, any other line costs MAIN_GAP_COST (the maximum-sum
    subarray); (0, -1) when there is no sentence."""
    best, best_start, best_end = 0.0, 0, -1
    run, start = 0.0, 0
    for i, s in enumerate(stats):
        value = s.units if sentence[i] else -MAIN_GAP_COST
        if run <= 0:
            run, start = value, i
        else:
            run += value
        if run > best:
            best, best_start, best_end = run, start, i
    return best_start, best_end


FORMAT = "normalize line model 5"
# Trade-offs a model's thresholds may be chosen for (Config.strip_favor's choices): the
# default, fewer content lines lost (a lower loss target in training), more boilerplate removed
# (a higher one).
FAVORS = STRIP_FAVORS
_ZH_COLUMN = FEATURES.index("zh")
_SENTENCE_COLUMN = FEATURES.index("sentence")


@dataclass(frozen=True)
class Linear:
    """Logistic regression over standardised features."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    # Folded into one weight and offset per feature: (x - m) / s * w = x * (w / s) - m w / s
    # (computed once, not per document)
    coef: tuple[float, ...] = field(init=False, repr=False, compare=False)
    offset: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        coef = tuple(w / s for w, s in zip(self.weights, self.scale, strict=True))
        object.__setattr__(self, "coef", coef)
        object.__setattr__(
            self, "offset", self.bias - sum(m * c for m, c in zip(self.mean, coef, strict=True))
        )

    def logits(self, rows: Sequence[Sequence[float]]) -> list[float]:
        offset, coef = self.offset, self.coef
        return [offset + sum(map(operator.mul, row, coef)) for row in rows]

    def as_json(self) -> dict[str, object]:
        return {
            "mean": [round(x, 6) for x in self.mean],
            "scale": [round(x, 6) for x in self.scale],
            "weights": [round(x, 6) for x in self.weights],
            "bias": round(self.bias, 6),
        }


def stack_rows(
    rows: Sequence[Sequence[float]],
    logits: Sequence[float],
    which: Sequence[int] | None = None,
) -> list[list[float]]:
    """The second stage's rows: a line's features, then :data:`STACK_FEATURES` from the first
    stage's logits (one document's lines, in order). ``which``: only the rows of these
    indexes (default: all)."""
    clip = [max(-LOGIT_CLIP, min(LOGIT_CLIP, z)) for z in logits]
    n = len(clip)
    out = []
    for i in range(n) if which is None else which:
        row = rows[i]
        prev = clip[i - 1] if i else 0.0
        nxt = clip[i + 1] if i + 1 < n else 0.0
        lo, hi = max(0, i - WINDOW), min(n, i + WINDOW + 1)
        k = hi - lo - 1
        window = (sum(clip[lo:hi]) - clip[i]) / k if k else 0.0
        out.append(
            [*row, clip[i], prev, nxt, window, min(prev, nxt), max(prev, nxt)]
        )
    return out


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z > -30 else 0.0


@dataclass(frozen=True)
class LineModel:
    """Two stacked stages: a logistic regression over :data:`FEATURES`, then boosted trees
    (or a second logistic regression) over those and
    :data:`STACK_FEATURES` (the first stage's judgement of the neighbours).
    Thresholds are per script: Chinese lines (the ``zh`` feature) and the rest. The file may
    hold other pairs for other trade-offs (``modes``, see :data:`FAVORS`), chosen by the same
    training procedure at other loss targets; :meth:`favoring` picks one."""

    stage1: Linear
    stage2: Linear | Trees | None
    threshold: float  # remove a non-Chinese line at or above this probability of boilerplate
    zh_threshold: float  # the same for Chinese lines
    smooth_margin: float  # see the module docstring
    source: str = ""
    digest: str = ""  # of the file, for output stamps
    # token -> weight (normalize/strip/lexicon.py); learnt, shipped in the same file
    lexicon: Mapping[str, float] = field(default_factory=dict, hash=False, compare=False)
    # trade-off name -> (threshold, zh_threshold), besides the default ("balanced")
    modes: Mapping[str, tuple[float, float]] = field(
        default_factory=dict, hash=False, compare=False
    )
    favor: str = "balanced"  # which pair threshold and zh_threshold are
    # the word lists its features count (rules/grammar/line-words.yaml when it was trained);
    # None: the bundled file's
    words: Words | None = field(default=None, hash=False, compare=False)

    def favoring(self, favor: str) -> LineModel:
        """This model with the thresholds of another trade-off: "precision" loses fewer
        content lines and removes less, "recall" removes more and loses more."""
        if favor == self.favor:
            return self
        if favor not in FAVORS:
            raise ValueError(f"unknown trade-off {favor!r}; one of {', '.join(FAVORS)}")
        pair = self.modes.get(favor)
        if pair is None:
            raise RulesError(
                f"{self.source or 'the line model'}: no thresholds for {favor!r}; retrain it "
                "with benchmarks/train_line_model.py, or use the balanced default"
            )
        modes = {**self.modes, self.favor: (self.threshold, self.zh_threshold)}
        del modes[favor]
        return dataclasses.replace(
            self, threshold=pair[0], zh_threshold=pair[1], modes=modes, favor=favor
        )

    def probabilities(self, rows: Sequence[Sequence[float]]) -> list[float]:
        """Probability of boilerplate of each line of one document (rows in order)."""
        logits = self.stage1.logits(rows)
        if isinstance(self.stage2, Trees):
            # only lines the first stage finds suspect (see Trees)
            gate = self.stage2.gate
            judged = [i for i, z in enumerate(logits) if z >= gate]
            if judged:
                again = self.stage2.logits(stack_rows(rows, logits, judged))
                for i, z in zip(judged, again, strict=True):
                    logits[i] = z
        elif self.stage2 is not None:
            logits = self.stage2.logits(stack_rows(rows, logits))
        return [_sigmoid(z) for z in logits]

    def thresholds(self, rows: Sequence[Sequence[float]]) -> list[float]:
        return [self.zh_threshold if row[_ZH_COLUMN] else self.threshold for row in rows]

    def smoothable(self, rows: Sequence[Sequence[float]]) -> list[bool]:
        """Lines smoothing may take: not article sentences (jusText never turns a good
        paragraph into junk for its neighbours; a reply in a comment thread is one)."""
        return [not row[_SENTENCE_COLUMN] for row in rows]

    def decide(
        self,
        probs: Sequence[float],
        thresholds: Sequence[float],
        smoothable: Sequence[bool] | None = None,
    ) -> list[bool]:
        """Which lines go: at or above their threshold, or near it with both neighbours
        going (only lines ``smoothable`` allows, when given)."""
        hard = [p >= t for p, t in zip(probs, thresholds, strict=True)]
        out = list(hard)
        last = len(probs) - 1
        for i in range(1, last):
            if not hard[i] and hard[i - 1] and hard[i + 1] and (
                smoothable is None or smoothable[i]
            ):
                out[i] = probs[i] >= thresholds[i] - self.smooth_margin
        return out

    def to_json(self, meta: dict[str, object]) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "features": list(FEATURES),
                "stack_features": list(STACK_FEATURES),
                "stage1": self.stage1.as_json(),
                "stage2": None if self.stage2 is None else {
                    "kind": "trees" if isinstance(self.stage2, Trees) else "linear",
                    **self.stage2.as_json(),
                },
                "threshold": round(self.threshold, 6),
                "zh_threshold": round(self.zh_threshold, 6),
                "smooth_margin": round(self.smooth_margin, 6),
                "modes": {
                    name: [round(a, 6), round(b, 6)] for name, (a, b) in sorted(self.modes.items())
                },
                "meta": meta,
                "words": (self.words or load_words()).as_json(),
                "lexicon": dict(sorted(self.lexicon.items())),
            },
            indent=1,
            ensure_ascii=False,
        )


def _parse_linear(obj: object, n: int, source: str, key: str) -> Linear:
    if not isinstance(obj, dict):
        raise RulesError(f"{source}: {key!r} must be an object")
    for part in ("mean", "scale", "weights"):
        values = obj.get(part)
        if (
            not isinstance(values, list)
            or len(values) != n
            or not all(isinstance(v, int | float) for v in values)
        ):
            raise RulesError(f"{source}: {key}.{part} must be {n} numbers")
    if any(v <= 0 for v in obj["scale"]):
        raise RulesError(f"{source}: {key}.scale values must be positive")
    if not isinstance(obj.get("bias"), int | float):
        raise RulesError(f"{source}: {key}.bias must be a number")
    return Linear(
        tuple(float(v) for v in obj["mean"]),
        tuple(float(v) for v in obj["scale"]),
        tuple(float(v) for v in obj["weights"]),
        float(obj["bias"]),
    )


def parse_line_model(text: str, source: str) -> LineModel:
    """A model from its JSON; errors name the file and the problem (never pickle)."""
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RulesError(f"{source}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    if not isinstance(obj, dict) or obj.get("format") != FORMAT:
        raise RulesError(f"{source}: not a normalize line model ({FORMAT!r})")
    if obj.get("features") != list(FEATURES) or obj.get("stack_features") != list(
        STACK_FEATURES
    ):
        raise RulesError(
            f"{source}: the model was trained on other features than this version computes; "
            "retrain it with benchmarks/train_line_model.py"
        )
    n = len(FEATURES)
    stage1 = _parse_linear(obj.get("stage1"), n, source, "stage1")
    raw2 = obj.get("stage2")
    n2 = n + len(STACK_FEATURES)
    stage2: Linear | Trees | None = None
    if isinstance(raw2, dict) and raw2.get("kind") == "trees":
        stage2 = parse_trees(raw2, n2, source, "stage2")
    elif raw2 is not None:
        stage2 = _parse_linear(raw2, n2, source, "stage2")
    for key in ("threshold", "zh_threshold", "smooth_margin"):
        if not isinstance(obj.get(key), int | float):
            raise RulesError(f"{source}: {key!r} must be a number")
    modes = obj.get("modes", {})
    if not isinstance(modes, dict) or not all(
        name in FAVORS
        and name != "balanced"
        and isinstance(pair, list)
        and len(pair) == 2
        and all(isinstance(t, int | float) and not isinstance(t, bool) for t in pair)
        for name, pair in modes.items()
    ):
        raise RulesError(
            f"{source}: 'modes' must map {', '.join(FAVORS[1:])} to [threshold, zh_threshold]"
        )
    lexicon = obj.get("lexicon", {})
    if not isinstance(lexicon, dict) or not all(
        isinstance(w, int | float) and not isinstance(w, bool) for w in lexicon.values()
    ):
        raise RulesError(f"{source}: 'lexicon' must map tokens to numbers")
    words = parse_words(obj.get("words"), f"{source}: 'words'")
    return LineModel(
        stage1,
        stage2,
        float(obj["threshold"]),
        float(obj["zh_threshold"]),
        float(obj["smooth_margin"]),
        source,
        hashlib.sha256(text.encode("utf-8")).hexdigest()[:12],
        {str(k): float(v) for k, v in lexicon.items()},
        {name: (float(a), float(b)) for name, (a, b) in modes.items()},
        words=words,
    )


@lru_cache(maxsize=4)
def load_line_model(path: Path | None = None) -> LineModel | None:
    """The bundled model (``rules/line-model.json``), or the one at ``path``; None when the
    bundled file is absent (the stage then runs on its rules alone)."""
    if path is None:
        path = data_dir("rules") / MODEL_FILE
        if not path.is_file():
            return None
    return parse_line_model(path.read_text(encoding="utf-8"), str(path))

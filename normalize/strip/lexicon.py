"""What a line *says*: the learned lexical evidence of the line classifier.

The shape features of :mod:`.lineclf` know how a line looks, not its words. A lexicon learnt
from the training corpus gives each token a weight (positive: site furniture, negative:
article text); a line's lexical measures are the mean, largest and smallest weight of its
tokens, and its neighbours' means are context features like the others.

Tokens are cheap and script-aware: lower-cased Latin-script words (letters only, digits left
out so that dates and counts generalise) and the first word marked ``^word``; in Chinese (CJK)
runs, character bigrams (a lone character is its own token), the first marked the same way.
Only the first SAMPLE_CHARS characters are read. (Word bigrams and the first 160 characters
were tried: out of fold they ranked lines no better, at twice the lookups.)

The weights are learnt by ``benchmarks/train_line_model.py`` (by site: a token must occur on
several registered domains, and each domain counts once, so that one site's template words
cannot dominate) and shipped in the model's JSON; nothing here is hand-written.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Mapping

# Only the start of a line is read: the words that mark furniture come first, and a long line
# is prose or a wall of links all along.
SAMPLE_CHARS = 80
LEX_FEATURES: tuple[str, ...] = (
    "lex_mean",  # mean weight of the line's tokens in the lexicon (0: none known)
    "lex_max",  # its most junk-like token
    "lex_min",  # its most article-like token
    "lex_known",  # log(1 + tokens in the lexicon)
    "prev_lex",  # the neighbours' lex_mean (0 at the document's edge)
    "next_lex",
    "window_lex",  # mean lex_mean over the window around the line, the line left out
    "zh_lex",  # lex_mean of a Chinese line (its bigram weights mean something else)
)

_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# The same words in text whose CJK runs are each one space: the CJK characters left out of
# the letters (they stop a word as a space does; faster than replacing them first).
_WORD_NOT_CJK = re.compile(
    r"[^\W\d_\u3400-\u9fff\uf900-\ufaff]+(?:['’-][^\W\d_\u3400-\u9fff\uf900-\ufaff]+)*"
)
_WORD_ASCII = re.compile(r"[a-z]+(?:['-][a-z]+)*")  # the same words in lower-case ASCII, faster


def word_tokens(words: list[str]) -> list[str]:
    """An ASCII line's tokens from its lower-cased words: the words, then the first one marked
    as the line's start."""
    return [*words, "^" + words[0]] if words else []


def line_tokens(text: str) -> list[str]:
    """The tokens of a line, in order (repeats kept: :func:`lexical_measures` counts each
    distinct token once)."""
    cut = len(text) > SAMPLE_CHARS
    sample = (text[:SAMPLE_CHARS] if cut else text).lower()
    if sample.isascii():
        words = _WORD_ASCII.findall(sample)
        if cut and words and sample.endswith(words[-1]):
            words.pop()  # it may be cut short
        return word_tokens(words)
    tokens = []
    runs = _CJK_RUN.findall(sample)
    words = _WORD_NOT_CJK.findall(sample)
    if cut and words and sample.endswith(words[-1]):
        words.pop()  # it may be cut short
    for run in runs:
        if len(run) == 1:
            tokens.append(run)
        else:
            tokens.extend(map(operator.add, run, run[1:]))  # its bigrams
    tokens.extend(words)
    if runs and sample.lstrip().startswith(runs[0]):
        tokens.append("^" + runs[0][:2])
    elif words:
        tokens.append("^" + words[0])
    return tokens


def lexical_measures(
    text: str, lexicon: Mapping[str, float], tokens: list[str] | None = None
) -> tuple[float, float, float, int]:
    """Mean, largest and smallest weight of the line's distinct tokens found in ``lexicon``,
    and how many were found (0, 0, 0, 0 when none). ``tokens``: ``line_tokens(text)``, when
    the caller has them."""
    if tokens is None:
        tokens = line_tokens(text)
    # distinct tokens in the order they first occur, their weights summed in that order
    # (filter and map: no Python-level loop over the tokens)
    weights = [*map(lexicon.__getitem__, filter(lexicon.__contains__, dict.fromkeys(tokens)))]
    if not weights:
        return 0.0, 0.0, 0.0, 0
    return sum(weights) / len(weights), max(weights), min(weights), len(weights)

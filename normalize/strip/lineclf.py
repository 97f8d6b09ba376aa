"""The learned line classifier of the strip stage: is a line boilerplate, judged by shallow
features of the line *and its neighbours*?

The rules decide first (:mod:`.cleaner`); the classifier sees the lines they keep, in order,
as a second run over the output would see them, and removes those whose probability of being
boilerplate reaches the model's threshold. Decisions are then smoothed over neighbouring lines
(as jusText does with its near-good class): a line just below the threshold goes when the lines
on both sides of it go.

The model is logistic regression over :data:`FEATURES`, shipped as plain JSON
(``rules/line-model.json``: feature names, standardisation, weights, threshold), trained by
``benchmarks/train_line_model.py``. Inference is pure Python (no numpy: an English run must
start fast), a few microseconds a line.
"""

from __future__ import annotations

import hashlib
import json
import math
import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from normalize.errors import RulesError
from normalize.resources import data_dir

MODEL_FILE = "line-model.json"
# Neighbourhood for the window features (lines each side).
WINDOW = 3
# A line's shares (digits, capitals, function words...) are measured on this many characters.
SAMPLE_CHARS = 160
# A line whose probability is at least threshold - SMOOTH_MARGIN goes when both its neighbours
# go (a short line inside a junk block); the margin is stored in the model file.

_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_NO_DIGITS = {ord(c): None for c in "0123456789"}
_WORD_OR_SPACE = re.compile(r"[\w\s]+")  # what is left is punctuation
_CAPITAL_START = re.compile(r"(?<![^\W\d_])[A-Z\u00c0-\u00de]")
_SEPARATORS = re.compile(r"\s[|•·/›»>]\s|[|•·›»]")
_BULLET = re.compile(r"\s*(?:[-*•·▪◦►>]|\d{1,2}[.)、])\s+")
_DATE = re.compile(
    r"\d{4}[-./年]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}|\d{1,2}:\d{2}|\d{1,2}月\d{1,2}日"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}\b",
    re.IGNORECASE,
)
_LINK = re.compile(r"https?://|www\.|\.(?:com|cn|org|net|html?)\b|@\w", re.IGNORECASE)
_SENTENCE_END = frozenset('.!?…。！？"”’)）」』')
_EN_FUNCTION_WORDS = (
    "the of and to in a is that for on with as was by it its at from has have had be are an "
    "this which will were been their after than more said says also would could may not but "
    "or into over about who they he she we our"
)
_EN_FUNCTION = frozenset(_EN_FUNCTION_WORDS.split())
# Function characters of Chinese prose (particles, prepositions, conjunctions).
_ZH_FUNCTION_RE = re.compile("[的了在是和与对为将也其已于及等被从而并但这该有就都]")
# Words of site furniture in any language this project reads: navigation, accounts, sharing,
# paywalls, comments, legal footers. Generic vocabulary, never one site's wording.
_EN_JUNK_WORDS = (
    "home menu search login log sign register subscribe subscription subscribers newsletter "
    "share shares follow cookie cookies privacy terms copyright rights reserved advertisement "
    "advertising ad ads comments comment reply related tags tag more next previous prev back "
    "top download app click premium unlock account email e-mail print facebook twitter "
    "linkedin whatsapp wechat weibo photo image credit posted updated published min views "
    "loading skip navigation rss contact careers sitemap disclaimer paywall"
)
_EN_JUNK = frozenset(_EN_JUNK_WORDS.split())
_ZH_JUNK = re.compile(
    "登录|注册|分享|评论|首页|更多|返回|扫码|关注|下载|客户端|阅读|点击|版权|责任编辑|来源|作者|"
    "编辑|声明|免责|订阅|微信|微博|公众号|打开|查看|相关|推荐|热门|上一篇|下一篇|举报|收藏|点赞|"
    "广告|联系我们|关于我们|网站地图|会员|付费|全文|原标题|导航|频道|专题|滚动|资讯|APP"
)
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")

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
)


class _Stats:
    __slots__ = (
        "bullet",
        "chars",
        "cjk_share",
        "date_like",
        "digit_share",
        "ends_colon",
        "ends_sentence",
        "function_share",
        "junk_share",
        "link_share",
        "punct_share",
        "separators",
        "short",
        "size",
        "title_share",
        "units",
        "zh",
    )

    def __init__(self, text: str) -> None:
        # Shares are measured on the first SAMPLE_CHARS characters (a long line is prose or a
        # wall of links all along); sizes are scaled up from them.
        full = len(text)
        sample = text if full <= SAMPLE_CHARS else text[:SAMPLE_CHARS]
        n = len(sample) or 1
        stretch = full / n if full > n else 1.0
        cjk = 0 if sample.isascii() else sum(map(len, _CJK_RUN.findall(sample)))
        ascii_only = not cjk and sample.isascii()
        if ascii_only:  # lower-casing ASCII text keeps its words where they were
            words = _WORD.findall(sample.lower())
        else:
            words = _WORD.findall(sample) if cjk < n // 2 else []
        # Latin words outside CJK runs; CJK characters count half a word each.
        nwords = len(words)
        units = (nwords + cjk / 2) * stretch
        self.units = units
        self.size = math.log1p(units)
        self.chars = math.log1p(full)
        self.cjk_share = cjk / n
        self.zh = 1.0 if cjk >= 2 else 0.0
        last = text.rstrip()[-1:]
        self.ends_sentence = 1.0 if last in _SENTENCE_END else 0.0
        self.ends_colon = 1.0 if last in (":", "：") else 0.0
        digits = n - len(sample.translate(_NO_DIGITS))
        self.digit_share = digits / n
        self.punct_share = len(_WORD_OR_SPACE.sub("", sample)) / n
        sample_units = nwords + cjk / 2
        if nwords:
            low_words = words if ascii_only else [w.lower() for w in words]
            self.title_share = len(_CAPITAL_START.findall(sample)) / nwords
            func = sum(map(_EN_FUNCTION.__contains__, low_words))
            junk = sum(map(_EN_JUNK.__contains__, low_words))
        else:
            self.title_share = 0.0
            func = junk = 0
        if cjk:
            func += len(_ZH_FUNCTION_RE.findall(sample))
            junk += 2 * len(_ZH_JUNK.findall(sample))
        self.function_share = func / sample_units if sample_units else 0.0
        self.junk_share = min(1.0, junk / sample_units) if sample_units else 0.0
        self.link_share = (
            min(1.0, len(_LINK.findall(sample)) / sample_units) if sample_units else 0.0
        )
        self.separators = math.log1p(len(_SEPARATORS.findall(sample)))
        self.bullet = 1.0 if _BULLET.match(sample) else 0.0
        self.date_like = 1.0 if digits and _DATE.search(sample) else 0.0  # dates have digits
        self.short = 1.0 if (cjk <= 8 if cjk >= 2 else nwords <= 4) and full <= n else 0.0


def line_features(
    texts: Sequence[str],
    sentence: Sequence[bool],
    edge_rule: Sequence[bool],
    cache: dict[str, object] | None = None,
) -> list[list[float]]:
    """One row of :data:`FEATURES` per line of ``texts`` (non-empty lines, in order).
    ``cache`` keeps each line's own measures between calls on the same document."""
    n = len(texts)
    if cache is None:
        stats = [_Stats(t) for t in texts]
    else:
        stats = []
        for t in texts:
            st = cache.get(t)
            if st is None:
                st = cache[t] = _Stats(t)
            stats.append(st)  # type: ignore[arg-type]
    anchors = [i for i in range(n) if sentence[i]]
    first = anchors[0] if anchors else n
    last = anchors[-1] if anchors else -1
    # distance to the nearest sentence, both directions in two sweeps
    dist = [float(n)] * n
    d = float(n)
    for i in range(n):
        d = 0.0 if sentence[i] else d + 1
        dist[i] = d
    d = float(n)
    for i in range(n - 1, -1, -1):
        d = 0.0 if sentence[i] else d + 1
        dist[i] = min(dist[i], d)
    rows: list[list[float]] = []
    for i, s in enumerate(stats):
        prev = stats[i - 1] if i else None
        nxt = stats[i + 1] if i + 1 < n else None
        lo, hi = max(0, i - WINDOW), min(n, i + WINDOW + 1)
        others = [j for j in range(lo, hi) if j != i]
        k = len(others) or 1
        u, dd = s.units, dist[i]
        window_sentences = sum(1.0 for j in others if sentence[j]) / k
        log_dist = math.log1p(min(dd, 50.0))
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
                sum(stats[j].size for j in others) / k,
                window_sentences,
                sum(stats[j].junk_share for j in others) / k,
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
            ]
        )
    return rows


@dataclass(frozen=True)
class LineModel:
    """Logistic regression over standardised :data:`FEATURES`."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float  # remove a line at or above this probability of boilerplate
    smooth_margin: float  # see the module docstring
    source: str = ""
    digest: str = ""  # of the file, for output stamps

    def probabilities(self, rows: Sequence[Sequence[float]]) -> list[float]:
        # Folded into one weight and offset per feature: (x - m) / s * w = x * (w / s) - m w / s
        coef = [w / s for w, s in zip(self.weights, self.scale, strict=True)]
        offset = self.bias - sum(m * c for m, c in zip(self.mean, coef, strict=True))
        out = []
        for row in rows:
            z = offset + sum(map(operator.mul, row, coef))
            out.append(1.0 / (1.0 + math.exp(-z)) if z > -30 else 0.0)
        return out

    def decide(self, probs: Sequence[float]) -> list[bool]:
        """Which lines go: at or above the threshold, or near it with both neighbours going."""
        hard = [p >= self.threshold for p in probs]
        near = self.threshold - self.smooth_margin
        out = list(hard)
        for i, p in enumerate(probs):
            if not hard[i] and p >= near:
                left = hard[i - 1] if i else True
                right = hard[i + 1] if i + 1 < len(probs) else True
                if left and right and (i and i + 1 < len(probs)):
                    out[i] = True
        return out

    def to_json(self, meta: dict[str, object]) -> str:
        return json.dumps(
            {
                "format": "normalize line model 1",
                "features": list(FEATURES),
                "mean": [round(x, 6) for x in self.mean],
                "scale": [round(x, 6) for x in self.scale],
                "weights": [round(x, 6) for x in self.weights],
                "bias": round(self.bias, 6),
                "threshold": round(self.threshold, 6),
                "smooth_margin": round(self.smooth_margin, 6),
                "meta": meta,
            },
            indent=1,
            ensure_ascii=False,
        )


def parse_line_model(text: str, source: str) -> LineModel:
    """A model from its JSON; errors name the file and the problem (never pickle)."""
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RulesError(f"{source}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    if not isinstance(obj, dict) or obj.get("format") != "normalize line model 1":
        raise RulesError(f"{source}: not a normalize line model (format 1)")
    if obj.get("features") != list(FEATURES):
        raise RulesError(
            f"{source}: the model was trained on other features than this version computes; "
            "retrain it with benchmarks/train_line_model.py"
        )
    n = len(FEATURES)
    for key in ("mean", "scale", "weights"):
        values = obj.get(key)
        if (
            not isinstance(values, list)
            or len(values) != n
            or not all(isinstance(v, int | float) for v in values)
        ):
            raise RulesError(f"{source}: {key!r} must be {n} numbers")
    if any(v <= 0 for v in obj["scale"]):
        raise RulesError(f"{source}: 'scale' values must be positive")
    for key in ("bias", "threshold", "smooth_margin"):
        if not isinstance(obj.get(key), int | float):
            raise RulesError(f"{source}: {key!r} must be a number")
    return LineModel(
        tuple(float(v) for v in obj["mean"]),
        tuple(float(v) for v in obj["scale"]),
        tuple(float(v) for v in obj["weights"]),
        float(obj["bias"]),
        float(obj["threshold"]),
        float(obj["smooth_margin"]),
        source,
        hashlib.sha256(text.encode("utf-8")).hexdigest()[:12],
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

"""Stage 3, ``canonicalize``: find drug, company, regulator and programme names and rewrite them
to their canonical forms, recording every change.

Matching runs in layers, most trusted first:

1. exact: every form of every entry (written and derived, see :mod:`normalize.aliases`) by
   compact key, longest span first; codes and abbreviations exactly as written;
2. Chinese: glossary Chinese names inside CJK runs;
3. fuzzy: name-like spans that matched nothing, scored with rapidfuzz against fuzzy-eligible
   forms, accepted only above a threshold with a margin over the runner-up, never across an
   INN stem boundary or a must-not-confuse pair; context (a code, brand or company of the
   entry nearby) breaks ties. Everything below the bar becomes a :class:`Suggestion`.

A code or brand next to a name that belongs to another entry is a conflict: the code wins (MT
rewrites names, not codes) and the conflict is recorded.
"""

from __future__ import annotations

import pickle
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from normalize.aliases import Form, Lexicon, entry_forms, lexicon_for, zh_drug_bases
from normalize.config import Config
from normalize.document import Change, Document, Entity, Suggestion
from normalize.glossary import Entry, Glossary
from normalize.keys import Token, cased_compact, cjk_share, clean_text, compact, tokenize

# Tunable thresholds (rapidfuzz scores are 0-100).
FUZZY_ACCEPT = 88.0  # a fuzzy candidate is applied at or above this score ...
FUZZY_MARGIN = 4.0  # ... and only this far ahead of the best candidate of any other entry
CONFUSABLE_MARGIN = 10.0  # margin required when the runner-up is a must-not-confuse entry
SUGGEST_MIN = 75.0  # below FUZZY_ACCEPT but at least this: reported as a suggestion
CONTEXT_BONUS = 6.0  # a code, brand or company of the entry in the same paragraph
DERIVED_PENALTY = 2.0  # derived (pinyin/literal) forms are a little less trusted
MIN_FUZZY_CHARS = 6  # shorter spans are never fuzzy-matched
MAX_FUZZY_TOKENS = 5
MAX_EXACT_TOKENS = 14
CHINESE_TEXT_SHARE = 0.3  # above this share of CJK characters a text is Chinese: annotate only

_WRITTEN_KINDS = ("canonical", "first", "short", "alias", "former", "abbreviation", "code", "ticker", "brand")
_ACCEPTED_KINDS = ("canonical", "first", "short", "abbreviation", "code", "ticker", "brand", "zh_brand")
_EXACT_RANK = {"code": 0, "canonical": 1, "first": 1, "short": 2, "abbreviation": 2, "alias": 3,
               "former": 3, "brand": 3, "ticker": 3, "zh": 3, "zh_brand": 3, "variant": 4,
               "pinyin": 5, "literal": 5}
_SPAN_STOP = {"of", "the", "and", "for", "in", "on", "to", "a", "an", "by", "with", "its", "their",
              "has", "have", "was", "were", "is", "are", "be", "as", "at", "from", "or", "that",
              "this", "which", "after", "before", "into", "under"}
_SENTENCE_END = re.compile(r"(?:^|[.!?。！？]\s*|\n\s*)[\"'“‘(\[]*$")
DEFAULT_STEMS = ("mab", "cept", "tinib", "ciclib", "parib", "lisib", "stat", "gliflozin", "gliptin",
                 "tecan", "vedotin", "leucel", "glutide", "tide", "rafenib", "brutinib", "sertib",
                 "setron", "prazole", "sartan", "pril", "olol", "vastatin", "platin", "taxel",
                 "rubicin", "mycin", "cillin", "floxacin", "azole", "vir", "dipine", "semide",
                 "sone", "lone", "strant", "mustine", "zolam", "bopag", "toclax", "glitazone",
                 "gliatin", "fusp", "alfa", "ertib")


@dataclass(frozen=True)
class Match:
    entry_id: str
    start: int  # token index
    end: int  # token index, exclusive
    score: float
    method: str
    form: Form
    chars: tuple[int, int] | None = None  # a sub-token span (Chinese names inside a CJK run)


@dataclass(frozen=True)
class Candidate:
    entry_id: str
    form: Form
    score: float  # raw rapidfuzz ratio
    adjusted: float  # after derived-form penalty and context bonus
    verdict: str = ""  # why it cannot win ("" if it may)

    @property
    def rejected(self) -> bool:
        return bool(self.verdict) and self.verdict != "context bonus"

    def to_dict(self) -> dict[str, object]:
        return {"id": self.entry_id, "form": self.form.text, "kind": self.form.kind,
                "score": round(self.score, 1), "adjusted": round(self.adjusted, 1),
                "verdict": self.verdict or "eligible"}


def _best_per_entry(candidates: Sequence[Candidate]) -> list[Candidate]:
    best: dict[str, Candidate] = {}
    for c in candidates:
        if c.rejected:
            continue
        if c.entry_id not in best or c.adjusted > best[c.entry_id].adjusted:
            best[c.entry_id] = c
    return sorted(best.values(), key=lambda c: -c.adjusted)


@dataclass
class Index:
    """A glossary compiled for matching; built once per glossary digest and cached on disk."""

    digest: str
    exact: dict[str, list[tuple[str, Form]]] = field(default_factory=dict)
    exact_cased: dict[str, list[tuple[str, Form]]] = field(default_factory=dict)
    zh: dict[str, list[tuple[str, Form]]] = field(default_factory=dict)
    fuzzy_keys: list[str] = field(default_factory=list)
    fuzzy_owner: list[tuple[str, Form]] = field(default_factory=list)
    by_length: dict[int, list[int]] = field(default_factory=dict)
    accepted: dict[str, set[str]] = field(default_factory=dict)  # entry -> compact keys left as is
    evidence: dict[str, set[str]] = field(default_factory=dict)  # entry -> ids whose presence supports it
    stems: tuple[str, ...] = DEFAULT_STEMS
    max_tokens: int = 1

    @classmethod
    def build(cls, glossary: Glossary, lexicon: Lexicon | None = None) -> Index:
        lexicon = lexicon or lexicon_for(glossary)
        index = cls(glossary.digest)
        stems = set(DEFAULT_STEMS) | set(lexicon.stems.values())
        index.stems = tuple(sorted(stems, key=len, reverse=True))
        bases = zh_drug_bases(glossary, lexicon)
        seen_fuzzy: set[tuple[str, str]] = set()
        converters: dict[str, object] = {}
        for entry in glossary:
            accepted = index.accepted.setdefault(entry.id, set())
            index.evidence[entry.id] = {r for r in (entry.company, entry.parent, *entry.partners) if r}
            for form in entry_forms(entry, glossary, lexicon, bases):
                if form.kind in ("zh", "zh_brand"):
                    index.zh.setdefault(form.text, []).append((entry.id, form))
                    for variant in _traditional_variants(form.text, converters):
                        index.zh.setdefault(variant, []).append((entry.id, form))
                    continue
                key = compact(form.text)
                if not key:
                    continue
                if form.kind in _ACCEPTED_KINDS:
                    accepted.add(key)
                n_tokens = len(tokenize(clean_text(form.text)))
                index.max_tokens = max(index.max_tokens, min(n_tokens, MAX_EXACT_TOKENS))
                if form.case_sensitive:
                    _add_unique(index.exact_cased.setdefault(cased_compact(form.text), []), entry.id, form)
                else:
                    _add_unique(index.exact.setdefault(key, []), entry.id, form)
                if form.fuzzy and len(key) >= MIN_FUZZY_CHARS and (entry.id, key) not in seen_fuzzy:
                    seen_fuzzy.add((entry.id, key))
                    index.by_length.setdefault(len(key), []).append(len(index.fuzzy_keys))
                    index.fuzzy_keys.append(key)
                    index.fuzzy_owner.append((entry.id, form))
        return index


def _add_unique(bucket: list[tuple[str, Form]], entry_id: str, form: Form) -> None:
    if all(eid != entry_id or f.kind != form.kind for eid, f in bucket):
        bucket.append((entry_id, form))


def _traditional_variants(text: str, converters: dict[str, object]) -> set[str]:
    """Traditional (and Taiwan/Hong Kong) spellings of a Chinese name, via OpenCC."""
    if not converters:
        try:
            import opencc  # C++ OpenCC; the pure-Python ports are ~1000x slower here
        except ImportError:
            converters["none"] = None
            return set()
        for name in ("s2t", "s2tw", "s2hk", "t2s"):
            converters[name] = opencc.OpenCC(f"{name}.json")
    out = set()
    for converter in converters.values():
        if converter is not None:
            converted = converter.convert(text)  # type: ignore[attr-defined]
            if converted != text:
                out.add(converted)
    return out


def compile_glossary(glossary: Glossary, cache_dir: Path | None = None) -> Index:
    """The compiled index for ``glossary``, from the on-disk cache when the files are unchanged."""
    from normalize import __version__

    path = None
    if cache_dir is not None and glossary.digest:
        path = Path(cache_dir) / f"index-{__version__}-{glossary.digest[:24]}.pickle"
        if path.exists():
            try:
                with path.open("rb") as fh:
                    cached = pickle.load(fh)  # noqa: S301 - our own cache file
                if isinstance(cached, Index) and cached.digest == glossary.digest:
                    return cached
            except (OSError, pickle.PickleError, EOFError, AttributeError):
                pass  # a stale or broken cache is rebuilt
    index = Index.build(glossary)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            with tmp.open("wb") as fh:
                pickle.dump(index, fh, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(path)
        except OSError:
            pass  # caching is an optimization; a read-only home is fine
    return index


class Canonicalizer:
    """Finds and rewrites glossary names in English text."""

    def __init__(self, glossary: Glossary, index: Index | None = None) -> None:
        self.glossary = glossary
        self.index = index or Index.build(glossary)

    # ---- finding -----------------------------------------------------------------------

    def find(self, text: str) -> tuple[list[Match], list[Suggestion], list[Token]]:
        """Every glossary mention in ``text`` (token spans), plus suggestions for editors."""
        tokens = tokenize(text)
        matches = self._exact(tokens)
        matches += self._chinese(tokens, taken=_covered(matches))
        found_ids = {m.entry_id for m in matches}
        fuzzy, suggestions = self._fuzzy(text, tokens, _covered(matches), found_ids)
        matches += fuzzy
        matches = self._resolve_conflicts(text, tokens, matches)
        matches.sort(key=lambda m: m.start)
        return matches, suggestions, tokens

    def _exact(self, tokens: Sequence[Token]) -> list[Match]:
        out: list[Match] = []
        i, n = 0, len(tokens)
        while i < n:
            if tokens[i].is_cjk:
                i += 1
                continue
            hit = None
            for size in range(min(self.index.max_tokens, n - i), 0, -1):
                span = tokens[i : i + size]
                if any(t.is_cjk for t in span) or any(t.possessive for t in span[:-1]) and size > 2:
                    continue
                if not _contiguous(span):
                    continue
                key = "".join(t.key for t in span).replace("'", "")
                cands = self.index.exact.get(key, []) + self.index.exact_cased.get(
                    "".join(t.text for t in span).replace("'", "").replace("’", ""), []
                )
                if cands:
                    hit = self._pick_exact(cands, i, i + size)
                    if hit:
                        break
            if hit:
                out.append(hit)
                i = hit.end
            else:
                i += 1
        return out

    def _pick_exact(self, cands: list[tuple[str, Form]], start: int, end: int) -> Match | None:
        ranked = sorted(cands, key=lambda c: _EXACT_RANK.get(c[1].kind, 9))
        best_rank = _EXACT_RANK.get(ranked[0][1].kind, 9)
        best_ids = {eid for eid, f in ranked if _EXACT_RANK.get(f.kind, 9) == best_rank}
        if len(best_ids) > 1:
            return None  # the same form names two entries: leave it to context/suggestions
        entry_id, form = ranked[0]
        method = {"code": "code", "ticker": "code", "pinyin": "pinyin", "literal": "literal",
                  "variant": "exact"}.get(form.kind, "exact")
        score = 100.0 if not form.derived else 97.0
        return Match(entry_id, start, end, score, method, form)

    def _chinese(self, tokens: Sequence[Token], taken: set[int]) -> list[Match]:
        out: list[Match] = []
        if not self.index.zh:
            return out
        lengths = sorted({len(k) for k in self.index.zh}, reverse=True)
        for ti, tok in enumerate(tokens):
            if not tok.is_cjk or ti in taken:
                continue
            text, j = tok.text, 0
            while j < len(text):
                for size in lengths:
                    piece = text[j : j + size]
                    if len(piece) == size and piece in self.index.zh:
                        ids = {eid for eid, _ in self.index.zh[piece]}
                        if len(ids) == 1:
                            eid, form = self.index.zh[piece][0]
                            chars = (tok.start + j, tok.start + j + size)
                            out.append(Match(eid, ti, ti + 1, 100.0, "zh", form, chars))
                        j += size
                        break
                else:
                    j += 1
        return out

    def _fuzzy(
        self, text: str, tokens: Sequence[Token], taken: set[int], found_ids: set[str]
    ) -> tuple[list[Match], list[Suggestion]]:
        out: list[Match] = []
        suggestions: list[Suggestion] = []
        spans = list(_name_spans(tokens, taken))
        # Longest spans first, so "Rongchang Biology" wins over "Rongchang".
        spans.sort(key=lambda s: (-(s[1] - s[0]), s[0]))
        used: set[int] = set()
        for start, end in spans:
            if any(k in used for k in range(start, end)):
                continue
            span = tokens[start:end]
            candidates = self.score_span(span, found_ids)
            decision, reason = self.decide(candidates)
            if decision is not None:
                out.append(Match(decision.entry_id, start, end, min(decision.adjusted, 99.0), "fuzzy", decision.form))
                used.update(range(start, end))
            elif candidates and candidates[0].adjusted >= SUGGEST_MIN:
                suggestions.append(Suggestion(
                    text[span[0].start : span[-1].end], span[0].start, span[-1].end,
                    tuple((c.entry_id, round(c.adjusted, 1)) for c in _best_per_entry(candidates)[:3]),
                    reason,
                ))
        return out, suggestions

    def score_span(self, span: Sequence[Token], context_ids: set[str] = frozenset()) -> list[Candidate]:  # type: ignore[assignment]
        """Fuzzy candidates for a span, best first, each with the verdict that applies to it."""
        from rapidfuzz import fuzz, process

        index = self.index
        key = "".join(t.key for t in span).replace("'", "")
        if len(key) < MIN_FUZZY_CHARS or any(ch.isdigit() for ch in key):
            return []
        lo, hi = _length_window(len(key), SUGGEST_MIN - CONTEXT_BONUS)
        choices = [i for length in range(lo, hi + 1) for i in index.by_length.get(length, ())]
        if not choices:
            return []
        results = process.extract(
            key, [index.fuzzy_keys[i] for i in choices], scorer=fuzz.ratio,
            score_cutoff=SUGGEST_MIN - CONTEXT_BONUS - DERIVED_PENALTY, limit=16,
        )
        stem = _stem_of(key, index.stems)
        out = []
        for _choice, score, pos in results:
            entry_id, form = index.fuzzy_owner[choices[pos]]
            adjusted = score - (DERIVED_PENALTY if form.derived else 0.0)
            verdict = ""
            if index.evidence.get(entry_id, set()) & set(context_ids):
                adjusted += CONTEXT_BONUS
                verdict = "context bonus"
            if stem and not index.fuzzy_keys[choices[pos]].endswith(stem):
                verdict = f"different INN stem (-{stem})"
            elif len(span) > 1 and not _tokens_compatible(span, form):
                verdict = "a word differs too much"
            out.append(Candidate(entry_id, form, float(score), adjusted, verdict))
        out.sort(key=lambda c: (c.rejected, -c.adjusted))
        return out

    def decide(self, candidates: Sequence[Candidate]) -> tuple[Candidate | None, str]:
        """Apply threshold, margin and must-not-confuse rules; say why when nothing is chosen."""
        ranked = [c for c in _best_per_entry(candidates) if not c.rejected]
        if not ranked:
            return None, "no candidate"
        best = ranked[0]
        if best.adjusted < FUZZY_ACCEPT:
            return None, f"below threshold ({best.adjusted:.0f} < {FUZZY_ACCEPT:.0f})"
        if len(ranked) > 1:
            runner = ranked[1]
            needed = CONFUSABLE_MARGIN if self._confusable(best.entry_id, runner.entry_id) else FUZZY_MARGIN
            if best.adjusted - runner.adjusted < needed:
                return None, f"ambiguous: {runner.entry_id} within {needed:.0f} points"
        return best, "accepted"

    def explain(self, text: str) -> list[dict[str, object]]:
        """Why each name in ``text`` maps where it does: for editors (``glossary find``)."""
        matches, _, tokens = self.find(text)
        found_ids = {m.entry_id for m in matches}
        report: list[dict[str, object]] = []
        for m in matches:
            start, end = _char_span(m, tokens)
            cands = [] if m.method != "fuzzy" else self.score_span(tokens[m.start : m.end], found_ids)
            report.append({
                "surface": text[start:end], "start": start, "end": end,
                "decision": {"id": m.entry_id, "method": m.method, "score": round(m.score, 1),
                             "form": m.form.text, "kind": m.form.kind},
                "candidates": [c.to_dict() for c in cands],
            })
        taken = _covered(matches)
        for s, e in _name_spans(tokens, taken):
            cands = self.score_span(tokens[s:e], found_ids)
            if not cands:
                continue
            _, reason = self.decide(cands)
            report.append({
                "surface": text[tokens[s].start : tokens[e - 1].end], "start": tokens[s].start,
                "end": tokens[e - 1].end, "decision": None, "reason": reason,
                "candidates": [c.to_dict() for c in cands],
            })
        report.sort(key=lambda r: (r["start"], -int(r["end"])))  # type: ignore[call-overload]
        return report

    def _confusable(self, a: str, b: str) -> bool:
        ea, eb = self.glossary.get(a), self.glossary.get(b)
        return bool((ea and b in ea.do_not_confuse) or (eb and a in eb.do_not_confuse))

    def _resolve_conflicts(self, text: str, tokens: Sequence[Token], matches: list[Match]) -> list[Match]:
        """A name followed by a parenthesised code/brand of a *different* entry: the code wins."""
        by_start = {m.start: m for m in matches}
        out = []
        for m in sorted(matches, key=lambda m: m.start):
            nxt = by_start.get(m.end)
            if (
                nxt is not None
                and nxt.entry_id != m.entry_id
                and nxt.form.kind in ("code", "brand", "zh_brand")
                and m.form.kind not in ("code", "ticker")
                and "(" in text[tokens[m.end - 1].end : tokens[nxt.start].start]
                and self._same_type(m.entry_id, nxt.entry_id)
            ):
                out.append(Match(nxt.entry_id, m.start, m.end, min(m.score, 90.0), "context", m.form))
                continue
            out.append(m)
        return out

    def _same_type(self, a: str, b: str) -> bool:
        ea, eb = self.glossary.get(a), self.glossary.get(b)
        return bool(ea and eb and ea.type == eb.type)

    # ---- rewriting -----------------------------------------------------------------------

    def rewrite(self, doc: Document) -> Document:
        text = doc.text
        matches, suggestions, tokens = self.find(text)
        rewrite = cjk_share(text) < CHINESE_TEXT_SHARE
        protected = [(e.start, e.end) for e in doc.entities]
        pieces: list[str] = []
        entities: list[Entity] = []
        changes: list[Change] = []
        seen: set[str] = {e.id for e in doc.entities}
        cursor = 0
        shift_points: list[tuple[int, int]] = []  # (input offset, delta) for prior entities
        for m in matches:
            start, end = _char_span(m, tokens)
            if any(s < end and start < e for s, e in protected):
                continue
            entry = self.glossary[m.entry_id]
            surface = text[start:end]
            first = entry.id not in seen
            seen.add(entry.id)
            replacement = surface
            if rewrite and compact(surface) not in self.index.accepted.get(entry.id, set()) or (
                rewrite and m.method == "context"
            ):
                replacement = render_name(entry, first, text[:start], text[end:])
            pieces.append(text[cursor:start])
            out_start = sum(len(p) for p in pieces)
            pieces.append(replacement)
            cursor = end
            entities.append(Entity(entry.id, entry.canonical, entry.type, surface, out_start,
                                   out_start + len(replacement), round(m.score, 1), m.method))
            if replacement != surface:
                changes.append(Change("canonicalize", "replace", surface, replacement, start, end,
                                      rule=m.method, detail=f"{entry.id} (score {m.score:.0f}, via {m.form.kind} {m.form.text!r})"))
                shift_points.append((end, len(replacement) - len(surface)))
        pieces.append(text[cursor:])
        new_text = "".join(pieces)
        shifted = [_shift(e, shift_points) for e in doc.entities]
        all_entities = tuple(sorted([*shifted, *entities], key=lambda e: e.start))
        return doc.evolve(
            text=new_text,
            entities=all_entities,
            changes=doc.changes + tuple(changes),
            suggestions=doc.suggestions + tuple(suggestions),
        )

def render_name(entry: Entry, first: bool, before: str = "", after: str = "") -> str:
    """How ``entry`` is written in running text: its full form (plus its code, where the entry
    asks for it) at the first mention, its short form after; capitalized at a sentence start."""
    name = entry.first_form if first else entry.short_form
    if (
        first
        and entry.code_at_first
        and entry.codes
        and not re.match(r"\s*\(", after)  # a code or gloss in brackets follows already
        and not re.match(r"['’]s\b", after)  # "X (CODE)'s" reads badly
    ):
        name = f"{name} ({entry.codes[0]})"
    if name[:1].islower() and _SENTENCE_END.search(before[-4:] if before else "") is not None:
        name = name[0].upper() + name[1:]
    return name


def _shift(entity: Entity, points: list[tuple[int, int]]) -> Entity:
    delta = sum(d for pos, d in points if pos <= entity.start)
    if not delta:
        return entity
    return Entity(entity.id, entity.canonical, entity.type, entity.surface,
                  entity.start + delta, entity.end + delta, entity.score, entity.method)


def _char_span(m: Match, tokens: Sequence[Token]) -> tuple[int, int]:
    return m.chars or (tokens[m.start].start, tokens[m.end - 1].end)


def _covered(matches: Iterable[Match]) -> set[int]:
    return {i for m in matches for i in range(m.start, m.end)}


def _contiguous(span: Sequence[Token]) -> bool:
    return True


def _name_spans(tokens: Sequence[Token], taken: set[int]) -> Iterable[tuple[int, int]]:
    """Token spans that could be a (garbled) name: alphabetic, not stop words at the edges."""
    n = len(tokens)
    for i in range(n):
        if i in taken or tokens[i].is_cjk or tokens[i].key in _SPAN_STOP:
            continue
        for size in range(1, MAX_FUZZY_TOKENS + 1):
            j = i + size
            if j > n or (j - 1) in taken or tokens[j - 1].is_cjk:
                break
            if not tokens[j - 1].key.replace("'", "").isalpha():
                break
            if tokens[j - 1].key in _SPAN_STOP:
                continue
            if size > 1 and not (tokens[i].text[:1].isupper() and tokens[j - 1].text[:1].isupper()):
                continue
            yield i, j
            if tokens[j - 1].possessive:
                break


def _tokens_compatible(span: Sequence[Token], form: Form) -> bool:
    """Multi-word spans must not match on a shared word alone ("X vedotin" vs "Y vedotin")."""
    from rapidfuzz import fuzz

    form_tokens = [compact(t) for t in form.text.split()]
    if len(form_tokens) != len(span):
        return True
    return all(fuzz.ratio(t.key, f) >= 60 for t, f in zip(span, form_tokens))


def _stem_of(key: str, stems: Sequence[str]) -> str | None:
    for stem in stems:
        if key.endswith(stem) and len(key) > len(stem) + 2:
            return stem
    return None


def _length_window(length: int, min_score: float) -> tuple[int, int]:
    # fuzz.ratio = 2*M/(a+b) <= 2*min(a,b)/(a+b): bound the other length.
    r = min_score / 100.0
    lo = int(length * r / (2 - r))
    hi = int(length * (2 - r) / r) + 1
    return lo, hi


@dataclass(frozen=True)
class CanonicalizerStage:
    canonicalizer: Canonicalizer
    name: str = "canonicalize"

    @classmethod
    def from_config(cls, config: Config, glossary: Glossary) -> CanonicalizerStage:
        from normalize.resources import cache_dir

        index = compile_glossary(glossary, cache_dir(config.cache_dir))
        return cls(Canonicalizer(glossary, index))

    def __call__(self, doc: Document) -> Document:
        return self.canonicalizer.rewrite(doc)

    def stamp(self) -> dict[str, str]:
        return {"glossary": self.canonicalizer.glossary.short_digest}

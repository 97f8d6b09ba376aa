"""``glossary suggest``: mine a corpus for names the glossary lacks; ``accept`` applies what an
editor marked (propose, a human accepts: OpenRefine's clustering workflow).

Candidates are spans the canonicalizer did not match (with ``fuzzy=False``, fuzzy matches count
as unmatched too, so garbled renderings surface for review) that look like

* ``code``: a development code (letters then digits: AK112, SHR-A1811, BGB-11417);
* ``drug``: a word ending in an INN stem (-mab, -tinib, ... read from
  ``glossaries/mining/name-patterns.yaml``), with a following stem word (``disitamab vedotin``);
* ``company``: a capitalized run with a company word (Pharmaceuticals, Biotech, Co., Ltd.);
* ``near-miss``: any capitalized run whose best glossary score is at least :data:`NEAR_MISS_MIN`.

(About 700 lines: one pass from token spans to ranked candidates; the review formats and
``accept``'s reader are in :mod:`.review`.)

Each candidate comes with its count, its best glossary entries (rapidfuzz ratio on compact keys,
dosage phrases and legal suffixes dropped, never across INN stems) and example contexts.

Over 600 lines because mining is one pipeline (spans, guards, candidates, ranking) whose
steps share the span model; its review formats live in :mod:`.review`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from normalize.canonicalize import Canonicalizer
from normalize.canonicalize.index import is_plain_english
from normalize.canonicalize.keys import Token, compact
from normalize.canonicalize.thresholds import DERIVED_PENALTY
from normalize.document import Document
from normalize.errors import GlossaryError
from normalize.glossary.entries import Glossary
from normalize.yamlfile import load_data

NEAR_MISS_MIN = 72.0  # a capitalized run this close to a glossary name is worth a look
CANDIDATE_MIN = 55.0  # glossary entries scoring below this are not listed as candidates
MAX_CANDIDATES = 3
MAX_CONTEXTS = 3
CONTEXT_CHARS = 70  # characters of context on each side of an example
MAX_RUN_TOKENS = 8  # a capitalized run is cut after this many tokens
MAX_SPAN_TOKENS = 6  # near-miss sub-spans are at most this long
COMPANY_LEAD_TOKENS = 4  # words kept before the first company word of a run
MIN_KEY_CHARS = 4  # glossary forms shorter than this are not scored (abbreviations, tickers)
DRUG_LEAD_TOKENS = 3  # name words kept before a drug word ("Ruikang Trastuzumab")
LOWER_MIN_CHARS = 6  # lower-case words this long are scored as possible garbled drug names
STEM_PENALTY = 12.0  # a candidate with another INN stem ranks lower (MT garbles stems too)
LONE_STEM_CHARS = 6  # a long stem is a word of its own in two-word INNs ("disitamab vedotin")
# A row's id is filled in only when its best entry is this close and this far ahead of the next
# one; otherwise the editor chooses (a confident wrong id is worse than none).
PROPOSE_MIN = 88.0
PROPOSE_MARGIN = 4.0

_CODE = re.compile(
    r"(?<![\w-])(?:[A-Z]{1,5}\d{0,2}[A-Z]{0,2}-?[A-Z]{0,2}\d{2,6}[A-Z]?|\d[A-Z]{1,3}\d{3,5})(?![\w-])"
)
_CONNECTORS = {"for", "of", "and", "&", "de"}


@dataclass(frozen=True)
class NamePatterns:
    """The word lists in ``glossaries/mining/*.yaml``."""

    inn_stems: tuple[str, ...]
    not_drugs: frozenset[str]
    company_words: frozenset[str]
    legal_suffixes: frozenset[str]
    dosage_phrases: tuple[str, ...]
    not_code_prefixes: frozenset[str]
    not_name_words: frozenset[str] = frozenset()

    @classmethod
    def load(cls, folder: Path) -> NamePatterns:
        data: dict[str, Any] = {}
        files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
        if not files:
            raise GlossaryError(f"{folder}: no name-pattern files (*.yaml) for glossary suggest")
        for path in files:
            text = path.read_text(encoding="utf-8")
            loaded = load_data(text, str(path), GlossaryError, lines=False) or {}
            if not isinstance(loaded, dict):
                raise GlossaryError(f"{path}:1: expected a mapping of lists")
            for key, value in loaded.items():
                known = {
                    "inn_stems",
                    "not_drugs",
                    "company_words",
                    "legal_suffixes",
                    "dosage_phrases",
                    "not_code_prefixes",
                    "not_name_words",
                }
                if key not in known:
                    raise GlossaryError(
                        f"{path}: unknown key {key!r} (expected {', '.join(sorted(known))})"
                    )
                if key == "inn_stems":
                    if not isinstance(value, dict):
                        raise GlossaryError(
                            f"{path}: inn_stems: expected a mapping stem -> meaning"
                        )
                    data.setdefault(key, {}).update(
                        {str(k).lower(): str(v) for k, v in value.items()}
                    )
                else:
                    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                        raise GlossaryError(f"{path}: {key}: expected a list of strings")
                    data.setdefault(key, []).extend(value)
        stems = tuple(sorted(data.get("inn_stems", {}), key=len, reverse=True))
        return cls(
            inn_stems=stems,
            not_drugs=frozenset(w.lower() for w in data.get("not_drugs", [])),
            company_words=frozenset(w.lower() for w in data.get("company_words", [])),
            legal_suffixes=frozenset(w.lower() for w in data.get("legal_suffixes", [])),
            dosage_phrases=tuple(
                sorted((p.lower() for p in data.get("dosage_phrases", [])), key=len, reverse=True)
            ),
            not_code_prefixes=frozenset(w.upper() for w in data.get("not_code_prefixes", [])),
            not_name_words=frozenset(w.lower() for w in data.get("not_name_words", [])),
        )

    def stem(self, word: str) -> str | None:
        w = word.lower()
        if w in self.not_drugs:
            return None
        for stem in self.inn_stems:
            if w.endswith(stem) and (
                len(w) >= len(stem) + 3 or (w == stem and len(stem) >= LONE_STEM_CHARS)
            ):
                return stem
        return None


def patterns_for(glossary: Glossary) -> NamePatterns:
    """The name patterns beside the glossary (``<folder>/mining``), else the bundled ones."""
    from normalize.resources import data_dir

    for file in glossary.files:
        folder = Path(file).parent / "mining"
        if folder.is_dir():
            return NamePatterns.load(folder)
    return NamePatterns.load(data_dir("glossaries") / "mining")


@dataclass
class Candidate:
    surface: str
    key: str
    kind: str
    count: int = 0
    score: float = 0.0
    candidates: list[dict[str, Any]] = field(default_factory=list)
    contexts: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    surfaces: dict[str, int] = field(default_factory=dict)
    all_sources: list[str] = field(default_factory=list)
    stem: str = ""  # the INN stem that made it a drug name
    cue: str = ""  # the company word that made it a company name

    @property
    def best_id(self) -> str:
        return self.candidates[0]["id"] if self.candidates else ""

    @property
    def proposed_id(self) -> str:
        """The entry an editor most likely means: the best candidate when it is close and
        clearly ahead of the next; else empty (``accept`` makes a fresh id for ``new``)."""
        if not self.candidates or self.score < PROPOSE_MIN:
            return ""
        second = self.candidates[1]["score"] if len(self.candidates) > 1 else 0.0
        return self.best_id if self.score - second >= PROPOSE_MARGIN else ""

    @property
    def documents(self) -> int:
        return len(set(self.all_sources))

    @property
    def evidence(self) -> tuple[int, int, int, float]:
        """How strongly the corpus supports this row, strongest first: documents it occurs in,
        mentions, the name pattern's strength (a code or an INN stem is a name whatever the
        glossary holds; a near miss rests on its score alone), then the score."""
        strength = {"code": 2, "drug": 2, "company": 1}.get(self.kind, 0)
        return (self.documents, self.count, strength, self.score)

    def reasons(self) -> list[str]:
        """Why the row was proposed, for the review page."""
        why = {
            "code": "looks like a development code (letters, then digits)",
            "drug": f"a word ends in an INN stem ({self.stem})" if self.stem else "a drug name",
            "company": f"a company word ({self.cue})" if self.cue else "a company name",
            "near-miss": "close to a glossary name, but not matched",
        }[self.kind]
        out = [why]
        if self.candidates:
            best = self.candidates[0]
            out.append(f"best entry {best['id']}: {best['score']:g} against {best['form']!r}")
        out.append(f"{self.count} mention(s) in {self.documents} document(s)")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "decision": "",
            "id": self.proposed_id,
            "type": guess_type(self),
            "surface": self.surface,
            "kind": self.kind,
            "count": self.count,
            "score": self.score,
            "candidates": self.candidates,
            "contexts": self.contexts,
            "sources": self.sources[:MAX_CONTEXTS],
            "variants": sorted(self.surfaces, key=lambda s: -self.surfaces[s]),
            "documents": self.documents,
            "why": self.reasons(),
        }


def guess_type(c: Candidate) -> str:
    return {"code": "drug", "drug": "drug", "company": "company"}.get(
        c.kind, c.candidates[0]["type"] if c.candidates else "drug"
    )


class Scorer:
    """Best glossary entries for a surface: rapidfuzz ratio over every form's compact key."""

    def __init__(self, canonicalizer: Canonicalizer, patterns: NamePatterns) -> None:
        index = canonicalizer.index
        self.glossary = canonicalizer.glossary
        self.patterns = patterns
        owners: dict[str, list[tuple[str, Any]]] = {}
        for table in (index.exact, index.exact_cased):
            for key, items in table.items():
                k = compact(key) if table is index.exact_cased else key
                if len(k) >= MIN_KEY_CHARS:
                    owners.setdefault(k, []).extend(index.rows.of(items))
        self.keys = list(owners)
        self.owners = [owners[k] for k in self.keys]
        self._cache: dict[str, list[dict[str, Any]]] = {}

    def variants(self, surface: str) -> list[str]:
        """The surface, and the surface without dosage phrases and legal suffixes."""
        text = " " + re.sub(r"[^\w\s-]", " ", surface.lower()) + " "
        for phrase in self.patterns.dosage_phrases:
            text = text.replace(f" {phrase} ", " ")
        words = text.split()
        while len(words) > 1 and words[-1] in self.patterns.legal_suffixes:
            words.pop()
        stripped = compact(" ".join(words))
        full = compact(surface)
        return [k for k in dict.fromkeys([stripped, full]) if k]

    def rank(self, surface: str) -> list[dict[str, Any]]:
        key = compact(surface)
        if key in self._cache:
            return self._cache[key]
        from rapidfuzz import fuzz, process

        per_entry: dict[str, dict[str, Any]] = {}
        scores: dict[str, dict[str, float]] = {}  # entry -> best score per distinct form
        for variant in self.variants(surface):
            stem = self.patterns.stem(variant)
            hits = process.extract(
                variant, self.keys, scorer=fuzz.ratio, score_cutoff=CANDIDATE_MIN, limit=25
            )
            for choice, score, pos in hits:
                # A different INN stem is usually a different class of drug.
                penalty = (
                    STEM_PENALTY if stem and self.patterns.stem(choice) not in (None, stem) else 0.0
                )
                for entry_id, form in self.owners[pos]:
                    derived = DERIVED_PENALTY if form.derived else 0.0
                    adjusted = round(score - penalty - derived, 1)
                    forms = scores.setdefault(entry_id, {})
                    forms[choice] = max(forms.get(choice, 0.0), adjusted)
                    best = per_entry.get(entry_id)
                    if best is None or adjusted > best["score"]:
                        entry = self.glossary[entry_id]
                        per_entry[entry_id] = {
                            "id": entry_id,
                            "score": adjusted,
                            "form": form.text,
                            "kind": form.kind,
                            "canonical": entry.canonical,
                            "type": entry.type,
                        }

        def support(entry_id: str) -> float:
            """The entry's second-best form: on equal scores, an entry that several of its
            names come close to (its INN and its pinyin, say) is the likelier one."""
            ranked_forms = sorted(scores[entry_id].values(), reverse=True)
            return ranked_forms[1] if len(ranked_forms) > 1 else 0.0

        ranked = sorted(
            per_entry.values(), key=lambda c: (-c["score"], -support(c["id"]), c["id"])
        )[:MAX_CANDIDATES]
        self._cache[key] = ranked
        return ranked


class Miner:
    def __init__(
        self, canonicalizer: Canonicalizer, patterns: NamePatterns, *, fuzzy: bool = True
    ) -> None:
        self.canonicalizer = canonicalizer
        self.patterns = patterns
        self.fuzzy = fuzzy
        self.scorer = Scorer(canonicalizer, patterns)
        self.found: dict[str, Candidate] = {}
        self.english = canonicalizer.index.english
        self.first_words = canonicalizer.index.first_words

    def add_text(self, text: str, source: str = "") -> list[tuple[int, int, Candidate]]:
        """Mine one document; returns ``(start, end, candidate)`` for each name it found there,
        in text order."""
        # The canonicalizer's language guard: in text not in English (a German paragraph), plain
        # words look like garbled names; fuzzy matching skips it, and so do near misses.
        foreign = self.canonicalizer._not_english(Document(text))
        matches, _suggestions, tokens = self.canonicalizer.find(text, exact_only=foreign)
        covered: set[int] = set()
        for m in matches:
            if self.fuzzy or m.method != "fuzzy":
                covered.update(range(m.start, m.end))
        spans = sorted(self._spans(text, tokens, covered), key=lambda s: (s[0], -s[1]))
        spans = [
            s
            for s in spans
            if s[2] != "near-miss" or not any(a <= s[0] < b for a, b in foreign)
        ]
        out: list[tuple[int, int, Candidate]] = []
        last_end = -1
        for start, end, kind in spans:
            if start < last_end:
                continue
            cand = self._record(text, start, end, kind, source)
            if cand is not None:
                out.append((start, end, cand))
                last_end = end
        return out

    def results(self) -> list[Candidate]:
        def order(c: Candidate) -> tuple[float, float, float, float, str]:
            docs, count, strength, score = c.evidence
            return (-docs, -count, -strength, -score, c.surface.lower())

        return sorted(self.found.values(), key=order)

    # ---- spans -------------------------------------------------------------------------

    def _spans(
        self, text: str, tokens: Sequence[Token], covered: set[int]
    ) -> Iterator[tuple[int, int, str]]:
        """(char start, char end, kind) of candidate names."""
        covered_chars = [(tokens[i].start, tokens[i].end) for i in covered]
        for m in _CODE.finditer(text):
            prefix = re.match(r"[A-Z]+", m.group())
            if prefix and prefix.group() in self.patterns.not_code_prefixes:
                continue
            if (
                re.fullmatch(r"[A-Z]+-?\d{4}", m.group())
                and 1990 <= int(m.group()[-4:]) <= 2100
                and "-" not in m.group()
            ):
                continue
            if not any(s < m.end() and m.start() < e for s, e in covered_chars):
                yield m.start(), m.end(), "code"
        for run in _runs(text, tokens, self.patterns):
            if any(self._new_word(tokens, i, covered) for i in run):
                yield from self._classify(text, tokens, run, covered)
        for i, tok in enumerate(tokens):
            # Lower-case garbles of drug names ("fluzoparil"): single words close to a name.
            if (
                i not in covered
                and tok.text.islower()
                and tok.text.isalpha()
                and len(tok.text) >= LOWER_MIN_CHARS
                and not self.patterns.stem(tok.key)
                and tok.key not in self.patterns.not_name_words
                and not is_plain_english(tok.bare or tok.key, self.english)
            ):
                ranked = self.scorer.rank(tok.text)
                if ranked and ranked[0]["score"] >= NEAR_MISS_MIN:
                    yield tok.start, tok.end, "near-miss"

    def _plain(self, tokens: Sequence[Token], span: Sequence[int]) -> bool:
        """The canonicalizer's real-word guard: words that are all plain English ("Submit",
        "testing", "therapeutics") are nobody's garbled name, unless they open a known
        multi-word name ("State Drug Administration")."""
        words = [tokens[i] for i in span]
        return all(
            is_plain_english(t.bare or t.key, self.english)
            or (len(t.key) <= 3 and t.text.islower())
            for t in words
        ) and (len(words) == 1 or (words[0].bare or words[0].key) not in self.first_words)

    def _skip(self, tok: Token) -> bool:
        """Words a name does not start with (articles, sentence openers)."""
        return tok.key in _CONNECTORS or tok.key in self.patterns.not_name_words

    def _new_word(self, tokens: Sequence[Token], i: int, covered: set[int]) -> bool:
        """An unmatched word that can carry a name (not a company or legal word, not an opener)."""
        key = tokens[i].key
        return (
            i not in covered
            and not self._skip(tokens[i])
            and key not in self.patterns.company_words
            and key not in self.patterns.legal_suffixes
        )

    def _classify(
        self, text: str, tokens: Sequence[Token], run: list[int], covered: set[int]
    ) -> Iterator[tuple[int, int, str]]:
        """Cut a run into a company name (words before a company word, the company and legal
        words), a drug name (words with an INN stem, the name words just before them and a
        dosage phrase after), or else its best near miss."""
        pat = self.patterns
        words = [tokens[i].key for i in run]
        org = pat.company_words | pat.legal_suffixes

        def new(lo: int, hi: int) -> bool:
            return any(self._new_word(tokens, run[k], covered) for k in range(lo, hi))

        found = False
        stems = [k for k, w in enumerate(words) if pat.stem(w)]
        if stems:
            first = last = stems[0]
            while last + 1 < len(words) and (
                pat.stem(words[last + 1])
                or (
                    words[last + 1] in _CONNECTORS
                    and last + 2 < len(words)
                    and pat.stem(words[last + 2])
                )
            ):
                last += 1
            lo = first
            while (
                lo > 0
                and first - lo < DRUG_LEAD_TOKENS
                and words[lo - 1] not in org
                and not self._skip(tokens[run[lo - 1]])
            ):
                lo -= 1
            hi = last + 1 + self._dosage_words(words[last + 1 :])
            if new(lo, hi):
                found = True
                yield tokens[run[lo]].start, tokens[run[hi - 1]].end, "drug"
        companies = [
            k for k, w in enumerate(words) if w in pat.company_words and w not in pat.legal_suffixes
        ]
        if companies and companies[0] > 0 and (not stems or companies[0] < stems[0]):
            c = companies[0]
            lo = max(0, c - COMPANY_LEAD_TOKENS)
            while lo < c and self._skip(tokens[run[lo]]):
                lo += 1
            hi = c + 1
            while hi < len(words) and words[hi] in org:
                hi += 1
            if lo < c and new(lo, hi):
                found = True
                yield tokens[run[lo]].start, _end(text, tokens[run[hi - 1]]), "company"
        if not found:
            best = self._best_subspan(text, tokens, run, covered)
            if best is not None:
                yield best[0], best[1], "near-miss"

    def _dosage_words(self, words: Sequence[str]) -> int:
        """How many of ``words`` make a dosage phrase ("for injection", "tablets")."""
        for phrase in self.patterns.dosage_phrases:
            parts = phrase.split()
            if list(words[: len(parts)]) == parts:
                return len(parts)
        return 0

    def _best_subspan(
        self, text: str, tokens: Sequence[Token], run: list[int], covered: set[int]
    ) -> tuple[int, int] | None:
        best: tuple[float, int, int, int] | None = None
        for a in range(len(run)):
            if tokens[run[a]].key in _CONNECTORS or self._skip(tokens[run[a]]):
                continue
            for b in range(a + 1, min(len(run), a + MAX_SPAN_TOKENS) + 1):
                if tokens[run[b - 1]].key in _CONNECTORS or not any(
                    self._new_word(tokens, run[k], covered) for k in range(a, b)
                ):
                    continue
                surface = text[tokens[run[a]].start : tokens[run[b - 1]].end]
                if len(compact(surface)) < 5 or self._plain(tokens, run[a:b]):
                    continue
                ranked = self.scorer.rank(surface)
                if ranked and ranked[0]["score"] >= NEAR_MISS_MIN:
                    cand = (ranked[0]["score"], b - a, tokens[run[a]].start, tokens[run[b - 1]].end)
                    if best is None or cand[:2] > best[:2]:
                        best = cand
        return (best[2], best[3]) if best else None

    # ---- aggregation -------------------------------------------------------------------

    def _record(self, text: str, start: int, end: int, kind: str, source: str) -> Candidate | None:
        surface = text[start:end].strip(" ,.;:")
        key = compact(surface)
        if len(key) < 3:
            return None
        cand = self.found.get(key)
        if cand is None:
            ranked = self.scorer.rank(surface)
            if kind == "near-miss" and (not ranked or ranked[0]["score"] < NEAR_MISS_MIN):
                return None
            cand = Candidate(
                surface, key, kind, candidates=ranked, score=ranked[0]["score"] if ranked else 0.0
            )
            self.found[key] = cand
        cand.count += 1
        cand.all_sources.append(source)
        cand.surfaces[surface] = cand.surfaces.get(surface, 0) + 1
        words = [w.lower() for w in re.findall(r"[^\W_]+", surface)]
        if kind == "drug" and not cand.stem:
            cand.stem = next((f"-{s}" for w in words if (s := self.patterns.stem(w))), "")
        if kind == "company" and not cand.cue:
            cand.cue = next((w for w in words if w in self.patterns.company_words), "")
        if len(cand.contexts) < MAX_CONTEXTS:
            before = text[max(0, start - CONTEXT_CHARS) : start]
            after = text[end : end + CONTEXT_CHARS]
            ctx = f"{_clip_left(before)}[[{text[start:end]}]]{_clip_right(after)}"
            ctx = " ".join(ctx.split())
            if ctx not in cand.contexts:
                cand.contexts.append(ctx)
                cand.sources.append(source)
        return cand


def _runs(text: str, tokens: Sequence[Token], patterns: NamePatterns) -> Iterator[list[int]]:
    """Maximal runs of name-like tokens: capitalized words, drug-like words, and connectors
    ("for", "of") between them; a run never crosses sentence punctuation except the ", " of
    "Co., Ltd.". Runs include words the glossary knows ("Rukang [Trastuzumab]"); callers keep
    runs with at least one unknown word."""
    run: list[int] = []

    def name_like(i: int) -> bool:
        t = tokens[i]
        if t.is_cjk or not t.text[:1].isalpha():
            return False
        return t.text[:1].isupper() or patterns.stem(t.key) is not None

    for i in range(len(tokens)):
        t = tokens[i]
        if run and t.text[:1].isdigit() and text[tokens[run[-1]].end : t.start] in ("-", ""):
            run.pop()  # "HS" of "HS-20093" belongs to a code, not to the name before it
        joined = bool(run) and _joins(text, tokens[run[-1]], t, patterns)
        if name_like(i) and (not run or joined) and len(run) < MAX_RUN_TOKENS:
            run.append(i)
            continue
        if (
            run
            and joined
            and t.key in _CONNECTORS
            and i + 1 < len(tokens)
            and name_like(i + 1)
            and _joins(text, t, tokens[i + 1], patterns)
        ):
            run.append(i)
            continue
        if run:
            yield _trim(run, tokens)
        run = [i] if name_like(i) else []
    if run:
        yield _trim(run, tokens)


def _joins(text: str, a: Token, b: Token, patterns: NamePatterns) -> bool:
    gap = text[a.end : b.start]
    if gap in (" ", "-", "‐", "–"):
        return True
    # "Co., Ltd." and "Pharmaceuticals, Inc.": punctuation before a legal suffix joins.
    return gap.strip() in (",", ".,", ".") and b.key in patterns.legal_suffixes


def _trim(run: list[int], tokens: Sequence[Token]) -> list[int]:
    while run and tokens[run[-1]].key in _CONNECTORS:
        run = run[:-1]
    return run


def _end(text: str, tok: Token) -> int:
    return tok.end + 1 if text[tok.end : tok.end + 1] == "." else tok.end


def _clip_left(text: str) -> str:
    return ("…" + text.split(" ", 1)[-1]) if len(text) >= CONTEXT_CHARS and " " in text else text


def _clip_right(text: str) -> str:
    return (text.rsplit(" ", 1)[0] + "…") if len(text) >= CONTEXT_CHARS and " " in text else text


# ---- running over a corpus ---------------------------------------------------------------------


def record_texts(
    inputs: Sequence[str],
    *,
    input_format: str = "auto",
    max_bytes: int,
    on_error: Callable[[str, str], None] | None = None,
) -> Iterator[tuple[str, str]]:
    """(where, text) per record, read as ``normalize clean`` reads inputs; HTML is stripped by the
    pipeline's strip stage. A record that cannot be read (a malformed JSONL line) is passed to
    ``on_error(where, problem)`` and skipped, as ``clean`` makes it an error row; without
    ``on_error`` it raises."""
    from normalize.config import Config
    from normalize.errors import InputError
    from normalize.io import read_records
    from normalize.pipeline import Pipeline

    strip = Pipeline(Config(translate=False, canonicalize=False))
    for record in read_records(inputs, input_format=input_format, max_bytes=max_bytes):
        if record.error is not None:
            if on_error is None:
                raise InputError(record.error)
            on_error(record.where, record.error)
            continue
        text = record.text
        if record.is_html:
            text = strip.process(text, is_html=True, url=record.url).text
            if "<" in text[:2000] and ">" in text[:2000]:
                text = _html_to_text(text)
        yield record.where, text


def _html_to_text(markup: str) -> str:
    """Visible text of a page (a fallback when the strip stage passed HTML through)."""
    from html.parser import HTMLParser

    class _Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []
            self.hidden = 0

        def handle_starttag(self, tag: str, attrs: Any) -> None:
            if tag in ("script", "style", "noscript", "template"):
                self.hidden += 1
            elif tag in (
                "p",
                "div",
                "br",
                "li",
                "h1",
                "h2",
                "h3",
                "h4",
                "tr",
                "section",
                "article",
            ):
                self.parts.append("\n")

        def handle_endtag(self, tag: str) -> None:
            if tag in ("script", "style", "noscript", "template") and self.hidden:
                self.hidden -= 1

        def handle_data(self, data: str) -> None:
            if not self.hidden:
                self.parts.append(data)

    parser = _Text()
    parser.feed(markup)
    text = "".join(parser.parts)
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def mine(
    canonicalizer: Canonicalizer,
    texts: Iterable[tuple[str, str]],
    *,
    fuzzy: bool = True,
    patterns: NamePatterns | None = None,
    min_count: int = 1,
) -> list[Candidate]:
    miner = Miner(canonicalizer, patterns or patterns_for(canonicalizer.glossary), fuzzy=fuzzy)
    for where, text in texts:
        miner.add_text(text, where)
    return [c for c in miner.results() if c.count >= min_count]

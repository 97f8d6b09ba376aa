"""The compiled glossary: every name of every entry, written and derived, indexed for matching.

:class:`Index` is built once per glossary (``Index.build``) and cached on disk
(:func:`compile_glossary`), keyed by the glossary files, the lexicon and this compiler's code.
It holds exact keys (compact, and case-sensitive ones), Chinese names, company cores, the
length-sorted fuzzy keys with their consonant skeletons, real drug names outside the glossary,
look-alikes, related ids (context), company places, drug routes and transliterations. Its
(entry, form) pairs are kept column-wise in :class:`Rows`: a 50,000-entry glossary has ~600,000
of them, and columns load from the cache several times faster than as many tuples.

Matching itself is :mod:`.canonicalizer`.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from normalize.canonicalize.aliases import (
    Form,
    Lexicon,
    entry_forms,
    lexicon_for,
    transliterations,
    zh_drug_bases,
)
from normalize.canonicalize.keys import cased_compact, compact, name_tokens, skeleton
from normalize.glossary.entries import Glossary

MIN_PLAIN_LITERAL_WORDS = 3  # a regulator's literal rendering in plain words needs this many
MIN_TRANSLIT_SYLLABLES = 2  # ... of at least this many syllables (one is too easily met)
MIN_TRANSLIT_LETTERS = 4  # a span may instead open with the pinyin letters themselves ...
MIN_FUZZY_CHARS = 6  # shorter spans (and company cores) are never fuzzy-matched
MIN_CORE_CHARS = 4  # shortest company core matched exactly with a company word after it
MAX_EXACT_TOKENS = 14
EXACT_PREFIX = 3  # exact lookups stop as soon as a span's key prefix starts no glossary form
# ... and its longer prefix, once it has one: many forms open with "nat", few with "nation",
# so a span of common words ("the National Football League") stops a word or two sooner
EXACT_PREFIX_LONG = 6
KNOWN_HEAD = 4  # real drug names are looked for only after words that open one so

DEFAULT_STEMS = (
    "mab",
    "cept",
    "tinib",
    "ciclib",
    "parib",
    "lisib",
    "stat",
    "gliflozin",
    "gliptin",
    "tecan",
    "vedotin",
    "leucel",
    "glutide",
    "tide",
    "rafenib",
    "brutinib",
    "toclax",
    "setron",
    "prazole",
    "sartan",
    "vastatin",
    "platin",
    "taxel",
    "rubicin",
    "mycin",
    "cillin",
    "floxacin",
    "azole",
    "dipine",
    "semide",
    "strant",
    "mustine",
    "zolam",
    "bopag",
    "glitazone",
    "gliatin",
)

_ACCEPTED_KINDS = (
    "canonical",
    "first",
    "short",
    "abbreviation",
    "code",
    "ticker",
    "brand",
    "zh_brand",
)

_SPAN_STOP = {
    "of",
    "the",
    "and",
    "for",
    "in",
    "on",
    "to",
    "a",
    "an",
    "by",
    "with",
    "its",
    "their",
    "has",
    "have",
    "was",
    "were",
    "is",
    "are",
    "be",
    "as",
    "at",
    "from",
    "or",
    "that",
    "this",
    "which",
    "after",
    "before",
    "into",
    "under",
}


Bucket = int | tuple[int, ...]  # the rows a key names: one row, or several


@dataclass
class Rows:
    """Every (entry, form) pair of an index, one row each, stored column-wise: a 50,000-entry
    glossary has ~600,000 of them, and a few columns of strings and small integers load from
    the cache several times faster than as many tuples."""

    ids: list[str] = field(default_factory=list)  # entry ordinal -> entry id
    kinds: list[str] = field(default_factory=list)  # kind code -> form kind
    entry: array = field(default_factory=lambda: array("i"))  # row -> entry ordinal
    text: list[str] = field(default_factory=list)  # row -> form text
    kind: bytearray = field(default_factory=bytearray)  # row -> kind code
    flags: bytearray = field(default_factory=bytearray)  # row -> 1: fuzzy, 2: case-sensitive
    # only while building
    _ordinal: dict[str, int] = field(default_factory=dict)
    _seen: dict[tuple[str, Form], int] = field(default_factory=dict)

    def add(self, entry_id: str, form: Form) -> int:
        row = self._seen.get((entry_id, form))
        if row is not None:
            return row
        if entry_id not in self._ordinal:
            self._ordinal[entry_id] = len(self.ids)
            self.ids.append(entry_id)
        if form.kind not in self.kinds:
            self.kinds.append(form.kind)
        row = len(self.text)
        self.entry.append(self._ordinal[entry_id])
        self.text.append(form.text)
        self.kind.append(self.kinds.index(form.kind))
        self.flags.append((1 if form.fuzzy else 0) | (2 if form.case_sensitive else 0))
        self._seen[(entry_id, form)] = row
        return row

    def done(self) -> None:
        self._ordinal, self._seen = {}, {}

    def __getitem__(self, row: int) -> tuple[str, Form]:
        flags = self.flags[row]
        form = Form(self.text[row], self.kinds[self.kind[row]], bool(flags & 1), bool(flags & 2))
        return self.ids[self.entry[row]], form

    def of(self, bucket: Bucket | None) -> list[tuple[str, Form]]:
        """The (entry id, form) pairs of a bucket."""
        if bucket is None:
            return []
        if isinstance(bucket, int):
            return [self[bucket]]
        return [self[row] for row in bucket]

    def put(self, table: dict[str, Bucket], key: str, entry_id: str, form: Form) -> None:
        """Add a row under ``key``, unless the entry already has a form of that kind there."""
        present = self.of(table.get(key))
        if any(eid == entry_id and f.kind == form.kind for eid, f in present):
            return
        row = self.add(entry_id, form)
        old = table.get(key)
        table[key] = row if old is None else (*((old,) if isinstance(old, int) else old), row)


@dataclass
class Index:
    """A glossary compiled for matching; built once per glossary digest and cached on disk."""

    digest: str
    rows: Rows = field(default_factory=Rows)
    exact: dict[str, Bucket] = field(default_factory=dict)  # compact key -> rows
    exact_cased: dict[str, Bucket] = field(default_factory=dict)  # case-sensitive forms
    zh: dict[str, Bucket] = field(default_factory=dict)  # Chinese name -> rows
    core: dict[str, set[str]] = field(default_factory=dict)  # company core -> entry ids
    fuzzy_keys: list[str] = field(default_factory=list)
    fuzzy_skeletons: list[str] = field(default_factory=list)
    fuzzy_owner: array = field(default_factory=lambda: array("i"))  # fuzzy key -> row
    fuzzy_first: list[str] = field(default_factory=list)  # fuzzy key -> its form's first word
    fuzzy_starts: list[int] = field(default_factory=list)  # [n]: first fuzzy key of length >= n
    known_drugs: frozenset[str] = frozenset()  # real drug names *not* in the glossary
    known_heads: frozenset[str] = frozenset()  # their first KNOWN_HEAD letters
    # known_drugs by first letter, each shortest first, with its length starts
    known_by_initial: dict[str, tuple[list[str], list[int]]] = field(default_factory=dict)
    # exact-key prefix (EXACT_PREFIX to EXACT_PREFIX_LONG letters) -> longest key length
    prefixes: dict[str, int] = field(default_factory=dict)
    core_prefixes: set[str] = field(default_factory=set)
    accepted: dict[str, set[str]] = field(default_factory=dict)  # entry -> keys left as written
    related: dict[str, set[str]] = field(default_factory=dict)  # entry -> ids that support it
    confusables: dict[str, set[str]] = field(default_factory=dict)  # entry -> look-alike keys
    first_words: set[str] = field(default_factory=set)  # first words of multi-word names
    later_words: set[str] = field(default_factory=set)  # later words of multi-word drug names
    english: frozenset[str] = frozenset()  # plain lowercase English words: never a garbled name
    company_words: frozenset[str] = frozenset()
    category_words: frozenset[str] = frozenset()  # "varieties", "list": the kind of a name
    places: frozenset[str] = frozenset()  # China's place names ("suzhou", "jiangsu")
    foreign: frozenset[str] = frozenset()  # companies not known to be Chinese (no Chinese name)
    company_places: dict[str, frozenset[str]] = field(default_factory=dict)  # id -> its places
    routes: dict[str, str] = field(default_factory=dict)  # drug -> how it is always given
    form_routes: dict[str, str] = field(default_factory=dict)  # compact form words -> route
    forms_before: frozenset[str] = frozenset()  # compact form words that may precede a name
    max_form_tokens: int = 0
    # drug -> (skeleton of the pinyin before an INN-stem ending of its Chinese name, stem class)
    # ... and its letters with the English stem, for garbles whose stem MT mangled too
    translit_letters: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    translit: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    stems: tuple[str, ...] = DEFAULT_STEMS
    max_tokens: int = 1

    @classmethod
    def build(
        cls,
        glossary: Glossary,
        lexicon: Lexicon | None = None,
        known_drugs: frozenset[str] | None = None,
    ) -> Index:
        from normalize.canonicalize.drugnames import known_drug_keys

        lexicon = lexicon or lexicon_for(glossary)
        index = cls(glossary.digest)
        # Guard on stem *classes* only: MT swaps sub-stems (-zumab/-limab/-mumab) freely.
        index.stems = tuple(sorted(DEFAULT_STEMS, key=len, reverse=True))
        index.company_words = frozenset(w.casefold() for w in lexicon.company_words)
        index.places = frozenset(lexicon.places)
        index.foreign = frozenset(e.id for e in glossary if e.type == "company" and not e.zh)
        index.category_words = frozenset(compact(w) for w in lexicon.category_words)
        index.form_routes = {compact(w): r for w, r in lexicon.form_routes.items()}
        index.forms_before = frozenset(compact(w) for w in lexicon.forms_before)
        index.max_form_tokens = max((len(w.split()) for w in lexicon.form_routes), default=0)
        all_known = known_drug_keys() if known_drugs is None else known_drugs
        # Plain English, less the drug names dictionary senses mention ("rituximab"); "accept"
        # and "concept" stay English although they end like an INN stem.
        index.english = frozenset(
            lexicon.english - all_known - {compact(e.canonical) for e in glossary}
        )
        bases = zh_drug_bases(glossary, lexicon)
        seen_fuzzy: set[tuple[str, str]] = set()
        converters: dict[str, object] = {}
        glossary_keys: set[str] = set()
        derived_cores: dict[str, set[str]] = {}
        for entry in glossary:
            accepted = index.accepted.setdefault(entry.id, set())
            links = {r for r in (entry.company, entry.parent, *entry.partners) if r}
            if entry.jurisdiction:
                links.add(_jurisdiction_tag(entry.jurisdiction))
            links |= {
                "#" + t for t in _targets(entry.klass or "")
            }  # "anti-PD-1" supports PD-1 drugs
            # do_not_confuse names look-alikes by id; ids are names too ("zeprumetostat"), and
            # stay meaningful even where that entry is missing from this glossary.
            index.confusables[entry.id] = {
                compact(ref.replace("_", " ")) for ref in entry.do_not_confuse
            }
            for ref in entry.do_not_confuse:
                index.confusables.setdefault(ref, set()).add(compact(entry.id.replace("_", " ")))
            index.related.setdefault(entry.id, set()).update(links)
            if entry.type == "drug":
                ways = {
                    route
                    for word in name_tokens(entry.canonical)
                    for stem, route in lexicon.stem_routes.items()
                    if word.endswith(stem) and len(word) > len(stem) + 2
                }
                if len(ways) == 1:
                    index.routes[entry.id] = ways.pop()
            if entry.type == "company":
                placed = {w for n in entry.english_names for w in name_tokens(n)} & index.places
                if placed:
                    index.company_places[entry.id] = frozenset(placed)
            for other in links:  # a company is supported by its products, and the reverse
                index.related.setdefault(other, set()).add(entry.id)
            for syllables, stem in transliterations(entry, lexicon):
                head = skeleton("".join(syllables))
                if len(syllables) >= MIN_TRANSLIT_SYLLABLES and len(head) >= 2:
                    klass = next((s for s in index.stems if stem.endswith(s)), stem)
                    index.translit.setdefault(entry.id, set()).add((head, klass))
                letters = "".join(syllables)
                if len(letters) >= MIN_TRANSLIT_LETTERS:
                    index.translit_letters.setdefault(entry.id, set()).add((letters, stem))
            for form in entry_forms(entry, glossary, lexicon, bases):
                if form.kind in ("zh", "zh_brand"):
                    for variant in {form.text} | _traditional_variants(form.text, converters):
                        index.rows.put(index.zh, variant, entry.id, form)
                    continue
                key = compact(form.text)
                if not key:
                    continue
                if form.kind == "literal" and entry.type != "company":
                    words = name_tokens(form.text)
                    if len(words) < MIN_PLAIN_LITERAL_WORDS and all(
                        is_plain_english(w, index.english) for w in words
                    ):
                        continue  # "National Health": plain words, no name
                glossary_keys.add(key)
                if form.kind in _ACCEPTED_KINDS:
                    accepted.add(key)
                form_words = name_tokens(form.text)
                n_tokens = len(form_words)
                index.max_tokens = max(index.max_tokens, min(n_tokens, MAX_EXACT_TOKENS))
                if form.case_sensitive:
                    index.rows.put(index.exact_cased, cased_compact(form.text), entry.id, form)
                else:
                    index.rows.put(index.exact, key, entry.id, form)
                fuzzy_key = key
                if entry.type == "company" and form.kind not in ("code", "ticker", "abbreviation"):
                    words = form_words
                    core = index.company_core(words)
                    k = 0
                    while k < len(words) - 1 and words[k] in index.places:
                        k += 1  # fuzzy matching compares cores without their place
                    fuzzy_core = index.company_core(words[k:])
                    if core and core != key:
                        if len(core) >= MIN_CORE_CHARS:
                            owners = derived_cores if form.derived else index.core
                            owners.setdefault(core, set()).add(entry.id)
                        fuzzy_key = fuzzy_core or core  # companies are compared on their cores
                    elif fuzzy_core:
                        fuzzy_key = fuzzy_core
                if form.fuzzy and n_tokens > 1:
                    first = form_words[0]
                    if first not in _SPAN_STOP and len(first) >= 4:
                        index.first_words.add(first)
                    if entry.type == "drug":
                        index.later_words.update(
                            w for w in form_words[1:] if len(w) >= LATER_WORD_CHARS
                        )
                if (
                    form.fuzzy
                    and len(fuzzy_key) >= MIN_FUZZY_CHARS
                    and (entry.id, fuzzy_key) not in seen_fuzzy
                ):
                    seen_fuzzy.add((entry.id, fuzzy_key))
                    index.fuzzy_keys.append(fuzzy_key)
                    index.fuzzy_skeletons.append(skeleton(fuzzy_key))
                    index.fuzzy_owner.append(index.rows.add(entry.id, form))
                    index.fuzzy_first.append(form_words[0])
        # A core only derived (广东恒瑞医药 minus its place -> "Hengrui") never takes a core that
        # another entry's written names own ("Hengrui" of Jiangsu Hengrui).
        for core, ids in derived_cores.items():
            index.core.setdefault(core, set(ids))
        known = all_known - glossary_keys
        index.known_drugs = frozenset(known)
        index.known_heads = frozenset(key[:KNOWN_HEAD] for key in known)
        # Real drugs spelled close to a span share its first letter in practice: bucketing by
        # it makes the real-drug guard ~20x cheaper.
        initials: dict[str, list[str]] = {}
        # (in sorted order: which of two real drugs equally near a span is reported must not
        # depend on the hash seed of the process that built the index)
        for key in sorted(known):
            initials.setdefault(key[:1], []).append(key)
        for initial, keys_ in initials.items():
            keys_.sort(key=len)
            index.known_by_initial[initial] = (keys_, _length_starts(keys_))
        # Fuzzy keys sorted by length, so a length window is a slice.
        order = sorted(range(len(index.fuzzy_keys)), key=lambda i: len(index.fuzzy_keys[i]))
        index.fuzzy_keys = [index.fuzzy_keys[i] for i in order]
        index.fuzzy_skeletons = [index.fuzzy_skeletons[i] for i in order]
        index.fuzzy_owner = array("i", (index.fuzzy_owner[i] for i in order))
        index.fuzzy_first = [index.fuzzy_first[i] for i in order]
        index.fuzzy_starts = _length_starts(index.fuzzy_keys)
        for key in [*index.exact, *(k.casefold() for k in index.exact_cased)]:
            for n in range(EXACT_PREFIX, min(len(key), EXACT_PREFIX_LONG) + 1):
                prefix = key[:n]
                index.prefixes[prefix] = max(index.prefixes.get(prefix, 0), len(key))
        # Every prefix up to EXACT_PREFIX: short words ("de") can open a core too.
        index.core_prefixes = {core[:k] for core in index.core for k in range(1, EXACT_PREFIX + 1)}
        index.rows.done()
        return index

    def zh_names(self) -> dict[str, list[tuple[str, Form]]]:
        """Chinese name -> the (entry id, form) pairs it belongs to."""
        return {name: self.rows.of(bucket) for name, bucket in self.zh.items()}

    def opens_form(self, key: str) -> bool:
        """Whether some exact form (key) opens with ``key``, or ``key`` is too short to tell."""
        return len(key) < EXACT_PREFIX or len(key) <= self.prefixes.get(key[:EXACT_PREFIX_LONG], 0)

    def window(self, starts: list[int], length: int, min_score: float) -> tuple[int, int]:
        """The slice of a length-sorted list whose keys can reach ``min_score`` against a key
        of ``length`` characters."""
        lo, hi = _length_window(length, min_score)
        top = len(starts) - 1
        return starts[min(lo, top)], starts[min(hi + 1, top)]

    def company_core(self, keys: Sequence[str]) -> str:
        """The distinctive part of a company name: its words before the trailing company words."""
        end = len(keys)
        while end > 0 and keys[end - 1] in self.company_words:
            end -= 1
        return "".join(keys[:end]).replace("'", "") if end > 0 else ""


def _length_starts(keys: Sequence[str]) -> list[int]:
    """For length-sorted ``keys``: [n] is the index of the first key of length >= n."""
    longest = len(keys[-1]) if keys else 0
    starts = [0] * (longest + 2)
    i = 0
    for n in range(longest + 2):
        while i < len(keys) and len(keys[i]) < n:
            i += 1
        starts[n] = i
    return starts


def _traditional_variants(text: str, converters: dict[str, object]) -> set[str]:
    """Traditional (and Taiwan/Hong Kong) spellings of a Chinese name, via OpenCC."""
    from normalize.translate.hanzi import converter

    if not converters:
        for name in ("s2t", "s2tw", "s2hk", "t2s"):
            converters[name] = converter(name)
    out = set()
    for convert in converters.values():
        if callable(convert):
            converted = convert(text)
            if converted != text:
                out.add(converted)
    return out


LATER_WORD_CHARS = 5  # "vedotin", "tirumotecan": a drug name's later word a garble runs on to


def _compiler_fingerprint(glossary: Glossary) -> str:
    """A hash of what compiling depends on besides the glossary files: the lexicon and the
    compiler's own code, so an upgrade or a lexicon edit never reuses a stale index."""
    import hashlib

    from normalize.canonicalize import aliases, drugnames, keys

    digest = hashlib.sha256()
    for module in (aliases, drugnames, keys):
        digest.update(Path(module.__file__ or "").read_bytes())
    digest.update(Path(__file__).read_bytes())
    for path in sorted(aliases.lexicon_folder(glossary).glob("*.yaml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def compile_glossary(glossary: Glossary, cache_dir: Path | None = None) -> Index:
    """The compiled index for ``glossary``, from the on-disk cache when the files are unchanged.
    The cache file is a pickle signed with the user's key (:mod:`normalize.cachefile`): one
    that is not ours, corrupt or stale is ignored with a warning and rebuilt."""
    from normalize import __version__, cachefile

    path = None
    if cache_dir is not None and glossary.digest:
        path = (
            Path(cache_dir)
            / f"index-{__version__}-{glossary.digest[:16]}-{_compiler_fingerprint(glossary)}.pickle"
        )
        cached = cachefile.load(path)
        if isinstance(cached, Index) and cached.digest == glossary.digest:
            return cached
    index = Index.build(glossary)
    if path is not None:
        cachefile.write(path, index, "index-*.pickle")
    return index


_JURISDICTION_WORDS = {
    "china": "china",
    "chinese": "china",
    "prc": "china",
    "us": "united",
    "u.s": "united",
    "american": "united",
    "america": "united",
    "united": "united",
    "india": "india",
    "singapore": "singapore",
}


_TARGET = re.compile(r"\b([A-Z][A-Za-z]{0,5}[0-9]{0,2}(?:[-/][A-Z0-9]{1,3})*[0-9]?)\b")


def _targets(text: str) -> set[str]:
    """Molecular targets named in a text (PD-1, PD-L1, HER2, SGLT2, CDK4/6, EZH2 ...): words of
    capitals and digits that hold at least one digit or are 3+ capitals."""
    out = set()
    for m in _TARGET.finditer(text.replace(" ", "  ")):
        word = m.group(1)
        letters = re.sub(r"[^A-Za-z]", "", word)
        if (any(ch.isdigit() for ch in word) or len(letters) >= 3) and letters.isupper():
            out.add(re.sub(r"[-/ ]", "", word).lower())
    return out


def _jurisdiction_tag(text: str) -> str:
    """ "China (CDE)" -> "@china"; "United States" -> "@united"; the token "Chinese" -> "@china"."""
    word = text.split()[0].strip("(),").casefold() if text.split() else ""
    return "@" + _JURISDICTION_WORDS.get(word, word)


_INFLECTIONS = (
    ("ies", "y"),
    ("es", ""),
    ("s", ""),
    ("ed", ""),
    ("ed", "e"),
    ("ing", ""),
    ("ing", "e"),
    ("ly", ""),
)


def is_plain_english(word: str, english: frozenset[str]) -> bool:
    """A lowercase key that is an English word or an inflection of one ("focuses", "hailed",
    "fueling"): such words are nobody's garbled name."""
    if word in english:
        return True
    for suffix, repl in _INFLECTIONS:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)] + repl
            if stem in english or (stem[-1:] == stem[-2:-1] and stem[:-1] in english):
                return True
    return False


def _length_window(length: int, min_score: float) -> tuple[int, int]:
    # fuzz.ratio = 2*M/(a+b) <= 2*min(a,b)/(a+b): bound the other length.
    r = min_score / 100.0
    lo = int(length * r / (2 - r))
    hi = int(length * (2 - r) / r) + 1
    return lo, hi

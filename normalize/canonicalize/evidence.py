"""Evidence: what speaks for or against a name beyond its spelling.

Two kinds, registered in one ordered list, :data:`EVIDENCE`:

- :class:`CandidateEvidence` weighs one fuzzy candidate for one span (:class:`Case`) and returns
  a :class:`Support`: points added to its score (negative: against), or a veto that rules it
  out with its reason. Points add up in list order, and the first veto is the candidate's
  verdict (evidence registered as ``veto=True`` is not asked once a candidate is ruled out).
- :class:`TextEvidence` looks at the names found in a text and takes back the ones the words
  around them contradict (a Chinese place before a foreign company, a dosage form of another
  route), reporting them as suggestions, or gives a name to another entry (an owner that is the
  drug's developer). Each runs at its step: :data:`EXACT` on the names the exact finders found,
  before fuzzy matching (which then keeps off what they took back), :data:`FINAL` on all names.

A new kind of evidence is one function here and one line in :data:`EVIDENCE`.

Also here, used by the fuzzy finder and the decision: what the text names (the context
evidence's input, :func:`named_in`), who the words beside a span name (:func:`neighbours`),
and real drug names outside the glossary, which are nobody's garble (:func:`real_drug_tokens`,
:func:`real_drug_exact`, :func:`real_drug_near`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from normalize.canonicalize import relations, thresholds
from normalize.canonicalize.aliases import Form
from normalize.canonicalize.candidates.spans import span_key
from normalize.canonicalize.index import (
    _JURISDICTION_WORDS,
    KNOWN_HEAD,
    Index,
    _jurisdiction_tag,
    _targets,
)
from normalize.canonicalize.keys import Token, compact
from normalize.canonicalize.matches import Candidate, Match, Support, Text
from normalize.document import Suggestion
from normalize.glossary.entries import Glossary

Words = Callable[[str], tuple[tuple[str, ...], tuple[str, ...]]]
Revision = tuple[list[Match], list[Suggestion]]  # the names kept, and those reported instead


# (plain slotted classes, not frozen: one is made per candidate, on the hot path)
@dataclass(slots=True)
class SpanFacts:
    """One name-like span, as every candidate for it is weighed against."""

    tokens: Sequence[Token]
    key: str  # its compact key (the company core if it ends in company words)
    company_tail: bool  # it ends in capitalized company words
    plain: bool  # every word is plain English (or a short lowercase word)
    places: frozenset[str]  # the place names it opens with
    context: set[str]  # what the rest of the text names (:func:`named_in`)
    stem: str  # the INN stem it ends in, or ""
    head: str | None  # the consonant skeleton before that stem (for transliterations)
    glossary: Glossary
    index: Index
    words: Words  # a form's (token keys, space-separated words as keys)

    @property
    def lowercase(self) -> bool:
        return not self.tokens[0].text[:1].isupper()


@dataclass(slots=True)
class Case:
    """One fuzzy candidate for one span."""

    span: SpanFacts
    entry_id: str
    form: Form
    kind: str  # the entry's type: drug, company, ...
    raw: float  # spelling score
    pos: int  # the candidate's fuzzy key in the index

    @property
    def proper(self) -> bool:
        """A company or brand name: spelled by its owner, copied rather than garbled by MT."""
        return self.kind == "company" or self.form.kind in ("brand", "zh_brand")


# ---- evidence on one fuzzy candidate -------------------------------------------------------


def derived_form(c: Case) -> Support | None:
    if c.form.derived:
        return Support(-thresholds.DERIVED_PENALTY, "a derived (pinyin or literal) form")
    return None


def context(c: Case) -> Support | None:
    s = c.span
    if c.entry_id in s.context or s.index.related.get(c.entry_id, set()) & s.context:
        return Support(thresholds.CONTEXT_BONUS, "the text names it, its company or product")
    return None


def transliteration(c: Case) -> Support | None:
    s = c.span
    if transliterates(s.index, s.key, s.head, s.stem, c.entry_id):
        return Support(thresholds.TRANSLIT_BONUS, "it transliterates the entry's Chinese name")
    return None


def _veto(reason: str) -> Support:
    return Support(reason=reason, veto=True)


def company_words_after_other(c: Case) -> Support | None:
    if c.span.company_tail and c.kind != "company":
        return _veto("company words after a non-company name")
    return None


def lowercase_proper_name(c: Case) -> Support | None:
    if c.span.lowercase and c.proper:
        return _veto("written in lowercase: not a company or brand name")
    return None


def lowercase_word(c: Case) -> Support | None:
    if c.span.lowercase and len(c.span.tokens) == 1 and c.kind != "drug":
        return _veto("one lowercase word: only a drug name may be garbled so")
    return None


def derived_company_alone(c: Case) -> Support | None:
    if c.kind == "company" and c.form.derived and not c.span.company_tail:
        return _veto("a derived company name needs its company words")
    return None


def proper_name_spelling(c: Case) -> Support | None:
    bare_company = c.kind == "company" and not c.span.company_tail
    needed = thresholds.BARE_COMPANY_ACCEPT if bare_company else thresholds.PROPER_NAME_ACCEPT
    if c.proper and c.raw < needed:
        return _veto("a company or brand name spelled too differently")
    return None


def company_place(c: Case) -> Support | None:
    places = c.span.places
    if places and c.span.index.company_places.get(c.entry_id, places).isdisjoint(places):
        return _veto("a company in another place")
    return None


def plain_words(c: Case) -> Support | None:
    s = c.span
    if s.plain and not plain_words_fit(s.tokens, s.words(c.form.text)[1], s.index.category_words):
        return _veto("plain words must match the name word for word")
    return None


def must_not_confuse(c: Case) -> Support | None:
    if c.span.key in c.span.index.confusables.get(c.entry_id, ()):
        return _veto("named as must-not-confuse")
    return None


def inn_stem(c: Case) -> Support | None:
    stem = c.span.stem
    if (
        stem
        and len(stem) >= thresholds.MIN_GUARDED_STEM
        and not c.span.index.fuzzy_keys[c.pos].endswith(stem)
    ):
        return _veto(f"different INN stem (-{stem})")
    return None


def lowercase_phrase(c: Case) -> Support | None:
    from rapidfuzz import fuzz

    s = c.span
    if len(s.tokens) > 1 and s.lowercase:
        words = s.words(c.form.text)[0]
        if words[:1] == (s.tokens[0].key,):
            return None
        if (
            len(words) == len(s.tokens)
            and words[-1] == s.tokens[-1].key
            and fuzz.ratio(s.tokens[0].key, words[0]) >= thresholds.FUZZY_ACCEPT
        ):
            # a garbled drug name before its last word as written ("sacituumab tirumotecan"),
            # its first word alone near enough to be taken (the shared last word lifts the
            # whole: "sacituumab vedotin" is no disitamab vedotin)
            return None
        return _veto("a lowercase phrase must open like the name, or end like it")
    return None


def word_by_word(c: Case) -> Support | None:
    s = c.span
    if (
        len(s.tokens) > 1
        and not s.company_tail
        and not s.plain
        and not tokens_compatible(s.tokens, s.words(c.form.text)[1])
    ):
        return _veto("a word differs too much")
    return None


# Vetoes that read only the span's shape (:func:`shape_of`) and the candidate's entry and form,
# never its spelling or the text: they rule the same forms out for every span of a shape, so
# a span's near forms can be looked for among the others alone (:meth:`..candidates.fuzzy.Fuzzy.
# score`: a lowercase word is looked for among the drugs only). A veto added here must read no
# more of the span than :func:`shape_of` keeps.
SHAPE_VETOES = (company_words_after_other, lowercase_proper_name, lowercase_word, lowercase_phrase)

Shape = tuple[bool, bool, str, bool, str, int]


def shape_of(tokens: Sequence[Token], company_tail: bool) -> Shape | None:
    """What :data:`SHAPE_VETOES` read of a span: whether it is lowercase, one word, its first
    word, whether it ends in company words, its last word and its length in words (the words
    and length are read by :func:`lowercase_phrase` only); None for a span no shape veto
    speaks on (capitalized, no company words)."""
    lowercase = not tokens[0].text[:1].isupper()
    if not lowercase and not company_tail:
        return None
    phrase = lowercase and len(tokens) > 1
    first = tokens[0].key if phrase else ""
    last = tokens[-1].key if phrase else ""
    return lowercase, len(tokens) == 1, first, company_tail, last, len(tokens) if phrase else 0


def shape_allows(span: SpanFacts, entry_id: str, form: Form, kind: str, pos: int) -> bool:
    """Whether no :data:`SHAPE_VETOES` rules a candidate out for spans of ``span``'s shape."""
    case = Case(span, entry_id, form, kind, 100.0, pos)
    return not any(veto(case) for veto in SHAPE_VETOES)


# ---- evidence on the names found in a text -------------------------------------------------


def place_before_company(t: Text, matches: list[Match]) -> Revision:
    """A Chinese place before a company's name makes another company's legal name when the
    company is not known as Chinese ("Suzhou Merrimack Biopharmaceutical Co., Ltd." is not
    Merrimack Pharmaceuticals, Inc.: MT garbled a Chinese company's name into a foreign one),
    or when its own names carry other places ("Guangdong Hengrui Pharmaceutical" is not
    Jiangsu Hengrui: a subsidiary or a namesake). Left as written and reported."""
    tokens, index = t.tokens, t.index
    kept: list[Match] = []
    reported: list[Suggestion] = []
    for m in matches:
        prev = tokens[m.start - 1] if m.start > 0 else None
        own = index.company_places.get(m.entry_id, frozenset())
        if (
            (m.entry_id not in index.foreign and not own)
            or prev is None
            or t.read_in_chinese(m)
            or not prev.text[:1].isupper()
            or prev.key not in index.places
            or prev.key in own
        ):
            kept.append(m)
            continue
        start, end = tokens[m.start - 1].start, tokens[m.end - 1].end
        reason = (
            f"{prev.text!r} names a place in China; {m.entry_id} is not known as Chinese"
            if m.entry_id in index.foreign
            else f"{prev.text!r} is not {m.entry_id}'s place ({', '.join(sorted(own))}): "
            "another company of the group, or a namesake"
        )
        reported.append(
            Suggestion(t.text[start:end], start, end, ((m.entry_id, m.score),), reason)
        )
    return kept, reported


def dosage_form_of_another_route(t: Text, matches: list[Match]) -> Revision:
    """A drug name beside the dosage form of another route ("Niraparib for Injection", when
    every PARP inhibitor is taken by mouth) is a real name MT put in place of the right
    one: left as written and reported, with the name it stands next to in apposition
    ("Zejula (Niraparib for Injection)")."""
    text, tokens, index = t.text, t.tokens, t.index
    conflicts: dict[int, str] = {}
    for k, m in enumerate(matches):
        route = index.routes.get(m.entry_id)
        if route is None or t.read_in_chinese(m):
            continue
        for form, form_route in _forms_around(t, m):
            if form_route != route:
                conflicts[k] = f"{form!r} does not fit {m.entry_id} ({route} only)"
    if not conflicts:
        return matches, []
    for k in list(conflicts):
        for j in (k - 1, k + 1):
            if 0 <= j < len(matches) and matches[j].entry_id == matches[k].entry_id:
                a, b = sorted((matches[j], matches[k]), key=lambda m: m.start)
                gap = text[tokens[a.end - 1].end : tokens[b.start].start].strip()
                if gap in ("(", "（", ",", "—", "-"):
                    conflicts.setdefault(j, conflicts[k])
    kept = [m for k, m in enumerate(matches) if k not in conflicts]
    reported = []
    for k, reason in sorted(conflicts.items()):
        m = matches[k]
        start, end = tokens[m.start].start, tokens[m.end - 1].end
        reported.append(Suggestion(text[start:end], start, end, ((m.entry_id, m.score),), reason))
    return kept, reported


def _forms_around(t: Text, m: Match) -> Iterator[tuple[str, str]]:
    """Dosage-form words right after a name, or the few that MT also puts before one
    ("injection Rituximab" for 注射用...), with their route. Only spaces
    may stand between: "pyrotinib tablets, adebrelimab" names two drugs."""
    text, tokens, index = t.text, t.tokens, t.index
    routes = index.form_routes
    for size in range(index.max_form_tokens, 0, -1):
        after = tokens[m.end : m.end + size]
        before = tokens[max(m.start - size, 0) : m.start]
        for span, first, second in (
            (after, tokens[m.end - 1], after[0] if after else None),
            (before, before[-1] if before else None, tokens[m.start]),
        ):
            if len(span) != size or first is None or second is None:
                continue
            if text[first.end : second.start].strip(" ") or any(tok.is_cjk for tok in span):
                continue
            key = "".join(tok.bare for tok in span)
            route = routes.get(key)
            if route and (span is after or key in index.forms_before):
                yield " ".join(tok.text for tok in span), route
                return


def owner_is_developer(t: Text, matches: list[Match]) -> Revision:
    """ "Kelun's Botuzumab": a short company name owning a drug means the drug's developer when
    that is a parent or subsidiary of the company matched and the name fits it too."""
    tokens, glossary = t.tokens, t.glossary
    by_start = {m.start: m for m in matches}
    out = []
    for m in matches:
        drug = by_start.get(m.end)
        entry = glossary.get(m.entry_id)
        drug_entry = glossary.get(drug.entry_id) if drug else None
        developer = drug_entry.company if drug_entry and drug_entry.type == "drug" else None
        if (
            entry is not None
            and entry.type == "company"
            and tokens[m.end - 1].possessive
            and developer
            and developer != m.entry_id
            and developer in t.index.related.get(m.entry_id, set())
        ):
            name = "".join(tok.bare for tok in tokens[m.start : m.end])
            dev = glossary[developer]
            written = (
                dev.canonical,
                dev.first_form,
                dev.short_form,
                *(a.text for a in dev.aliases),
            )
            if any(compact(k).startswith(name) for k in written):
                why = (
                    f"found as {m.entry_id}; it owns {drug.entry_id if drug else ''}, whose "
                    f"developer {developer} is related to it and named so too"
                )
                score = min(m.score, 90.0)
                out.append(Match(developer, m.start, m.end, score, "context", m.form, None, why))
                continue
        out.append(m)
    return out, []


# ---- the registry --------------------------------------------------------------------------

EXACT = "exact"  # on the names found by exact keys, before the other finders
FINAL = "final"  # on every name found


@dataclass(frozen=True)
class CandidateEvidence:
    name: str  # shown in ``glossary find`` and kept in :attr:`Candidate.evidence`
    weigh: Callable[[Case], Support | None]
    veto: bool = False  # it only rules out: not asked about a candidate already ruled out


@dataclass(frozen=True)
class TextEvidence:
    name: str
    step: str  # :data:`EXACT` or :data:`FINAL`
    revise: Callable[[Text, list[Match]], Revision]


# Order matters: points add up in this order, and the first veto is a candidate's verdict (the
# vetoes after it are not asked: they cost, and would not change the outcome).
EVIDENCE: tuple[CandidateEvidence | TextEvidence, ...] = (
    CandidateEvidence("derived form", derived_form),
    CandidateEvidence("context", context),
    CandidateEvidence("transliteration", transliteration),
    CandidateEvidence("company words", company_words_after_other, veto=True),
    CandidateEvidence("lowercase", lowercase_proper_name, veto=True),
    CandidateEvidence("lowercase word", lowercase_word, veto=True),
    CandidateEvidence("derived company", derived_company_alone, veto=True),
    CandidateEvidence("proper name", proper_name_spelling, veto=True),
    CandidateEvidence("place", company_place, veto=True),
    CandidateEvidence("plain words", plain_words, veto=True),
    CandidateEvidence("must not confuse", must_not_confuse, veto=True),
    CandidateEvidence("INN stem", inn_stem, veto=True),
    CandidateEvidence("lowercase phrase", lowercase_phrase, veto=True),
    CandidateEvidence("word by word", word_by_word, veto=True),
    TextEvidence("place", EXACT, place_before_company),
    TextEvidence("route", EXACT, dosage_form_of_another_route),
    TextEvidence("longer name", EXACT, relations.longer_company_name),
    TextEvidence("longer drug name", EXACT, relations.longer_drug_name),
    TextEvidence("garble before a drug", FINAL, relations.garble_before_a_drug),
    TextEvidence("jurisdiction", FINAL, relations.jurisdiction),
    TextEvidence("former name", FINAL, relations.former_names),
    TextEvidence("owner's product", FINAL, relations.owner_and_product),
    TextEvidence("owner", FINAL, owner_is_developer),
)
CANDIDATE_EVIDENCE = tuple(e for e in EVIDENCE if isinstance(e, CandidateEvidence))
TEXT_EVIDENCE = tuple(e for e in EVIDENCE if isinstance(e, TextEvidence))


def weigh(case: Case, score: float) -> tuple[float, str, tuple[tuple[str, Support], ...]]:
    """A candidate's score after every piece of evidence, its verdict ("" if it may win) and
    what each piece of evidence that spoke said."""
    verdict = ""
    spoke: tuple[tuple[str, Support], ...] = ()
    for evidence in CANDIDATE_EVIDENCE:
        if verdict and evidence.veto:
            continue
        support = evidence.weigh(case)
        if support is None:
            continue
        if support.veto:
            verdict = verdict or support.reason
        else:
            score += support.points
        spoke += ((evidence.name, support),)
    return score, verdict, spoke


def revise(step: str, t: Text, matches: list[Match]) -> Revision:
    """Every text evidence of ``step`` in turn: the names kept and the ones reported instead."""
    reported: list[Suggestion] = []
    for evidence in TEXT_EVIDENCE:
        if evidence.step == step:
            matches, more = evidence.revise(t, matches)
            reported += more
    return matches, reported


# ---- what the text names -------------------------------------------------------------------


def named_in(
    index: Index,
    matches: Iterable[Match],
    tokens: Sequence[Token] = (),
    glossary: Glossary | None = None,
) -> set[str]:
    """Ids named in the text, the ids they support (a drug's company and the reverse), and
    the jurisdictions the text names ("China's NMPA" supports China's programmes; with the
    ``glossary``, not a place word inside a company's or drug's name)."""
    matches = list(matches)
    found = {m.entry_id for m in matches}
    named = found | {r for eid in found for r in index.related.get(eid, ())}
    inside = relations.words_of_names(glossary, matches) if glossary is not None else set()
    named |= {
        _jurisdiction_tag(tok.text)
        for k, tok in enumerate(tokens)
        if tok.key in _JURISDICTION_WORDS and k not in inside
    }
    # (a target holds a capital, and never runs across words: only words with one are read)
    capped = " ".join(tok.text for tok in tokens if tok.text != tok.key)
    named |= {"#" + target for target in _targets(capped)}
    return named


def neighbours(t: Text, matches: Iterable[Match]) -> Callable[[int, int], set[str]]:
    """Who the words beside a span ``[start, end)`` name: a code or brand in brackets right
    after it ("Zemetostat (SHR2554)"), a company in brackets ("X (Merck & Co.)": its
    products), or a company owning it ("Kelun's Botuzumab")."""
    bracketed: dict[int, set[str]] = {}
    owned: dict[int, set[str]] = {}
    for m in matches:
        entry = t.glossary.get(m.entry_id)
        if m.form.kind in ("code", "brand", "zh_brand"):
            bracketed.setdefault(m.start, set()).add(m.entry_id)
        elif entry is not None and entry.type == "company":
            products = _products(t.index, m.entry_id)
            bracketed.setdefault(m.start, set()).update(products)
            if t.tokens[m.end - 1].possessive:
                owned.setdefault(m.end, set()).update(products)
    text, tokens = t.text, t.tokens

    def named(start: int, end: int) -> set[str]:
        found = owned.get(start, set())
        if (
            end < len(tokens)
            and bracketed.get(end)
            and "(" in text[tokens[end - 1].end : tokens[end].start]
        ):
            found = found | bracketed[end]
        return found

    return named


def _products(index: Index, company_id: str) -> set[str]:
    """A company, its related companies (parent, subsidiaries), and their products."""
    near = {company_id} | index.related.get(company_id, set())
    return near | {r for c in near for r in index.related.get(c, set())}


# ---- transliteration -----------------------------------------------------------------------


def transliterates(index: Index, key: str, head: str | None, stem: str, entry_id: str) -> bool:
    """The span is the entry's Chinese name as MT transliterates it: either the pinyin's
    consonants (``head`` is the skeleton of the span before its ``stem``) open the span,
    which ends in the same INN stem ("teriplizumab": te-rui-pu-li + mab); or the span opens
    with the pinyin itself and MT mangled the stem ("hengglitazin": heng + gliflozin)."""
    from rapidfuzz import fuzz

    if head is not None and any(
        klass == stem
        and head.startswith(pinyin_head)
        and len(head) - len(pinyin_head) <= thresholds.MAX_TRANSLIT_EXTRA
        for pinyin_head, klass in index.translit.get(entry_id, ())
    ):
        return True
    return any(
        key.startswith(letters)
        and fuzz.ratio(key[len(letters) :], english_stem) >= thresholds.STEM_LIKE
        for letters, english_stem in index.translit_letters.get(entry_id, ())
    )


# ---- word by word --------------------------------------------------------------------------


def plain_words_fit(
    span: Sequence[Token], form_tokens: Sequence[str], category_words: frozenset[str]
) -> bool:
    """Plain English words are a literal rendering of a name only word for word, though the
    name may go on with words for its kind ("breakthrough therapeutics" for "Breakthrough
    Therapeutic Varieties"). "drug registration" is not "Drug Registration Certificate"."""
    if len(form_tokens) < len(span) or not all(
        w in category_words for w in form_tokens[len(span) :]
    ):
        return False
    return tokens_compatible(span, form_tokens[: len(span)])


def tokens_compatible(span: Sequence[Token], form_tokens: Sequence[str]) -> bool:
    """Multi-word spans must not match on a shared word alone ("X vedotin" vs "Y vedotin")."""
    from rapidfuzz import fuzz

    if len(form_tokens) != len(span):
        return True
    return all(
        fuzz.ratio(t.key, f) >= thresholds.WORD_MIN for t, f in zip(span, form_tokens, strict=True)
    )


# ---- real drugs outside the glossary -------------------------------------------------------


def real_drug_tokens(index: Index, tokens: Sequence[Token], taken: set[int]) -> set[int]:
    """Tokens inside real drug names that are not in the glossary ("sacituzumab govitecan"
    when only its look-alike is): they are nobody's garbled name."""
    out: set[int] = set()
    known, heads = index.known_drugs, index.known_heads
    english = index.english
    for i, first in enumerate(tokens):
        # A drug name opens with a drug word: skip the plain English ones quickly.
        if i in taken or first.is_cjk or len(first.key) < 4 or first.key in english:
            continue
        if len(first.bare) >= KNOWN_HEAD and first.bare[:KNOWN_HEAD] not in heads:
            continue  # no real drug's name opens so
        key = first.bare  # (bare: the key without apostrophes)
        for size in range(2, 5):
            j = i + size - 1
            if j >= len(tokens) or j in taken or tokens[j].is_cjk:
                break
            key += tokens[j].bare
            if key in known:
                out.update(range(i, j + 1))
    return out


def real_drug_exact(index: Index, span: Sequence[Token]) -> bool:
    """The span is a real drug name outside the glossary."""
    key, company_tail = span_key(index, span)
    return not company_tail and key in index.known_drugs


def real_drug_near(index: Index, span: Sequence[Token], best: Candidate) -> str | None:
    """A known drug name outside the glossary spelled (about) as close to the span as the
    winner is."""
    from rapidfuzz import fuzz, process

    key, company_tail = span_key(index, span)
    if company_tail:
        return None
    if key in index.known_drugs:
        return key
    # The winner's evidence (spelling, skeleton, context) against a real drug's spelling.
    cutoff = min(max(best.adjusted - thresholds.KNOWN_DRUG_MARGIN, thresholds.SUGGEST_MIN), 100.0)
    keys, starts = index.known_by_initial.get(key[:1], ([], [0]))
    a, b = index.window(starts, len(key), cutoff)
    hit = process.extractOne(key, keys[a:b], scorer=fuzz.ratio, score_cutoff=cutoff)
    return hit[0] if hit else None

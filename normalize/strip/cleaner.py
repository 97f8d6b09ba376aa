"""Stage 1, ``strip``: remove site boilerplate and repair text.

HTML goes through main-content extraction first (:mod:`.extract`); then every text goes
through the same line rules:

1. Each line is repaired (mojibake via ftfy, full-width ASCII letters and digits in Chinese text,
   whitespace) and hard-wrapped lines are joined.
2. Lines are matched against the rule files (:mod:`.rules`): the site profile of the
   document's ``url`` first (exact lines, always removed), then the generic rules.
3. Position decides the rest. Lines that read as article sentences are *anchors*: no generic
   rule removes them unless the rule is marked ``sentences``. Junk clusters before the first and
   after the last anchor (``edges``); an end-of-article marker (a related list, comments, a
   copyright footer) takes the rest of the page with it when little article text follows.

Every removed line is a :class:`Change` with the rule id; repairs are ``repair`` changes.
Cleaning is idempotent: cleaning the output again changes nothing.

Over 600 lines because the stage's line decisions (rules, classifier, edge clusters, short
records, unwrapping and its settle step) read each other's state line by line; the rules,
the classifier, extraction and decoding live in their own modules.
"""

from __future__ import annotations

import dataclasses
import re
import sys
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from importlib import metadata
from itertools import islice
from typing import TYPE_CHECKING, NamedTuple

from normalize.config import Config
from normalize.document import Change, Document
from normalize.strip.compose import cta_list, judge_lines
from normalize.strip.lineclf import (
    LineModel,
    Words,
    line_features,
    load_line_model,
    sentence_distances,
)
from normalize.strip.rules import (
    Matcher,
    Rule,
    RuleSet,
    SiteProfile,
    host_of,
    load_rules,
    normalize_line,
)

if TYPE_CHECKING:
    from normalize.strip.sitelearn import SiteTemplates

# A line "reads as an article sentence" (an anchor) when it has at least this many words
# (English) or CJK characters (Chinese) and ends like a sentence, or is simply long.
SENTENCE_MIN_WORDS = 8
SENTENCE_LONG_WORDS = 16
SENTENCE_MIN_CJK = 12
SENTENCE_LONG_CJK = 30
# A full-width colon this early in a Chinese line ends a field's label ("数据来源：", "当前位置："),
# not a clause: alone it does not make the line read as a sentence.
ZH_LABEL_MAX_CHARS = 6
# A long line is first judged on its first this many characters (speed, same result).
SENTENCE_PREFIX_CHARS = 150
# Lines longer than this are never tested against rules that may not remove sentences.
SHORT_LINE_CHARS = 300
# After an end-of-article marker, the rest goes only if its sentences are at most this share
# of all the article's sentence characters (otherwise the marker was a box inside the article).
ENDS_ARTICLE_MAX_SHARE = 0.25
# ... but a run of this many paragraphs in a row after it is the article resuming (a related
# box set inside the text by a table layout), not a list or comments: the cut stops there.
ENDS_ARTICLE_RESUME_LINES = 3
# Short lines next to removed junk at the edges go too when they look like names or labels
# (a byline after "Posted by:", a site name): at most this many words / CJK characters.
CLUSTER_MAX_WORDS = 4
CLUSTER_MAX_CJK = 8
CLUSTER_MAX_RUN = 3  # a longer run of short lines is a list or a table
# Of a repeated line's copies the first stays, unless it lies more than REPEAT_FAR lines from
# any article sentence (a breadcrumb, a page index, the site's header) and a later copy lies
# within REPEAT_NEAR of one (the headline over its text, the agency signing its notice): then
# that copy stays and the first goes.
REPEAT_FAR = 5
REPEAT_NEAR = 3
# Edges-only rules that name a byline or an author's title: inside the article, a run of short
# lines holding one goes when junk is on one side of it (not both), as under a standfirst:
# "By Jane Doe" / "Senior Editor" / the dateline.
BYLINE_RULES = frozenset({"en-byline", "en-author-title"})
# A later exact copy of a line at least this long (CJK characters count twice) goes.
REPEAT_MIN_CHARS = 20
# An English line is joined to the next (hard wrap) only if it is at least this long, stops
# without punctuation and the next one starts in lower case.
UNWRAP_MIN_CHARS = 40
# A short line (at most this many words) at the edges that starts with the site's name goes.
SITE_LINE_MAX_WORDS = 8
# A single word before the first sentence, at most this long, is a menu item ("News", "Home").
HEAD_WORD_MAX_CHARS = 12
# After the last sentence, this many list items of at least this many words (a CJK character
# counting half) are a related list.
RELATED_MIN_ITEMS = 3
RELATED_ITEM_MIN_WORDS = 5
# A document of at most this many lines and no article sentence (a headline, a name, a one-line
# record, a name list) is data: only rules that judge the line by itself remove anything there,
# never guesses from position (one-word menu items, edge clusters, site names).
SHORT_DOC_MAX_LINES = 5
# The line classifier runs again on what it kept until it removes nothing more (what a second
# run over the output would do), at most this many times.
MODEL_PASSES = 3

# Rules whose removals do not stand in readability-lxml's output (Chinese pages, or the
# fallback): guesses from a line's shape or place, which there cost more article text than
# junk (ASCII diagrams, numbered verses, a table's numbers, dates in the text; measured on
# zh-cwced-dev with benchmarks/eval_cleaner.py zh).
READABILITY_KEEPS = frozenset(
    {
        "punctuation-only",
        "number-only",
        "edge-cluster",
        "repeated-line",
        "zh-byline-time",
        "zh-dateline",
        "date-only",
        "menu-row",
    }
)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_LOWER_ASCII = frozenset("abcdefghijklmnopqrstuvwxyz")
_WRAP_ENDS = _LOWER_ASCII | {","}  # an English line that stops with these may go on
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_LOWER_WORD = re.compile(r"\b[a-z][a-z'’-]*\b")
# The same two for ASCII-only text, where they find the same words faster.
_WORD_ASCII = re.compile(r"[A-Za-z]+(?:['-][A-Za-z]+)*")
_LOWER_WORD_ASCII = re.compile(r"\b[a-z][a-z'-]*\b", re.ASCII)
_SENTENCE_END_CHARS = frozenset('.!?…。！？；;:："”’)）」』')
_ZH_PUNCT = re.compile(r"[，。；！？、：]")
_ZH_CLAUSE = re.compile(r"[，。；！？、]")  # clause punctuation; the colon: ZH_LABEL_MAX_CHARS
_FULLWIDTH_ALNUM = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
# UTF-8 read as Windows-1252/Latin-1: a lead byte shown as Â-ô followed by a continuation byte
# shown as \x80-\xbf or one of cp1252's specials; or an HTML entity. Spelled out as the
# ignore-case pattern it was matches (case variants included, e.g. õ, ÿ, K): the same lines,
# several times faster (tests/test_cleaner.py checks every character).
_MOJIBAKE_HINT = re.compile(
    "[\u00c0-\u00f6\u00f8-\u00fe\u1e9e\u212b]"
    "[\u0080-\u00bf\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0191\u0192\u02c6\u02dc"
    "\u039c\u03bc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
    "|&#?[a-zA-Z0-9\u0130\u0131\u017f\u212a]+;"
)
_MOJIBAKE_LEAD = re.compile("[\u00c0-\u00f6\u00f8-\u00fe\u1e9e\u212b]")  # its first class alone
_INNER_SPACE = re.compile(r"[ \t\x0b\x0c\x1c-\x1f\x85\u00a0\u2000-\u200a\u202f\u205f]+")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
# Whatever the two above would change, but two spaces: a quick test that they have nothing to do.
_ODD_SPACE = re.compile(
    r"[\t\x0b\x0c\x1c-\x1f\x85\u00a0\u2000-\u200a\u202f\u205f\u200b\u200c\u200d\u2060\ufeff]"
)
# Scraping leftovers glued to the start of a paragraph: a slash or bar, or a template's machine
# field name (three or more snake_case parts) run into the first word ("page_body_filterThe
# agency ..."). The paragraph stays; only the leftover goes.
_LEADING_ARTIFACT = re.compile(
    r"^(?:[\"'“”]?[/\\|]+|[a-z]{2,}(?:_[a-z]{2,}){2,})(?=[\"'“]?[A-Z\u3400-\u9fff])"
)
_NOT_TEXT = re.compile(r"[\W_]+")
# A list item's bullet; Chinese pages set a dot right against the text ("·新药获批").
_BULLET = re.compile(r"\s*(?:[-*•·▪◦]|\d{1,2}[.)、])\s+|\s*[•·▪◦■●◆](?=[\u3400-\u9fff])")
_LABEL_BREAKERS = re.compile(r"[\d:,;“”\"„«»]")  # names and site labels have none of these
# A quotation: a line with one is speech ("– „Ok.“", "“……”"), not a menu item or a rule.
_QUOTED = re.compile(r"[“„\"«「『].*[”“\"»」』]")
_NAME_JOINERS = {"and", "&", "of", "de", "van", "von", "der", "la", "le", "du", "da", "di"}


class _Line(NamedTuple):
    start: int  # offsets of the original line in the stage's input text
    end: int
    original: str
    text: str  # repaired
    norm: str  # normalize_line(text)
    sentence: bool
    repairs: tuple[str, ...] = ()


@dataclass(frozen=True)
class CleanerStage:
    name: str = "strip"
    rules: RuleSet = field(default_factory=lambda: load_rules(), hash=False, compare=False)
    extract_order: str = "auto"
    line_model: LineModel | None = field(
        default_factory=lambda: load_line_model(), hash=False, compare=False
    )
    # Lines recurring on a site's pages within this run (set by batch callers; learns as it
    # cleans, so the stage is then no longer a pure function of one document).
    templates: SiteTemplates | None = field(default=None, hash=False, compare=False)

    @classmethod
    def from_config(cls, config: Config) -> CleanerStage:
        model = load_line_model()
        if model is not None:
            model = model.favoring(config.strip_favor)
        return cls(rules=load_rules(config.site_rules_paths), line_model=model)

    def with_profiles(self, profiles: Iterable[SiteProfile]) -> CleanerStage:
        """A copy that also uses ``profiles`` (e.g. learnt from a batch)."""
        return CleanerStage(
            self.name,
            self.rules.with_profiles(profiles),
            self.extract_order,
            self.line_model,
            self.templates,
        )

    def with_templates(self, templates: SiteTemplates | None) -> CleanerStage:
        """A copy that removes the lines ``templates`` finds recurring on a site's pages."""
        return dataclasses.replace(self, templates=templates)

    def __call__(self, doc: Document) -> Document:
        changes: list[Change] = []
        text = doc.text
        method = ""
        if doc.is_html:
            from normalize.strip.extract import extract_main_text

            extraction = extract_main_text(text, doc.url, order=self.extract_order)
            changes.append(
                Change(
                    self.name,
                    "extract",
                    "",
                    "",
                    0,
                    len(text),
                    rule=extraction.method,
                    detail="main content extracted from HTML; the offsets of the "
                    "changes below index the extracted text",
                )
            )
            text, method = extraction.text, extraction.method
        template: tuple[str, frozenset[str]] = ("", frozenset())
        if self.templates is not None:
            template = self.templates.template_lines(text, doc.url)
        warnings: list[str] = []
        if doc.is_html and not text.strip():
            warnings.append(f"{self.name}: no main text found in the HTML; the output is empty")
        readability = method == "readability"
        cleaned, line_changes = clean_text(
            text,
            self.rules,
            url=doc.url,
            stage=self.name,
            warnings=warnings,
            extracted=doc.is_html,
            # readability-lxml's output is the article as its markup shows it: only removals
            # that name what they remove stand there, and no guess by the classifier
            model=None if readability else self.line_model,
            template=template,
            keep_rules=READABILITY_KEEPS if readability else frozenset(),
        )
        changes.extend(line_changes)
        return doc.evolve(
            text=cleaned,
            is_html=False,
            changes=doc.changes + tuple(changes),
            warnings=doc.warnings + tuple(warnings),
        )

    def settle(self, doc: Document, cleaned: str | None = None) -> Document:
        """Judge the lines again after the later stages changed the text this stage cleaned
        (``cleaned``), as a second run would judge them: a name rewritten longer can make a line
        long enough to read as a sentence (then a word before it is a menu item) or to be
        unwrapped, a Chinese name written in English can make a line read as a label. Done now,
        so a run's output is its own fixed point. The removals and joins are changes of stage
        ``settle``; entities move with their text (one on a removed line goes)."""
        text = doc.text
        if text == cleaned:
            return doc  # what this stage made is its own fixed point
        kept, sources, changes = _clean(
            text, self.rules, doc.url, "settle", None, False, self.line_model, ("", frozenset())
        )
        new_text = "\n".join(kept)
        if new_text == text:
            return doc
        segments = _kept_segments(text, kept, sources)
        starts = [a for a, _, _ in segments]
        entities = []
        for e in doc.entities:
            i = bisect_right(starts, e.start) - 1
            if i >= 0 and e.end <= segments[i][1]:
                entities.append(e.moved(segments[i][2] - segments[i][0]))
        return doc.evolve(
            text=new_text, entities=tuple(entities), changes=doc.changes + tuple(changes)
        )

    def stamp(self) -> dict[str, str]:
        return {
            "strip": f"rules {self.rules.digest}, "
            f"line model {_model_stamp(self.line_model)}, "
            f"trafilatura {_version('trafilatura')}, "
            f"readability-lxml {_version('readability-lxml')}, ftfy {_version('ftfy')}"
        }


def _model_stamp(model: LineModel | None) -> str:
    if model is None:
        return "none"
    return model.digest if model.favor == "balanced" else f"{model.digest} favoring {model.favor}"


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "absent"


def clean_text(
    text: str,
    rules: RuleSet,
    *,
    url: str | None = None,
    stage: str = "strip",
    warnings: list[str] | None = None,
    extracted: bool = False,
    model: LineModel | None = None,
    template: tuple[str, frozenset[str]] = ("", frozenset()),
    keep_rules: frozenset[str] = frozenset(),
) -> tuple[str, list[Change]]:
    """Clean plain ``text``; returns the text and the changes (offsets index ``text``).
    What a reader should know (every line looked like boilerplate) is appended to
    ``warnings`` when given. ``extracted``: the text was extracted from HTML, so a short text
    is not a record someone wrote and a page of nothing but junk comes out empty. ``model``:
    the line classifier that judges the lines the rules keep (none: rules alone).
    ``template``: a site and the lines found recurring on its pages in this batch.
    ``keep_rules``: ids of rules whose removals do not stand (the line stays)."""
    kept, _, changes = _clean(
        text, rules, url, stage, warnings, extracted, model, template, keep_rules
    )
    return "\n".join(kept), changes


# A kept output line's parts: each a line of the input (after unwrapping) and where its text
# starts in the output line.
_Sources = list[tuple[_Line, int]]


def _clean(
    text: str,
    rules: RuleSet,
    url: str | None,
    stage: str,
    warnings: list[str] | None,
    extracted: bool,
    model: LineModel | None,
    template: tuple[str, frozenset[str]],
    keep_rules: frozenset[str] = frozenset(),
) -> tuple[list[str], list[_Sources], list[Change]]:
    """:func:`clean_text`'s work: the kept lines, the input lines each is made of, the changes."""
    # Every decision is per line (a line with CJK characters is Chinese text), never per
    # document, so that removing lines cannot change how the rest is treated (idempotence).
    changes: list[Change] = []
    lines = _split(text)
    wrap_widths = _wrap_widths(lines)
    lines = _unwrap(lines, changes, stage, wrap_widths)
    profile = rules.site_for(url)
    verdicts, edge_match = _classify(
        lines, rules, profile, url, short_guard=not extracted, template=template
    )
    if keep_rules:
        verdicts = [None if v is not None and v[0] in keep_rules else v for v in verdicts]
    if model is not None and _apply_model(
        lines, verdicts, edge_match, model, short_guard=not extracted
    ):
        # The classifier's junk grows edge clusters as the rules' junk does: a short label
        # between a sentence and lines the model took would otherwise go on a second run only.
        _grow_edge_clusters(lines, verdicts, *_article_span(lines, verdicts), edge_match)
    if any(line.text for line in lines) and all(
        v is not None for line, v in zip(lines, verdicts, strict=True) if line.text
    ):
        # Never delete a whole document silently. Plain text stays, repaired (more likely the
        # rules are wrong about it than that someone sent nothing but junk); what an extractor
        # got from an HTML page of nothing but junk goes, with the warning.
        rule_ids = sorted({v[0] for v in verdicts if v is not None})
        if warnings is not None:
            warnings.append(
                f"{stage}: every line looked like boilerplate ({', '.join(rule_ids[:5])}); "
                + ("the output is empty" if extracted else "the text was kept as it was")
            )
        if not extracted:
            verdicts = [None] * len(lines)
    kept: list[str] = []
    sources: list[_Sources] = []
    last_kept: _Line | None = None
    # A removed line stands between the last kept line and this one, or the last kept line grew
    # by a join: either way the unwrap decision is taken again.
    recheck = False
    for line, verdict in zip(lines, verdicts, strict=True):
        if not line.text:
            if kept and kept[-1] != "":
                kept.append("")
                sources.append([])
            recheck = False
            continue
        if verdict is not None:
            recheck = True
            rule_id, detail = verdict
            changes.append(
                Change(
                    stage,
                    "remove",
                    line.original,
                    "",
                    line.start,
                    line.end,
                    rule=rule_id,
                    detail=detail,
                )
            )
            continue
        if line.repairs:
            changes.append(
                Change(
                    stage,
                    "repair",
                    line.original,
                    line.text,
                    line.start,
                    line.end,
                    rule="+".join(line.repairs),
                )
            )
        joined = False
        if (
            recheck
            and last_kept is not None
            and kept
            and kept[-1]
            and _continues(kept[-1], line.text, wrap_widths)
        ):
            # A hard-wrapped sentence that a junk line interrupted ("... the trial\nShare\n
            # met its endpoint"): joined now, as a second run would join it.
            joiner = "" if _CJK.match(line.text[0]) or _CJK.search(kept[-1][-1]) else " "
            changes.append(
                Change(
                    stage, "repair", "\n", joiner, last_kept.end, last_kept.end + 1, rule="unwrap"
                )
            )
            sources[-1].append((line, len(kept[-1]) + len(joiner)))
            kept[-1] += joiner + line.text
            joined = True
        else:
            kept.append(line.text)
            sources.append([(line, 0)])
        last_kept, recheck = line, joined
    while kept and kept[-1] == "":
        kept.pop()
        sources.pop()
    changes.sort(key=lambda c: (c.start or 0, c.action != "repair"))
    return kept, sources, changes


def _kept_segments(
    text: str, kept: Sequence[str], sources: Sequence[_Sources]
) -> list[tuple[int, int, int]]:
    """Where the text of ``text`` that :func:`_clean` kept as it was went: (start, end, new
    start) runs, in order. A line it repaired (not only joined) has none."""
    out: list[tuple[int, int, int]] = []
    at = 0  # where the kept line starts in the new text
    for line_text, parts in zip(kept, sources, strict=True):
        for line, offset in parts:
            if text[line.start : line.end] != line.original:
                continue
            runs: list[tuple[int, int, int]] = []
            pos, j = line.start, offset
            for k, raw in enumerate(line.original.split("\n")):
                if k:  # the line break: joined by a space, or by nothing (Chinese)
                    pos += 1
                    j += line_text.startswith(" ", j) and not raw.startswith(" ")
                if not line_text.startswith(raw, j):
                    runs = []
                    break
                runs.append((pos, pos + len(raw), at + j))
                pos, j = pos + len(raw), j + len(raw)
            if j == offset + len(line.text):
                out.extend(runs)
        at += len(line_text) + 1
    return out


def removed_spans(changes: Sequence[Change]) -> list[tuple[int, int]]:
    """The (start, end) offsets of the lines the stage removed (for audits and evaluation)."""
    return [
        (c.start, c.end)
        for c in changes
        if c.action == "remove" and c.start is not None and c.end is not None
    ]


# --- lines and repairs ---------------------------------------------------------------------------


def _split(text: str) -> list[_Line]:
    out: list[_Line] = []
    pos = 0
    # each line with its line break (for the offsets) and without it
    for raw, body in zip(text.splitlines(keepends=True), text.splitlines(), strict=True):
        if not body:  # (a blank line: nothing to repair or judge)
            out.append(_Line(pos, pos, "", "", "", False))
            pos += len(raw)
            continue
        repaired, repairs = repair_line(body)
        out.append(
            _Line(
                pos,
                pos + len(body),
                body,
                repaired,
                _norm(repaired),
                is_sentence(repaired),
                repairs,
            )
        )
        pos += len(raw)
    return out


def repair_line(line: str) -> tuple[str, tuple[str, ...]]:
    """Repair one line; returns the new line and the names of the repairs made. Full-width
    letters and digits become half-width only in Chinese text (a line with CJK characters)."""
    repairs: tuple[str, ...] = ()
    ascii_only = line.isascii()  # then there are no zero-width, full-width or CJK characters
    # Whitespace first, so that a second pass sees what ftfy saw the first time (idempotence).
    # usual: nothing to collapse (every character _ODD_SPACE finds is not printable)
    if "  " not in line and (line.isprintable() or _ODD_SPACE.search(line) is None):
        text = line.strip()
    else:
        text = _INNER_SPACE.sub(" ", line if ascii_only else _ZERO_WIDTH.sub("", line)).strip()
    if text != line:
        repairs += ("whitespace",)
    if (
        ("&" in text or (not ascii_only and _MOJIBAKE_LEAD.search(text)))  # a quick first look
        and _MOJIBAKE_HINT.search(text)
    ):
        fixed = text
        for _ in range(3):  # ftfy until it is stable
            again = _INNER_SPACE.sub(" ", _ftfy(fixed)).strip()
            if again == fixed:
                break
            fixed = again
        if fixed != text:
            text = fixed
            repairs += ("mojibake",)
    if not text.isascii() and _FULLWIDTH_ALNUM.search(text) and _CJK.search(text):
        text = _FULLWIDTH_ALNUM.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
        repairs += ("fullwidth",)
    artifact = _LEADING_ARTIFACT.match(text)
    if artifact is not None and artifact.end():
        repairs += ("artifact",)
        text = text[artifact.end() :]
    return text, repairs


def _norm(repaired: str) -> str:
    """normalize_line of a repaired line, which has single spaces only, apart perhaps from
    the two spaces repair_line leaves alone (ideographic and Ogham)."""
    if repaired.isascii():
        return repaired.lower()
    if "\u3000" in repaired or "\u1680" in repaired:
        return normalize_line(repaired)
    return repaired.casefold()


def _ftfy(text: str) -> str:
    import ftfy

    # Keep full-width punctuation (Chinese commas are full-width forms) and curly quotes.
    return ftfy.fix_text(
        text,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        fix_latin_ligatures=False,
        normalization="NFC",
        explain=False,
    )


def _unwrap(
    lines: list[_Line], changes: list[Change], stage: str, wrap_widths: set[int] | None = None
) -> list[_Line]:
    """Join hard-wrapped lines: a line that stops mid-sentence continues on the next one.
    ``wrap_widths``: :func:`_wrap_widths` of ``lines`` when the caller has it."""
    if wrap_widths is None:
        wrap_widths = _wrap_widths(lines)
    out: list[_Line] = []
    for line in lines:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.text
            and line.text
            and _continues(prev.text, line.text, wrap_widths)
        ):
            joiner = "" if _CJK.match(line.text[0]) or _CJK.search(prev.text[-1]) else " "
            text = prev.text + joiner + line.text
            changes.append(
                Change(
                    stage,
                    "repair",
                    f"{prev.original}\n{line.original}",
                    text,
                    prev.start,
                    line.end,
                    rule="unwrap",
                )
            )
            out[-1] = _Line(
                prev.start,
                line.end,
                f"{prev.original}\n{line.original}",
                text,
                _norm(text),
                is_sentence(text),
                (),
            )
            continue
        out.append(line)
    return out


def _continues(prev: str, nxt: str, wrap_widths: set[int]) -> bool:
    if len(prev) >= UNWRAP_MIN_CHARS and prev[-1] in _WRAP_ENDS and nxt[:1] in _LOWER_ASCII:
        return True
    return (
        bool(wrap_widths)
        and len(prev) in wrap_widths
        and bool(_CJK.search(prev[-1]))
        and bool(_CJK.match(nxt[0]))
    )


def _wrap_widths(lines: Sequence[_Line]) -> set[int]:
    """Line lengths that recur among unpunctuated CJK lines: the width a page was wrapped at."""
    counts: dict[int, int] = {}
    for line in lines:
        if len(line.text) >= 16 and _is_cjk(line.text[-1]):
            counts[len(line.text)] = counts.get(len(line.text), 0) + 1
    return {n for n, c in counts.items() if c >= 3} | {n + 1 for n, c in counts.items() if c >= 3}


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def _cjk_count(text: str, start: int = 0, end: int = sys.maxsize) -> int:
    """How many CJK characters ``text[start:end]`` has (counted by runs: fewer objects)."""
    return sum(map(len, _CJK_RUN.findall(text, start, end)))


def _ends_sentence(text: str) -> bool:
    """Whether ``text`` ends (trailing spaces aside) with sentence-final punctuation."""
    return text.rstrip()[-1:] in _SENTENCE_END_CHARS


def _at_least(count: int, pattern: re.Pattern[str], text: str, end: int = sys.maxsize) -> bool:
    """Whether ``pattern`` matches at least ``count`` times in ``text[:end]`` (it stops
    looking there: a sentence's third lower-case word comes early)."""
    return next(islice(pattern.finditer(text, 0, end), count - 1, None), None) is not None


def is_sentence(line: str) -> bool:
    """Whether a line reads as an article sentence (English or Chinese)."""
    ascii_only = line.isascii()
    if ascii_only or not _CJK.search(line):  # (one quick scan for most non-ASCII lines)
        cjk = 0
    elif _cjk_count(line, 0, 2 * SENTENCE_LONG_CJK) >= SENTENCE_LONG_CJK:
        return True  # a long Chinese line (counting only its start is enough)
    else:
        cjk = _cjk_count(line)
    if cjk >= SENTENCE_MIN_CJK:
        return (
            cjk >= SENTENCE_LONG_CJK
            or _ZH_CLAUSE.search(line) is not None
            or line.find("：", ZH_LABEL_MAX_CHARS + 1) >= 0
            or _ends_sentence(line)
        )
    if (len(line) + 1) // 2 + cjk // 2 < SENTENCE_MIN_WORDS:
        return False  # too short for that many words (a word and a gap take two characters)
    word_re, lower_re = (_WORD_ASCII, _LOWER_WORD_ASCII) if ascii_only else (_WORD, _LOWER_WORD)
    if len(line) > SENTENCE_PREFIX_CHARS:
        # A long line: if its opening words already make a sentence, the whole line does
        # (counts only grow; cut at a space so that no word is split).
        cut = line.rfind(" ", 0, SENTENCE_PREFIX_CHARS)
        if (
            cut > 0
            and len(word_re.findall(line, 0, cut)) >= SENTENCE_LONG_WORDS
            and _at_least(3, lower_re, line, cut)
        ):
            return True
    words = len(word_re.findall(line))
    if words + cjk // 2 < SENTENCE_MIN_WORDS:
        return False
    if not _at_least(3, lower_re, line):  # Title Case menus and headline lists are not prose
        return False
    return words >= SENTENCE_LONG_WORDS or bool(_ends_sentence(line))


# --- classification ------------------------------------------------------------------------------

Verdict = tuple[str, str] | None


def _classify(
    lines: Sequence[_Line],
    rules: RuleSet,
    profile: SiteProfile | None,
    url: str | None,
    *,
    short_guard: bool = True,
    template: tuple[str, frozenset[str]] = ("", frozenset()),
) -> tuple[list[Verdict], list[str | None]]:
    """The rules' verdict on each line, and the edges-only rule that matches it, by id (removed
    or not: a feature for the classifier, and ``BYLINE_RULES`` for the edge clusters)."""
    n = len(lines)
    verdicts: list[Verdict] = [None] * n
    edge_hits: list[Rule | None] = [None] * n
    site_rules = profile.rules if profile else ()
    site_matcher = profile.matcher if profile else None
    site_label = _site_label(url)
    seen: set[str] = set()
    # the rules' matches, all lines at once (see Matcher.first_many); not for the lines that
    # the site's exact lines or the batch's template lines remove first
    ask = [
        i
        for i, line in enumerate(lines)
        if line.text
        and not (profile is not None and line.norm in profile.lines)
        and line.norm not in template[1]
    ]
    matched: dict[int, Rule | None] = dict(
        zip(ask, _first_matches([lines[i] for i in ask], site_matcher, rules.matcher), strict=True)
    )
    # (a line only an edges rule matches is judged too: "By X | date | 3 min read" in between
    # two teasers is as much junk as at the top)
    composite = _composite(
        lines, rules, [i for i in ask if (hit := matched[i]) is None or hit.where == "edges"]
    )
    for i, line in enumerate(lines):
        if not line.text:
            continue
        if profile is not None and line.norm in profile.lines:
            verdicts[i] = (
                f"site:{profile.site}",
                f"exact line of the site profile {profile.source}",
            )
            continue
        if line.norm in template[1]:
            verdicts[i] = (
                "site-template",
                f"recurs on the pages of {template[0]} in this batch (a site template)",
            )
            continue
        rule = matched[i]
        if i in composite:
            verdicts[i] = composite[i]
            continue
        if rule is not None:
            if rule.where == "edges":
                edge_hits[i] = rule
            else:
                verdicts[i] = (rule.id, f"{rule.source}")
            continue
        if (
            _NOT_TEXT.fullmatch(line.text)
            and "|" not in line.text
            and not _QUOTED.search(line.text)  # a silent reply in dialogue: “……”
        ):
            verdicts[i] = ("punctuation-only", "a line with no letters or digits")
        elif len(line.norm) <= 8 and line.norm.replace(".", "").replace(" ", "").isdigit():
            verdicts[i] = ("number-only", "a short line that is only a number (counters, pagers)")
        elif line.norm in seen and len(line.norm) + _cjk_count(line.norm) >= REPEAT_MIN_CHARS:
            verdicts[i] = ("repeated-line", "a repeated copy of an earlier line (the first stays)")
        elif site_label and _NOT_TEXT.sub("", line.norm) == site_label:
            verdicts[i] = ("site-name", f"the site's name ({host_of(url)}) on a line of its own")
        seen.add(line.norm)
    _keep_the_copy_in_the_article(lines, verdicts)

    edge_match = [None if rule is None else rule.id for rule in edge_hits]
    if short_guard and _is_short_record(lines):
        # Only what judged a line by itself stands (and the site-name guess above goes too, as
        # does an interface label: "Comments" alone may be a record's field).
        return [
            v if v is None or v[0] not in _SHORT_RECORD_GUESSES else None for v in verdicts
        ], edge_match

    grammar = rules.grammar
    if grammar is not None and any(v is not None and v[0] in grammar.list_starts for v in verdicts):
        # the bullet list under a paywall prompt
        for i, verdict in cta_list(grammar, lines, verdicts).items():
            verdicts[i] = verdict
    ends = rules.ends_article | {rule.id for rule in site_rules if rule.ends_article}
    _cut_after_end_marker(lines, verdicts, ends)
    first, last = _article_span(lines, verdicts)
    for i, rule in enumerate(edge_hits):
        if rule is not None and (i < first or i > last):
            verdicts[i] = (
                rule.id,
                f"{rule.source} (junk cluster at the {'start' if i < first else 'end'})",
            )
    for i, line in enumerate(lines):
        if verdicts[i] is not None or not line.text or line.sentence:
            continue
        if (
            i < first
            and len(_WORD.findall(line.text)) == 1
            and not _CJK.search(line.text)
            and len(line.text) <= HEAD_WORD_MAX_CHARS
            and not _ends_sentence(line.text)
            and not _QUOTED.search(line.text)  # a one-word reply in dialogue
        ):
            verdicts[i] = ("head-single-word", "a one-word line before the article (a menu item)")
        elif site_label and (
            _NOT_TEXT.sub("", line.norm) == site_label
            or (
                (i < first or i > last)
                and _NOT_TEXT.sub("", line.norm).startswith(site_label)
                and len(_WORD.findall(line.text)) <= SITE_LINE_MAX_WORDS
            )
        ):
            verdicts[i] = (
                "site-name",
                f"a short line that starts with the site's name ({host_of(url)})",
            )
    _related_list_at_end(lines, verdicts, last)
    _grow_edge_clusters(lines, verdicts, first, last, edge_match)
    return verdicts, edge_match


def _composite(
    lines: Sequence[_Line], rules: RuleSet, candidates: Sequence[int]
) -> dict[int, tuple[str, str]]:
    """The composite-line verdicts (normalize/strip/compose.py) on lines no rule matched."""
    if rules.grammar is None or not candidates:
        return {}
    matcher = rules.matcher

    def rule_of(parts: list[str]) -> list[Rule | None]:
        # each part judged as a line of its own: a part that reads as a sentence is not a field
        return matcher.first_many(parts, [is_sentence(p) for p in parts])

    return judge_lines(rules.grammar, lines, candidates, rule_of)


def model_inputs(
    lines: Sequence[_Line],
    verdicts: Sequence[Verdict],
    edge_match: Sequence[str | None],
    cache: dict[str, object] | None = None,
    lexicon: Mapping[str, float] | None = None,
    words: Words | None = None,
) -> tuple[list[int], list[list[float]]]:
    """The lines the classifier judges (non-empty, kept by the rules), as indexes into
    ``lines``, and their feature rows, computed on those lines alone, in order: what a second
    run over the output would see."""
    idx = [i for i, line in enumerate(lines) if line.text and verdicts[i] is None]
    rows = line_features(
        [lines[i].text for i in idx],
        [lines[i].sentence for i in idx],
        [edge_match[i] is not None for i in idx],
        cache,
        lexicon,
        words,
    )
    return idx, rows


def _apply_model(
    lines: Sequence[_Line],
    verdicts: list[Verdict],
    edge_match: Sequence[str | None],
    model: LineModel,
    *,
    short_guard: bool,
) -> bool:
    """Let the classifier judge the lines the rules kept; whether it removed any."""
    cache: dict[str, object] = {}  # each line's own measures, for the later passes
    removed_any = False
    for _ in range(MODEL_PASSES):
        if short_guard and _is_short_record(
            [line for i, line in enumerate(lines) if verdicts[i] is None]
        ):
            return removed_any
        idx, rows = model_inputs(
            lines, verdicts, edge_match, cache, model.lexicon, model.words
        )
        probs = model.probabilities(rows)
        removed = False
        go_lines = model.decide(probs, model.thresholds(rows), model.smoothable(rows))
        # the same text, the same decision: a repeated line the model takes in one place goes
        # everywhere (kept once, by its place, it would go on a second run: not idempotent)
        going = {lines[i].text for i, go in zip(idx, go_lines, strict=True) if go}
        go_lines = [go or lines[i].text in going for i, go in zip(idx, go_lines, strict=True)]
        for i, go, p in zip(idx, go_lines, probs, strict=True):
            if go:
                verdicts[i] = ("line-model", f"line classifier: boilerplate p={p:.2f}")
                removed = removed_any = True
        if not removed:
            return removed_any
    return removed_any


# Verdicts that do not stand in a short document of no sentence (see _is_short_record).
_SHORT_RECORD_GUESSES = frozenset({"site-name", "ui-label"})


def _is_short_record(lines: Sequence[_Line]) -> bool:
    """A headline, a name, a one-line record, a short name list: few lines, no sentence."""
    texts = [line for line in lines if line.text]
    return len(texts) <= SHORT_DOC_MAX_LINES and not any(line.sentence for line in texts)


def _related_list_at_end(lines: Sequence[_Line], verdicts: list[Verdict], last: int) -> None:
    """After the last sentence, a run of headline-like list items is a related-articles list."""
    run: list[int] = []
    for i in range(last + 1, len(lines)):
        if not lines[i].text or verdicts[i] is not None:
            continue
        if (
            _BULLET.match(lines[i].text)
            and len(_WORD.findall(lines[i].text)) + _cjk_count(lines[i].text) // 2
            >= RELATED_ITEM_MIN_WORDS
        ):
            run.append(i)
        else:
            run = []
        if len(run) >= RELATED_MIN_ITEMS:
            break
    if len(run) < RELATED_MIN_ITEMS:
        return
    before = run[0] - 1
    while before >= 0 and not lines[before].text:
        before -= 1
    if before >= 0 and lines[before].text.endswith((":", "：")):
        return  # a list the article introduces is content
    for i in range(run[0], len(lines)):
        if verdicts[i] is None and lines[i].text and _BULLET.match(lines[i].text):
            verdicts[i] = ("related-list", "headline list after the last article sentence")


def _first_matches(
    lines: Sequence[_Line], site_matcher: Matcher | None, matcher: Matcher
) -> list[Rule | None]:
    """The first rule matching each line: the site's rules first, then the generic ones. A
    sentence or a long line is only tested against rules that may remove sentences."""
    norms = [line.norm for line in lines]
    strong = [line.sentence or len(line.norm) > SHORT_LINE_CHARS for line in lines]
    found = matcher.first_many(norms, strong)
    if site_matcher is None:
        return found
    return [a or b for a, b in zip(site_matcher.first_many(norms, strong), found, strict=True)]


def _cut_after_end_marker(
    lines: Sequence[_Line], verdicts: list[Verdict], markers: AbstractSet[str]
) -> None:
    """Remove what follows an end-of-article marker when little article text comes after it,
    up to a run of paragraphs where the article resumes."""
    total = sum(
        len(line.text) for i, line in enumerate(lines) if line.sentence and verdicts[i] is None
    )
    if not total:
        return
    resumed = 0  # where the article resumed after the last cut: later markers may end it again
    for i, verdict in enumerate(verdicts):
        if i < resumed or verdict is None or verdict[0] not in markers:
            continue
        if not any(lines[j].sentence and verdicts[j] is None for j in range(i)):
            continue  # a marker before any article text is a menu, not the end
        after = sum(
            len(lines[j].text)
            for j in range(i + 1, len(lines))
            if lines[j].sentence and verdicts[j] is None
        )
        if after <= ENDS_ARTICLE_MAX_SHARE * total:
            resumed = _resumes(lines, verdicts, i + 1)
            for j in range(i + 1, resumed):
                if verdicts[j] is None and lines[j].text:
                    verdicts[j] = (
                        f"after:{verdict[0]}",
                        f"after the end-of-article marker on line {lines[i].original[:40]!r}",
                    )


def _resumes(lines: Sequence[_Line], verdicts: Sequence[Verdict], start: int) -> int:
    """Where, from ``start``, ENDS_ARTICLE_RESUME_LINES kept paragraphs in a row begin (blank
    lines between them aside); len(lines) when nowhere."""
    run: list[int] = []
    for j in range(start, len(lines)):
        if lines[j].text:
            run = [*run, j] if verdicts[j] is None and _is_paragraph(lines[j]) else []
            if len(run) == ENDS_ARTICLE_RESUME_LINES:
                return run[0]
    return len(lines)


def _is_paragraph(line: _Line) -> bool:
    """A long article sentence: SENTENCE_LONG_CJK CJK characters or SENTENCE_LONG_WORDS words."""
    if not line.sentence:
        return False
    text = line.text
    return (
        _cjk_count(text, 0, 2 * SENTENCE_LONG_CJK) >= SENTENCE_LONG_CJK
        or len(_WORD.findall(text)) >= SENTENCE_LONG_WORDS
    )


def _article_span(lines: Sequence[_Line], verdicts: Sequence[Verdict]) -> tuple[int, int]:
    """The first and last kept article sentence (the anchors); (len(lines), -1) when none."""
    anchors = [i for i, line in enumerate(lines) if line.sentence and verdicts[i] is None]
    return (anchors[0], anchors[-1]) if anchors else (len(lines), -1)


def _grow_edge_clusters(
    lines: Sequence[_Line],
    verdicts: list[Verdict],
    first: int,
    last: int,
    edge_match: Sequence[str | None],
) -> None:
    """A short run of name- or label-like lines next to removed junk is part of the junk cluster
    (a byline after "Posted by:", a site name above a date). Inside the article the run must
    have junk on both sides, or on one side when an edges-only rule names a line of it (a
    byline, "By Jane Doe" / "Senior Editor", between the standfirst and the dateline). Longer
    runs are lists or tables and stay."""
    n = len(lines)
    i = 0
    while i < n:
        if verdicts[i] is not None or not lines[i].text or not _label_like(lines[i].text):
            i += 1
            continue
        run = [i]
        j = i + 1
        while j < n and (not lines[j].text or (verdicts[j] is None and _label_like(lines[j].text))):
            if lines[j].text:
                run.append(j)
            j += 1
        i = j
        if len(run) > CLUSTER_MAX_RUN:
            continue
        before = _removed_neighbour(lines, verdicts, run[0], -1)
        after = _removed_neighbour(lines, verdicts, run[-1], 1)
        inside = first <= run[0] <= last and first <= run[-1] <= last
        if inside:
            named = any(edge_match[k] in BYLINE_RULES for k in run)
            hit = (before and after) or (named and (before or after))
            where = (
                "inside the article, between junk lines"
                if before and after
                else "inside the article, a byline or label next to junk"
            )
        else:
            # A run at the very end counts as junk only after some article text (a name list
            # with no sentence at all is data, not a signature).
            hit = before or after or (0 <= last < run[0] and _at_end(lines, run[-1]))
            where = f"at the {'start' if run[0] < first else 'end'}, next to junk"
        if hit:
            for k in run:
                verdicts[k] = ("edge-cluster", f"a short name or label {where}")


def _keep_the_copy_in_the_article(lines: Sequence[_Line], verdicts: list[Verdict]) -> None:
    """Move a repeated line's surviving copy next to the article (see REPEAT_FAR)."""
    repeats = {lines[i].norm for i, v in enumerate(verdicts) if v and v[0] == "repeated-line"}
    if not repeats:
        return
    # distance of each non-empty line to the nearest kept article sentence, in non-empty lines
    text_lines = [i for i, line in enumerate(lines) if line.text]
    distances = sentence_distances(
        [lines[i].sentence and verdicts[i] is None for i in text_lines]
    )
    distance = dict(zip(text_lines, distances, strict=True))
    copies: dict[str, list[int]] = {}  # the kept copy and the repeated ones, in order
    for i in text_lines:
        verdict = verdicts[i]
        if lines[i].norm in repeats and (verdict is None or verdict[0] == "repeated-line"):
            copies.setdefault(lines[i].norm, []).append(i)
    for first, *later in copies.values():
        if verdicts[first] is not None or distance[first] <= REPEAT_FAR:
            continue
        near = [i for i in later if distance[i] <= REPEAT_NEAR]
        if near:
            keep = min(near, key=lambda i: (distance[i], i))
            verdicts[keep] = None
            verdicts[first] = (
                "repeated-line",
                "a repeated copy, away from the article, of a line that stays next to it",
            )


def _removed_neighbour(
    lines: Sequence[_Line], verdicts: Sequence[Verdict], i: int, step: int
) -> bool:
    j = i + step
    while 0 <= j < len(lines) and not lines[j].text:
        j += step
    return 0 <= j < len(lines) and verdicts[j] is not None


def _at_end(lines: Sequence[_Line], i: int) -> bool:
    return all(not line.text for line in lines[i + 1 :])


def _label_like(text: str) -> bool:
    if _LABEL_BREAKERS.search(text):
        return False
    cjk = 0 if text.isascii() else _cjk_count(text)
    if cjk:
        return (
            2 <= cjk <= CLUSTER_MAX_CJK
            and not _ZH_PUNCT.search(text)
            and not _LABEL_BREAKERS.search(text)
        )
    words = _WORD.findall(text)
    if (
        not 0 < len(words) <= CLUSTER_MAX_WORDS
        or _ends_sentence(text)
        or _LABEL_BREAKERS.search(text)
    ):
        return False
    # Names and labels: every word capitalised ("Jane Doe", "Fierce Biotech", "NEWS CENTER").
    return all(
        w[0].isupper() or not w[0].isalpha() for w in words if w.lower() not in _NAME_JOINERS
    )


def _site_label(url: str | None) -> str:
    """The site's name as letters only: "intuitionlabs" for https://www.intuitionlabs.ai/x."""
    host = host_of(url)
    if not host:
        return ""
    parts = host.split(".")
    label = (
        parts[-3]
        if len(parts) >= 3 and parts[-2] in ("com", "co", "org", "net", "gov", "edu")
        else (parts[-2] if len(parts) >= 2 else parts[0])
    )
    return label if len(label) >= 4 else ""


def rule_pass(
    text: str, rules: RuleSet, url: str | None = None
) -> tuple[list[_Line], list[Verdict], list[str | None]]:
    """The lines of ``text`` as the stage sees them (repaired, unwrapped; offsets index
    ``text``), the rules' verdicts and the edges-rule matches (rule ids): what the line
    classifier is trained on (benchmarks/train_line_model.py)."""
    lines = _unwrap(_split(text), [], "strip")
    verdicts, edge_match = _classify(lines, rules, rules.site_for(url), url)
    return lines, verdicts, edge_match

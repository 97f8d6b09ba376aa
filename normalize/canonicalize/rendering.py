"""Rendering: the document's text with each name found written as the glossary writes it, and
the entities, changes and suggestions that record what was done.

A name is rewritten unless it is already written as the entry accepts; codes take the
glossary's spelling; other names take the entry's full form at the first mention and its short
form after (:func:`render_name`), capitalized where a sentence opens (hard-wrapped lines do not
open one). Chinese text is annotated only: its entities are recorded, its words kept."""

from __future__ import annotations

import re
from collections.abc import Sequence

from normalize.canonicalize import thresholds
from normalize.canonicalize.index import _SPAN_STOP, Index
from normalize.canonicalize.keys import Token, cjk_share, compact
from normalize.canonicalize.matches import (
    _ABBREVIATIONS,
    _CAPITAL_AFTER,
    Match,
    _abbreviation_before,
    char_span,
)
from normalize.document import Change, Document, Entity, Suggestion
from normalize.glossary.entries import Entry, Glossary

# A period that ends a sentence: before a capital (or CJK) or at a line's end.
_PERIOD_ENDS_SENTENCE = re.compile(r"\.[\"'”’)\]]*(?:\s+[A-Z\u3400-\u9fff]|[ \t]*(?:\n|$))")
_LAST_BRACKETS = re.compile(r"\s*([(（][^()（）]*[)）])$")
_SENTENCE_END = re.compile(r"(?:^|[.!?。！？]\s*|\n\s*)[\"'“‘(\[]*$")
# A legal suffix whose period reads as a sentence end before a capital (:func:`.matches.
# _abbreviation_before`): "Ltd.", "Inc.", "Corp." ("Co." and "S.A." are read as abbreviations).
_LEGAL_SUFFIX = re.compile(r",?\s+(?:Ltd|Inc|Corp)\.$")
_FOLLOWING_CHARS = 64  # enough for closing quotes and spaces before the next word


def render(
    doc: Document,
    matches: Sequence[Match],
    suggestions: Sequence[Suggestion],
    tokens: Sequence[Token],
    glossary: Glossary,
    index: Index,
) -> Document:
    """``doc`` with ``matches`` (found in its text) written in canonical form, every name
    recorded as an entity, every rewrite as a change, and ``suggestions`` added."""
    text = doc.text
    rewrite = cjk_share(text) < thresholds.CHINESE_TEXT_SHARE
    protected = [(e.start, e.end) for e in doc.entities]
    seen: set[str] = {e.id for e in doc.entities}
    # each name placed: its input range, what it was and becomes, and its match and entry
    placed: list[tuple[int, int, str, str, Match, Entry]] = []
    cursor = 0
    for m in matches:
        start, end = char_span(m, tokens)
        if start < cursor:
            continue
        if any(s < end and start < e for s, e in protected):
            continue
        entry = glossary[m.entry_id]
        surface = text[start:end]
        first = entry.id not in seen
        seen.add(entry.id)
        replacement = surface
        if not rewrite or entry.former or m.method == "jurisdiction":
            pass  # a former name is history; a generic phrase told apart by its sentence stays
        elif m.form.kind in ("code", "ticker"):
            replacement = m.form.text  # "SHR A1811" -> the glossary's "SHR-A1811"
        elif m.method == "conflict" or (
            (compact(surface) if m.chars else "".join(t.bare for t in tokens[m.start : m.end]))
            not in index.accepted.get(entry.id, set())
        ):
            # a bounded window each side: slicing the whole text per name is quadratic
            replacement = render_name(
                entry,
                first,
                text[max(0, start - _CONTEXT_CHARS) : start],
                text[end : end + _CONTEXT_CHARS],
                text[start : start + 1],
                text[max(cursor, start - _CONTEXT_CHARS) : start],
            )
            last = replacement.rsplit(" ", 1)[-1]
            if (
                text[end : end + 1] == "."
                and text[end + 1 : end + 2] != "."  # "Inc..": the second is the text's
                and not replacement.endswith(".")
                and m.chars is None
                and tokens[m.end - 1].key in _ABBREVIATIONS
                and _PERIOD_ENDS_SENTENCE.match(text, end) is None
            ):
                # "Chipscreen Ltd. and" -> "Shenzhen Chipscreen Biosciences and": the period
                # was the abbreviation's; kept, a second run would read a sentence end there
                surface, end = text[start : end + 1], end + 1
            after = text[end : end + 3]
            if (
                last.endswith("s")
                and last.casefold() in index.company_words
                and after[:2] in ("'s", "’s")
                and not after[2:3].isalnum()
            ):
                # "Hengrui Medicine's" -> "Jiangsu Hengrui Pharmaceuticals'"
                replacement += after[0]
                surface, end = text[start : end + 2], end + 2
            elif replacement.endswith(".") and after[:1] == ".":
                # "Ipsen Inc." -> "Ipsen S.A.": the name's period and the text's are one
                surface, end = text[start : end + 1], end + 1
        placed.append((start, end, surface, replacement, m, entry))
        cursor = end
    replacements = _without_new_sentence_ends(text, placed)
    pieces: list[str] = []
    entities: list[Entity] = []
    changes: list[Change] = []
    shift_points: list[tuple[int, int]] = []  # (input offset, delta) for prior entities
    cursor = out_len = 0
    for (start, end, surface, _, m, entry), replacement in zip(placed, replacements, strict=True):
        pieces.append(text[cursor:start])
        out_len += start - cursor
        out_start = out_len
        pieces.append(replacement)
        out_len += len(replacement)
        cursor = end
        named = glossary.current(entry)
        entities.append(
            Entity(
                named.id,
                named.canonical,
                named.type,
                surface,
                out_start,
                out_start + len(replacement),
                round(m.score, 1),
                m.method,
                former=named is not entry,
                former_id=entry.id if named is not entry else None,
            )
        )
        if replacement != surface:
            changes.append(
                Change(
                    "canonicalize",
                    "replace",
                    surface,
                    replacement,
                    start,
                    end,
                    rule=m.method,
                    detail=f"{entry.id} (score {m.score:.0f}, via {m.form.kind} {m.form.text!r})",
                )
            )
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


def _without_new_sentence_ends(
    text: str, placed: Sequence[tuple[int, int, str, str, Match, Entry]]
) -> list[str]:
    """The names to write, a legal suffix left off where the text had no period and the next
    word, as written, opens with a capital (or is Chinese): "Regeneron TGA" ->
    "Regeneron Pharmaceuticals TGA", not "..., Inc. TGA", which a second run would read as
    two sentences (:func:`.matches._abbreviation_before`: the evidence of the first would not
    have read so). Judged on what follows once written: "KitePharma 氟马替尼" ->
    "Kite Pharma, Inc. flumatinib"."""
    out = [p[3] for p in placed]
    for k, (_, end, surface, replacement, _, _) in enumerate(placed):
        legal = _LEGAL_SUFFIX.search(replacement)
        if legal is None or replacement == surface or surface.endswith("."):
            continue  # (a period written there ended the sentence in the text already)
        following = text[end : placed[k + 1][0]] + out[k + 1] if k + 1 < len(placed) else text[end:]
        if _CAPITAL_AFTER.match(following[:_FOLLOWING_CHARS]):
            out[k] = replacement[: legal.start()]
    return out


_CONTEXT_CHARS = 4096  # text each side of a name that decides how it is written (a line or two)


def render_name(
    entry: Entry,
    first: bool,
    before: str = "",
    after: str = "",
    opens: str = "",
    kept: str | None = None,
) -> str:
    """How ``entry`` is written in running text: its full form (plus its code, where the entry
    asks for it) at the first mention, its short form after; capitalized at a sentence start;
    its first word not repeated when the text has it right before (in ``kept``, the text
    before it that stays as written; ``before`` if not given)."""
    kept = before if kept is None else kept
    name = entry.first_form if first else entry.short_form
    bracketed = _LAST_BRACKETS.search(name)
    if bracketed and after.lstrip().startswith(bracketed.group(1)):
        name = name[: bracketed.start()]  # "... Administration (NMPA)" before "(NMPA)" already
    if (
        first
        and entry.code_at_first
        and entry.codes
        and not re.match(r"\s*[(（]", after)  # a code or gloss in brackets follows already
        and not re.match(r"['’]s\b", after)  # "X (CODE)'s" reads badly
    ):
        name = f"{name} ({entry.codes[0]})"
    if name.startswith("The ") and before[-4:].casefold() == "the ":
        name = name[4:]  # "the Uited Laboratories ..." -> "the United Laboratories ...", once
    elif " " in name and kept.endswith(" "):
        # "Harbin Gloria Pharmaecuticals" -> "Harbin Gloria Pharmaceuticals": a place word
        # left before the name is not written twice
        word, rest = name.split(" ", 1)
        if kept[:-1].rsplit(None, 1)[-1:] == [word] and word[:1].isupper():
            name = rest
    if name[:1].islower() and _starts_sentence(before, opens):
        name = name[0].upper() + name[1:]
    return name


def _starts_sentence(before: str, opens: str = "") -> bool:
    """Whether a name after ``before`` opens a sentence. A line start counts unless the line
    before it is long and ends mid-sentence (a hard-wrapped paragraph); a period only where
    the canonicalizer reads a sentence end (:attr:`.matches.Text.breaks`) before the name as
    written, whose first character is ``opens``: "Ltd. uumolertinib" -> "Ltd. aumolertinib"
    (capitalized, a second run would read "Ltd. Aumolertinib" as two sentences)."""
    tail = before[-4:]
    if _SENTENCE_END.search(tail) is None:
        return False
    stripped = before.rstrip(" \t\"'“‘([")
    if opens and stripped.endswith(".") and _abbreviation_before(before + opens, len(stripped) - 1):
        return False
    head, newline, rest = before.rpartition("\n")
    if not newline or rest.strip(" \t\"'“‘([") or not head.strip():
        return True
    previous = head.rsplit("\n", 1)[-1].rstrip()
    if not previous or previous[-1] in ".!?:。！？：\"”'’)":
        return True
    last_word = previous.rsplit(None, 1)[-1].lower()
    if previous[-1] == "," or last_word in _SPAN_STOP:
        return False  # "... and\nadebelimumab": the sentence goes on
    return len(previous) < thresholds.WRAPPED_LINE_MIN


def _shift(entity: Entity, points: list[tuple[int, int]]) -> Entity:
    return entity.moved(sum(d for pos, d in points if pos <= entity.start))

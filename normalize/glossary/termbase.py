"""Export and import: TBX for CAT tools, two-column CSV/TSV for MT glossary APIs, JSON.

* ``json`` holds everything (the YAML schema as JSON).
* ``tbx`` (TBX-Basic, the ``martif`` dialect memoQ, Trados and Phrase import) holds every field:
  standard data categories carry the meaning for CAT tools (``subjectField``, ``definition``,
  ``termType``, ``administrativeStatus``, ``crossReference``); our other fields travel in custom
  ``x-`` ``descrip`` types (``x-innStatus``, ``x-jurisdiction``, ``x-unverified``,
  ``x-codeAtFirst``, ``x-exampleMatch``, ``x-exampleNoMatch``, ``x-expectedWarning``,
  ``x-status``) and a ``normalize:`` note on each term keeps its field for the way back.
* ``csv``/``tsv`` hold source/target pairs of one language pair (zh-en by default), one row per
  Chinese name, target the English form MT should write: what the DeepL, Google and Amazon
  glossary APIs take. Amazon wants a header row of language codes (``--header``), DeepL and
  Google (unidirectional) want none.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from typing import Any

from normalize.canonicalize.keys import compact
from normalize.errors import GlossaryError
from normalize.glossary.entries import Alias, Entry, Glossary, _entry_from_mapping

FORMATS = ("tbx", "csv", "tsv", "json")
JSON_FORMAT = "normalize-glossary"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# The fields each format carries (what a round trip must keep): TBX and JSON hold them all.
TBX_DROPS: tuple[str, ...] = ()
# Our fields in custom TBX descrip types: descrip type -> (Entry attribute, YAML field).
_TBX_DESCRIPS = {
    "x-innStatus": ("inn_status", "inn_status"),
    "x-jurisdiction": ("jurisdiction", "jurisdiction"),
    "x-years": ("years", "years"),
    "x-unverified": ("unverified", "unverified"),
    "x-exampleMatch": ("examples_match", "examples.match"),
    "x-exampleNoMatch": ("examples_no_match", "examples.no_match"),
    "x-expectedWarning": ("expected_warnings", "expected_warnings"),
}
# What an imported entry's status is when the file does not say: facts from outside are not
# confirmed by our sources, and an import must never make an unverified fact look verified.
IMPORTED_STATUS = "unverified"
# Words that tell a name's type when a two-column file cannot (import --type auto): endings of
# the Chinese name first (they are reliable), then English words (a word's start: "pharma"
# covers "Pharmaceuticals").
_ZH_TYPE_ENDINGS = {
    "drug": ("单抗", "替尼", "注射液", "片", "胶囊", "抗体", "偶联物", "细胞", "注射剂", "颗粒"),
    "company": ("公司", "集团", "药业", "医药", "制药", "生物", "科技", "控股", "药厂"),
    "regulator": ("局", "委员会", "中心", "部", "署"),
    "programme": ("认定", "审评", "程序", "目录", "品种", "通道", "先行区", "试点区", "资格"),
    "document": ("通知", "证书", "公告", "意见", "指南", "批件"),
}
_TYPE_WORDS = {
    "document": ("notice", "certificate", "announcement", "guideline", "guidance", "opinions"),
    "programme": ("designation", "review", "pathway", "procedure", "programme", "program",
                  "catalogue", "catalog", "list", "varieties", "approval", "exclusivity", "zone"),
    "regulator": ("administration", "agency", "commission", "bureau", "ministry", "center for",
                  "centre for", "office", "council", "authority"),
    "company": ("co., ltd", "co. ltd", "ltd", "inc", "corp", "limited", "plc", "gmbh", "pharma",
                "biotech", "bio", "biologics", "group", "therapeutics", "biosciences",
                "biotherap", "holdings", "medicines", "laboratories", "company", "sciences",
                "health", "lab", "cell therapy", "sankyo"),
}  # fmt: skip

# field -> (language, TBX termType, administrativeStatus)
_TBX_TERMS = {
    "canonical": ("en", "fullForm", "preferredTerm-admn-sts"),
    "render.first": ("en", "fullForm", "admittedTerm-admn-sts"),
    "render.short": ("en", "shortForm", "admittedTerm-admn-sts"),
    "aliases": ("en", "variant", "admittedTerm-admn-sts"),
    "former_names": ("en", "fullForm", "supersededTerm-admn-sts"),
    "abbreviations": ("en", "abbreviation", "admittedTerm-admn-sts"),
    "codes": ("en", "partNumber", "admittedTerm-admn-sts"),
    "brands": ("en", "variant", "admittedTerm-admn-sts"),
    "tickers": ("en", "shortForm", "admittedTerm-admn-sts"),
    "zh": ("zh", "fullForm", "preferredTerm-admn-sts"),
    "zh_brands": ("zh", "variant", "admittedTerm-admn-sts"),
}
_NOTE_PREFIX = "normalize:"


# ---- entries as plain dicts (the YAML schema) ------------------------------------------------


def entry_to_dict(entry: Entry) -> dict[str, Any]:
    """An entry in the shape of the YAML schema, defaults left out."""
    d: dict[str, Any] = {"id": entry.id, "type": entry.type, "canonical": entry.canonical}
    render: dict[str, Any] = {
        k: v for k, v in (("first", entry.render_first), ("short", entry.render_short)) if v
    }
    if entry.code_at_first:
        render["code_at_first"] = True
    if render:
        d["render"] = render
    if entry.aliases:
        d["aliases"] = [_alias_to_value(a) for a in entry.aliases]
    for key in ("abbreviations", "codes", "brands", "former_names", "tickers", "zh", "zh_brands"):
        if getattr(entry, key):
            d[key] = list(getattr(entry, key))
    for key in ("company", "parent", "successor"):
        if getattr(entry, key):
            d[key] = getattr(entry, key)
    for key in ("partners", "do_not_confuse"):
        if getattr(entry, key):
            d[key] = list(getattr(entry, key))
    for key, attr in (
        ("class", "klass"),
        ("inn_status", "inn_status"),
        ("jurisdiction", "jurisdiction"),
        ("years", "years"),
    ):
        if getattr(entry, attr):
            d[key] = getattr(entry, attr)
    if entry.status != "verified":
        d["status"] = entry.status
    if entry.unverified:
        d["unverified"] = list(entry.unverified)
    if entry.expected_warnings:
        d["expected_warnings"] = list(entry.expected_warnings)
    if entry.notes:
        d["notes"] = entry.notes
    if entry.sources:
        d["sources"] = list(entry.sources)
    examples = {
        k: list(v)
        for k, v in (("match", entry.examples_match), ("no_match", entry.examples_no_match))
        if v
    }
    if examples:
        d["examples"] = examples
    return d


def _alias_to_value(alias: Alias) -> str | dict[str, str]:
    if alias.match == "fuzzy" and alias.case == "insensitive" and not alias.note:
        return alias.text
    out = {"text": alias.text}
    if alias.match != "fuzzy":
        out["match"] = alias.match
    if alias.case != "insensitive":
        out["case"] = alias.case
    if alias.note:
        out["note"] = alias.note
    return out


def entry_from_dict(data: dict[str, Any], where: str = "<import>") -> Entry:
    """Validate a schema-shaped dict with the glossary loader's own rules."""
    return _entry_from_mapping(json.loads(json.dumps(data)), where)


def comparable(entry: Entry, drop: Sequence[str] = ()) -> Entry:
    """``entry`` without its location and the ``drop`` fields: what round trips compare."""
    blank: dict[str, Any] = {f.name: f.default for f in dataclasses.fields(Entry) if f.name in drop}
    return dataclasses.replace(entry, file="", line=0, **blank)


# ---- JSON ------------------------------------------------------------------------------------


def export_json(glossary: Glossary) -> str:
    # Status is always written: an entry without one is imported as unverified.
    entries = [{**entry_to_dict(e), "status": e.status} for e in glossary]
    payload = {"format": JSON_FORMAT, "version": 1, "entries": entries}
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def import_json(text: str, source: str = "<json>") -> list[Entry]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GlossaryError(f"{source}:{exc.lineno}: malformed JSON: {exc.msg}") from None
    items = data.get("entries") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise GlossaryError(f"{source}: expected {{'entries': [...]}} or a list of entries")
    out = []
    for i, item in enumerate(items):
        if isinstance(item, dict) and "status" not in item:
            item = {**item, "status": IMPORTED_STATUS}
        out.append(entry_from_dict(item, f"{source} entry {i + 1}"))
    return out


# ---- TBX -------------------------------------------------------------------------------------


def export_tbx(glossary: Glossary) -> str:
    root = ET.Element("martif", {"type": "TBX-Basic", XML_LANG: "en"})
    header = ET.SubElement(
        ET.SubElement(ET.SubElement(root, "martifHeader"), "fileDesc"), "sourceDesc"
    )
    ET.SubElement(header, "p").text = "Exported by normalize glossary export"
    body = ET.SubElement(ET.SubElement(root, "text"), "body")
    for entry in glossary:
        body.append(_tbx_entry(entry))
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _tbx_entry(entry: Entry) -> ET.Element:
    node = ET.Element("termEntry", {"id": entry.id})
    ET.SubElement(node, "descrip", {"type": "subjectField"}).text = entry.type
    if entry.klass:
        ET.SubElement(node, "descrip", {"type": "definition"}).text = entry.klass
    for dtype, (attr, _) in _TBX_DESCRIPS.items():
        value = getattr(entry, attr)
        for item in [value] if isinstance(value, str) else value or ():
            ET.SubElement(node, "descrip", {"type": dtype}).text = item
    if entry.code_at_first:
        ET.SubElement(node, "descrip", {"type": "x-codeAtFirst"}).text = "true"
    ET.SubElement(node, "descrip", {"type": "x-status"}).text = entry.status
    if entry.notes:
        ET.SubElement(node, "note").text = entry.notes
    ET.SubElement(node, "note").text = f"{_NOTE_PREFIX} status={entry.status}"
    for fieldname, refs in (
        ("company", [entry.company]),
        ("parent", [entry.parent]),
        ("successor", [entry.successor]),
        ("partners", entry.partners),
        ("do_not_confuse", entry.do_not_confuse),
    ):
        for ref in refs:
            if ref:
                ET.SubElement(
                    node, "ref", {"type": "crossReference", "target": ref}
                ).text = fieldname
    for source in entry.sources:
        ET.SubElement(
            node, "xref", {"type": "externalCrossReference", "target": source}
        ).text = "source"
    terms: list[tuple[str, str, Alias | None]] = [("canonical", entry.canonical, None)]
    terms += [
        (f, v, None)
        for f, v in (("render.first", entry.render_first), ("render.short", entry.render_short))
        if v
    ]
    terms += [("aliases", a.text, a) for a in entry.aliases]
    for fieldname in (
        "former_names",
        "abbreviations",
        "codes",
        "brands",
        "tickers",
        "zh",
        "zh_brands",
    ):
        terms += [(fieldname, v, None) for v in getattr(entry, fieldname)]
    langsets: dict[str, ET.Element] = {}
    for fieldname, text, alias in terms:
        lang, term_type, status = _TBX_TERMS[fieldname]
        if lang not in langsets:
            langsets[lang] = ET.SubElement(node, "langSet", {XML_LANG: lang})
        tig = ET.SubElement(langsets[lang], "tig")
        ET.SubElement(tig, "term").text = text
        ET.SubElement(tig, "termNote", {"type": "termType"}).text = term_type
        ET.SubElement(tig, "termNote", {"type": "administrativeStatus"}).text = status
        policy = f" match={alias.match} case={alias.case}" if alias else ""
        ET.SubElement(tig, "note").text = f"{_NOTE_PREFIX} field={fieldname}{policy}"
        if alias and alias.note:
            ET.SubElement(tig, "note").text = alias.note
    return node


def import_tbx(text: str, source: str = "<tbx>") -> list[Entry]:
    try:
        root = ET.fromstring(text.encode("utf-8") if text.startswith("<?xml") else text)
    except ET.ParseError as exc:
        raise GlossaryError(f"{source}:{exc.position[0]}: malformed TBX/XML: {exc}") from None
    _strip_namespaces(root)
    out = []
    for n, node in enumerate(root.iter("termEntry"), 1):
        out.append(
            entry_from_dict(_tbx_entry_dict(node, n), f"{source} termEntry {node.get('id') or n}")
        )
    for n, node in enumerate(root.iter("conceptEntry"), 1):  # TBX v3 (ISO 30042:2019)
        out.append(
            entry_from_dict(
                _tbx_entry_dict(node, n), f"{source} conceptEntry {node.get('id') or n}"
            )
        )
    return out


def _strip_namespaces(root: ET.Element) -> None:
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.startswith("{"):
            el.tag = el.tag.split("}", 1)[1]


def _tbx_entry_dict(node: ET.Element, n: int) -> dict[str, Any]:
    d: dict[str, Any] = {"id": node.get("id") or f"tbx_{n}"}
    notes = []
    for child in node:
        text = (child.text or "").strip()
        if child.tag == "descrip" and child.get("type") == "subjectField":
            d["type"] = text
        elif child.tag == "descrip" and child.get("type") == "definition":
            d["class"] = text
        elif child.tag == "descrip" and child.get("type") in _TBX_DESCRIPS:
            fieldname = _TBX_DESCRIPS[str(child.get("type"))][1]
            if fieldname.startswith("examples."):
                d.setdefault("examples", {}).setdefault(fieldname[9:], []).append(child.text or "")
            elif fieldname in ("inn_status", "jurisdiction", "years"):
                d[fieldname] = text
            else:
                d.setdefault(fieldname, []).append(text)
        elif child.tag == "descrip" and child.get("type") == "x-codeAtFirst":
            d.setdefault("render", {})["code_at_first"] = text.lower() == "true"
        elif child.tag == "descrip" and child.get("type") == "x-status":
            d["status"] = text
        elif child.tag == "note" and text.startswith(_NOTE_PREFIX):
            meta = _note_fields(text)
            if meta.get("status"):
                d.setdefault("status", meta["status"])
        elif child.tag == "note":
            notes.append(child.text or "")
        elif child.tag == "ref" and child.get("type") == "crossReference":
            fieldname = (
                text
                if text in ("company", "parent", "successor", "partners", "do_not_confuse")
                else "partners"
            )
            if fieldname in ("company", "parent", "successor"):
                d[fieldname] = child.get("target")
            else:
                d.setdefault(fieldname, []).append(child.get("target"))
        elif child.tag == "xref":
            d.setdefault("sources", []).append(child.get("target"))
        elif child.tag == "langSet":
            lang = (child.get(XML_LANG) or child.get("lang") or "en").lower()
            for tig in [*child.iter("tig"), *child.iter("termSec"), *child.iter("ntig")]:
                _tbx_term(tig, lang, d)
    if notes:
        d["notes"] = "\n".join(notes)
    d.setdefault("status", IMPORTED_STATUS)
    if "canonical" not in d:  # a foreign TBX: its first English (else any) term
        d["canonical"] = next(iter(d.get("aliases", []) or d.get("zh", []) or [""]), "")
        if d.get("aliases") and d["aliases"][0] == d["canonical"]:
            d["aliases"] = d["aliases"][1:]
    d.setdefault("type", "drug")
    return d


def _tbx_term(tig: ET.Element, lang: str, d: dict[str, Any]) -> None:
    term = tig.find(".//term")
    if term is None or not (term.text or "").strip():
        return
    text = term.text.strip()  # type: ignore[union-attr]
    meta: dict[str, str] = {}
    alias_note = ""
    for note in tig.iter("note"):
        value = (note.text or "").strip()
        if value.startswith(_NOTE_PREFIX):
            meta = _note_fields(value)
        else:
            alias_note = value
    fieldname = meta.get("field") or ("zh" if lang.startswith("zh") else "aliases")
    if fieldname == "canonical":
        d["canonical"] = text
    elif fieldname.startswith("render."):
        d.setdefault("render", {})[fieldname.split(".", 1)[1]] = text
    elif fieldname == "aliases":
        alias: dict[str, str] = {"text": text}
        if meta.get("match", "fuzzy") != "fuzzy":
            alias["match"] = meta["match"]
        if meta.get("case", "insensitive") != "insensitive":
            alias["case"] = meta["case"]
        if alias_note:
            alias["note"] = alias_note
        d.setdefault("aliases", []).append(alias if len(alias) > 1 else text)
    elif fieldname in _TBX_TERMS:
        d.setdefault(fieldname, []).append(text)


def _note_fields(text: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in re.finditer(r"(\w+)=(\S+)", text[len(_NOTE_PREFIX) :])}


# ---- two-column CSV/TSV ----------------------------------------------------------------------


def glossary_pairs(glossary: Glossary, pair: str = "zh-en") -> list[tuple[str, str]]:
    """(source, target) rows: each Chinese name with the English MT should write for it; a
    Chinese brand pairs with the English brand, or is left out when there is none."""
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    for entry in glossary:
        for zh in entry.zh:
            if zh not in seen:
                seen.add(zh)
                rows.append((zh, entry.first_form))
        if entry.brands:
            for zh in entry.zh_brands:
                if zh not in seen:
                    seen.add(zh)
                    rows.append((zh, entry.brands[0]))
    if pair == "en-zh":
        rows = [(en, zh) for zh, en in rows]
    elif pair != "zh-en":
        raise GlossaryError(f"language pair must be zh-en or en-zh, not {pair!r}")
    return rows


def dropped_fields(glossary: Glossary, fmt: str) -> dict[str, int]:
    """Per field, how many entries have something in it that ``fmt`` cannot hold (TBX and JSON
    hold everything; a two-column file holds the Chinese names and their English form)."""
    if fmt in ("tbx", "json"):
        return {}
    counts: dict[str, int] = {}
    for entry in glossary:
        for key, value in entry_to_dict(entry).items():
            if key in ("zh", "zh_brands", "canonical") or (key == "status" and value == "draft"):
                continue
            if key == "render":
                key = "render" if set(value) - {"first"} else ""
            if key:
                counts[key] = counts.get(key, 0) + 1
        if entry.zh_brands and not entry.brands:
            counts["zh_brands"] = counts.get("zh_brands", 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def guess_type(english: str, chinese: str = "", default: str = "drug") -> str:
    """An entry type for a name from a two-column file: by the ending of its Chinese name, else
    by the words in its English one, else ``default``."""
    for entry_type, endings in _ZH_TYPE_ENDINGS.items():
        if chinese.endswith(endings):
            return entry_type
    words = " " + re.sub(r"[^a-z0-9,. ]+", " ", english.lower()) + " "
    for entry_type, cues in _TYPE_WORDS.items():
        if any(re.search(rf"(?<![a-z]){re.escape(cue)}", words) for cue in cues):
            return entry_type
    return default


def export_pairs(glossary: Glossary, fmt: str, pair: str = "zh-en", header: bool = False) -> str:
    out = io.StringIO()
    writer = csv.writer(
        out, delimiter="\t" if fmt == "tsv" else ",", lineterminator="\n", quoting=csv.QUOTE_MINIMAL
    )
    if header:
        writer.writerow(pair.split("-"))
    for src, tgt in glossary_pairs(glossary, pair):
        if any(ch in src + tgt for ch in "\t\n\r"):
            raise GlossaryError(
                f"{src!r} -> {tgt!r}: tabs and line breaks cannot go in a glossary row"
            )
        writer.writerow([src, tgt])
    return out.getvalue()


def read_pairs(
    text: str, fmt: str, pair: str = "zh-en", source: str = "<csv>"
) -> list[tuple[str, str]]:
    """(zh, en) pairs from a two-column file; a header row of language codes is skipped."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter="\t" if fmt == "tsv" else ",")
    rows = []
    for n, row in enumerate(reader, 1):
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(row) < 2:
            raise GlossaryError(f"{source}:{n}: expected two columns, got {len(row)}")
        src, tgt = row[0].strip(), row[1].strip()
        if n == 1 and _is_lang_code(src) and _is_lang_code(tgt):
            continue
        if not src or not tgt:
            raise GlossaryError(f"{source}:{n}: empty term")
        rows.append((src, tgt) if pair == "zh-en" else (tgt, src))
    return rows


def _is_lang_code(cell: str) -> bool:
    return re.fullmatch(r"[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?", cell) is not None


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:48] or "entry"


def plan_pair_import(
    pairs: Iterable[tuple[str, str]],
    glossary: Glossary | None,
    new_type: str,
    status: str = "draft",
) -> tuple[list[tuple[str, str, str]], list[dict[str, Any]]]:
    """What importing (zh, en) pairs means for ``glossary``: Chinese names to add to existing
    entries ``(entry id, field, zh)`` and new entries (dicts) for English names it lacks."""
    by_name: dict[str, tuple[str, str]] = {}
    known_zh: set[str] = set()
    if glossary is not None:
        for e in glossary:
            for name in (e.canonical, e.first_form, *(a.text for a in e.aliases), *e.former_names):
                by_name.setdefault(compact(name), (e.id, "zh"))
            for name in e.brands:
                by_name.setdefault(compact(name), (e.id, "zh_brands"))
            known_zh.update(e.zh)
            known_zh.update(e.zh_brands)
    additions: list[tuple[str, str, str]] = []
    new: dict[str, dict[str, Any]] = {}
    taken = set(glossary.entries) if glossary is not None else set()
    for zh, en in pairs:
        if zh in known_zh:
            continue
        known_zh.add(zh)
        hit = by_name.get(compact(en))
        if hit is not None:
            additions.append((hit[0], hit[1], zh))
            continue
        key = compact(en)
        if key not in new:
            entry_id = slug(en)
            while entry_id in taken:
                entry_id += "_2"
            taken.add(entry_id)
            new[key] = {
                "id": entry_id,
                "type": guess_type(en, zh) if new_type == "auto" else new_type,
                "canonical": en,
                "zh": [],
                "status": status,
            }
        new[key]["zh"].append(zh)
    return additions, list(new.values())

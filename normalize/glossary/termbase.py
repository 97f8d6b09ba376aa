"""Export and import: TBX for CAT tools, two-column CSV/TSV for MT glossary APIs, JSON.

* ``json`` holds everything (the YAML schema as JSON).
* ``tbx`` (TBX-Basic, the ``martif`` dialect memoQ, Trados and Phrase import) holds ids, types,
  every name with its field, alias policies, links between entries, sources, notes, status and
  class; not ``examples``, ``unverified``, ``inn_status``, ``jurisdiction``, ``code_at_first``.
  Standard data categories carry the meaning for CAT tools (``termType``, ``administrativeStatus``,
  ``crossReference``); a ``normalize:`` note on each term keeps our field for the way back.
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
# The fields each format carries (what a round trip must keep).
TBX_DROPS = (
    "examples_match",
    "examples_no_match",
    "unverified",
    "inn_status",
    "jurisdiction",
    "code_at_first",
)

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
    for key in ("company", "parent"):
        if getattr(entry, key):
            d[key] = getattr(entry, key)
    for key in ("partners", "do_not_confuse"):
        if getattr(entry, key):
            d[key] = list(getattr(entry, key))
    for key, attr in (
        ("class", "klass"),
        ("inn_status", "inn_status"),
        ("jurisdiction", "jurisdiction"),
    ):
        if getattr(entry, attr):
            d[key] = getattr(entry, attr)
    if entry.status != "verified":
        d["status"] = entry.status
    if entry.unverified:
        d["unverified"] = list(entry.unverified)
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
    payload = {"format": JSON_FORMAT, "version": 1, "entries": [entry_to_dict(e) for e in glossary]}
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def import_json(text: str, source: str = "<json>") -> list[Entry]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GlossaryError(f"{source}:{exc.lineno}: malformed JSON: {exc.msg}") from None
    items = data.get("entries") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise GlossaryError(f"{source}: expected {{'entries': [...]}} or a list of entries")
    return [entry_from_dict(item, f"{source} entry {i + 1}") for i, item in enumerate(items)]


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
    if entry.notes:
        ET.SubElement(node, "note").text = entry.notes
    ET.SubElement(node, "note").text = f"{_NOTE_PREFIX} status={entry.status}"
    for fieldname, refs in (
        ("company", [entry.company]),
        ("parent", [entry.parent]),
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
        elif child.tag == "note" and text.startswith(_NOTE_PREFIX):
            meta = _note_fields(text)
            if meta.get("status") and meta["status"] != "verified":
                d["status"] = meta["status"]
        elif child.tag == "note":
            notes.append(child.text or "")
        elif child.tag == "ref" and child.get("type") == "crossReference":
            fieldname = (
                text if text in ("company", "parent", "partners", "do_not_confuse") else "partners"
            )
            if fieldname in ("company", "parent"):
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
                "type": new_type,
                "canonical": en,
                "zh": [],
                "status": status,
            }
        new[key]["zh"].append(zh)
    return additions, list(new.values())

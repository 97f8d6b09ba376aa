"""The canonicalize stage on small sentences written for these tests.

Most tests use the bundled glossary (compiled once per session, see conftest.py); a few use the
invented entities of tests/data/core-glossary where the point is which entry data gives which
behaviour. Every rewrite is also checked for its audit trail: the changes, applied to the
input, give the output, and every entity's offsets point at its name in the output.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from normalize.canonicalize import Canonicalizer
from normalize.canonicalize.index import Index
from normalize.canonicalize.thresholds import FUZZY_ACCEPT, SUGGEST_MIN
from normalize.document import Change, Document
from normalize.glossary.entries import Glossary, load_glossary

FIXTURE = Path(__file__).parent / "data" / "core-glossary"


@pytest.fixture(scope="module")
def small() -> Canonicalizer:
    glossary = load_glossary([FIXTURE])
    # No real-drug anchors: these tests are about the fixture's own entries.
    return Canonicalizer(glossary, Index.build(glossary, known_drugs=frozenset()))


def apply_changes(text: str, changes: Sequence[Change]) -> str:
    """Replay recorded changes on the stage input (offsets index the input)."""
    out = text
    last = len(text) + 1
    for change in sorted(changes, key=lambda c: c.start or 0, reverse=True):
        assert change.start is not None and change.end is not None, change
        assert change.end <= last, f"overlapping changes: {change}"
        assert text[change.start : change.end] == change.before, change
        out = out[: change.start] + change.after + out[change.end :]
        last = change.start
    return out


def run(canon: Canonicalizer, text: str) -> Document:
    """Rewrite ``text`` and check the audit trail on the way."""
    doc = canon.rewrite(Document(text))
    assert apply_changes(text, doc.changes) == doc.text
    assert all(c.stage == "canonicalize" and c.action == "replace" for c in doc.changes)
    changed = {(c.start, c.end): c for c in doc.changes}
    for entity in doc.entities:
        shown = doc.text[entity.start : entity.end]
        assert shown.strip() == shown and shown, entity
        assert entity.canonical == canon.glossary[entity.id].canonical
        # Either the name was rewritten (the output shows what the change wrote) or it was
        # left as written (the output shows the surface).
        expected = {c.after for c in doc.changes if c.before == entity.surface} | {entity.surface}
        assert shown in expected, (entity, shown)
    assert len(changed) == len(doc.changes), "two changes at the same place"
    return doc


def ids(doc: Document) -> list[str]:
    return [e.id for e in doc.entities]


# --- exact names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "entry"),
    [
        (
            "Hengrui Medicine reported higher sales.",
            "Jiangsu Hengrui Pharmaceuticals reported higher sales.",
            "hengrui",
        ),
        (
            "Doctors combined adebelimumab with chemotherapy.",
            "Doctors combined adebrelimab (SHR-1316) with chemotherapy.",
            "adebrelimab",
        ),
        (
            "Sales of sulfatinib grew in the quarter.",
            "Sales of surufatinib grew in the quarter.",
            "surufatinib",
        ),
        ("Analysts expect BeiGene to grow.", "Analysts expect BeOne Medicines to grow.", "beone"),
    ],
)
def test_exact_alias_is_rewritten(
    canon: Canonicalizer, text: str, expected: str, entry: str
) -> None:
    doc = run(canon, text)
    assert doc.text == expected
    assert ids(doc) == [entry]
    assert doc.entities[0].score == 100.0
    assert doc.changes[0].detail.startswith(entry)


@pytest.mark.parametrize("code", ["SHR-A1811", "SHR A1811", "SHRA1811", "shr-a1811"])
def test_code_spellings_are_recognized(canon: Canonicalizer, code: str) -> None:
    doc = run(canon, f"The company said {code} met its primary endpoint.")
    assert [(e.id, e.method, e.surface) for e in doc.entities] == [
        ("trastuzumab_rezetecan", "code", code)
    ]


@pytest.mark.parametrize("code", ["SHR A1811", "SHRA1811"])
def test_code_spellings_get_the_glossary_spelling(canon: Canonicalizer, code: str) -> None:
    doc = run(canon, f"The company said {code} met its primary endpoint.")
    assert "SHR-A1811" in doc.text


def test_codes_are_never_fuzzy_matched(canon: Canonicalizer) -> None:
    # One character away from SHR-A1811 and AK112: different molecules, not typos.
    doc = run(canon, "The company also tested SHR-A1812 and AK113 in early trials.")
    assert doc.text == "The company also tested SHR-A1812 and AK113 in early trials."
    assert ids(doc) == []


def test_name_with_its_code_in_brackets_keeps_one_code(canon: Canonicalizer) -> None:
    doc = run(canon, "It licensed Ruikang Trastuzumab (SHR-A1811) to a partner.")
    assert doc.text == "It licensed trastuzumab rezetecan (SHR-A1811) to a partner."
    assert ids(doc) == ["trastuzumab_rezetecan", "trastuzumab_rezetecan"]


def test_name_written_with_its_abbreviation_keeps_the_one_that_follows(
    canon: Canonicalizer,
) -> None:
    doc = run(canon, "It got the Orphan Drug Desigantion (ODD) in May.")
    assert doc.text == "It got the Orphan Drug Designation (ODD) in May."
    doc = run(
        canon, "It rose after China's National Medical Products Administration (NMPA) approved it."
    )
    assert doc.text == "It rose after National Medical Products Administration (NMPA) approved it."


def test_body_in_brackets_then_its_parent_keeps_the_brackets(canon: Canonicalizer) -> None:
    # "<body> of <its parent>" is one mention, but not across the body's bracketed abbreviation
    doc = run(canon, "It went to the Center for Drug Evaluation (CDE) of the NMPA for review.")
    assert "(CDE) of the NMPA" in doc.text
    assert doc.text.count("(") == doc.text.count(")")


def test_case_sensitive_abbreviations(canon: Canonicalizer) -> None:
    doc = run(canon, "The CDE accepted the application. The cde is a word here.")
    assert [(e.id, e.surface) for e in doc.entities] == [("cde", "CDE")]
    doc = run(canon, "The NMPA approved it. Text about nmpa in lower case is not the agency.")
    assert [(e.id, e.surface) for e in doc.entities] == [("nmpa", "NMPA")]


def test_case_sensitive_exact_alias_from_data(small: Canonicalizer) -> None:
    doc = run(small, "VCM was tested. The vcm was not, nor was Vcm.")
    assert doc.text == "Velocimab (QX-101) was tested. The vcm was not, nor was Vcm."
    assert [(e.id, e.surface) for e in doc.entities] == [("velocimab", "VCM")]


def test_transposed_acronym(canon: Canonicalizer) -> None:
    doc = run(canon, "It joined the NRDL in 2023 and stayed on the NDRL in 2024.")
    assert doc.text == "It joined the NRDL in 2023 and stayed on the NRDL in 2024."
    assert [e.method for e in doc.entities] == ["exact", "transposed"]


# --- rendering --------------------------------------------------------------------------------


def test_first_mention_full_form_and_code_then_short_form(canon: Canonicalizer) -> None:
    doc = run(
        canon,
        "Hengrui Medicine said Ruikang trastuzumab works. Hengrui Medicine will "
        "file Ruikang trastuzumab in Europe.",
    )
    assert doc.text == (
        "Jiangsu Hengrui Pharmaceuticals said trastuzumab rezetecan (SHR-A1811) "
        "works. Hengrui will file trastuzumab rezetecan in Europe."
    )


def test_render_forms_come_from_the_entry(small: Canonicalizer) -> None:
    doc = run(
        small, "Northwind Pharma said Northwind Pharma will file. Northwind Pharma's shares rose."
    )
    assert doc.text == "Northwind Therapeutics said Northwind will file. Northwind's shares rose."


def test_later_garbled_mention_without_code(canon: Canonicalizer) -> None:
    doc = run(canon, "Ruikang trastuzumab works. Later, Ruikang trastuzumab was filed again.")
    assert doc.text == (
        "Trastuzumab rezetecan (SHR-A1811) works. Later, trastuzumab rezetecan was filed again."
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ruikang trastuzumab is new.", "Trastuzumab rezetecan (SHR-A1811) is new."),
        (
            '"ruikang trastuzumab is new," she said.',
            '"Trastuzumab rezetecan (SHR-A1811) is new," she said.',
        ),
        ("(Ruikang trastuzumab is new.)", "(Trastuzumab rezetecan (SHR-A1811) is new.)"),
        ("It works. adebelimumab is new.", "It works. Adebrelimab (SHR-1316) is new."),
        ("Doctors use Ruikang trastuzumab.", "Doctors use trastuzumab rezetecan (SHR-A1811)."),
    ],
)
def test_sentence_initial_capital(canon: Canonicalizer, text: str, expected: str) -> None:
    assert run(canon, text).text == expected


def test_no_capital_on_a_wrapped_line_inside_a_sentence(canon: Canonicalizer) -> None:
    doc = run(canon, "Doctors gave patients Ruikang trastuzumab and\nadebelimumab in the trial.")
    assert doc.text == (
        "Doctors gave patients trastuzumab rezetecan (SHR-A1811) and\n"
        "adebrelimab (SHR-1316) in the trial."
    )


def test_headline_line_start_is_capitalized(canon: Canonicalizer) -> None:
    doc = run(canon, "Deal news\n\nadebelimumab wins approval")
    assert doc.text == "Deal news\n\nAdebrelimab (SHR-1316) wins approval"


def test_a_chinese_place_before_a_foreign_company_makes_another_company(
    canon: Canonicalizer,
) -> None:
    # Ipsen has no Chinese name in the glossary: "Wuhan Ipsen Biotech Co., Ltd." is a Chinese
    # company whose name MT garbled into Ipsen's, not Ipsen S.A.; a Chinese company under its
    # province's name is still itself.
    text = "Its unit Wuhan Ipsen Biotech Co., Ltd. filed. Jiangsu Hengrui Medicine agreed."
    doc = run(canon, text)
    assert doc.text.startswith("Its unit Wuhan Ipsen Biotech Co., Ltd. filed.")
    assert ids(doc) == ["hengrui"]
    (suggestion,) = [s for s in doc.suggestions if s.surface.startswith("Wuhan")]
    assert suggestion.candidates[0][0] == "ipsen"
    assert "place in China" in suggestion.reason


def test_a_name_ending_in_a_period_does_not_double_the_sentence_period(
    canon: Canonicalizer,
) -> None:
    doc = run(canon, "The partner is Ipsen Inc. Talks went on.")
    assert doc.text == "The partner is Ipsen S.A. Talks went on."


def test_possessives_are_kept(canon: Canonicalizer) -> None:
    doc = run(
        canon,
        "Hengrui's shares rose. Ruikang trastuzumab's sales grew, and "
        "adebelimumab's label was widened.",
    )
    # No "(CODE)" between a name and its possessive.
    assert doc.text == (
        "Hengrui's shares rose. Trastuzumab rezetecan's sales grew, and "
        "adebrelimab's label was widened."
    )
    assert [e.surface for e in doc.entities] == ["Hengrui", "Ruikang trastuzumab", "adebelimumab"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hengrui Medicine's shares rose.", "Jiangsu Hengrui Pharmaceuticals' shares rose."),
        ("BeiGene's drug was approved.", "BeOne Medicines' drug was approved."),
    ],
)
def test_possessive_of_a_name_ending_in_plural_s(
    canon: Canonicalizer, text: str, expected: str
) -> None:
    assert run(canon, text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "Jiangsu Hengrui Pharmaceuticals said Hengrui will file.",
        "Trastuzumab deruxtecan is sold by Daiichi Sankyo and AstraZeneca.",
        "The NMPA approved camrelizumab (SHR-1210) for liver cancer.",
        "Trastuzumab rezetecan (SHR-A1811) was approved.",
        "Cadonilimab (AK104) and ivonescimab (AK112) are both made by Akeso.",
        "The FDA and the CDE reviewed toripalimab.",
    ],
)
def test_canonical_names_are_left_as_they_are(canon: Canonicalizer, text: str) -> None:
    doc = run(canon, text)
    assert doc.text == text
    assert doc.changes == ()
    assert doc.entities, "the names are still annotated"


# --- Chinese names ----------------------------------------------------------------------------


def test_chinese_names_in_english_text(canon: Canonicalizer) -> None:
    text = (
        "Regulators in Beijing said 卡瑞利珠单抗 was approved for patients with liver cancer, "
        "and 恒瑞医药 plans to file it abroad next year."
    )
    doc = run(canon, text)
    assert doc.text == (
        "Regulators in Beijing said camrelizumab was approved for patients with "
        "liver cancer, and Jiangsu Hengrui Pharmaceuticals plans to file it abroad "
        "next year."
    )
    assert [(e.id, e.method) for e in doc.entities] == [("camrelizumab", "zh"), ("hengrui", "zh")]


def test_traditional_chinese_name(canon: Canonicalizer) -> None:
    text = (
        "Regulators in Beijing said 瑞康曲妥珠單抗 was approved for patients with lung cancer "
        "last year."
    )
    doc = run(canon, text)
    assert doc.text == (
        "Regulators in Beijing said trastuzumab rezetecan (SHR-A1811) was approved "
        "for patients with lung cancer last year."
    )
    assert doc.entities[0].surface == "瑞康曲妥珠單抗"


def test_chinese_text_is_annotated_not_rewritten(canon: Canonicalizer) -> None:
    text = "恒瑞医药今天宣布，卡瑞利珠单抗获得国家药品监督管理局批准。"
    doc = run(canon, text)
    assert doc.text == text
    assert {"hengrui", "camrelizumab", "nmpa"} <= set(ids(doc))


def test_chinese_names_from_fixture_data(small: Canonicalizer) -> None:
    doc = run(
        small,
        "Patients received 维洛西单抗 from 北风医药 in a trial run by doctors in several cities.",
    )
    assert doc.text == (
        "Patients received velocimab (QX-101) from Northwind Therapeutics in a trial "
        "run by doctors in several cities."
    )


# --- company names ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "entry"),
    [
        ("Rongchang Biotech said sales rose.", "RemeGen said sales rose.", "remegen"),
        ("Innovent Biopharma said sales rose.", "Innovent Biologics said sales rose.", "innovent"),
        (
            "Junshi Biopharma said sales rose.",
            "Shanghai Junshi Biosciences said sales rose.",
            "junshi",
        ),
    ],
)
def test_company_name_with_another_company_word(
    canon: Canonicalizer, text: str, expected: str, entry: str
) -> None:
    doc = run(canon, text)
    assert doc.text == expected
    assert ids(doc) == [entry]


def test_company_core_with_another_company_word_from_data(small: Canonicalizer) -> None:
    doc = run(small, "Northwind Biologics said it would file.")
    assert doc.text == "Northwind Therapeutics said it would file."
    assert doc.entities[0].method == "core"


def test_company_words_after_a_short_alias_are_consumed(canon: Canonicalizer) -> None:
    doc = run(canon, "Kelun Biopharmaceutical reported results on Monday.")
    assert "Biopharmaceutical reported" not in doc.text or doc.changes == ()
    assert doc.entities[0].surface == "Kelun Biopharmaceutical"


# --- must-not-confuse -------------------------------------------------------------------------


def test_must_not_confuse_names_stay_apart(canon: Canonicalizer) -> None:
    text = (
        "Trastuzumab is an old antibody; trastuzumab deruxtecan, trastuzumab emtansine and "
        "trastuzumab rezetecan are conjugates built on it."
    )
    doc = run(canon, text)
    assert doc.text == text
    assert ids(doc) == [
        "trastuzumab",
        "trastuzumab_deruxtecan",
        "trastuzumab_emtansine",
        "trastuzumab_rezetecan",
    ]


@pytest.fixture(scope="module")
def canon_without_lookalikes(bundled_glossary: Glossary) -> Canonicalizer:
    # Entity A removed: A's name must not be mapped to its look-alike B. No real-drug anchors,
    # so only the must-not-confuse guard stands between them.
    glossary = bundled_glossary.without("trastuzumab_deruxtecan", "palbociclib", "cemiplimab")
    return Canonicalizer(glossary, Index.build(glossary, known_drugs=frozenset()))


@pytest.mark.parametrize(
    ("name", "lookalike"),
    [
        ("trastuzumab deruxtecan", "trastuzumab_rezetecan"),
        ("palbociclib", "dalpiciclib"),
        ("cemiplimab", "camrelizumab"),
    ],
)
def test_removed_entry_is_not_merged_into_its_lookalike(
    canon_without_lookalikes: Canonicalizer, name: str, lookalike: str
) -> None:
    text = f"Doctors compared {name} with older treatments."
    doc = run(canon_without_lookalikes, text)
    assert lookalike not in ids(doc)
    assert doc.text == text


def test_must_not_confuse_pair_in_fixture(small: Canonicalizer) -> None:
    text = "Velocimab deritecan was tested with velocimab."
    doc = run(small, text)
    assert doc.text == text
    assert ids(doc) == ["velocimab_deritecan", "velocimab"]


# --- fuzzy matching and suggestions -----------------------------------------------------------


@pytest.mark.parametrize(
    ("garble", "entry", "canonical"),
    [
        ("Teripulimab", "toripalimab", "Toripalimab"),
        ("toripalimib", "toripalimab", "Toripalimab"),
        ("Adebelimab", "adebrelimab", "Adebrelimab (SHR-1316)"),
        ("Kadonilimab", "cadonilimab", "Cadonilimab (AK104)"),
    ],
)
def test_fuzzy_garble_is_accepted(
    canon: Canonicalizer, garble: str, entry: str, canonical: str
) -> None:
    doc = run(canon, f"{garble} was tested in a phase 3 trial.")
    assert doc.text == f"{canonical} was tested in a phase 3 trial."
    assert doc.entities[0].id == entry
    assert doc.entities[0].method == "fuzzy"
    assert doc.entities[0].score >= FUZZY_ACCEPT


def test_fuzzy_garbles_in_fixture(small: Canonicalizer) -> None:
    doc = run(small, "Velosimab was tested. Velocimub was tested. Oravatinib was tested.")
    assert doc.text == "Velocimab (QX-101) was tested. Velocimab was tested. Oravitinib was tested."
    assert [e.method for e in doc.entities] == ["fuzzy", "fuzzy", "fuzzy"]


def test_low_confidence_is_a_suggestion_not_a_rewrite(small: Canonicalizer) -> None:
    text = "Welosinab was tested in a small trial."
    doc = run(small, text)
    assert doc.text == text
    assert doc.entities == () and doc.changes == ()
    (suggestion,) = doc.suggestions
    assert (suggestion.surface, suggestion.start, suggestion.end) == ("Welosinab", 0, 9)
    assert suggestion.candidates[0][0] == "velocimab"
    assert SUGGEST_MIN <= suggestion.candidates[0][1] < FUZZY_ACCEPT
    assert suggestion.reason


def test_ambiguous_candidate_is_a_suggestion(canon: Canonicalizer) -> None:
    # Two entries share the core "Hengrui" (Jiangsu and Guangdong): a misspelling of it alone
    # cannot tell them apart.
    text = "The firm Hengrei Pharmaceutical was discussed."
    doc = run(canon, text)
    assert doc.text == text
    (suggestion,) = doc.suggestions
    assert suggestion.surface == "Hengrei Pharmaceutical"
    assert {c[0] for c in suggestion.candidates[:2]} == {"hengrui", "guangdong_hengrui"}
    assert "ambiguous" in suggestion.reason


TRANSLIT_GLOSSARY = """\
entries:
- id: solvanemab
  type: drug
  canonical: solvanemab
  zh: [坦西洛单抗]
"""


@pytest.mark.parametrize(("bonus", "mapped"), [(None, True), (0.0, False)])
def test_a_transliterated_chinese_name_outweighs_a_look_alike_real_drug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bonus: float | None, mapped: bool
) -> None:
    # An invented drug: 坦西洛单抗 (tan-xi-luo + mab) has an INN nothing like its pinyin. MT wrote
    # "tanxilozumab", spelled about as close to the (invented) real drug "tanxilomab" as to
    # the pinyin; the syllables it transliterates are the evidence that tips it.
    from normalize.canonicalize import thresholds

    if bonus is not None:
        monkeypatch.setattr(thresholds, "TRANSLIT_BONUS", bonus)
    (tmp_path / "drugs.yaml").write_text(TRANSLIT_GLOSSARY, encoding="utf-8")
    glossary = load_glossary([tmp_path])
    canon = Canonicalizer(glossary, Index.build(glossary, known_drugs=frozenset({"tanxilomab"})))
    doc = run(canon, "Patients received tanxilozumab daily.")
    if mapped:
        assert doc.text == "Patients received solvanemab daily."
    else:
        assert doc.text == "Patients received tanxilozumab daily."
        assert "tanxilomab" in doc.suggestions[0].reason


@pytest.mark.parametrize(
    ("garble", "evidence"),
    [
        ("tanxilozumab", True),  # tan-xi-luo + (zu)mab
        ("tanciloximab", True),  # the same with x/c swapped the way MT does
        ("tanxilotinib", False),  # another stem class
        ("xilotanmab", False),  # the syllables out of order
        ("tanxiluomabe", True),  # the pinyin itself, then a mangled stem
        ("tanxiluocept", False),  # the pinyin itself, then another stem
    ],
)
def test_transliteration_evidence(tmp_path: Path, garble: str, evidence: bool) -> None:
    (tmp_path / "drugs.yaml").write_text(TRANSLIT_GLOSSARY, encoding="utf-8")
    glossary = load_glossary([tmp_path])
    canon = Canonicalizer(glossary, Index.build(glossary, known_drugs=frozenset()))
    report = canon.explain(f"Patients received {garble} daily.")
    found = {e for span in report for c in span["candidates"] for e in c["evidence"]}  # type: ignore[attr-defined]
    assert ("transliteration" in found) is evidence


@pytest.mark.parametrize(
    ("text", "reported"),
    [
        # PARP inhibitors are all taken by mouth: an injection is another drug MT renamed, and
        # so is the brand in apposition with it.
        ("The firm's Zejula (Niraparib for Injection) was listed.", ["Zejula", "Niraparib"]),
        ("Sales of niraparib capsules rose.", []),
        # antibodies are all injected
        ("Adebrelimab tablets were approved.", ["Adebrelimab"]),
        ("Adebrelimab injection was approved.", []),
        # form words of a neighbouring name, not of this one
        ("It combines pyrotinib tablets, adebrelimab and more.", []),
        ("Injection adebrelimab was approved.", []),
    ],
)
def test_a_dosage_form_of_another_route_is_reported_not_rewritten(
    canon: Canonicalizer, text: str, reported: list[str]
) -> None:
    doc = run(canon, text)
    conflicts = [s.surface for s in doc.suggestions if "does not fit" in s.reason]
    assert conflicts == reported
    for surface in reported:
        assert surface in doc.text
        assert surface not in [e.surface for e in doc.entities]
    if not reported:
        assert doc.entities


# --- conflicts --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "before", "entry"),
    [
        (
            "Hengrui's trastuzumab deruxtecan (SHR-A1811) was accepted for review.",
            "Hengrui's trastuzumab rezetecan (SHR-A1811) was accepted for review.",
            "trastuzumab deruxtecan",
            "trastuzumab_rezetecan",
        ),
        (
            "Akeso's cadonilimab (AK112) was approved.",
            "Akeso's ivonescimab (AK112) was approved.",
            "cadonilimab",
            "ivonescimab",
        ),
    ],
)
def test_bracketed_code_of_another_entry_wins_and_is_recorded(
    canon: Canonicalizer, text: str, expected: str, before: str, entry: str
) -> None:
    doc = run(canon, text)
    assert doc.text == expected
    (change,) = [c for c in doc.changes if c.rule == "conflict"]
    assert change.before == before
    assert change.detail.startswith(entry)
    assert entry in ids(doc)


# --- known false positives (reported to the lead) ---------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The company said on Monday that revenue and profit rose, and patients did well.",
        "The medicine was tolerated, the administration said in Shanghai.",
        "Trastuzumab alone is not part of the agreement.",
    ],
)
def test_ordinary_words_are_left_alone(canon: Canonicalizer, text: str) -> None:
    doc = run(canon, text)
    assert doc.text == text
    assert doc.changes == ()


@pytest.mark.parametrize(
    "text",
    [
        "They accepted the filing on Friday.",  # -> Sihuan Pharmaceutical (literal 'Four Ring')
        "Akeso said on Tuesday that it was approved.",  # -> Takeda
        "The trial ended on Saturday.",  # -> pembrolizumab (via Keytruda)
        "Its partner in the United States markets the drug.",  # -> United Labs
    ],
)
def test_ordinary_words_that_look_like_names_are_left_alone(
    canon: Canonicalizer, text: str
) -> None:
    doc = run(canon, text)
    assert doc.changes == ()


def test_cde_literal_translation_with_its_parent(canon: Canonicalizer) -> None:
    doc = run(
        canon,
        "It was reviewed by the Drug Review Center of the National Medical Products "
        "Administration in May.",
    )
    assert doc.text == "It was reviewed by the NMPA's Center for Drug Evaluation (CDE) in May."


def test_rendered_cde_name_is_stable(canon: Canonicalizer) -> None:
    text = "The NMPA's Center for Drug Evaluation (CDE) said it would review the application."
    assert run(canon, text).text == text


def test_breakthrough_therapeutics_list(canon: Canonicalizer) -> None:
    doc = run(canon, "Four indications are now in the breakthrough therapeutics list in China.")
    assert "Breakthrough Therapy Designation" in doc.text
    assert "cn_btd" in ids(doc)


def test_hengrui_pharmaceutical_singular(canon: Canonicalizer) -> None:
    doc = run(canon, "Hengrui Pharmaceutical said sales rose.")
    assert ids(doc) == ["hengrui"]


# --- audit trail on a longer text --------------------------------------------------------------


def test_every_change_recorded_with_offsets_on_a_paragraph(canon: Canonicalizer) -> None:
    text = (
        "Hengrui Medicine said on Monday that Ruikang Trastuzumab (SHR-A1811) and "
        "adebelimumab will be tested together. 恒瑞医药 also said Teripulimab is not its drug; "
        "Junshi Biopharma sells it. Ruikang Trastuzumab's application was accepted by the NMPA, "
        "and Hengrui Medicine expects approval next year."
    )
    doc = run(canon, text)
    assert doc.text == (
        "Jiangsu Hengrui Pharmaceuticals said on Monday that trastuzumab rezetecan (SHR-A1811) "
        "and adebrelimab (SHR-1316) will be tested together. Hengrui also said toripalimab is not "
        "its drug; Shanghai Junshi Biosciences sells it. Trastuzumab rezetecan's application "
        "was accepted by the NMPA, and Hengrui expects approval next year."
    )
    assert len(doc.changes) == 8
    for entity in doc.entities:
        entry = canon.glossary[entity.id]
        shown = doc.text[entity.start : entity.end].casefold()
        assert shown.startswith(
            (entry.first_form.casefold(), entry.short_form.casefold(), entity.surface.casefold())
        ), entity


def test_fuzzy_span_does_not_swallow_the_words_before_a_name(canon: Canonicalizer) -> None:
    doc = run(canon, "He said Bristol-Myers Sqiubb Company works.")
    assert doc.text.startswith("He said ")


def test_fuzzy_company_match_consumes_the_company_words(canon: Canonicalizer) -> None:
    doc = run(canon, "Analysts said uventas Cell Therapy Ltd. would list its shares.")
    assert "Cell Therapy Cell Therapy" not in doc.text


def test_breakthrough_therapy_designation_without_context(canon: Canonicalizer) -> None:
    text = "The drug received Breakthrough Therapy Designation last year."
    assert run(canon, text).text == text


def test_possessive_owner_of_a_drug_names_its_developer(canon: Canonicalizer) -> None:
    # "Kelun" alone is the group's short name; owning a drug its subsidiary developed, it means
    # the subsidiary.
    doc = run(canon, "Analysts expect Kelun's trastuzumab botidotin to sell well.")
    owners = [e.id for e in doc.entities if e.type == "company"]
    assert owners == ["kelun_biotech"]


@pytest.mark.parametrize(("lang", "rewritten"), [("de", False), ("en", True), (None, True)])
def test_fuzzy_matching_is_for_english_text(
    canon: Canonicalizer, lang: str | None, rewritten: bool
) -> None:
    # A record's declared language decides; undeclared, function words do (English here).
    text = "Hengrui Medicine said camrelizumob was approved."
    doc = canon.rewrite(Document(text, lang=lang))
    assert ("camrelizumab" in doc.text) is rewritten
    assert "Jiangsu Hengrui Pharmaceuticals" in doc.text  # exact names in any language


def test_batch_scoring_gives_the_same_neighbours_as_one_key_at_a_time(
    canon: Canonicalizer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Large glossaries score a document's span keys in one cdist batch; forced on here for the
    # bundled glossary, it must find what per-key extraction finds.
    from normalize.canonicalize import thresholds

    text = (
        "Hengrei Pharmaceutical said camrelizumob and Teripalimab beat Zanubrutinob; "
        "Innoventt Biologics and Jiangsu Hansoo Pharmaceutical agreed."
    )
    one_by_one = Canonicalizer(canon.glossary, canon.index)
    expected = one_by_one.find(text)[0]
    monkeypatch.setattr(thresholds, "PREFETCH_MIN_FORMS", 0)
    monkeypatch.setattr(thresholds, "PREFETCH_MIN_KEYS", 1)
    batched = Canonicalizer(canon.glossary, canon.index)
    assert batched.find(text)[0] == expected
    shared = set(batched.fuzzy.pools._pools) & set(one_by_one.fuzzy.pools._pools)
    assert len(shared) >= 5
    for key in shared:
        assert batched.fuzzy.pools._pools[key] == one_by_one.fuzzy.pools._pools[key], key


def test_a_new_kind_of_evidence_is_one_function_and_one_registration(
    canon: Canonicalizer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The registry is the only place evidence is listed: a veto added there rules out what
    # the spelling alone would map, and its reason becomes the candidate's verdict.
    from normalize.canonicalize import evidence
    from normalize.canonicalize.matches import Support

    text = "Patients received camrelizunab."
    assert run(canon, text).text == "Patients received camrelizumab."

    def no_camrelizumab(c: evidence.Case) -> Support | None:
        if c.entry_id == "camrelizumab":
            return Support(reason="an editor's veto", veto=True)
        return None

    registry = (
        *evidence.CANDIDATE_EVIDENCE,
        evidence.CandidateEvidence("test", no_camrelizumab, veto=True),
    )
    monkeypatch.setattr(evidence, "CANDIDATE_EVIDENCE", registry)
    fresh = Canonicalizer(canon.glossary, canon.index)
    assert run(fresh, text).text == text
    verdicts = {c["verdict"] for span in fresh.explain(text) for c in span["candidates"]}  # type: ignore[attr-defined]
    assert "an editor's veto" in verdicts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # An INN-shaped word a quarter or more of whose letters differ from a known drug's is
        # not that drug because the text names the drug's company: "isitamab" (a garble of
        # disitamab) is near sintilimab by skeleton, and Innovent gives sintilimab context.
        ("Innovent shares rose after isitamab data.", "Innovent shares rose after isitamab data."),
        # spelled closer, the context still decides
        (
            "Innovent shares rose after sintilmab data.",
            "Innovent shares rose after sintilimab data.",
        ),
    ],
)
def test_an_inn_shaped_word_spelled_far_from_a_drug_needs_more_than_context(
    canon: Canonicalizer, text: str, expected: str
) -> None:
    doc = run(canon, text)
    assert doc.text == expected
    if expected == text:
        (suggestion,) = doc.suggestions
        assert suggestion.surface == "isitamab"
        assert suggestion.candidates[0][0] == "sintilimab"
        assert "INN-shaped" in suggestion.reason


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "Co., Ltd." ends an (unknown) company's name: read as the start of a garbled
        # programme name, the rewrite ate it and left the programme's last word after it.
        (
            "Ties between Zenith Biotech Co., Ltd. National Reimbursement Drg List and others",
            "Ties between Zenith Biotech Co., Ltd. National Reimbursement Drug List (NRDL) and "
            "others",
        ),
        (
            "Northwind Group and Drug Registrationn Certificate holders met",
            "Northwind Group and Drug Registration Certificate holders met",
        ),
        # a company word that opens a known name still opens it
        ("Alphamab Pharmamar shares rose", "Alphamab Pharma Mar, S.A. shares rose"),
    ],
)
def test_a_company_word_opens_no_name(canon: Canonicalizer, text: str, expected: str) -> None:
    assert run(canon, text).text == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A garbled first word before a drug name's later word as written is that drug: alone,
        # "sacituumab" was the look-alike sacituzumab govitecan, a different drug, and the
        # later word was left after it.
        (
            "Sales of sacituumab tirumotecan rose",
            "Sales of sacituzumab tirumotecan (SKB264) rose",
        ),
        ("Trials of isitamab vedotin began", "Trials of disitamab vedotin (RC48) began"),
    ],
)
def test_a_garbled_drug_name_before_its_later_word(
    canon: Canonicalizer, text: str, expected: str
) -> None:
    assert run(canon, text).text == expected


def test_a_shared_later_word_does_not_make_the_name(canon: Canonicalizer) -> None:
    # "vedotin" ends disitamab vedotin, but "sacituumab" alone is nowhere near "disitamab":
    # the shared word lifts the phrase's spelling score, not its first word's.
    assert "disitamab" not in run(canon, "Sales of sacituumab vedotin rose").text

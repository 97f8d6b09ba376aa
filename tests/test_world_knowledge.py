"""Names decided by what the glossary knows about the world, beside spelling.

Each kind of case the canonicalizer used to get wrong, in sentences written for these tests:
jurisdiction in the sentence, subsidiaries whose own entry is missing, predecessors, owners
whose product MT swapped, Chinese names of organisations and their units, Chinese short forms,
and trial identifiers that embed a drug code.
"""

from __future__ import annotations

import pytest

from normalize.canonicalize import Canonicalizer
from normalize.document import Document
from normalize.glossary import Glossary


@pytest.fixture(scope="module")
def canon(bundled_glossary: Glossary) -> Canonicalizer:
    return Canonicalizer(bundled_glossary)


def ids(canon: Canonicalizer, text: str, lang: str | None = "en") -> list[tuple[str, str]]:
    doc = canon.rewrite(Document(text, lang=lang))
    return [(e.id, e.surface) for e in doc.entities]


# ---- jurisdiction --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The filing won a priority review from the NMPA last month.",
        "The application was granted priority review (NMPA) in March.",
        "It received priority review in China for the second indication.",
        "A priority review by the Drug Review Center of the NMPA shortens the wait.",
    ],
)
def test_a_programme_takes_the_jurisdiction_its_sentence_names(
    canon: Canonicalizer, text: str
) -> None:
    found = {surface.casefold(): eid for eid, surface in ids(canon, text)}
    assert found["priority review"] == "cn_priority_review"


def test_without_a_chinese_cue_priority_review_stays_the_fda_programme(
    canon: Canonicalizer,
) -> None:
    text = "The FDA granted priority review to the filing."
    found = {surface.casefold(): eid for eid, surface in ids(canon, text)}
    assert found["priority review"] == "us_priority_review", text


def test_the_cue_of_another_sentence_does_not_decide(canon: Canonicalizer) -> None:
    text = "The NMPA approved the drug in May. The FDA later granted priority review."
    found = {surface.casefold(): eid for eid, surface in ids(canon, text)}
    assert found["priority review"] == "us_priority_review"


# ---- predecessors --------------------------------------------------------------------------


def test_a_former_agency_is_annotated_with_its_successor_and_never_rewritten(
    canon: Canonicalizer,
) -> None:
    text = "In 2016 the CFDA approved it, and the China Food and Drug Administration said so."
    doc = canon.rewrite(Document(text, lang="en"))
    assert doc.text == text
    assert [(e.id, e.former, e.former_id) for e in doc.entities] == [("nmpa", True, "cfda")] * 2
    assert doc.to_dict()["entities"][0]["former"] is True
    assert not doc.suggestions  # 2016 is within the CFDA's years
    current = canon.rewrite(Document("The NMPA approved it.", lang="en"))
    assert "former" not in current.to_dict()["entities"][0]


def test_a_former_name_in_a_later_year_is_reported_as_a_possible_anachronism(
    canon: Canonicalizer,
) -> None:
    doc = canon.rewrite(Document("In 2024 the CFDA accepted the filing.", lang="en"))
    assert doc.text == "In 2024 the CFDA accepted the filing."
    assert [(e.id, e.former_id) for e in doc.entities] == [("nmpa", "cfda")]
    assert any("anachronism" in s.reason for s in doc.suggestions)


# ---- subsidiaries and parents --------------------------------------------------------------


@pytest.mark.parametrize(
    ("removed", "text", "not_to"),
    [
        ("guangdong_hengrui", "Guangdong Hengrui Pharmaceutical Co., Ltd. got it.", "hengrui"),
        ("kelun_biotech", "Sichuan Kelun-Biotech Biopharmaceutical Co., Ltd. filed.", "kelun_pharma"),  # noqa: E501
        ("fosun_kite", "Fosun Kite Biotechnology Co., Ltd. launched it.", "kite"),
        ("fosun_kite", "Fosun Kite Biotechnology Co., Ltd. launched it.", "fosun_pharma"),
        ("shengdi", "Shanghai Shengdi Pharmaceutical Co., Ltd. is a unit of it.", "suncadia"),
    ],
)
def test_a_subsidiary_without_an_entry_is_not_merged_into_a_relative(
    bundled_glossary: Glossary, removed: str, text: str, not_to: str
) -> None:
    canon = Canonicalizer(bundled_glossary.without(removed))
    doc = canon.rewrite(Document(text, lang="en"))
    assert not_to not in {e.id for e in doc.entities}, doc.entities
    assert doc.text == text


def test_with_its_entry_the_subsidiary_is_itself(canon: Canonicalizer) -> None:
    assert ids(canon, "Sichuan Kelun-Biotech Biopharmaceutical Co., Ltd. filed it.")[0][0] == (
        "kelun_biotech"
    )


# ---- owner and product ---------------------------------------------------------------------


def test_an_owner_whose_portfolio_holds_a_look_alike_corrects_a_swapped_drug(
    canon: Canonicalizer,
) -> None:
    doc = canon.rewrite(
        Document("Kelun-Biotech's sacituzumab govitecan won a designation in China.", lang="en")
    )
    assert "sacituzumab_tirumotecan" in {e.id for e in doc.entities}
    assert "sacituzumab_govitecan" not in {e.id for e in doc.entities}
    # the conflict is reported either way
    assert any("sacituzumab_govitecan" in s.reason for s in doc.suggestions)


def test_the_real_owner_of_a_drug_keeps_it(canon: Canonicalizer) -> None:
    found = {eid for eid, _ in ids(canon, "Gilead's sacituzumab govitecan is sold widely.")}
    assert "sacituzumab_govitecan" in found


# ---- Chinese names -------------------------------------------------------------------------


def test_a_unit_written_after_its_parent_is_one_name(canon: Canonicalizer) -> None:
    found = ids(canon, "国家药监局药品审评中心受理了该申请。", lang=None)
    assert found[0] == ("cde", "国家药监局药品审评中心")
    assert "nmpa" not in {eid for eid, _ in found}


def test_glossary_find_knows_the_unit_by_its_own_chinese_name(canon: Canonicalizer) -> None:
    report = canon.explain("药品审评中心")
    assert report and report[0]["decision"]["id"] == "cde"  # type: ignore[index]


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        ("医生们更常用K药治疗。", "pembrolizumab"),
        ("该药通过国谈进入目录。", "nrdl_negotiation"),
    ],
)
def test_chinese_short_forms_are_names(canon: Canonicalizer, text: str, entry: str) -> None:
    assert entry in {eid for eid, _ in ids(canon, text, lang=None)}


# ---- trial identifiers ---------------------------------------------------------------------


def test_a_trial_identifier_that_embeds_a_code_stays_as_written(canon: Canonicalizer) -> None:
    text = "Patients in SHR-A1811-III-301 and in BGB-3111-302 were followed for a year."
    doc = canon.rewrite(Document(text, lang="en"))
    assert doc.text == text


def test_translation_protects_short_forms_and_units_like_full_names(
    canon: Canonicalizer,
) -> None:
    from normalize.translate.protect import find_terms

    names = canon.index.zh_names()
    terms = find_terms("国家药监局药品审评中心认为K药和O药都可进入医保谈判。", names)
    assert [(t.entry_id, t.surface) for t in terms] == [
        ("cde", "国家药监局药品审评中心"),
        ("pembrolizumab", "K药"),
        ("nivolumab", "O药"),
        ("nrdl_negotiation", "医保谈判"),
    ]


def test_a_code_in_full_width_brackets_is_not_added_again(canon: Canonicalizer) -> None:
    doc = canon.rewrite(Document("Ruikang Trastuzumab（SHR-A1811）was approved.", lang="en"))
    assert doc.text.count("SHR-A1811") == 1, doc.text

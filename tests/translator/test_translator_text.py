"""Language detection, sentence segmentation, chunking and placeholder handling (no models)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalize.translate.langid import Profiles, detect
from normalize.translate.protect import Term, find_terms, insert_placeholders, locate, placeholder
from normalize.translate.zhtext import Simplifier, chunk, split_sentences


@pytest.fixture(scope="module")
def profiles() -> Profiles:
    return Profiles.load()


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("The company said its new drug was approved today.", "en"),
        ("公司今日宣布新药获批上市，股价上涨。", "zh"),
        ("醫藥公司宣佈，新藥獲得批准。", "zh"),
        ("恒瑞医药 SHR-A1811 获批。", "zh"),
        ("新薬の承認を取得したと発表しました。", "ja"),
        ("회사는 신약 승인을 발표했다.", "ko"),
        ("Компания объявила об одобрении нового препарата.", "ru"),
        (
            (
                "Das Unternehmen hat die Zulassung für das neue Medikament erhalten "
                "und wird es bei den Ärzten einführen."
            ),
            "de",
        ),
        (
            "La société a annoncé que le médicament est approuvé pour les patients dans ce pays.",
            "fr",
        ),
        ("La empresa anunció que el fármaco fue aprobado para los pacientes con cáncer.", "es"),
        ("2025-03-01 12:00", "und"),
        ("Jiangsu Hengrui (恒瑞医药) said the drug SHR-A1811 met its endpoint in the study.", "en"),
    ],
)
def test_detect(profiles: Profiles, text: str, lang: str) -> None:
    assert detect(text, profiles) == lang


def test_sentences_keep_marks_quotes_and_every_character() -> None:
    text = "公司宣布：“新药获批！”随后股价上涨……投资者请注意风险？是的；完毕"
    sentences = split_sentences(text)
    assert "".join(sentences) == text
    assert sentences == [
        "公司宣布：“新药获批！”",
        "随后股价上涨……",
        "投资者请注意风险？",
        "是的；",
        "完毕",
    ]


def test_sentences_split_latin_stops_inside_chinese() -> None:
    assert split_sentences("Phase 3 met. Next step 公司宣布。") == [
        "Phase 3 met. ",
        "Next step 公司宣布。",
    ]


_cjk = st.sampled_from(list("公司宣布新药获批上市股价上涨，。！？；、：“”（）… abcQZ0123"))


@settings(max_examples=200, deadline=None)
@given(st.text(_cjk, max_size=120), st.integers(min_value=1, max_value=12))
def test_chunks_rejoin_exactly_and_fit(text: str, limit: int) -> None:
    pieces = chunk(text, len, limit)
    assert "".join(pieces) == text
    assert all(pieces)
    # Only a single character may exceed the limit (it cannot be split further).
    assert all(len(p) <= limit for p in pieces)


@settings(max_examples=100, deadline=None)
@given(st.text(_cjk, max_size=60))
def test_split_sentences_is_lossless(text: str) -> None:
    assert "".join(split_sentences(text)) == text


def test_chunk_prefers_clause_marks_and_never_cuts_placeholders() -> None:
    text = "甲乙丙丁，戊己庚辛，QZ701子丑寅卯"
    keep = [(10, 15)]
    pieces = chunk(text, len, 9, keep)
    assert "".join(pieces) == text
    assert pieces[0] == "甲乙丙丁，"
    assert any("QZ701" in p for p in pieces)


def test_long_sentence_is_chunked_not_truncated() -> None:
    sentence = "，".join(["公司宣布新药获批上市"] * 30) + "。"
    pieces = chunk(sentence, len, 40)
    assert "".join(pieces) == sentence and len(pieces) > 5
    assert all(len(p) <= 40 for p in pieces)


NAMES = {
    "维洛妥珠单抗": [("velotuzumab", None)],
    "注射用维洛妥珠单抗": [("velotuzumab", None)],
    "安贝生物": [("anbei", None)],
    "苏州安贝生物医药有限公司": [("anbei", None)],
    "双名": [("a", None), ("b", None)],
}


def test_find_terms_longest_first_with_affixes() -> None:
    text = "苏州安贝生物医药有限公司的注射用维洛妥珠单抗和鲁纳维洛妥珠单抗片获批，双名不动。"
    terms = find_terms(text, NAMES, affixes=("注射用", "片"))
    assert [(t.entry_id, t.surface) for t in terms] == [
        ("anbei", "苏州安贝生物医药有限公司"),
        ("velotuzumab", "注射用维洛妥珠单抗"),
        ("velotuzumab", "维洛妥珠单抗片"),
    ]


def test_placeholders_round_trip() -> None:
    text = "安贝生物宣布维洛妥珠单抗获批。"
    terms = find_terms(text, NAMES)
    source, held = insert_placeholders(text, terms)
    assert source == "QZ701宣布QZ702获批。" and held == [0, 1]
    located = locate("QZ701 announced that qz 702 was approved.", source, 2)
    assert (
        located.parts == ("", 0, " announced that ", 1, " was approved.") and located.fallback == ()
    )


def test_locate_reinserts_lost_placeholders_by_position() -> None:
    source = "QZ701宣布获批消息，QZ702将上市。"
    located = locate("The company announced the approval and will launch it.", source, 2)
    assert located.fallback == (0, 1)
    assert located.parts[0] == "" and located.parts[1] == 0
    assert located.parts[-1] == "" or 1 in located.parts  # both names present, in order
    assert [p for p in located.parts if isinstance(p, int)] == [0, 1]


def test_locate_drops_repeated_and_invented_placeholders() -> None:
    located = locate("QZ701 and QZ701 and QZ799 met.", "QZ701会议。", 1)
    assert [p for p in located.parts if isinstance(p, int)] == [0]
    assert "QZ" not in "".join(p for p in located.parts if isinstance(p, str))


def test_empty_output_still_carries_every_name() -> None:
    located = locate("", "QZ701和QZ702。", 2)
    assert [p for p in located.parts if isinstance(p, int)] == [0, 1]


def test_simplifier_converts_traditional() -> None:
    assert Simplifier()("醫藥公司宣佈新藥獲批") == "医药公司宣布新药获批"


def test_placeholder_text() -> None:
    assert placeholder(0) == "QZ701" and placeholder(2) == "QZ703"
    assert Term("x", 0, 1, "a").entry_id == "x"

"""Decoding HTML bytes and extracting the main text (own fixtures, no network)."""

from __future__ import annotations

import codecs

import pytest

from normalize.strip.encoding import decode_html, decode_text
from normalize.strip.extract import extract_main_text, html_to_text

PAGE = (
    "<html><head>{meta}<title>{title}</title></head><body>"
    "<div class='nav'>首页 新闻 财经</div>"
    "<div class='content'><h1>{title}</h1>{body}</div>"
    "<div class='footer'>版权所有</div></body></html>"
)
ZH_BODY = "".join(
    f"<p>{s}</p>"
    for s in [
        "某某药业今日宣布，其自主研发的创新药获得国家药品监督管理局批准上市，用于治疗晚期肝癌。",
        "该药物是公司首个获批的一类新药，临床试验显示患者总生存期明显延长，安全性良好。",
        "公司表示，将尽快推进该药物在全国范围内的商业化，并积极开展海外临床研究与合作。",
        "业内人士认为，这一进展标志着国产创新药研发能力的进一步提升，值得持续关注。",
    ]
)


def _zh_page(meta: str) -> str:
    return PAGE.format(meta=meta, title="某某药业创新药获批上市", body=ZH_BODY)


def test_meta_charset_gb2312_is_read_as_gb18030() -> None:
    # 镕 is outside GB2312 but inside GBK/GB18030: pages declaring gb2312 use it anyway.
    page = (
        _zh_page('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">')
        + "<p>朱镕基</p>"
    )
    assert "朱镕基" in decode_html(page.encode("gb18030"))


def test_bom_wins() -> None:
    page = _zh_page('<meta charset="gbk">')
    assert decode_html(codecs.BOM_UTF8 + page.encode("utf-8")) == page
    assert decode_html(page.encode("utf-16")) == page


def test_valid_utf8_beats_a_wrong_declaration_and_wrong_declarations_fall_back() -> None:
    page = _zh_page('<meta charset="gbk">')
    assert decode_html(page.encode("utf-8")) == page
    undeclared = _zh_page('<meta charset="utf-8">')
    assert decode_html(undeclared.encode("gbk")) == undeclared  # declared utf-8, really GBK


def test_undeclared_western_page() -> None:
    assert (
        decode_html("<p>Café déjà vu, naïve résumé</p>".encode("cp1252"))
        == "<p>Café déjà vu, naïve résumé</p>"
    )


def test_chinese_page_extraction_keeps_title_and_paragraphs() -> None:
    result = extract_main_text(decode_html(_zh_page('<meta charset="gb2312">').encode("gb18030")))
    lines = result.text.splitlines()
    assert lines[0] == "某某药业创新药获批上市"
    assert sum("，" in line for line in lines) == 4
    assert "首页" not in result.text


def test_html_to_text_keeps_lists_and_tables() -> None:
    text = html_to_text(
        "<div><p>Intro</p><ul><li>one</li><li>two</li></ul>"
        "<table><tr><td>Drug</td><td>Phase</td></tr><tr><td>A-1</td><td>3</td></tr></table></div>"
    )
    assert text.splitlines() == ["Intro", "- one", "- two", "Drug | Phase", "A-1 | 3"]


def test_empty_or_odd_pages_do_not_fail() -> None:
    assert extract_main_text("<html><body></body></html>").text == ""
    assert "just text" in extract_main_text("<html><body><span>just text</span></body></html>").text


def test_missing_lead_needs_a_shared_paragraph() -> None:
    from normalize.strip.extract import missing_lead

    primary = "The trial met its main goal in the second half of the year, the company said.\nMore."
    other = (
        "Home\n"
        "The regulator approved the drug on Monday after a long review of the safety data.\n"
        "The trial met its main goal in the second half of the year, the company said.\n"
        "An unrelated sentence that comes after the shared paragraph in the other text."
    )
    assert missing_lead(primary, other) == [
        "The regulator approved the drug on Monday after a long review of the safety data."
    ]
    # No paragraph in common: the extractors disagree about the article, nothing is added.
    assert missing_lead(primary, "A different page altogether with its own long sentences.") == []


def test_lead_source_only_where_prose_precedes_the_first_sentence() -> None:
    from normalize.strip.extract import _lead_source

    body = "<p>The trial met its main goal in the second half of the year, the company said.</p>"
    text = "The trial met its main goal in the second half of the year, the company said."
    lead = "<p>The regulator approved the drug on Monday after a long review of the data.</p>"
    assert _lead_source(f"<html><body><nav>Home</nav>{body}</body></html>", text) == ""
    around = _lead_source(f"<html><body>{lead}{body}</body></html>", text)
    assert "regulator approved" in around and "main goal" in around


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        (b"plain ascii", "plain ascii", None),
        ("caf\u00e9 utf-8".encode(), "caf\u00e9 utf-8", None),
        (b"don\x92t stop", "don\u2019t stop", "cp1252"),  # a GB18030 pair too, but not Chinese
        ("Caf\u00e9 r\u00e9sum\u00e9".encode("cp1252"), "Caf\u00e9 r\u00e9sum\u00e9", "cp1252"),
        ("恒瑞医药宣布获批。".encode("gbk"), "恒瑞医药宣布获批。", "gb18030"),
        (codecs.BOM_UTF8 + "恒瑞".encode(), "恒瑞", None),
    ],
)
def test_decode_text(data: bytes, text: str, encoding: str | None) -> None:
    assert decode_text(data) == (text, encoding)


def test_shape_guesses_do_not_remove_lines_of_readabilitys_article() -> None:
    """readability-lxml's output is the article as its markup shows it: a diagram drawn in
    box characters, a table's bare numbers and a verse reference stay (rules that guess from
    a line's shape); a line a rule names (a copyright footer) still goes."""
    from normalize.config import Config
    from normalize.document import Document
    from normalize.strip.cleaner import CleanerStage

    body = ZH_BODY.replace(
        "</p><p>业内",
        "</p><p>研发</p><p>│</p><p>↓</p><p>上市</p><p>2026</p><p>太22:37</p><p>业内",
    ) + "<p>版权所有 © 2026 某某网 保留所有权利</p>"
    page = PAGE.format(meta="", title="某某药业创新药获批上市", body=body)
    doc = CleanerStage.from_config(Config())(Document(page, is_html=True))
    lines = doc.text.splitlines()
    assert any("readability" in c.rule for c in doc.changes if c.action == "extract")
    for kept in ("│", "↓", "2026", "太22:37"):
        assert kept in lines
    assert not any("版权所有" in line for line in lines)


# A forum post of one paragraph (my own sentences), and what a whole-page extractor adds: the
# reply list under it.
_POST = (
    "我们这次去山里徒步走了整整三天，第一天沿着河谷往上走，路上遇到很多采茶的村民，"
    "他们告诉我们雨季快到了，山路会变得很滑，最好在中午以前翻过垭口。第二天一早我们就出发，"
    "果然在中午前到了垭口，风很大，但是景色非常好，可以看到远处连绵的雪山和云海。"
)
_REPLIES = "\n".join(
    f"第{i}楼：说得太对了，我去年也走过这条路，风景确实很好【网友{i}】08-{i:02d} 10:00 [{i}/0]"
    for i in range(1, 40)
)


def test_a_short_article_of_one_whole_paragraph_is_not_replaced_by_the_page_around_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from normalize.strip import extract

    html = f"<html><body><p>{_POST}</p></body></html>"
    monkeypatch.setattr(extract, "_readability", lambda h, u: extract.Extraction(_POST, "r"))
    monkeypatch.setattr(
        extract, "_trafilatura", lambda h, u: extract.Extraction(f"{_POST}\n{_REPLIES}", "t")
    )
    assert len(_POST) < extract.MIN_CHARS
    assert extract_main_text(html).text == _POST
    # Short results that are no paragraph (a caption, a few words) still fall back.
    caption = "山里的雪山和云海（摄影：作者）"
    monkeypatch.setattr(extract, "_readability", lambda h, u: extract.Extraction(caption, "r"))
    assert extract_main_text(html).method == "t"

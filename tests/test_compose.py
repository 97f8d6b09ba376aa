"""Composite-line decisions of the strip stage (normalize/strip/compose.py): date-only lines,
meta lines judged part by part, menu rows, calls to action and their lists, interface labels;
the grammar file's validation. Every line here is invented for the test."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalize.errors import RulesError
from normalize.resources import data_dir
from normalize.strip.cleaner import clean_text
from normalize.strip.compose import GRAMMAR_FILE, load_grammar, parse_grammar
from normalize.strip.rules import load_rules, normalize_line, rule_files

RULES = load_rules()
GRAMMAR = RULES.grammar
assert GRAMMAR is not None
ARTICLE = [
    "Contoso Therapeutics said on Monday that its antibody shrank tumours in most patients of a "
    "mid-stage study.",
    "The company plans to ask regulators for approval next year after a larger trial reads out.",
]


def _removed(line: str) -> str | None:
    """The rule that removes ``line`` between two article sentences, or None."""
    text = "\n".join([ARTICLE[0], line, ARTICLE[1]])
    _, changes = clean_text(text, RULES)
    rules = [c.rule for c in changes if c.action == "remove"]
    assert len(rules) <= 1, rules
    return rules[0] if rules else None


@pytest.mark.parametrize(
    "line",
    [
        "March 14, 2026 - 10:22 AM EST",
        "Updated: Sat 14 Mar 2026 – 9:05 p.m. GMT",
        "Posted on March 3rd, 2026 at 7 am",
        "14.03.2026 | 10:22",
        "2026年3月14日 星期六 下午 3:15",
        "12 de marzo de 2026",
        "10:22 (UTC+8)",
    ],
)
def test_date_only_lines(line: str) -> None:
    assert GRAMMAR.date_only(normalize_line(line))


@pytest.mark.parametrize(
    "line",
    [
        "March 2026",  # a month heading (a timeline's), no day
        "Phase 3 data due March 14",  # words that are not date material
        "+44 207-12-2026",  # a phone number's digits
        "2026",  # a year alone (another rule's business)
        "Updated 3 hours ago",
        "10 | 20 | 30",
    ],
)
def test_not_date_only(line: str) -> None:
    assert not GRAMMAR.date_only(normalize_line(line))


def test_field_parts_split_at_separators_keys_and_space_runs() -> None:
    parts = GRAMMAR.field_parts
    assert parts("by ann lee | march 3, 2026 | 2 min read", "") == [
        "by ann lee",
        "march 3, 2026",
        "2 min read",
    ]
    assert parts("来源：某网 2026-03-14 10:22 作者：张三 阅读：99", "") == [
        "来源：某网 2026-03-14 10:22",
        "作者：张三",
        "阅读：99",
    ]
    # a known key right after a character starts a field; a key inside a longer one does not
    assert parts("来源：某网责任编辑：李四", "") == ["来源：某网", "责任编辑：李四"]
    assert parts("source: wire service updated: march 3, 2026", "") == [
        "source: wire service",
        "updated: march 3, 2026",
    ]
    original = "Source: Wire   March 3, 2026"
    assert parts(normalize_line(original), original) == ["source: wire", "march 3, 2026"]


@pytest.mark.parametrize(
    "line",
    [
        "By Ann Lee | March 3, 2026 | 2 min read",
        "Source: Wire Service  Updated: March 3, 2026 09:10",
        "Category: Oncology • 5 min read • 1,204 views",
        "来源：某某医药网 2026-03-14 10:22 作者：张三 阅读：1234",
        "作者：张三 | 编辑：李四 | 2026-03-14",
    ],
)
def test_meta_lines_go_when_every_part_is_a_field(line: str) -> None:
    assert _removed(line) in ("meta-fields", "en-source-stamp", "en-tags", "zh-byline")


def test_a_meta_line_with_one_part_no_rule_removes_stays() -> None:
    # "Ann Lee" alone is a name, not a field a rule removes
    assert _removed("Ann Lee | Wire Service | March 3, 2026") is None
    # and the first part, read alone, is an article sentence (never a field)
    assert (
        _removed("Contoso said the study met its main goal in most patients | March 3, 2026")
        is None
    )


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("SHANGHAI — March 3, 2026 — 08:15 a.m. EST", "meta-fields"),
        ("NEW YORK | Mar 3, 2026 | 10:00 CST", "meta-fields"),
        ("ST. LOUIS - 3 March 2026", "meta-fields"),
        # the place must be in capitals, and a date must follow it
        ("Shanghai — March 3, 2026 — 08:15 a.m. EST", None),
        ("SHANGHAI — Akeso Inc. — March 3, 2026", None),
        # a dateline that opens a sentence is the article's
        ("BEIJING — March 3, 2026 — The regulator has not commented.", None),
    ],
)
def test_a_dateline_may_start_with_its_place_in_capitals(line: str, rule: str | None) -> None:
    assert _removed(line) == rule


def test_the_chinese_meta_line_goes_as_meta_fields() -> None:
    assert _removed("来源：某某医药网 2026-03-14 10:22 作者：张三 阅读：1234") == "meta-fields"


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("Home | News | Deals | Subscribe | Log in", "menu-row"),
        ("Biotech • Pharma • Medtech • Policy", "menu-row"),
        ("首页 | 新闻 | 医药 | 登录", "menu-row"),
        ("Phase 1 | 120 patients | 45%", None),  # data
        ("Contoso | Antibody wins approval in Japan", None),  # a title with one separator
        ("Dosing started in May, | enrolment ended in June, | data came in July.", None),
        ("| Drug | Target | Phase |", None),  # a Markdown table row
    ],
)
def test_menu_rows(line: str, rule: str | None) -> None:
    assert _removed(line) == rule


def test_a_row_with_its_neighbours_separators_is_a_table() -> None:
    text = "\n".join(
        [ARTICLE[0], "Drug | Target | Stage", "Alpha | Beta | Gamma", "Delta | Kappa | Sigma"]
    )
    _, changes = clean_text(text, RULES)
    assert not [c for c in changes if c.rule == "menu-row"]
    # the same rows alone are a menu
    assert _removed("Alpha | Beta | Gamma") == "menu-row"


@pytest.mark.parametrize(
    "line",
    [
        "Start your free trial to keep reading",
        "Unlimited access to all articles",
        "Get unlimited access for $1 a week",
        "剩余80%未读，开通会员阅读全文",
        "开通会员，畅读全文",
        "已阅读60%，登录后查看剩余内容",
        "Log in to keep reading this article",
        "展开剩余72%",
        "请登录后发表评论",
        "Forgot password?",
    ],
)
def test_calls_to_action_go(line: str) -> None:
    assert _removed(line) == "call-to-action"


@pytest.mark.parametrize(
    "line",
    [
        "Unlimited access to cancer drugs remains a challenge",
        "Free trial access to the drug was expanded in Europe",
        "Contoso plans to register the drug in Europe and offer full access to trial data.",
        "公司开通会员服务，用户可免费阅读全文",
        "The trial enrolled patients who had no access to approved therapies.",
        "会员企业注册后，可享受专项资金支持。",
        "该药需要注册后才能上市",
        "药品注册申请获受理",
        "Readers can register for free to read more articles, the publisher said.",
    ],
)
def test_headlines_and_sentences_with_the_vocabulary_stay(line: str) -> None:
    assert _removed(line) is None


def test_the_list_after_a_prompt_goes_and_stops_at_the_article() -> None:
    text = "\n".join(
        [
            ARTICLE[0],
            "Become a member to continue reading",  # (rule en-paywall; it starts a list too)
            "• Unlimited access",
            "• Daily deal briefings",
            "• Cancel anytime",
            ARTICLE[1],
            "Key results",
        ]
    )
    cleaned, changes = clean_text(text, RULES)
    gone = [c.before for c in changes if c.rule == "call-to-action"]
    assert gone == [
        "• Unlimited access",
        "• Daily deal briefings",
        "• Cancel anytime",
    ]
    assert "Become a member to continue reading" not in cleaned
    assert cleaned.splitlines() == [ARTICLE[0], ARTICLE[1], "Key results"]


def test_a_short_record_keeps_its_lines_but_a_prompt_list_needs_an_article() -> None:
    # a document of a few short lines: the prompt goes (judged by itself), the list items,
    # judged by position, stay
    cleaned, changes = clean_text("Start your free trial to keep reading\nWeekly briefings", RULES)
    assert [c.rule for c in changes if c.action == "remove"] == ["call-to-action"]
    assert cleaned == "Weekly briefings"


@pytest.mark.parametrize(
    "line",
    [
        "Show 3 more replies",
        "Comments are closed on this story.",
        "« Older posts",
        "Newer post",
        "Picture gallery",
        "Enlarge image",
        "Most viewed this week",
        "Back to top ↑",
        "Kommentare: 7",
        "全部评论 36条",
        "发表我的评论",
        "查看更多评论",
        "收起",
        "Please read our community guidelines before posting.",
        "已有58人参与评论",
    ],
)
def test_interface_labels_go(line: str) -> None:
    assert _removed(line) == "ui-label"


@pytest.mark.parametrize(
    "line",
    [
        "Next steps",
        "Shares closed 3% higher.",
        "Comments from investors were mixed",
        "The company declined to comment.",
        "Print revenue fell",
        "Follow-up",
        "Safety",
        "– “Ok.”",  # a line of dialogue
        "share(prices)",  # code
        "COPY . .",  # a Dockerfile's line: "copy" alone is no strong term
        "专家评论",
        "视频会议",
        "相关研究",
        "下一步计划",
    ],
)
def test_lines_with_a_word_outside_the_vocabulary_stay(line: str) -> None:
    assert _removed(line) is None


def test_a_short_record_of_interface_words_stays() -> None:
    # a two-line record is data: "Comments" may be its field's name
    cleaned, changes = clean_text("Comments\nShare", RULES)
    assert cleaned == "Comments\nShare"
    assert not [c for c in changes if c.action == "remove"]


def test_the_bundled_grammar_loads_with_its_digest() -> None:
    text = (data_dir("rules") / GRAMMAR_FILE).read_text(encoding="utf-8")
    assert parse_grammar(text, "g.yaml").digest == GRAMMAR.digest
    assert load_grammar().digest == GRAMMAR.digest
    # it is no rule file: listing the rules folder does not return it
    assert GRAMMAR_FILE.name not in {p.name for p in rule_files()}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("months: [jan,", "months: jan\n  old: [jan,"), r"g\.yaml:\d+: date: unknown key 'old'"),
        (("  labels: [updated,", "  labels: [yes, updated,"), r"g\.yaml:\d+: date\.labels must"),
        (("  words: [home,", "  words: {home,"), r"g\.yaml:\d+: not valid YAML"),
    ],
)
def test_grammar_errors_name_file_and_line(change: tuple[str, str], message: str) -> None:
    text = (data_dir("rules") / GRAMMAR_FILE).read_text(encoding="utf-8")
    assert change[0] in text
    with pytest.raises(RulesError, match=message):
        parse_grammar(text.replace(change[0], change[1], 1), "g.yaml")


def test_grammar_rule_lists_must_name_loaded_rules() -> None:
    text = (data_dir("rules") / GRAMMAR_FILE).read_text(encoding="utf-8")
    ids = {r.id: r.source for r in RULES.generic}
    parse_grammar(text, "g.yaml", ids)
    with pytest.raises(RulesError, match="names 'en-no-such-rule'"):
        parse_grammar(text.replace("en-read-time", "en-no-such-rule", 1), "g.yaml", ids)



_CTA_WORDS = sorted({term.split()[0] for term in GRAMMAR.cta_strong} | {"the", "news", "app"})[:40]


def _plain_call_to_action(norm: str, sentence: bool) -> bool:
    """LineGrammar.call_to_action as first written: a Python loop over the words first."""
    from normalize.strip import compose as c

    zh_hint = not norm.isascii() and GRAMMAR._zh_cta_hint.search(norm) is not None
    if not zh_hint and not any(
        w.strip(c._PUNCT) in GRAMMAR._cta_first for w in norm.replace("/", " ").split()
    ):
        return False
    strong, share, words, cjk = GRAMMAR.cta_measure(norm)
    if not strong or (cjk and cjk > c.CTA_MAX_CJK) or (not cjk and words > c.CTA_MAX_WORDS):
        return False
    if sentence:
        return share >= c.CTA_SENTENCE_ALL_SHARE or (
            share >= c.CTA_SENTENCE_MIN_SHARE and strong >= c.CTA_SENTENCE_MIN_STRONG
        )
    return share >= c.CTA_MIN_SHARE


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(_CTA_WORDS) | st.sampled_from(["now!", "/", "(free)", "订阅", "—", "x"]),
        max_size=8,
    ),
    st.booleans(),
)
def test_call_to_action_is_its_plain_definition(words: list[str], sentence: bool) -> None:
    norm = " ".join(words)
    assert GRAMMAR.call_to_action(norm, sentence) == _plain_call_to_action(norm, sentence)


_UI_WORDS = sorted(
    w for term in GRAMMAR.ui_strong | GRAMMAR.ui_weak | GRAMMAR.ui_ignore for w in term.split()
)
_UI_ZH = sorted({*GRAMMAR.zh_ui_strong, *GRAMMAR.zh_ui_weak})


@pytest.mark.parametrize(
    ("terms", "most", "outsides", "sep"),
    [
        (_UI_WORDS, 6, ["trial", "patients", "revenue", "Hengrui", "sotorasib"], " "),
        (_UI_ZH, 4, ["临床", "患者", "营收", "恒瑞", "抗体"], ""),
    ],
    ids=["en", "zh"],
)
@settings(max_examples=300)
@given(data=st.data())
def test_one_word_outside_the_interface_vocabulary_keeps_a_line(
    terms: list[str], most: int, outsides: list[str], sep: str, data: st.DataObject
) -> None:
    # whatever interface words a line has, one article word among them keeps it
    words = data.draw(st.lists(st.sampled_from(terms), min_size=1, max_size=most))
    at = data.draw(st.integers(min_value=0, max_value=most))
    outside = data.draw(st.sampled_from(outsides))
    line = sep.join([*words[:at], outside, *words[at:]])
    assert not GRAMMAR.ui_label(normalize_line(line))


@settings(max_examples=200)
@given(st.lists(st.sampled_from(sorted(GRAMMAR.ui_strong)), min_size=1, max_size=2))
def test_strong_interface_terms_alone_are_labels(terms: list[str]) -> None:
    line = " ".join(terms)
    if len(line.split()) <= 8:  # (UI_MAX_WORDS)
        assert GRAMMAR.ui_label(normalize_line(line))

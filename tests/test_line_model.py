"""The line classifier: the shipped model file is plain JSON (no pickle) that matches this
version's features, training is deterministic, and the model's decisions are those of the
weights in the file."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from normalize.errors import RulesError
from normalize.strip.lineclf import (
    FEATURES,
    STACK_FEATURES,
    Linear,
    LineModel,
    line_features,
    load_line_model,
    load_words,
    parse_line_model,
    parse_words,
    stack_rows,
)

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "rules" / "line-model.json"


def _train_module():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import train_line_model
    finally:
        sys.path.pop(0)
    return train_line_model


def _docs():  # type: ignore[no-untyped-def]
    """A small invented corpus: articles between menus and footers, on several sites."""
    t = _train_module()
    docs = []
    for k in range(24):
        menu = ["Home", "News", "Markets | Deals | Science", "Sign in"]
        article = [
            f"Fabrikam update number {k}",
            f"Fabrikam Therapeutics said on day {k} that its candidate met the main goal of a "
            f"trial in {100 + k} patients with a chronic disease.",
            f"The company plans to file for approval in {2026 + k % 3} and expects sales to "
            f"grow by {k + 5} percent a year after launch.",
            f"Analysts said the result was better than expected for a drug of its class, "
            f"and shares rose {k % 7 + 1} percent.",
        ]
        footer = ["Related articles", "Privacy policy", "Contact us", "Follow us on Weibo"]
        lines = menu + article + footer
        labels = [1] * len(menu) + [0] * len(article) + [1] * len(footer)
        docs.append(t.Doc(f"site{k % 6}.example", "en", "test", "\n".join(lines), labels))
    return docs


def test_shipped_model_is_plain_json_for_these_features() -> None:
    if not MODEL.is_file():
        pytest.skip("no model shipped")
    raw = MODEL.read_text(encoding="utf-8")
    obj = json.loads(raw)  # plain JSON, loaded without pickle
    assert obj["features"] == list(FEATURES)
    assert obj["stack_features"] == list(STACK_FEATURES)
    model = parse_line_model(raw, str(MODEL))
    assert 0.0 < model.threshold <= 1.01
    assert 0.0 < model.zh_threshold <= 1.01


def test_training_twice_gives_the_same_file() -> None:
    t = _train_module()
    from normalize.strip.rules import load_rules

    docs = _docs()
    outs = []
    for _ in range(2):
        table = t.build_table(docs, load_rules())
        model = t.train(table, list(range(len(docs))), [d.group for d in docs])
        outs.append(model.to_json({}))
    assert outs[0] == outs[1]
    model = parse_line_model(outs[0], "trained")
    # the file's weights make the decisions: probabilities from it (pure Python, one document
    # at a time) match the trainer's (numpy, all documents at once)
    import numpy as np

    table = t.build_table(docs, load_rules())
    doc = np.asarray(table.doc)
    stages = t.fit_stages(table, np.arange(len(doc)), [d.group for d in docs])
    expected = t.predict(stages, table, np.arange(len(doc)))
    got: list[float] = []
    for d in range(len(docs)):
        got.extend(model.probabilities(table.x[doc == d].tolist()))
    assert max(abs(a - e) for a, e in zip(got, expected, strict=True)) < 1e-4


def test_features_have_one_value_per_name() -> None:
    rows = line_features(
        ["Home", "A sentence that reads like an article line, with words.", "恒瑞医药宣布获批。"],
        [False, True, True],
        [False, False, False],
    )
    assert all(len(r) == len(FEATURES) for r in rows)
    assert all(math.isfinite(x) for r in rows for x in r)


def test_smoothing_takes_a_near_line_between_two_removed_ones() -> None:
    model = LineModel(Linear((), (), (), 0.0), None, 0.9, 0.95, 0.2)
    assert model.decide([0.95, 0.8, 0.95], [0.9] * 3) == [True, True, True]
    assert model.decide([0.95, 0.8, 0.1], [0.9] * 3) == [True, False, False]
    assert model.decide([0.1, 0.65, 0.95], [0.9] * 3) == [False, False, True]
    # an article sentence between two removed lines (a reply in a comment thread) is not
    # smoothed away
    rows = line_features(
        ["Reply", "We are testing the new release on two more platforms this week.", "Reply"],
        [False, True, False],
        [False] * 3,
    )
    assert model.smoothable(rows) == [True, False, True]
    assert model.decide([0.95, 0.8, 0.95], [0.9] * 3, model.smoothable(rows)) == [
        True, False, True
    ]  # fmt: skip
    # a Chinese line has its own threshold
    assert model.thresholds([[1.0 if name == "zh" else 0.0 for name in FEATURES]]) == [0.95]


def test_stack_rows_see_the_neighbours_decisions() -> None:
    rows = [[0.0], [1.0], [2.0]]
    out = stack_rows(rows, [-9.0, 1.0, 2.0])
    assert len(out[0]) == 1 + len(STACK_FEATURES)
    # logit (clipped), previous, next, window mean, min and max of the two neighbours
    assert out[0][1:] == [-6.0, 0.0, 1.0, 1.5, 0.0, 1.0]
    assert out[1][1:] == [1.0, -6.0, 2.0, -2.0, -6.0, 2.0]
    assert out[2][1:] == [2.0, 1.0, 0.0, -2.5, 0.0, 1.0]
    # some of them only (the lines the trees judge): the same rows
    assert stack_rows(rows, [-9.0, 1.0, 2.0], [2, 0]) == [out[2], out[0]]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "not valid JSON"),
        ('{"format": "x"}', "not a normalize line model"),
        ('{"format": "normalize line model 5", "features": ["size"]}', "other features"),
    ],
)
def test_bad_model_files_are_named(text: str, message: str) -> None:
    with pytest.raises(RulesError, match=message):
        parse_line_model(text, "bad.json")


def test_main_run_is_the_stretch_with_the_most_article_text() -> None:
    long = "The company said its drug met the main goal of the trial in adults with asthma."
    teaser = "Read how another company raised money for its own trial in a big round."
    menu = ["Menu", "Deals", "Science", "Jobs", "Events", "Podcasts", "Awards", "Sign in"]
    texts = [teaser, *menu, long, long + " Again.", "Share", long]
    sentence = [True] + [False] * len(menu) + [True, True, False, True]
    rows = line_features(texts, sentence, [False] * len(texts))
    in_main = [r[FEATURES.index("in_main")] for r in rows]
    # the teaser is a sentence too, but eight menu lines (costing more than its words) part
    # it from the article; one short line inside the article does not
    assert in_main == [0.0] * 9 + [1.0] * 4
    assert rows[0][FEATURES.index("before_main")] == 1.0
    assert rows[0][FEATURES.index("main_distance")] > 0.0


def test_line_tokens_are_words_and_cjk_bigrams() -> None:
    from normalize.strip.lexicon import line_tokens

    assert line_tokens("Sign in to Fabrikam 2026") == ["sign", "in", "to", "fabrikam", "^sign"]
    # CJK runs give character bigrams, Latin words beside them stay words
    assert line_tokens("打开APP看图") == ["打开", "看图", "app", "^打开"]
    assert line_tokens("") == [] and line_tokens("2026-03-14 10:22") == []


def test_the_lexicon_in_the_model_file_makes_the_lexical_features() -> None:
    from normalize.strip.lexicon import LEX_FEATURES

    lexicon = {"subscribe": 2.0, "today": 1.0, "trial": -1.5}
    texts = ["Subscribe today", "The trial met its goal, the company said on Monday.", "Next"]
    rows = line_features(texts, [False, True, False], [False] * 3, lexicon=lexicon)
    col = {name: FEATURES.index(name) for name in LEX_FEATURES}
    assert rows[0][col["lex_mean"]] == 1.5 and rows[0][col["lex_max"]] == 2.0
    assert rows[1][col["lex_min"]] == -1.5
    assert rows[2][col["lex_mean"]] == 0.0  # no token of it is known
    assert rows[1][col["prev_lex"]] == 1.5 and rows[1][col["next_lex"]] == 0.0
    # without a lexicon the lexical features are 0
    assert all(r[col["lex_mean"]] == 0.0 for r in line_features(texts, [False] * 3, [False] * 3))
    # the lexicon travels in the JSON and comes back the same
    model = LineModel(Linear((0.0,), (1.0,), (0.0,), 0.0), None, 0.9, 0.95, 0.2,
                      lexicon=lexicon)  # fmt: skip
    obj = json.loads(model.to_json({}))
    assert obj["lexicon"] == dict(sorted(lexicon.items()))


def test_a_lexicon_that_is_not_numbers_is_named() -> None:
    obj = json.loads(MODEL.read_text(encoding="utf-8")) if MODEL.is_file() else None
    if obj is None:
        pytest.skip("no model shipped")
    obj["lexicon"] = {"home": "junk"}
    with pytest.raises(RulesError, match="'lexicon' must map tokens to numbers"):
        parse_line_model(json.dumps(obj), "bad.json")


def test_the_lexicon_is_learnt_across_sites_not_from_one_site_template() -> None:
    t = _train_module()
    from normalize.strip.rules import load_rules

    docs = _docs()
    for doc in docs:  # a furniture line on every site; one site's own template word
        own = "Qwertyzine portal\n" if doc.group == "site0.example" else ""
        doc.text = f"{own}Listen to our weekly podcast\n{doc.text}"
        doc.labels = [1] * (1 + bool(own)) + doc.labels
    table = t.build_table(docs, load_rules())
    rows = np.arange(len(table.y))
    lexicon = t.lexicon_of(t.fit_lexicon(table, rows, [d.group for d in docs]), table.vocab)
    assert "qwertyzine" not in lexicon  # seen on one site only
    assert lexicon["podcast"] > 0 > lexicon["analysts"]  # furniture and article words


def test_a_word_cut_by_the_sample_end_is_no_token() -> None:
    from normalize.strip.lexicon import SAMPLE_CHARS, line_tokens

    text = "word " * (SAMPLE_CHARS // 5 - 1) + "Subscribers only"
    assert "sub" not in line_tokens(text) and "subscribers" not in line_tokens(text)
    assert line_tokens(text)[-1] == "^word"


def test_repeated_lines_and_runs_of_short_lines_are_features() -> None:
    sentence_text = "The company said its drug met the main goal of the trial in adults."
    texts = ["Home", "Deals", "Jobs", sentence_text, "Dr. Ann Example", sentence_text + " Yes.",
             "Dr. Ann Example"]  # fmt: skip
    sentence = [False, False, False, True, False, True, False]
    rows = line_features(texts, sentence, [False] * len(texts))
    repeats = [r[FEATURES.index("repeats")] for r in rows]
    runs = [r[FEATURES.index("short_run")] for r in rows]
    assert repeats == [0.0, 0.0, 0.0, 0.0, math.log(2), 0.0, math.log(2)]
    # the menu is one run of three short lines; a sentence is in no run
    assert runs[:4] == [math.log(4)] * 3 + [0.0]
    assert runs[4] == runs[6] == math.log(2)  # each a run of one
    zh = line_features(["恒瑞医药宣布新药获批上市。", "首页"], [True, False], [False, False])
    col = FEATURES.index
    assert zh[0][col("zh_ends_sentence")] == 1.0 and zh[1][col("zh_ends_sentence")] == 0.0
    assert zh[1][col("zh_short")] == 1.0 and zh[0][col("zh_function")] == 0.0
    assert rows[0][col("zh_short")] == 0.0  # an English line has no Chinese measures


_PAGE = """<html><body>
<div>Home</div>
<table><tr><td><p>Layout cell with the article.</p>
  <table><tr><td>Nested</td><td>menu</td></tr></table></td></tr></table>
<table>
  <tr><th>Year</th><th>Award</th></tr>
  <tr><td>2019</td><td>Best new drug</td></tr>
  <tr><td>2020</td><td>Best trial</td></tr>
</table>
<table><tr><td>One row</td><td>only</td></tr></table>
</body></html>"""


def test_data_table_cells_are_marked_and_their_labels_dropped() -> None:
    t = _train_module()
    lines, cells = t.render_lines(_PAGE)
    assert lines == ["Home", "Layout cell with the article.", "Nested", "menu", "Year", "Award",
                     "2019", "Best new drug", "2020", "Best trial", "One row", "only"]  # fmt: skip
    marked = [line for line, cell in zip(lines, cells, strict=True) if cell]
    # three rows of two cells with text, no table inside: a data table; the layout table, the
    # table nested in it (one row) and the one-row table are not
    assert marked == ["Year", "Award", "2019", "Best new drug", "2020", "Best trial"]
    labels: list[int | None] = [1, 0, 1, 1, 1, 1, 0, 0, 0, 0, None, None]
    before = t.DROPPED.copy()
    t.drop_data_tables(cells, labels, "test")
    assert labels == [1, 0, 1, 1, None, None, None, None, None, None, None, None]
    assert t.DROPPED["test:data-table boilerplate"] - before["test:data-table boilerplate"] == 2
    assert t.DROPPED["test:data-table content"] - before["test:data-table content"] == 4


def test_a_long_page_counts_as_doc_cap_lines_in_training() -> None:
    t = _train_module()
    doc = np.array([0] * 10 + [1] * (int(t.DOC_CAP) * 2) + [2] * 3)
    y = np.ones(len(doc), dtype=np.int64)
    y[:5] = -1  # unlabelled lines do not count
    w = t.doc_weights(doc, y)
    assert (w[:10] == 1.0).all() and (w[-3:] == 1.0).all()
    assert w[10:-3] == pytest.approx(0.5)


def test_label_cleaning_unlabels_lone_content_lines_only() -> None:
    t = _train_module()
    lines = [
        "-AD START-",
        "Miracle cure for all ills",  # an ad slogan the annotator copied: between boilerplate
        "-AD END-",
        "Advertisement",
        "Fabrikam said on Monday that its candidate met the main goal of a large trial.",
        "Short heading",  # content next to content: stays
        "The company plans to file for approval next year, it said in a statement.",
        "Print",
        "Tags",
        "Central Bank of Examplia",  # a tag naming what the article names, alone
        "Archive",
    ]
    labels: list[int | None] = [1, 0, 1, 1, 0, 0, 0, None, None, 0, None]
    alone = [False] * 9 + [True, False]
    t.drop_lone_content(lines, labels, alone, "test")
    assert labels == [1, None, 1, 1, 0, 0, 0, None, None, None, None]
    # a sentence between boilerplate lines is the annotator's, not the matching's doubt
    lines[1] = "Fabrikam said on Tuesday that the regulator accepted its filing for review."
    labels = [1, 0, 1, 1, 0, 0, 0, None, None, 0, None]
    t.drop_lone_content(lines, labels, [False] * 11, "test")
    assert labels[1] == 0 and labels[9] == 0


def test_the_audit_lists_each_content_line_removed_with_its_rule() -> None:
    t = _train_module()
    from normalize.strip.rules import load_rules

    text = "\n".join(["Share", "Fabrikam said on Monday that its drug met its goal in a trial."])
    doc = t.Doc("site.example", "en", "test", text, [0, 0], "https://site.example/a")
    counts: dict[str, int] = __import__("collections").Counter()
    misses: list = []  # type: ignore[type-arg]
    t.score(doc, load_rules(), None, counts, misses)
    assert [(m.line, m.rule) for m in misses] == [(0, "en-share")]
    assert counts["en:content_removed"] == 1 and counts["en:content_kept"] == 1
    shown = t._show(misses[0], 1)
    assert "rule=en-share" in shown[0] and shown[1].startswith("    >c")


def test_a_page_without_canonical_url_takes_the_site_its_links_point_to() -> None:
    t = _train_module()
    page = (
        '<a href="https://news.example.com.cn/a">a</a><img src="http://img.example.com.cn/x.png">'
        '<a href="https://www.example.com.cn/b?x=1">b</a><a href="https://ads.example.net/">c</a>'
    )
    assert t.site_of_links(page) == "example.com.cn"
    assert t.site_of_links('<a href="https://one.example.org/">a</a>') is None  # too few
    assert t.site_of_links("<p>no links</p>") is None


def _two_trees() -> dict[str, object]:
    # tree 1: feature 0 <= 0.5 -> -1, else (feature 1 <= 2 -> 0.5, else 2); tree 2: a leaf
    return {
        "base": 0.25,
        "gate": -1.0,
        "trees": [[[0, 0.5, 1, 2], [-1.0], [1, 2.0, 3, 4], [0.5], [2.0]], [[0.125]]],
    }


def test_boosted_trees_walk_left_at_or_below_the_threshold() -> None:
    from normalize.strip.trees import parse_trees

    trees = parse_trees(_two_trees(), 2, "t.json", "stage2")
    got = trees.logits([[0.5, 9.0], [0.6, 2.0], [0.6, 2.1]])
    assert got == [0.25 - 1.0 + 0.125, 0.25 + 0.5 + 0.125, 0.25 + 2.0 + 0.125]
    # the JSON form comes back the same
    assert parse_trees(trees.as_json(), 2, "t.json", "stage2") == trees


@pytest.mark.parametrize(
    ("tree", "message"),
    [
        ([[5, 0.5, 1, 2], [0.0], [1.0]], "names feature 5"),
        ([[0, 0.5, 0, 2], [0.0], [1.0]], "child 0, not a later node"),  # a cycle
        ([[0, 0.5, 1, 9], [0.0]], "child 9"),
        ([[0, 0.5, 1]], "must be \\[value\\] or"),
        ([], "non-empty list"),
    ],
)
def test_bad_trees_are_named(tree: list[object], message: str) -> None:
    from normalize.strip.trees import parse_trees

    with pytest.raises(RulesError, match=message):
        parse_trees({"base": 0.0, "gate": 0.0, "trees": [tree]}, 2, "t.json", "stage2")


def test_the_trees_judge_only_lines_the_first_stage_finds_suspect() -> None:
    from normalize.strip.trees import parse_trees

    n = len(FEATURES)
    # the first stage's logit is the first feature; the trees always say +3
    stage1 = Linear((0.0,) * n, (1.0,) * n, (1.0,) + (0.0,) * (n - 1), 0.0)
    trees = parse_trees({"base": 3.0, "gate": -1.0, "trees": []}, n + len(STACK_FEATURES),
                        "t.json", "stage2")  # fmt: skip
    model = LineModel(stage1, trees, 0.9, 0.9, 0.1)
    rows = [[-4.0] + [0.0] * (n - 1), [-1.0] + [0.0] * (n - 1), [2.0] + [0.0] * (n - 1)]
    probs = model.probabilities(rows)
    assert probs[0] == pytest.approx(1 / (1 + math.exp(4.0)))  # below the gate: stage 1's
    assert probs[1] == probs[2] == pytest.approx(1 / (1 + math.exp(-3.0)))
    # and the file keeps them
    again = parse_line_model(model.to_json({}), "m.json")
    assert again.stage2 == trees


def test_silver_labels_are_prose_both_extractors_keep_and_lines_neither_keeps() -> None:
    t = _train_module()
    article = "某某医药今天宣布其新药获得批准上市。"
    extra = "公司表示将尽快推进生产。"
    lines = ["首页 新闻 登录 注册", article, "相关阅读推荐文章", article[:6], extra,
             "责任编辑：某某"]  # fmt: skip
    kept = [article + extra, "标题\n" + article]
    # the menu, the teaser head and the editor line are in neither text; the article line is
    # in both and reads as prose; a piece of it is too short to vouch for; a line only one
    # extractor keeps is not labelled
    assert t.silver_labels(lines, kept) == [1, 0, 1, None, None, 1]


def _walk(base: float, trees: tuple[object, ...], row: list[float]) -> float:
    """The plain reading of boosted trees: walk each from its root, add its leaf."""
    z = base
    for node in trees:
        while isinstance(node, tuple):
            node = node[2] if row[node[0]] <= node[1] else node[3]
        z += node  # type: ignore[operator]
    return z


_LEAVES = st.floats(allow_nan=False, allow_infinity=False, width=64)
_THRESHOLDS = st.one_of(
    st.floats(allow_nan=False, width=64), st.sampled_from([0.5, -0.0, 0.0, math.inf])
)
_TREES = st.recursive(
    _LEAVES,
    lambda inner: st.tuples(st.integers(0, 3), _THRESHOLDS, inner, inner),
    max_leaves=8,
)


@given(
    base=_LEAVES,
    trees=st.lists(_TREES, max_size=6),
    rows=st.lists(
        st.lists(st.one_of(st.floats(), st.sampled_from([0.5, 0.0])), min_size=4, max_size=4),
        max_size=4,
    ),
)
def test_compiled_trees_give_the_floats_of_walking_them(
    base: float, trees: list[object], rows: list[list[float]]
) -> None:
    from normalize.strip.trees import Trees

    compiled = Trees(base, tuple(trees))  # type: ignore[arg-type]
    got = compiled.logits(rows)
    want = [_walk(base, tuple(trees), row) for row in rows]
    assert [repr(z) for z in got] == [repr(z) for z in want]  # nan and -0.0 too


@given(st.text(alphabet="abAB '-’.|0 中", max_size=90))
def test_a_lines_measures_reuse_its_words_as_the_lexicon_tokens_unchanged(text: str) -> None:
    from normalize.strip.lexicon import lexical_measures
    from normalize.strip.lineclf import _Stats, load_words

    # weights for every short token of the alphabet, the first-word marks too
    words = ["a", "b", "ab", "ba", "aa", "bb", "a-b", "a'b", "a'a", "b-a", "aab", "abb", "bab"]
    lexicon = {w: 0.25 + i / 7 for i, w in enumerate(words)}
    lexicon.update({"^" + w: -0.5 - i / 3 for i, w in enumerate(words)})
    lexicon["中"] = 1.5
    assert _Stats(text, load_words(), lexicon).lex == lexical_measures(text, lexicon)


@given(st.text(alphabet="aZ_ 0-9.,|/>•·›»\t\x1c中，。ˇ٣", max_size=200))
def test_a_lines_shares_are_what_their_plain_definitions_count(text: str) -> None:
    import re

    from normalize.strip.lineclf import SAMPLE_CHARS, _Stats, load_words

    sample = text[:SAMPLE_CHARS]
    n = len(sample) or 1
    stats = _Stats(text, load_words())
    assert stats.digit_share == sum(ch in "0123456789" for ch in sample) / n
    assert stats.punct_share == len(re.sub(r"[\w\s]+", "", sample)) / n
    separators = re.findall(r"\s[|•·/›»>]\s|[|•·›»]", sample)
    assert stats.separators == (math.log1p(len(separators)) if separators else 0.0)
    ends = set('.!?…。！？"”’)）」』')
    assert stats.ends_sentence == (1.0 if text.rstrip()[-1:] in ends else 0.0)


@given(st.text(alphabet="ab'’-中文 1é", max_size=30))
def test_lexicon_words_skip_cjk_as_the_plain_definition_does(text: str) -> None:
    # words found with CJK characters left out of the letters, against the plain definition:
    # words of the text with each CJK run replaced by a space
    from normalize.strip.lexicon import _CJK_RUN, _WORD, _WORD_NOT_CJK

    assert _WORD_NOT_CJK.findall(text) == _WORD.findall(_CJK_RUN.sub(" ", text))


# at most 20 words of at most 7 characters: within SAMPLE_CHARS, where shares are whole counts
# (a longer line's are measured on its first SAMPLE_CHARS characters)
@given(
    st.lists(
        st.sampled_from(["the", "more", "share", "you", "please", "Home", "x", "of"]), max_size=20
    )
)
def test_word_class_shares_are_the_plain_counts(words: list[str]) -> None:
    from normalize.strip.lineclf import _Stats, load_words

    vocab = load_words()
    stats = _Stats(" ".join(words), vocab)
    low = [w.lower() for w in words]
    n = len(words) or 1
    # ("more" is both a function word and furniture)
    assert stats.function_share == sum(w in vocab.en_function for w in low) / n
    assert stats.junk_share == min(1.0, sum(w in vocab.en_furniture for w in low) / n)
    assert stats.address_share == min(1.0, sum(w in vocab.en_address for w in low) / n)


def test_the_shipped_model_counts_the_words_of_the_shipped_word_file() -> None:
    # the trainer copies rules/grammar/line-words.yaml into the model; an edit to the file
    # without retraining would leave the model counting the old words
    model = load_line_model()
    assert model is not None and model.words is not None
    assert model.words == load_words(), (
        "rules/grammar/line-words.yaml changed since rules/line-model.json was trained: "
        "python benchmarks/train_line_model.py --write"
    )


def test_a_model_counts_its_own_words_not_the_bundled_files() -> None:
    import dataclasses

    from normalize.strip.lineclf import FEATURES

    bundled = load_words()
    mine = dataclasses.replace(
        bundled, en_furniture=("pipeline",), zh_furniture=("管线",), source="mine"
    )
    col = FEATURES.index("junk_share")
    texts = ["Pipeline", "Home", "管线", "首页"]
    theirs = line_features(texts, [False] * 4, [False] * 4)
    ours = line_features(texts, [False] * 4, [False] * 4, words=mine)
    assert [r[col] for r in theirs] == [0.0, 1.0, 0.0, 1.0]
    assert [r[col] for r in ours] == [1.0, 0.0, 1.0, 0.0]
    # and the words travel in the model file
    model = LineModel(Linear((0.0,), (1.0,), (0.0,), 0.0), None, 0.5, 0.5, 0.1, words=mine)
    obj = json.loads(model.to_json({}))
    assert obj["words"]["en"]["furniture"] == ["pipeline"]
    assert parse_words(obj["words"], "m.json") == mine


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("en: [the]\n", "words.yaml:1: 'en' must be a mapping"),
        ("en: {}\n", "words.yaml:1: en.function must be a list"),
        ("en:\n  function: [the]\n", "words.yaml:2: en.furniture must be a list"),
        ("zh: {}\nen: {}\nfr: {}\n", "words.yaml:1: unknown key 'fr'"),
    ],
)
def test_bad_word_files_are_named_with_their_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "words.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError, match=message):
        load_words(path)


def test_word_lists_are_checked_entry_by_entry(tmp_path: Path) -> None:
    good = load_words().as_json()
    for lang, kind, value, message in [
        ("en", "furniture", ["Home"], "single lower-case words"),
        ("en", "address", [], "must be a list"),
        ("zh", "function", ["的了"], "one character each"),
        ("zh", "furniture", [" 首页"], "no spaces around a word"),
    ]:
        bad = json.loads(json.dumps(good))
        bad[lang][kind] = value
        with pytest.raises(RulesError, match=message):
            parse_words(bad, "m.json")


def test_intervals_resample_sites_and_bracket_the_figure(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from collections import Counter

    t = _train_module()
    per_doc = []
    for k in range(40):  # 40 sites: every 4th loses one content line of 10, all remove 8 of 10
        one: Counter[str] = Counter()
        one["en:boilerplate_removed"], one["en:boilerplate_kept"] = 8, 2
        one["en:content_removed"], one["en:content_kept"] = (1, 9) if k % 4 == 0 else (0, 10)
        per_doc.append((f"site{k}", one))
    t.print_intervals(per_doc, ["en"])
    line = capsys.readouterr().out.splitlines()[-1]
    # every site removes 80%: no resample can say otherwise; the loss (2.5% pooled) varies
    assert "removed 80.0%-80.0%" in line
    low, high = (float(x.rstrip("%")) for x in line.split("lost ")[1].split("-"))
    assert low < 2.5 < high


def test_the_shipped_model_holds_a_threshold_pair_per_trade_off() -> None:
    from normalize.strip.lineclf import FAVORS

    if not MODEL.is_file():
        pytest.skip("no model shipped")
    model = parse_line_model(MODEL.read_text(encoding="utf-8"), str(MODEL))
    assert set(model.modes) == set(FAVORS) - {"balanced"}
    precise, balanced, recall = (model.favoring(f) for f in ("precision", "balanced", "recall"))
    # a lower loss target can only raise a threshold, a higher one only lower it
    assert precise.threshold >= balanced.threshold >= recall.threshold
    assert precise.zh_threshold >= balanced.zh_threshold >= recall.zh_threshold
    assert recall.favor == "recall" and recall.favoring("balanced") == balanced
    assert recall.favoring("balanced").threshold == balanced.threshold


def test_trade_offs_are_validated_on_load_and_on_use() -> None:
    raw = json.loads(MODEL.read_text(encoding="utf-8"))
    for bad in ({"fast": [0.9, 0.9]}, {"recall": [0.9]}, {"recall": ["0.9", 0.9]}, []):
        with pytest.raises(RulesError, match="'modes' must map precision, recall"):
            parse_line_model(json.dumps({**raw, "modes": bad}), "bad.json")
    old = parse_line_model(json.dumps({k: v for k, v in raw.items() if k != "modes"}), "old.json")
    with pytest.raises(RulesError, match=r"old\.json: no thresholds for 'recall'; retrain"):
        old.favoring("recall")
    assert old.favoring("balanced") is old
    with pytest.raises(ValueError, match="unknown trade-off 'fast'"):
        old.favoring("fast")


def test_the_config_picks_the_trade_off_and_the_stamp_says_it() -> None:
    from normalize.config import Config
    from normalize.strip.cleaner import CleanerStage

    if not MODEL.is_file():
        pytest.skip("no model shipped")
    modes = json.loads(MODEL.read_text(encoding="utf-8"))["modes"]
    stage = CleanerStage.from_config(Config(strip_favor="recall"))
    assert stage.line_model is not None
    assert [stage.line_model.threshold, stage.line_model.zh_threshold] == modes["recall"]
    assert "favoring recall" in stage.stamp()["strip"]
    assert "favoring" not in CleanerStage.from_config(Config()).stamp()["strip"]
    with pytest.raises(ValueError, match=r"Config\.strip_favor: 'fast' is not one of"):
        Config(strip_favor="fast")


def test_a_trade_off_moves_what_the_classifier_takes() -> None:
    import dataclasses

    from normalize.strip.cleaner import clean_text
    from normalize.strip.lineclf import load_line_model
    from normalize.strip.rules import load_rules

    shipped = load_line_model()
    if shipped is None:
        pytest.skip("no model shipped")
    # thresholds far from the probabilities the shipped model gives these lines (article
    # sentences below 0.1, the footer's short lines about 0.9), so a retrained model keeps the
    # same outcome: "recall" takes the footer, "precision" (above any probability) nothing
    model = dataclasses.replace(shipped, modes={"precision": (1.01, 1.01), "recall": (0.5, 0.5)})
    article = [
        "Regulator clears a new lung cancer drug after a priority review",
        "The national regulator approved the drug on Monday after a priority review of 400 "
        "patients.",
        "The company said sales would start in the spring in three provinces and later across "
        "the country.",
    ]
    footer = ["Our team", "Jobs at the paper", "Print edition", "Events calendar"]
    text = "\n".join(article + footer)
    taken = {}
    for favor in ("precision", "recall"):
        _, changes = clean_text(text, load_rules(), model=model.favoring(favor))
        taken[favor] = {text[c.start : c.end].strip() for c in changes if c.rule == "line-model"}
    assert taken["precision"] == set()
    assert taken["recall"] >= {"Our team", "Jobs at the paper", "Events calendar"}
    assert not taken["recall"] & set(article)

"""Article lines the strip stage's rules used to delete (found by the leave-site-out audit,
``python benchmarks/eval_cleaner.py loso --lost``), and the junk the same rules must still
remove. Rules alone: the line classifier is not involved."""

from __future__ import annotations

from normalize.strip.cleaner import clean_text
from normalize.strip.rules import load_rules

RULES = load_rules()


def _removed(text: str) -> dict[str, str]:
    """Removed line -> the rule that removed it."""
    _, changes = clean_text(text, RULES)
    return {c.before: c.rule for c in changes if c.action == "remove"}


ZH_SENTENCE = "我们在日常生活中应当认真寻求真理，并且在各样的事上顺服，不要灰心。"
EN_SENTENCE = "The company said on Monday that the trial met its primary endpoint in adults."


def test_verse_references_are_not_times() -> None:
    text = "\n".join(
        ["某某网 2021-11-22 10:39", ZH_SENTENCE, "经文：", "约3:16", "罗8:28", "雅1:5", ZH_SENTENCE]
    )
    removed = _removed(text)
    assert removed.get("某某网 2021-11-22 10:39") == "zh-byline-time"
    assert not {"约3:16", "罗8:28", "雅1:5"} & removed.keys(), removed


def test_a_chronology_entry_that_starts_with_a_date_stays() -> None:
    entry = "2009年3月14日举办演唱会。"  # short: no sentence to the stage
    text = "\n".join(["2022-02-13 08:52 来源：某某网", ZH_SENTENCE, entry, ZH_SENTENCE])
    removed = _removed(text)
    assert removed.get("2022-02-13 08:52 来源：某某网") == "zh-dateline"
    assert entry not in removed


def test_a_settings_list_is_not_widget_residue() -> None:
    setting = "SERVICE_BASE_URL, the address of the service to call, e.g. http://localhost:8000/v1"
    residue = "RANK_REASON The story reports a change in how the regulator reviews new drugs."
    removed = _removed("\n".join([EN_SENTENCE, setting, residue, EN_SENTENCE]))
    assert removed.get(residue) == "en-field-label"
    assert setting not in removed


def test_a_silent_reply_in_dialogue_stays() -> None:
    speech = "“你来了……”她抬起头，轻声说道，然后又低下头去看书。"
    text = "\n".join([speech, "“……”", "----", ZH_SENTENCE])
    removed = _removed(text)
    assert removed.get("----") == "punctuation-only"
    assert "“……”" not in removed


def test_a_one_word_reply_before_the_first_sentence_stays() -> None:
    text = "\n".join(["Formulare", "„Ich komme morgen.“", "– „Ok.“", EN_SENTENCE, EN_SENTENCE])
    removed = _removed(text)
    assert removed.get("Formulare") == "head-single-word"
    assert "– „Ok.“" not in removed

"""Both real backends on a tiny random Marian model built by the fixtures (torch imports:
~20 s for the module; select with ``-m torch``, skip with ``-m "not torch"``).

With random weights the English is nonsense; what must hold is that loading, batching,
chunking, caching and protection work, and that every protected name comes out canonical.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from normalize import Config, Document
from normalize.translate.backends import SpmTokenizer, load_backend
from normalize.translate.registry import LocalModel, convert_ct2, load_registry, resolve
from normalize.translate.translator import TranslatorStage

pytestmark = [pytest.mark.torch, pytest.mark.slow]

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
MENTIONS = SHARED / "eval" / "zh-mentions.jsonl"
BACKENDS = ("ctranslate2", "transformers", "transformers-int8")
# Each mention is put inside sentences of our own, so the model has context to garble.
# The glossary must let the translator find at least this share of the mentions it lists.
PROTECT_RECALL_MIN = 0.85
FRAMES = ("据公司公告，{}今日宣布研究结果。", "{}")


@pytest.fixture(scope="module")
def local(tiny_marian: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[LocalModel, Path]:
    cache = tmp_path_factory.mktemp("cache")
    return resolve(str(tiny_marian), "zh", cache, load_registry()), cache


@pytest.fixture(scope="module")
def backends(local: tuple[LocalModel, Path]) -> dict[str, object]:
    model, cache = local
    return {name: load_backend(name, model, "cpu", cache) for name in BACKENDS}


def test_tokenizer_matches_marian_tokenizer(tiny_marian: Path) -> None:
    from transformers import MarianTokenizer

    ours = SpmTokenizer.load(tiny_marian)
    theirs = MarianTokenizer.from_pretrained(str(tiny_marian))
    for text in ("公司宣布新药获批。", "SHR-A1811 met its endpoint, QZ701 said.", "醫藥公司宣佈"):
        ids = [ours.vocab[p] for p in ours.pieces(text)]
        assert ids == theirs(text).input_ids


def test_conversion_happens_once(local: tuple[LocalModel, Path]) -> None:
    model, cache = local
    first = convert_ct2(model, cache)
    stamp = (first / "model.bin").stat().st_mtime_ns
    assert convert_ct2(model, cache) == first
    assert (first / "model.bin").stat().st_mtime_ns == stamp


@pytest.mark.parametrize("name", BACKENDS)
def test_backend_translates_batches(
    backends: dict[str, object], tiny_marian: Path, name: str
) -> None:
    backend = backends[name]
    tok = SpmTokenizer.load(tiny_marian)
    batch = [
        tok.pieces(s)
        for s in ("公司宣布新药获批。", "投资者请注意投资风险，公司股票将于明日复牌。")
    ]
    out = backend.translate(batch, beam_size=2, max_length=12)  # type: ignore[attr-defined]
    assert len(out) == 2 and all(len(h) <= 12 for h in out)
    forced = backend.translate(batch, beam_size=1, max_length=8, min_length=8)  # type: ignore[attr-defined]
    assert [len(h) for h in forced] == [8, 8]  # the benchmark's equal forced length


def test_ctranslate2_batch_equals_single(backends: dict[str, object], tiny_marian: Path) -> None:
    backend = backends["ctranslate2"]
    tok = SpmTokenizer.load(tiny_marian)
    sources = [
        tok.pieces(s)
        for s in ("公司宣布新药获批。", "临床试验结果显示，患者的无进展生存期明显延长。")
    ]
    together = backend.translate(sources, beam_size=1, max_length=10)  # type: ignore[attr-defined]
    alone = [backend.translate([s], beam_size=1, max_length=10)[0] for s in sources]  # type: ignore[attr-defined]
    assert together == alone


@pytest.mark.parametrize("name", ("ctranslate2", "transformers"))
def test_stage_end_to_end(tiny_marian: Path, tmp_path: Path, test_glossary, name: str) -> None:  # type: ignore[no-untyped-def]
    config = Config(model=str(tiny_marian), backend=name, cache_dir=tmp_path, batch_size=3)
    translator = TranslatorStage.from_config(config, test_glossary)
    long = "，".join(["公司宣布新药获批上市"] * 30) + "。"
    text = (
        f"安贝生物宣布维洛妥珠单抗获批。{long}\nThe English line stays.\n"
        "醫藥公司宣佈，國家藥監局批准。"
    )
    doc = translator(Document(text))
    assert "The English line stays.\n" in doc.text
    assert [(e.id, doc.text[e.start : e.end]) for e in doc.entities] == [
        ("anbei", "Anbei Biopharma"),
        ("velotuzumab", "velotuzumab fenotecan (QX-2201)"),
        ("nmpa", "National Medical Products Administration (NMPA)"),
    ]
    # The stamp names what translated this document (the engine's name: e.g. ctranslate2-int8).
    assert doc.stamp["backend"].startswith(name)
    assert doc.stamp["model"] == tiny_marian.name
    assert translator(Document("The English line stays.\n")).stamp == {}
    # A second stage on the same cache folder never loads the model.
    again = TranslatorStage.from_config(config, test_glossary)
    again._runtime.engines.clear()
    result = again(Document(text))
    assert result.text == doc.text
    assert all(engine.backend is None for engine in again._runtime.engines.values())


def _mentions() -> list[dict[str, str]]:
    if not MENTIONS.is_file():
        pytest.skip(f"{MENTIONS} not found (shared evaluation data)")
    return [
        json.loads(line)
        for line in MENTIONS.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def test_zh_mentions_come_out_canonical(tiny_marian: Path, tmp_path: Path) -> None:
    """Real Chinese name spans (read in place), random-weight model: every protected term
    must come out as its glossary name, and the glossary must cover the mentions it lists."""
    from normalize.canonicalize.rendering import render_name
    from normalize.glossary.entries import load_glossary
    from normalize.resources import data_dir

    try:
        glossary = load_glossary([data_dir("glossaries")])
    except Exception as exc:
        pytest.skip(f"bundled glossaries not available: {exc}")
    mentions = [m for m in _mentions() if m["glossary_id"] in glossary.entries]
    if not mentions:
        pytest.skip("no mention's glossary id is in the bundled glossary")
    config = Config(model=str(tiny_marian), cache_dir=tmp_path, translation_cache=False)
    translator = TranslatorStage.from_config(config, glossary)
    found, missed = 0, []
    for mention in mentions:
        for frame in FRAMES:
            doc = translator(Document(frame.format(mention["span"])))
            protected = [e for e in doc.entities if e.method == "protected"]
            seen: set[str] = set()
            for entity in protected:  # every protected name is written as the glossary says
                entry = glossary[entity.id]
                written = doc.text[entity.start : entity.end]
                before, after = doc.text[: entity.start], doc.text[entity.end :]
                assert written == render_name(entry, entity.id not in seen, before, after), (
                    mention["id"],
                    written,
                )
                assert entity.surface in mention["span"] or mention["span"] in entity.surface
                seen.add(entity.id)
            if any(e.id == mention["glossary_id"] for e in protected):
                found += 1
            else:
                missed.append(mention["span"])
    total = found + len(missed)
    print(f"protected {found}/{total} mention frames")
    missed_names = sorted(set(missed))
    assert found / total >= PROTECT_RECALL_MIN, f"protected {found}/{total}; missed {missed_names}"

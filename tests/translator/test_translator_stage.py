"""The translate stage with a fake backend (no torch): routing, chunking, protection, cache,
errors, the models registry and CLI. The real backends are in test_translator_backends.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

import normalize.translate.backends
from normalize import Config, Document, Entity
from normalize.cli import main
from normalize.errors import MissingDependencyError, ModelError
from normalize.translate.protect import PLACEHOLDER_RE
from normalize.translate.registry import load_registry, parse_registry, resolve
from normalize.translate.translator import TranslatorStage

GLOSSARY = Path(__file__).resolve().parents[1] / "data" / "translator-glossary"

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class FakeBackend:
    """Echoes the source (mode "echo"), answers a fixed sentence ("drop": placeholders lost),
    or lower-cases and spaces placeholders ("mangle")."""

    mode: str = "echo"
    name: str = "fake"
    device: str = "cpu"
    calls: list[list[list[str]]] = field(default_factory=list)

    def translate(self, batch, beam_size, max_length, min_length=0):  # type: ignore[no-untyped-def]
        self.calls.append(batch)
        out = []
        for src in batch:
            pieces = [p for p in src if p != "</s>"]
            if self.mode == "drop":
                pieces = ["▁The", "▁news", "▁was", "▁good", "."]
            elif self.mode == "mangle":
                text = "".join(pieces).replace("▁", " ")
                text = PLACEHOLDER_RE.sub(lambda m: f"qz {m.group(1)}", text)
                pieces = ["▁" + w for w in text.split()]
            out.append(pieces)
        return out


@pytest.fixture()
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeBackend:
    backend = FakeBackend()
    monkeypatch.setattr(normalize.translate.backends, "load_backend", lambda *a, **k: backend)
    return backend


def stage(marian_files: Path, tmp_path: Path, glossary=None, **kw) -> TranslatorStage:  # type: ignore[no-untyped-def]
    config = Config(model=str(marian_files), cache_dir=tmp_path, **kw)
    return TranslatorStage.from_config(config, glossary)


# ---- routing ------------------------------------------------------------------------------


def test_english_passes_through_untouched(
    marian_files: Path, tmp_path: Path, fake: FakeBackend
) -> None:
    doc = Document("Hengrui said the drug met its endpoint.\n\nSecond paragraph.")
    assert stage(marian_files, tmp_path)(doc) is doc
    assert fake.calls == []


def test_english_run_imports_no_heavy_module(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from normalize import Config, Pipeline\n"
        "from normalize.glossary.entries import load_glossary\n"
        f"g = load_glossary([{str(GLOSSARY)!r}])\n"
        f"p = Pipeline(Config(cache_dir={str(tmp_path)!r}), glossary=g)\n"
        "p.process('Anbei Biopharma said the study met its endpoint.')\n"
        "heavy = ('torch', 'transformers', 'ctranslate2', 'sentencepiece')\n"
        "heavy = [m for m in heavy if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_no_model_gives_instructions(tmp_path: Path) -> None:
    translator = TranslatorStage.from_config(Config(cache_dir=tmp_path), None)
    with pytest.raises(ModelError) as err:
        translator(Document("公司今日宣布新药获批上市。"))
    message = str(err.value)
    assert "normalize models pull opus-mt-zh-en" in message
    # Library terms in the library (the CLI says --model PATH and --no-translate).
    assert "Config(model=PATH)" in message and "Config(translate=False)" in message


def test_language_without_registry_model_is_left_with_a_warning(
    marian_files: Path, tmp_path: Path
) -> None:
    translator = TranslatorStage.from_config(Config(cache_dir=tmp_path), None)
    text = (
        "Das Unternehmen hat die Zulassung für das neue Medikament erhalten "
        "und wird es bei den Ärzten einführen."
    )
    doc = translator(Document(text))
    assert doc.text == text
    assert any("no model for de->en" in w for w in doc.warnings)


def test_mixed_document_keeps_english_and_shifts_entities(
    marian_files: Path, tmp_path: Path, fake: FakeBackend
) -> None:
    english = "Anbei said so.\n"
    text = "公司宣布新药获批。\n" + english
    prior = Entity("anbei", "Anbei", "company", "Anbei", 10, 15, 100.0, "exact")
    doc = stage(marian_files, tmp_path)(Document(text, entities=(prior,)))
    assert doc.text.endswith(english) and doc.lang == "en"
    moved = doc.entities[0]
    assert doc.text[moved.start : moved.end] == "Anbei"
    assert [c.action for c in doc.changes if c.rule != "cache"] == ["translate"]


# ---- chunking: nothing dropped ------------------------------------------------------------


def test_every_sentence_reaches_the_model_within_the_limit(
    marian_files: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []

    def echo(self, engine, sources):  # type: ignore[no-untyped-def]
        seen.extend(sources)
        return {s: s for s in sources}

    monkeypatch.setattr(TranslatorStage, "_model_translate", echo)
    long_sentence = "，".join(["公司宣布新药获批上市并且股价上涨"] * 40) + "。"
    sentences = [
        "公司今日宣布新药获批。",
        long_sentence,
        "投资者请注意风险！",
        "临床试验结果显示患者获益？",
    ]
    translator = stage(marian_files, tmp_path, translation_cache=False)
    doc = translator(Document("".join(sentences)))
    engine = translator._runtime.engines["zh"]
    assert max(engine.tokenizer.count(s) for s in seen) <= engine.limit
    assert len(seen) > len(sentences)  # the long sentence was chunked
    # Echoed back, every character of every sentence is in the output, in order.
    assert "".join(doc.text.split()) == "".join(sentences)


def test_batches_respect_batch_size(marian_files: Path, tmp_path: Path, fake: FakeBackend) -> None:
    text = "".join(f"第{n}家公司宣布获批。" for n in "一二三四五")
    stage(marian_files, tmp_path, batch_size=2, translation_cache=False)(Document(text))
    assert [len(b) for b in fake.calls] == [2, 2, 1]


# ---- protection ---------------------------------------------------------------------------


def _rendered(doc: Document) -> list[tuple[str, str]]:
    return [(e.id, doc.text[e.start : e.end]) for e in doc.entities]


def test_protected_names_come_out_canonical(marian_files, tmp_path, fake, test_glossary) -> None:  # type: ignore[no-untyped-def]
    text = (
        "苏州安贝生物医药有限公司宣布，注射用維洛妥珠單抗获得国家药监局批准。"
        "安贝生物表示维洛妥珠单抗的研究顺利。"
    )
    doc = stage(marian_files, tmp_path, test_glossary)(Document(text))
    assert _rendered(doc) == [
        ("anbei", "Anbei Biopharma"),
        ("velotuzumab", "velotuzumab fenotecan (QX-2201)"),
        ("nmpa", "National Medical Products Administration (NMPA)"),
        ("anbei", "Anbei"),
        ("velotuzumab", "velotuzumab fenotecan"),
    ]
    surfaces = [e.surface for e in doc.entities]
    assert surfaces[1] == "注射用維洛妥珠單抗"  # traditional, with its dosage-form prefix
    assert all(e.method == "protected" and e.score == 100 for e in doc.entities)
    assert "QZ7" not in doc.text


def test_lost_placeholders_are_put_back(marian_files, tmp_path, fake, test_glossary) -> None:  # type: ignore[no-untyped-def]
    fake.mode = "drop"
    doc = stage(marian_files, tmp_path, test_glossary)(Document("安贝生物宣布维洛妥珠单抗获批。"))
    assert _rendered(doc) == [
        ("anbei", "Anbei Biopharma"),
        ("velotuzumab", "velotuzumab fenotecan (QX-2201)"),
    ]
    assert doc.text.startswith("Anbei Biopharma The news") and doc.text.endswith("was good.")
    assert [c.rule for c in doc.changes if c.action == "repair"] == ["placeholder-fallback"] * 2


def test_mangled_placeholders_are_recognised(marian_files, tmp_path, fake, test_glossary) -> None:  # type: ignore[no-untyped-def]
    fake.mode = "mangle"
    doc = stage(marian_files, tmp_path, test_glossary)(Document("安贝生物宣布鲁纳替尼胶囊获批。"))
    assert _rendered(doc) == [("anbei", "Anbei Biopharma"), ("lunatinib", "lunatinib")]
    assert not [c for c in doc.changes if c.action == "repair"]


def test_a_bare_name_needs_no_model(marian_files, tmp_path, fake, test_glossary) -> None:  # type: ignore[no-untyped-def]
    doc = stage(marian_files, tmp_path, test_glossary)(Document("国家药品监督管理局\n"))
    assert doc.text == "National Medical Products Administration (NMPA)\n"
    assert fake.calls == []


# ---- cache ----------------------------------------------------------------------------------


def test_cache_serves_repeats_across_runs(
    marian_files: Path, tmp_path: Path, fake: FakeBackend
) -> None:
    text = "公司今日宣布新药获批。投资者请注意风险。"
    first = stage(marian_files, tmp_path)(Document(text))
    assert len(fake.calls) == 1
    again = stage(marian_files, tmp_path)(Document(text))  # a new stage: only the file is shared
    assert len(fake.calls) == 1 and again.text == first.text
    stage(marian_files, tmp_path, beam_size=4)(Document(text))  # other settings: other keys
    assert len(fake.calls) == 2
    stage(marian_files, tmp_path, translation_cache=False)(Document(text))
    assert len(fake.calls) == 3
    assert (tmp_path / "translations.sqlite3").is_file()


# ---- registry and model folders -------------------------------------------------------------


GOOD = """models:
  - name: opus-mt-xx-en
    hub_id: Someone/opus-mt-xx-en
    revision: 0123456789abcdef0123456789abcdef01234567
    source: de
    target: en
    license: CC-BY-4.0
"""


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            ("0123456789abcdef0123456789abcdef01234567", "main"),
            "test.yaml:2: model 'opus-mt-xx-en': revision must be a pinned",
        ),
        (
            ("license: CC-BY-4.0", "licence: MIT"),
            "test.yaml:2: model 'opus-mt-xx-en': unknown field 'licence'",
        ),
        (("source: de", "source: German"), "source must be an ISO 639 code"),
        (("    target: en\n", ""), "missing field 'target'"),
    ],
)
def test_registry_errors_name_file_and_line(change: tuple[str, str], problem: str) -> None:
    with pytest.raises(ModelError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        parse_registry(GOOD.replace(*change), "test.yaml")


def test_registry_second_default_is_an_error() -> None:
    two = GOOD + GOOD.split("\n", 1)[1].replace("xx-en", "yy-en")
    two = two.replace("    license: CC-BY-4.0\n", "    license: CC-BY-4.0\n    default: true\n")
    with pytest.raises(ModelError, match=r"test.yaml:9: .* a second default for de-en"):
        parse_registry(two, "test.yaml")


def test_bundled_registry_is_valid() -> None:
    registry = load_registry()
    spec = registry.for_language("zh")
    assert spec is not None and spec.name == "opus-mt-zh-en" and spec.default


def test_pickled_weights_are_refused(marian_files: Path, tmp_path: Path) -> None:
    folder = tmp_path / "pickled"
    folder.mkdir()
    for name in ("config.json", "vocab.json", "source.spm", "target.spm"):
        (folder / name).write_bytes((marian_files / name).read_bytes())
    (folder / "pytorch_model.bin").write_bytes(b"not really")
    with pytest.raises(ModelError, match="safetensors only"):
        resolve(str(folder), "zh", tmp_path, load_registry())


def test_unknown_model_name(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"unknown model 'nope'.*known: opus-mt-zh-en"):
        resolve("nope", "zh", tmp_path, load_registry())


def test_missing_extra_names_the_pip_command(
    marian_files: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ctranslate2", None)
    local = resolve(str(marian_files), "zh", tmp_path, load_registry())
    with pytest.raises(
        MissingDependencyError, match=r"pip install 'normalize-news\[translate\]'"
    ):
        normalize.translate.backends.load_backend("ctranslate2", local, "cpu", tmp_path)


# ---- CLI ------------------------------------------------------------------------------------


def test_cli_models_list_and_path(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["models", "list", "--cache-dir", str(tmp_path)])
    assert (
        result.exit_code == 0
        and "opus-mt-zh-en" in result.output
        and "not installed" in result.output
    )
    result = runner.invoke(main, ["models", "path", "opus-mt-zh-en", "--cache-dir", str(tmp_path)])
    assert result.exit_code == 1 and "normalize models pull opus-mt-zh-en" in result.output


def test_cli_pull_without_network_fails_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # this machine has no hub access; never wait on DNS
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    result = CliRunner().invoke(
        main, ["models", "pull", "opus-mt-zh-en", "--cache-dir", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert "could not download Helsinki-NLP/opus-mt-zh-en" in result.output
    assert "--model PATH" in result.output
    assert not (tmp_path / "models" / "opus-mt-zh-en").exists()


def test_cli_clean_chinese_without_model(tmp_path: Path) -> None:
    args = [
        "clean",
        "--format",
        "json",
        "--glossary",
        str(GLOSSARY),
        "--cache-dir",
        str(tmp_path),
        "-",
    ]
    runner = CliRunner()
    result = runner.invoke(main, args, input="公司宣布新药获批。\n")
    assert result.exit_code == 1 and "normalize models pull opus-mt-zh-en" in result.output
    result = runner.invoke(
        main, [*args[:-1], "--no-translate", "-"], input="安贝生物宣布新药获批。\n"
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["text"].startswith("安贝生物") and out["entities"][0]["id"] == "anbei"

"""The library's contract as the README states it: top-level exceptions, a Config that checks
and converts its fields, hints in library terms (the CLI's in options), the detected `lang`, and
a stamp that says what ran for each document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import normalize
from normalize import Config, Pipeline
from normalize.cli import main
from normalize.glossary.entries import Glossary

ZH = "恒瑞医药宣布，瑞康曲妥珠单抗获批上市。\n"


# --- exceptions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["GlossaryError", "InputError", "ModelError", "MissingDependencyError", "RulesError"]
)
def test_documented_exceptions_are_importable_from_the_top(name: str) -> None:
    exc = getattr(normalize, name)
    assert issubclass(exc, normalize.NormalizeError)
    assert name in normalize.__all__


# --- Config -----------------------------------------------------------------------------------


def test_config_converts_a_single_path() -> None:
    assert Config(glossary_paths="/some/folder").glossary_paths == (Path("/some/folder"),)
    assert Config(site_rules_paths=Path("r.yaml")).site_rules_paths == (Path("r.yaml"),)
    assert Config(glossary_paths=["a", Path("b")]).glossary_paths == (Path("a"), Path("b"))
    assert Config(cache_dir="/tmp/c").cache_dir == Path("/tmp/c")
    assert Config(model=Path("/models/m")).model == "/models/m"


@pytest.mark.parametrize(
    ("kwargs", "error", "field"),
    [
        ({"glossary_paths": 3}, TypeError, "glossary_paths"),
        ({"glossary_paths": [1]}, TypeError, "glossary_paths"),
        ({"glossary_paths": b"/x"}, TypeError, "glossary_paths"),
        ({"translate": "no"}, TypeError, "translate"),
        ({"beam_size": "2"}, TypeError, "beam_size"),
        ({"beam_size": True}, TypeError, "beam_size"),
        ({"beam_size": 0}, ValueError, "beam_size"),
        ({"max_bytes": -1}, ValueError, "max_bytes"),
        ({"backend": "onnx"}, ValueError, "backend"),
        ({"device": "tpu"}, ValueError, "device"),
        ({"model": 5}, TypeError, "model"),
        ({"model": " "}, ValueError, "model"),
        ({"cache_dir": 1}, TypeError, "cache_dir"),
    ],
)
def test_config_refuses_wrong_values_when_built(kwargs: dict, error: type, field: str) -> None:
    with pytest.raises(error, match=rf"Config\.{field}"):
        Config(**kwargs)


def test_config_with_a_single_glossary_path_loads_it(tmp_path: Path) -> None:
    """Before: the str was iterated character by character ('/: no *.yaml glossary files')."""
    folder = tmp_path / "g"
    folder.mkdir()
    (folder / "drugs.yaml").write_text(
        "entries:\n- id: velo\n  type: drug\n  canonical: velocimab\n  aliases: [Velosimab]\n",
        encoding="utf-8",
    )
    pipeline = Pipeline(Config(translate=False, glossary_paths=str(folder), cache_dir=tmp_path))
    assert pipeline.process("Velosimab works.").text == "Velocimab works."


# --- hints: library terms in the library, options in the CLI -----------------------------------


def test_missing_model_hint_speaks_library_then_cli(
    tmp_path: Path, bundled_glossary: Glossary
) -> None:
    pipeline = Pipeline(Config(cache_dir=tmp_path), glossary=bundled_glossary)
    with pytest.raises(normalize.ModelError) as info:
        pipeline.process(ZH)
    assert "Config(translate=False)" in str(info.value) and "--no-translate" not in str(info.value)

    records = "".join(json.dumps({"id": i, "text": ZH}) + "\n" for i in range(3))
    result = CliRunner().invoke(main, ["clean", "--cache-dir", str(tmp_path)], input=records)
    assert result.exit_code == 1
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 3 and all("--no-translate" in r["error"] for r in rows)
    assert "Config(" not in result.stderr
    # The long message once; later records refer to it.
    assert result.stderr.count("is not installed") == 1
    assert result.stderr.count("the same problem as <stdin>:1 (id 0)") == 2


# --- lang and stamp ---------------------------------------------------------------------------


def test_lang_is_the_detected_language(pipeline_no_translate: Pipeline) -> None:
    assert pipeline_no_translate.process(ZH).lang == "zh"
    assert pipeline_no_translate.process("Hengrui Medicine said so.").lang == "en"
    assert pipeline_no_translate.process("1234 5678").lang == "und"
    assert pipeline_no_translate.process("Hengrui said so.", lang="fr").lang == "fr"


def test_lang_in_cli_output() -> None:
    lines = [{"id": 1, "text": ZH}, {"id": 2, "text": "Hengrui Medicine said so."}]
    result = CliRunner().invoke(
        main, ["clean", "--no-translate"], input="".join(json.dumps(x) + "\n" for x in lines)
    )
    assert [json.loads(line)["lang"] for line in result.stdout.splitlines()] == ["zh", "en"]


def test_stamp_of_an_english_record_names_no_translation(
    tmp_path: Path, bundled_glossary: Glossary
) -> None:
    """Translation on, English input: nothing was translated, so no model and no backend
    (before: model opus-mt-zh-en, backend transformers, even with neither installed)."""
    pipeline = Pipeline(Config(cache_dir=tmp_path), glossary=bundled_glossary)
    doc = pipeline.process("Hengrui Medicine said so.")
    assert doc.stamp["stages"] == "strip+translate+canonicalize"
    assert not {"model", "model_revision", "backend"} & set(doc.stamp)
    assert "glossary" in doc.stamp and doc.stamp["tool"].startswith("normalize ")

"""The parsed-glossary cache (load_glossary(..., cache_dir=...)) and the compiled-index cache key:
a warm load gives the same glossary without parsing YAML, any change to the files (or to the
lexicon, for the index) misses the cache, and errors are the same with or without a cache."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from normalize import yamlfile
from normalize.canonicalize.aliases import _bases_ending
from normalize.errors import GlossaryError
from normalize.glossary import entries as glossary_module
from normalize.glossary.entries import load_glossary, parse_glossary_text

FIXTURE = Path(__file__).parent / "data" / "glossary"


@pytest.fixture()
def gdir(tmp_path: Path) -> Path:
    folder = tmp_path / "glossary"
    shutil.copytree(FIXTURE, folder)
    return folder


def _no_parsing(*_args: object, **_kwargs: object) -> None:
    raise AssertionError("YAML was parsed on a warm load")


def test_warm_load_equals_cold_load_without_parsing(
    gdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    cold = load_glossary([gdir], cache_dir=cache)
    assert len(list(cache.glob("glossary-*.pickle"))) == 1
    monkeypatch.setattr(glossary_module, "parse_glossary_text", _no_parsing)
    warm = load_glossary([gdir], cache_dir=cache)
    assert warm.entries == cold.entries
    assert (warm.digest, warm.files) == (cold.digest, cold.files)


def test_no_cache_dir_writes_nothing_and_matches(gdir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    plain = load_glossary([gdir])
    cached = load_glossary([gdir], cache_dir=cache)
    assert plain.entries == cached.entries and plain.digest == cached.digest


def test_changed_file_misses_the_cache(gdir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    before = load_glossary([gdir], cache_dir=cache)
    drugs = gdir / "drugs.yaml"
    drugs.write_text(
        drugs.read_text(encoding="utf-8").replace(
            "canonical: trastuzumab rezetecan", "canonical: trastuzumab rezetecanx"
        ),
        encoding="utf-8",
    )
    after = load_glossary([gdir], cache_dir=cache)
    assert after.digest != before.digest
    assert after["trastuzumab_rezetecan"].canonical == "trastuzumab rezetecanx"


def test_same_bytes_elsewhere_keep_their_own_paths(gdir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    other = tmp_path / "elsewhere"
    shutil.copytree(gdir, other)
    first = load_glossary([gdir], cache_dir=cache)
    second = load_glossary([other], cache_dir=cache)
    assert first.digest == second.digest  # the digest is over names and bytes ...
    assert second["trastuzumab"].file.startswith(str(other))  # ... yet errors name the real file


@pytest.mark.parametrize(
    "problem, text",
    [
        ("yaml", "entries:\n  - id: x\n    type: drug\n    canonical: [unclosed\n"),
        (
            "duplicate id",
            "entries:\n  - {id: a, type: drug, canonical: A}\n"
            "  - {id: a, type: drug, canonical: B}\n",
        ),
        ("unknown field", "entries:\n  - {id: a, type: drug, canonical: A, colour: red}\n"),
        (
            "duplicate key",
            "entries:\n  - id: a\n    type: drug\n    canonical: A\n    canonical: B\n",
        ),
    ],
)
def test_errors_are_the_same_with_a_cache(tmp_path: Path, problem: str, text: str) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "drugs.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(GlossaryError) as plain:
        load_glossary([folder])
    cache = tmp_path / "cache"
    for _ in range(2):  # nothing is cached from a failed load
        with pytest.raises(GlossaryError) as cached:
            load_glossary([folder], cache_dir=cache)
        assert str(cached.value) == str(plain.value)
    assert not cache.exists() or not list(cache.glob("*.pickle"))
    assert "drugs.yaml" in str(plain.value)


def test_pure_python_and_libyaml_loaders_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    for path in sorted(FIXTURE.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        fast = parse_glossary_text(text, str(path))
        monkeypatch.setattr(yamlfile, "_FastLineLoader", None)
        slow = parse_glossary_text(text, str(path))
        monkeypatch.undo()
        assert fast == slow  # same entries, same line numbers


def test_a_broken_cache_file_is_rebuilt(gdir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    good = load_glossary([gdir], cache_dir=cache)
    (pickle_file,) = cache.glob("glossary-*.pickle")
    pickle_file.write_bytes(b"not a pickle")
    assert load_glossary([gdir], cache_dir=cache).entries == good.entries
    assert pickle_file.read_bytes() != b"not a pickle"


def test_lexicon_edit_rebuilds_the_index(gdir: Path, tmp_path: Path) -> None:
    from normalize.canonicalize.index import compile_glossary

    cache = tmp_path / "cache"
    glossary = load_glossary([gdir], cache_dir=cache)
    compile_glossary(glossary, cache)
    lexicon = next((gdir / "lexicon").glob("*.yaml"))
    lexicon.write_text(lexicon.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    compile_glossary(glossary, cache)
    assert len(list(cache.glob("index-*.pickle"))) == 2


def test_bases_are_found_by_suffix() -> None:
    bases = {"曲妥珠单抗": "trastuzumab", "珠单抗": "x", "瑞康曲妥珠单抗": "self"}
    assert _bases_ending("瑞康曲妥珠单抗", bases) == [
        "曲妥珠单抗",
        "珠单抗",
    ]  # longest first, not itself
    assert _bases_ending("曲妥珠单抗", bases) == ["珠单抗"]
    assert _bases_ending("帕博利珠单抗", {"曲妥珠单抗": "t"}) == []


def test_known_drug_keys_do_not_import_the_package() -> None:
    code = (
        "import sys\nfrom normalize.canonicalize.drugnames import known_drug_keys\n"
        "keys = known_drug_keys()\n"
        "assert 'drug_named_entity_recognition' not in sys.modules\nprint(len(keys))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[1],
    )
    assert int(out.stdout) > 10_000 or int(out.stdout) == 0  # 0: the package is not installed


def test_cache_folder_keeps_only_the_newest_files_of_a_kind(tmp_path: Path) -> None:
    import os

    from normalize.cachefile import CACHE_KEEP, write

    other = tmp_path / "glossary-x.pickle"
    other.write_bytes(b"another family")
    for n in range(CACHE_KEEP + 3):
        path = tmp_path / f"index-{n}.pickle"
        write(path, {"n": n}, "index-*.pickle")
        os.utime(path, (1_000_000 + n, 1_000_000 + n))  # distinct ages on coarse clocks
    kept = sorted(int(p.stem.split("-")[1]) for p in tmp_path.glob("index-*.pickle"))
    assert kept == list(range(3, CACHE_KEEP + 3))
    assert other.exists()
    assert not list(tmp_path.glob("*.tmp"))

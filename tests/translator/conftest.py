"""Fixtures for the translator tests: a tiny Marian model built here, never downloaded.

``marian_files`` (no torch): a SentencePiece model trained on ``tests/data/tiny_mt_corpus.txt``
plus the vocabulary and config files of a Marian folder, with a placeholder weights file; tests
that use it replace the backend with a fake one. ``tiny_marian`` (torch, session-scoped, ~6 s
with the imports): the same folder with real random weights (d_model 32, one layer each side),
saved with safe_serialization, usable by both backends.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
CORPUS = DATA / "tiny_mt_corpus.txt"
GLOSSARY = DATA / "translator-glossary"
VOCAB_PIECES = 500


def _write_tokenizer(folder: Path) -> dict[str, int]:
    import sentencepiece as spm

    lines = [
        ln
        for ln in CORPUS.read_text(encoding="utf-8").splitlines()
        if ln and not ln.startswith("#")
    ]
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=buf,
        vocab_size=VOCAB_PIECES,
        character_coverage=1.0,
        hard_vocab_limit=False,
        model_type="unigram",
        bos_id=-1,
        eos_id=-1,
        unk_id=0,
        minloglevel=2,
    )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "source.spm").write_bytes(buf.getvalue())
    (folder / "target.spm").write_bytes(buf.getvalue())
    sp = spm.SentencePieceProcessor(model_proto=buf.getvalue())
    vocab = {"</s>": 0, "<unk>": 1}
    for i in range(sp.get_piece_size()):
        vocab.setdefault(sp.id_to_piece(i), len(vocab))
    vocab["<pad>"] = len(vocab)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    (folder / "tokenizer_config.json").write_text(
        json.dumps(
            {
                "source_lang": "zh",
                "target_lang": "en",
                "separate_vocabs": False,
                "model_max_length": 512,
            }
        )
    )
    return vocab


@pytest.fixture(scope="session")
def marian_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fake-marian")
    vocab = _write_tokenizer(folder)
    (folder / "config.json").write_text(
        json.dumps(
            {"model_type": "marian", "vocab_size": len(vocab), "max_position_embeddings": 128}
        )
    )
    (folder / "model.safetensors").write_bytes(b"")  # fake backends never read it
    return folder


@pytest.fixture(scope="session")
def tiny_marian(tmp_path_factory: pytest.TempPathFactory, marian_files: Path) -> Path:
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    pytest.importorskip("ctranslate2")
    folder = tmp_path_factory.mktemp("tiny-marian")
    for name in ("source.spm", "target.spm", "vocab.json", "tokenizer_config.json"):
        shutil.copy(marian_files / name, folder / name)
    vocab = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
    torch.manual_seed(0)
    config = transformers.MarianConfig(
        vocab_size=len(vocab),
        d_model=32,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=64,
        decoder_ffn_dim=64,
        max_position_embeddings=128,
        pad_token_id=vocab["<pad>"],
        eos_token_id=0,
        decoder_start_token_id=vocab["<pad>"],
        forced_eos_token_id=0,
    )
    transformers.MarianMTModel(config).save_pretrained(folder, safe_serialization=True)
    assert (folder / "model.safetensors").stat().st_size < 1_000_000
    return folder


@pytest.fixture(scope="session")
def test_glossary():  # type: ignore[no-untyped-def]
    from normalize.glossary.entries import load_glossary

    return load_glossary([GLOSSARY])

"""Translation backends on the opus-mt-zh-en architecture with random weights.

Builds a MarianMT model shaped like Helsinki-NLP/opus-mt-zh-en (d_model 512, 6+6 layers,
8 heads, ffn 2048, vocabulary 65,001; ~77M parameters) with random weights, converts it to
CTranslate2, then measures each backend in its own subprocess (honest peak RSS) at the same
forced output length, greedy and beam 4: tokens/s, sentences/s, peak memory. Finally the
per-article latency of a 1,500-character Chinese article through the translate stage on the
default backend (output forced to 1.3x the source length, as a real model would write).

    python benchmarks/bench_translate.py            # ~3-4 minutes on 2 cores
    python benchmarks/bench_translate.py --quick    # fewer sentences
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CORPUS = ROOT / "tests" / "data" / "tiny_mt_corpus.txt"
VOCAB = 65001
SRC_TOKENS = 40  # source sentence length (tokens)
OUT_TOKENS = 40  # forced output length (tokens), the same for every backend
BATCH = 16
BACKENDS = ("ctranslate2", "transformers", "transformers-int8")
ARTICLE_CHARS = 1500
OUTPUT_RATIO = 1.3  # English tokens per Chinese source token, for the article latency


def build(folder: Path) -> Path:
    """The random opus-mt-zh-en-shaped model in ``folder`` (built once)."""
    if (folder / "model.safetensors").is_file():
        return folder
    import sentencepiece as spm
    import torch
    from transformers import MarianConfig, MarianMTModel

    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        ln
        for ln in CORPUS.read_text(encoding="utf-8").splitlines()
        if ln and not ln.startswith("#")
    ]
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=buf,
        vocab_size=500,
        character_coverage=1.0,
        hard_vocab_limit=False,
        bos_id=-1,
        eos_id=-1,
        unk_id=0,
        minloglevel=2,
    )
    (folder / "source.spm").write_bytes(buf.getvalue())
    (folder / "target.spm").write_bytes(buf.getvalue())
    sp = spm.SentencePieceProcessor(model_proto=buf.getvalue())
    vocab = {"</s>": 0, "<unk>": 1}
    for i in range(sp.get_piece_size()):
        vocab.setdefault(sp.id_to_piece(i), len(vocab))
    while len(vocab) < VOCAB - 1:
        vocab[f"\u2581w{len(vocab)}"] = len(vocab)
    vocab["<pad>"] = len(vocab)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    (folder / "tokenizer_config.json").write_text(
        json.dumps({"source_lang": "zh", "target_lang": "en"})
    )
    torch.manual_seed(0)
    config = MarianConfig(
        vocab_size=VOCAB,
        d_model=512,
        encoder_layers=6,
        decoder_layers=6,
        encoder_attention_heads=8,
        decoder_attention_heads=8,
        encoder_ffn_dim=2048,
        decoder_ffn_dim=2048,
        max_position_embeddings=512,
        pad_token_id=VOCAB - 1,
        eos_token_id=0,
        decoder_start_token_id=VOCAB - 1,
        forced_eos_token_id=0,
        scale_embedding=True,
        share_encoder_decoder_embeddings=True,
    )
    MarianMTModel(config).save_pretrained(folder, safe_serialization=True)
    return folder


def measure(backend_name: str, folder: Path, cache: Path, sentences: int) -> dict[str, float]:
    """Runs in a fresh subprocess: load the backend, translate, report speed and peak RSS."""
    from normalize.translate.backends import load_backend
    from normalize.translate.registry import load_registry, resolve

    model = resolve(str(folder), "zh", cache, load_registry())
    t0 = time.perf_counter()
    backend = load_backend(backend_name, model, "cpu", cache)
    load_s = time.perf_counter() - t0
    vocab = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
    pieces = [p for p in vocab if p not in ("</s>", "<unk>", "<pad>")]
    rng = random.Random(0)
    batch_all = [
        [rng.choice(pieces) for _ in range(SRC_TOKENS - 1)] + ["</s>"] for _ in range(sentences)
    ]
    out: dict[str, float] = {"load_s": load_s}
    backend.translate(batch_all[:2], 1, OUT_TOKENS, OUT_TOKENS)  # warm-up
    for beam, label in ((1, "greedy"), (4, "beam4")):
        n = sentences if beam == 1 else max(BATCH, sentences // 2)
        t0 = time.perf_counter()
        produced = 0
        for i in range(0, n, BATCH):
            hyps = backend.translate(batch_all[i : i + BATCH], beam, OUT_TOKENS, OUT_TOKENS)
            produced += sum(len(h) for h in hyps)
        elapsed = time.perf_counter() - t0
        assert produced == n * OUT_TOKENS, (produced, n * OUT_TOKENS)
        out[f"{label}_tok_s"] = produced / elapsed
        out[f"{label}_sent_s"] = n / elapsed
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["name"] = backend.name  # type: ignore[assignment]
    return out


def article_latency(folder: Path, cache: Path) -> dict[str, float]:
    """A 1,500-character Chinese article through the translate stage, default backend."""
    import normalize.translate.backends as mt
    from normalize import Config, Document
    from normalize.translate.translator import TranslatorStage

    zh = [
        ln
        for ln in CORPUS.read_text(encoding="utf-8").splitlines()
        if ln and not ln.startswith("#") and not ln.isascii()
    ]
    text, i = "", 0
    while len(text) < ARTICLE_CHARS:
        text += zh[i % len(zh)] + ("\n" if i % 4 == 3 else "")
        i += 1
    text = text[:ARTICLE_CHARS]
    real_load = mt.load_backend

    def forced(*args, **kwargs):  # type: ignore[no-untyped-def]
        backend = real_load(*args, **kwargs)
        translate = backend.translate

        def fixed(batch, beam, max_length, min_length=0):  # type: ignore[no-untyped-def]
            n = int(max(len(s) for s in batch) * OUTPUT_RATIO)
            return translate(batch, beam, n, n)

        backend.translate = fixed
        return backend

    mt.load_backend = forced
    config = Config(model=str(folder), cache_dir=cache, translation_cache=False)
    stage = TranslatorStage.from_config(config, None)
    t0 = time.perf_counter()
    stage(Document(text[:200]))  # loads the model
    load_s = time.perf_counter() - t0
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        stage(Document(text))
        runs.append(time.perf_counter() - t0)
    engine = stage._runtime.engines["zh"]
    return {
        "chars": len(text),
        "backend": engine.backend.name,
        "first_call_s": load_s,  # type: ignore[dict-item]
        "latency_s": min(runs),
        "beam": config.beam_size,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "normalize-bench"
    )
    parser.add_argument("--sentences", type=int, default=32)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("WHAT", "BACKEND"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    folder, cache = args.workdir / "opus-mt-zh-en-random", args.workdir / "cache"
    sentences = 32 if args.quick else args.sentences
    if args.child:
        what, backend = args.child
        if what == "convert":
            from normalize.translate.registry import convert_ct2, load_registry, resolve

            convert_ct2(resolve(str(folder), "zh", cache, load_registry()), cache)
            result: dict = {}  # type: ignore[type-arg]
        elif what == "backend":
            result = measure(backend, folder, cache, sentences)
        else:
            result = article_latency(folder, cache)
        print(json.dumps(result))
        return
    t0 = time.perf_counter()
    build(folder)
    print(
        f"model: random opus-mt-zh-en architecture in {folder} ({time.perf_counter() - t0:.1f} s); "
        f"{os.cpu_count()} CPU cores; source {SRC_TOKENS} tokens, "
        f"output forced to {OUT_TOKENS} tokens, "
        f"batch {BATCH}"
    )
    _child(["convert", "ctranslate2"], args)  # once, outside the measured processes
    print(
        f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
        "(other work on the machine slows torch's threads far more than CTranslate2's)"
    )
    results = {}
    for backend in BACKENDS:
        results[backend] = _child(["backend", backend], args)
    base = results["transformers"]["greedy_tok_s"]
    print(
        f"{'backend':<28}{'greedy tok/s':>13}{'sent/s':>8}{'beam4 tok/s':>13}{'sent/s':>8}"
        f"{'x fp32':>8}{'peak MB':>9}{'load s':>8}"
    )
    for r in results.values():
        print(
            f"{r['name']:<28}{r['greedy_tok_s']:>13.0f}{r['greedy_sent_s']:>8.1f}"
            f"{r['beam4_tok_s']:>13.0f}"
            f"{r['beam4_sent_s']:>8.1f}{r['greedy_tok_s'] / base:>8.2f}"
            f"{r['peak_rss_mb']:>9.0f}{r['load_s']:>8.1f}"
        )
    art = _child(["article", "auto"], args)
    print(
        f"article: {art['chars']} Chinese characters, {art['backend']} beam {art['beam']}: "
        f"{art['latency_s']:.2f} s per article "
        f"(first call incl. model load {art['first_call_s']:.2f} s; "
        f"peak {art['peak_rss_mb']:.0f} MB)"
    )
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


def _child(what: list[str], args: argparse.Namespace) -> dict:  # type: ignore[type-arg]
    cmd = [
        sys.executable,
        __file__,
        "--workdir",
        str(args.workdir),
        "--sentences",
        str(args.sentences),
        *(["--quick"] if args.quick else []),
        "--child",
        *what,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{' '.join(what)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()

"""Inference backends behind one interface, imported lazily.

Both backends share one tokenizer (:class:`SpmTokenizer`: the Marian folder's SentencePiece
models and vocabulary, no transformers import), so a sentence is split into the same pieces
whichever engine translates it, and the CTranslate2 path never imports torch.

* ``ctranslate2``: the model converted once to CTranslate2 (int8 weights; int8 compute on CPU,
  int8_float16 on GPU). The default: fastest measured with the least memory.
* ``transformers``: ``MarianMTModel`` in fp32; ``transformers-int8`` adds PyTorch dynamic int8
  quantization of the linear layers (CPU only).
"""

from __future__ import annotations

import importlib.util
import json
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from normalize.config import BACKENDS, DEVICES
from normalize.errors import MissingDependencyError, ModelError
from normalize.translate.registry import INSTALL_EXTRA, TORCH_EXTRA, LocalModel, convert_ct2

MAX_OUTPUT_RATIO = 3.0  # a translation may be this many times longer (in tokens) than its source
MAX_OUTPUT_EXTRA = 10  # ... plus this many tokens
EOS, UNK, PAD = "</s>", "<unk>", "<pad>"


class Backend(Protocol):
    name: str  # e.g. "ctranslate2-int8", "transformers-fp32"
    device: str

    def translate(
        self, batch: list[list[str]], beam_size: int, max_length: int, min_length: int = 0
    ) -> list[list[str]]:
        """Translate source pieces (ending with ``</s>``) to target pieces (no specials)."""
        ...


@dataclass
class SpmTokenizer:
    """Marian's tokenization: SentencePiece pieces mapped through ``vocab.json``, ``</s>``
    appended; pieces missing from the vocabulary become ``<unk>``."""

    path: Path
    vocab: dict[str, int] = field(default_factory=dict)
    _source: Any = None
    _target: Any = None

    @classmethod
    def load(cls, path: Path) -> SpmTokenizer:
        try:
            import sentencepiece as spm
        except ImportError:
            raise MissingDependencyError(
                f"translation needs sentencepiece: {INSTALL_EXTRA}"
            ) from None
        try:
            vocab = json.loads((path / "vocab.json").read_text(encoding="utf-8"))
            source = spm.SentencePieceProcessor(model_file=str(path / "source.spm"))
            target = spm.SentencePieceProcessor(model_file=str(path / "target.spm"))
        except (OSError, ValueError, RuntimeError) as exc:
            raise ModelError(f"{path}: cannot load the tokenizer: {exc}") from None
        for special in (EOS, UNK):
            if special not in vocab:
                raise ModelError(f"{path / 'vocab.json'}: the vocabulary lacks {special}")
        return cls(path, vocab, source, target)

    def pieces(self, text: str) -> list[str]:
        pieces = self._source.encode(text, out_type=str)
        return [p if p in self.vocab else UNK for p in pieces] + [EOS]

    def count(self, text: str) -> int:
        return len(self._source.encode(text, out_type=str)) + 1

    def detokenize(self, pieces: list[str]) -> str:
        pieces = [p for p in pieces if p not in (EOS, PAD, UNK)]
        text: str = self._target.decode_pieces(pieces)
        return text.replace("\u2581", " ").strip()


def max_length_for(batch: list[list[str]], model_max: int) -> int:
    longest = max((len(src) for src in batch), default=1)
    return max(1, min(model_max, int(longest * MAX_OUTPUT_RATIO) + MAX_OUTPUT_EXTRA))


def choose_backend(backend: str) -> str:
    """``auto`` -> ctranslate2 when installed, else transformers (without importing either)."""
    if backend not in BACKENDS:
        raise ModelError(f"unknown backend {backend!r} (choose from {', '.join(BACKENDS)})")
    if backend != "auto":
        return backend
    return "ctranslate2" if importlib.util.find_spec("ctranslate2") is not None else "transformers"


def load_backend(
    backend: str, model: LocalModel, device: str, cache: Path, threads: int = 0
) -> Backend:
    """``threads``: CPU threads for the model (0 = every available core)."""
    kind = choose_backend(backend)
    if device not in DEVICES:
        raise ModelError(f"unknown device {device!r} (choose from {', '.join(DEVICES)})")
    if kind == "ctranslate2":
        return CTranslate2Backend.load(model, device, cache, threads)
    return TransformersBackend.load(
        model, device, quantize=kind == "transformers-int8", threads=threads
    )


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity, e.g. a container's share)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def model_max_positions(path: Path, default: int = 512) -> int:
    try:
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
        return int(config.get("max_position_embeddings") or default)
    except (OSError, ValueError):
        return default


@dataclass
class CTranslate2Backend:
    translator: Any
    name: str
    device: str
    max_batch_size: int = 0

    @classmethod
    def load(
        cls, model: LocalModel, device: str, cache: Path, threads: int = 0
    ) -> CTranslate2Backend:
        try:
            import ctranslate2
        except ImportError:
            raise MissingDependencyError(
                f"the ctranslate2 backend needs ctranslate2: {INSTALL_EXTRA}"
            ) from None
        if device == "auto":
            device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
        if device == "cuda" and ctranslate2.get_cuda_device_count() == 0:
            raise ModelError("Config(device='cuda'): CTranslate2 sees no CUDA device")
        compute = "int8_float16" if device == "cuda" else "int8"
        folder = convert_ct2(model, cache)
        threads = 0 if device == "cuda" else (threads or available_cores())
        try:
            translator = ctranslate2.Translator(
                str(folder),
                device=device,
                compute_type=compute,
                inter_threads=1,
                intra_threads=threads,
            )
        except (RuntimeError, ValueError) as exc:
            raise ModelError(f"{folder}: CTranslate2 cannot load the model: {exc}") from None
        return cls(translator, f"ctranslate2-{compute}", device)

    def translate(
        self, batch: list[list[str]], beam_size: int, max_length: int, min_length: int = 0
    ) -> list[list[str]]:
        results = self.translator.translate_batch(
            batch,
            beam_size=beam_size,
            max_decoding_length=max_length,
            min_decoding_length=min_length,
            return_scores=False,
        )
        return [list(r.hypotheses[0]) for r in results]


@dataclass
class TransformersBackend:
    model: Any
    vocab: dict[str, int]
    inverse: dict[int, str]
    name: str
    device: str

    @classmethod
    def load(
        cls, model: LocalModel, device: str, quantize: bool = False, threads: int = 0
    ) -> TransformersBackend:
        try:
            import torch
            from transformers import MarianMTModel
        except ImportError:
            raise MissingDependencyError(
                f"the transformers backend needs torch and transformers: {TORCH_EXTRA}"
            ) from None
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        if device == "cuda" and not torch.cuda.is_available():
            raise ModelError("Config(device='cuda'): PyTorch sees no CUDA device")
        if threads and device == "cpu":
            torch.set_num_threads(threads)
        model.weights  # noqa: B018 - refuses pickled-only folders
        try:
            net = MarianMTModel.from_pretrained(str(model.path), use_safetensors=True)
        except (OSError, ValueError, RuntimeError) as exc:
            raise ModelError(f"{model.path}: transformers cannot load the model: {exc}") from None
        net.eval()
        name = "transformers-fp32"
        if quantize and device == "cpu":
            with warnings.catch_warnings():
                warnings.simplefilter(
                    "ignore"
                )  # torch.ao dynamic quantization is deprecated, still fastest
                from torch.ao.quantization import quantize_dynamic

                net = quantize_dynamic(net, {torch.nn.Linear}, dtype=torch.qint8)
            name = "transformers-int8"
        net.to(device)  # type: ignore[arg-type]
        vocab = json.loads((model.path / "vocab.json").read_text(encoding="utf-8"))
        return cls(net, vocab, {i: p for p, i in vocab.items()}, name, device)

    def translate(
        self, batch: list[list[str]], beam_size: int, max_length: int, min_length: int = 0
    ) -> list[list[str]]:
        import torch

        pad = int(self.model.config.pad_token_id)
        unk = self.vocab[UNK]
        width = max(len(src) for src in batch)
        ids = [[self.vocab.get(p, unk) for p in src] + [pad] * (width - len(src)) for src in batch]
        mask = [[1] * len(src) + [0] * (width - len(src)) for src in batch]
        with torch.inference_mode():
            out = self.model.generate(
                input_ids=torch.tensor(ids, device=self.device),
                attention_mask=torch.tensor(mask, device=self.device),
                # +1: Marian forces </s> into the last slot; max_length counts content tokens.
                num_beams=beam_size,
                max_new_tokens=max_length + 1,
                min_new_tokens=min_length + 1 if min_length else 0,
                do_sample=False,
            )
        specials = {pad, self.vocab[EOS]}
        return [
            [self.inverse.get(int(i), UNK) for i in row if int(i) not in specials]
            for row in out.tolist()
        ]

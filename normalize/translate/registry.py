"""The model registry and local model directories.

``models/registry.yaml`` names each supported model (hub id, pinned revision, language pair,
licence); it is validated on load with file:line errors. A model is used from a local folder:
either one pulled into the cache (``<cache>/models/<name>``) or any Marian directory in the
standard transformers layout given as ``--model PATH``. Weights load from safetensors only.
CTranslate2 copies are converted once per model folder and kept in ``<cache>/ct2``.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from normalize.errors import CacheWarning, MissingDependencyError, ModelError, install_hint
from normalize.yamlfile import load_data

REGISTRY_FILE = "registry.yaml"
INSTALL_EXTRA = install_hint("translate")  # ctranslate2, sentencepiece, huggingface_hub
TORCH_EXTRA = install_hint("torch")  # conversion and the transformers backend
MARKER = ".normalize-model.json"  # written by `pull`: which registry entry and revision
REQUIRED_FILES = ("config.json", "vocab.json", "source.spm", "target.spm")
PULL_PATTERNS = ["*.json", "*.spm", "*.safetensors", "README.md", "LICENSE*"]
CT2_QUANTIZATION = "int8"  # stored on disk; loaded as int8 on CPU, int8_float16 on GPU

_FIELDS = {
    "name": str,
    "hub_id": str,
    "revision": str,
    "source": str,
    "target": str,
    "license": str,
    "default": bool,
    "notes": str,
}
_OPTIONAL = {"default", "notes"}
_REVISION = re.compile(r"^[0-9a-f]{40}$")
_LANG = re.compile(r"^[a-z]{2,3}$")


@dataclass(frozen=True)
class ModelSpec:
    """One registry entry."""

    name: str
    hub_id: str
    revision: str
    source: str
    target: str
    license: str
    default: bool = False
    notes: str = ""
    where: str = ""  # file:line

    @property
    def pair(self) -> str:
        return f"{self.source}-{self.target}"


@dataclass(frozen=True)
class Registry:
    models: tuple[ModelSpec, ...]

    def get(self, name: str) -> ModelSpec | None:
        return next((m for m in self.models if m.name == name), None)

    def for_language(self, source: str, target: str = "en") -> ModelSpec | None:
        """The model to use for ``source`` -> ``target``: the default one, else the first."""
        pair = [m for m in self.models if m.source == source and m.target == target]
        return next((m for m in pair if m.default), pair[0] if pair else None)

    @property
    def names(self) -> list[str]:
        return [m.name for m in self.models]


def load_registry(path: Path | None = None) -> Registry:
    """Load and validate the registry (default: the bundled ``models/registry.yaml``)."""
    from normalize.resources import data_dir

    path = path or data_dir("models") / REGISTRY_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ModelError(f"{path}: cannot read the model registry: {exc.strerror or exc}") from None
    return parse_registry(text, str(path))


def parse_registry(text: str, filename: str = "<registry>") -> Registry:
    data = load_data(text, filename, ModelError)
    if not isinstance(data, dict) or not isinstance(data.get("models"), list):
        raise ModelError(f"{filename}:1: expected a top-level 'models:' list")
    specs: list[ModelSpec] = []
    defaults: dict[str, str] = {}
    for item in data["models"]:
        if not isinstance(item, dict):
            raise ModelError(f"{filename}: every item under 'models:' must be a mapping")
        line = item.pop("__line__", 0)
        where = f"{filename}:{line}"
        label = f"model {item.get('name')!r}" if isinstance(item.get("name"), str) else "model"
        unknown = sorted(set(item) - set(_FIELDS))
        if unknown:
            raise ModelError(
                f"{where}: {label}: unknown field {unknown[0]!r} (known: {', '.join(_FIELDS)})"
            )
        for key, kind in _FIELDS.items():
            if key not in item:
                if key in _OPTIONAL:
                    continue
                raise ModelError(f"{where}: {label}: missing field {key!r}")
            if not isinstance(item[key], kind) or (kind is str and not item[key].strip()):
                raise ModelError(
                    f"{where}: {label}: field {key!r} must be a non-empty {kind.__name__}"
                )
        if not _REVISION.match(item["revision"]):
            raise ModelError(
                f"{where}: {label}: revision must be a pinned 40-hex commit id, "
                f"not {item['revision']!r}"
            )
        for key in ("source", "target"):
            if not _LANG.match(item[key]):
                raise ModelError(
                    f"{where}: {label}: {key} must be an ISO 639 code like 'zh', not {item[key]!r}"
                )
        if any(s.name == item["name"] for s in specs):
            raise ModelError(f"{where}: {label}: duplicate name")
        spec = ModelSpec(where=where, **{k: v for k, v in item.items() if k in _FIELDS})
        if spec.default:
            pair = spec.pair
            if pair in defaults:
                raise ModelError(
                    f"{where}: {label}: a second default for {pair} (first: {defaults[pair]})"
                )
            defaults[pair] = spec.name
        specs.append(spec)
    return Registry(tuple(specs))


# --- local model folders -------------------------------------------------------------------


@dataclass(frozen=True)
class LocalModel:
    """A Marian model on disk, ready to load."""

    name: str  # registry name, or the folder's name for --model PATH
    path: Path
    revision: str  # the pinned hub revision, or a digest of the local files
    source: str | None = None  # None: a local folder of unknown pair

    @property
    def weights(self) -> Path:
        return weights_file(self.path)


def models_dir(cache: Path) -> Path:
    return cache / "models"


def installed_path(spec: ModelSpec, cache: Path) -> Path:
    return models_dir(cache) / spec.name


def weights_file(path: Path) -> Path:
    """The safetensors weights of the Marian folder ``path`` (pickled weights are refused)."""
    found = sorted(path.glob("*.safetensors"))
    if found:
        return found[0]
    pickled = [p.name for p in path.glob("*.bin")] + [p.name for p in path.glob("*.pt")]
    if pickled:
        raise ModelError(
            f"{path}: only pickled weights ({', '.join(sorted(pickled))}); normalize loads "
            "safetensors only, since pickles can run code. Save the model with "
            "save_pretrained(..., safe_serialization=True) or pull a revision with "
            "model.safetensors."
        )
    raise ModelError(f"{path}: no model.safetensors in this folder")


def check_marian_dir(path: Path) -> None:
    """Raise :class:`ModelError` unless ``path`` is a Marian model folder we can load."""
    if not path.is_dir():
        raise ModelError(f"{path}: not a folder")
    missing = [f for f in REQUIRED_FILES if not (path / f).is_file()]
    if missing:
        raise ModelError(f"{path}: not a Marian model folder (missing {', '.join(missing)})")
    weights_file(path)
    try:
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ModelError(f"{path / 'config.json'}: unreadable: {exc}") from None
    if config.get("model_type") != "marian":
        raise ModelError(
            f"{path / 'config.json'}: model_type is {config.get('model_type')!r}, expected 'marian'"
        )


def local_revision(path: Path) -> str:
    """A revision for a local folder: the pulled hub revision, else a digest of the files'
    config and weight sizes/mtimes (cheap; changes whenever the weights are rewritten)."""
    marker = path / MARKER
    if marker.is_file():
        try:
            data = json.loads(marker.read_text(encoding="utf-8"))
            if isinstance(data.get("revision"), str):
                return str(data["revision"])
        except (OSError, json.JSONDecodeError):
            pass
    digest = hashlib.sha256()
    for name in ("config.json", "vocab.json"):
        file = path / name
        if file.is_file():
            digest.update(file.read_bytes())
    weights = weights_file(path)
    stat = weights.stat()
    digest.update(f"{weights.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return "local-" + digest.hexdigest()[:16]


def resolve(model: str | None, source: str, cache: Path, registry: Registry) -> LocalModel:
    """The local model for ``source`` -> en: ``model`` is a registry name, a folder, or None
    for the registry's default for ``source``. Raises :class:`ModelError` saying how to get it."""
    if model is not None and registry.get(model) is None:
        path = Path(model).expanduser()
        if path.is_dir():
            check_marian_dir(path)
            return LocalModel(path.name, path.resolve(), local_revision(path))
        known = ", ".join(registry.names) or "none"
        raise ModelError(
            f"unknown model {model!r}: not a registry name (known: {known}) and not a folder"
        )
    spec = registry.get(model) if model is not None else registry.for_language(source)
    if spec is None:
        raise ModelError(
            f"no translation model for {source}->en in the registry; add an entry to "
            f"models/{REGISTRY_FILE} or pass Config(model=PATH) (a local Marian folder)"
        )
    path = installed_path(spec, cache)
    if not path.is_dir():
        raise ModelError(
            f"translation model {spec.name!r} ({spec.pair}) is not installed (looked in {path}). "
            f"Get it with `normalize models pull {spec.name}` (needs network), or pass "
            "Config(model=PATH) to a local Marian folder, or Config(translate=False) to leave "
            "the text untranslated."
        )
    check_marian_dir(path)
    return LocalModel(spec.name, path.resolve(), spec.revision, spec.source)


def iter_installed(registry: Registry, cache: Path) -> Iterator[tuple[ModelSpec, Path | None]]:
    for spec in registry.models:
        path = installed_path(spec, cache)
        yield spec, (path if path.is_dir() else None)


# --- pull ------------------------------------------------------------------------------------


def pull(spec: ModelSpec, cache: Path, force: bool = False) -> Path:
    """Download ``spec`` at its pinned revision with huggingface_hub (safetensors only)."""
    try:
        from huggingface_hub import snapshot_download
    except ImportError:
        raise MissingDependencyError(
            f"pulling models needs huggingface_hub: {INSTALL_EXTRA}"
        ) from None
    target = installed_path(spec, cache)
    if target.is_dir() and not force:
        check_marian_dir(target)
        return target
    partial = target.with_name(target.name + ".partial")
    try:
        snapshot_download(
            repo_id=spec.hub_id,
            revision=spec.revision,
            local_dir=str(partial),
            allow_patterns=PULL_PATTERNS,
        )
    except Exception as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelError(
            f"could not download {spec.hub_id} at revision {spec.revision[:12]} from the "
            f"Hugging Face Hub ({type(exc).__name__}: {reason}). No network here? "
            "On a machine with "
            "network, run "
            f"`normalize models pull {spec.name} --cache-dir DIR` and copy DIR/models/{spec.name} "
            "over, or pass --model PATH to any local Marian folder."
        ) from None
    (partial / MARKER).write_text(
        json.dumps({"name": spec.name, "hub_id": spec.hub_id, "revision": spec.revision}),
        encoding="utf-8",
    )
    shutil.rmtree(partial / ".cache", ignore_errors=True)
    check_marian_dir(partial)  # e.g. a revision without safetensors: refuse before installing
    if target.exists():
        shutil.rmtree(target)
    partial.replace(target)
    return target


# --- CTranslate2 conversion -----------------------------------------------------------------


def ct2_dir(model: LocalModel, cache: Path, quantization: str = CT2_QUANTIZATION) -> Path:
    """Where the CTranslate2 copy of ``model`` lives (one per folder, revision and weights)."""
    stat = model.weights.stat()
    key = f"{model.path}|{model.revision}|{stat.st_size}|{stat.st_mtime_ns}|{quantization}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return cache / "ct2" / f"{model.name}-{quantization}-{digest}"


CT2_STALE_TMP_S = 3600  # a half-converted folder this old (or of a dead process) is a leftover


def convert_ct2(
    model: LocalModel, cache: Path, quantization: str = CT2_QUANTIZATION, force: bool = False
) -> Path:
    """Convert ``model`` to CTranslate2 once; later calls return the cached copy.

    The copy is built in a temporary folder and renamed into place in one step, so other
    processes see no folder or a complete one; of two processes converting at once, the second
    rename fails and that process uses the winner's copy. A cache folder that cannot be written
    (read-only, full) gets a warning and the model is converted in a temporary folder instead.
    """
    out = ct2_dir(model, cache, quantization)
    if (out / "model.bin").is_file() and not force:
        problem = _foreign(out)
        if problem is None:
            return out
        warnings.warn(
            f"converted model {out} not used ({problem}): converting in a temporary folder",
            CacheWarning,
            stacklevel=2,
        )
        return _convert_elsewhere(model, quantization, out, None)
    model.weights  # noqa: B018 - refuses pickled-only folders before transformers sees them
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_conversions(out)
        tmp = Path(tempfile.mkdtemp(prefix=f"{out.name}.tmp{os.getpid()}-", dir=out.parent))
    except OSError as exc:
        return _convert_elsewhere(model, quantization, out, exc)
    try:
        _convert_into(model, tmp, quantization)
        for path in tmp.iterdir():  # not writable by others whatever the umask (see _foreign)
            path.chmod(path.stat().st_mode & ~0o022)
    except OSError as exc:  # e.g. the disk filled up while writing the weights
        shutil.rmtree(tmp, ignore_errors=True)
        return _convert_elsewhere(model, quantization, out, exc)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return _publish(tmp, out, force)


def _publish(tmp: Path, out: Path, force: bool) -> Path:
    """Rename the finished folder ``tmp`` to ``out``; an existing ``out`` wins unless ``force``."""
    old = None
    if force and out.exists():
        old = out.with_name(f"{out.name}.old{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        try:
            out.rename(old)
        except FileNotFoundError:
            old = None
    try:
        tmp.rename(out)  # a folder onto an existing, non-empty folder fails: we lost a race
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        if not (out / "model.bin").is_file():
            raise ModelError(f"{out}: CTranslate2 copy missing after conversion") from None
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return out


def _foreign(out: Path) -> str | None:
    """Why the converted copy ``out`` may not be trusted (another user owns or can write the
    folder or a file in it), or None: models are loaded only from files this user wrote."""
    from normalize.cachefile import file_problem

    try:
        for path in (out, *out.iterdir()):
            problem = file_problem(path.lstat())
            if problem:
                return f"{path.name}: {problem}"
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def _convert_elsewhere(
    model: LocalModel, quantization: str, out: Path, exc: OSError | None
) -> Path:
    if exc is not None:
        warnings.warn(
            f"cache folder {out.parent} not writable ({exc.strerror or exc}): converting "
            f"{model.name} in a temporary folder for this run only",
            CacheWarning,
            stacklevel=3,
        )
    tmp = Path(tempfile.mkdtemp(prefix="normalize-ct2-"))
    atexit.register(shutil.rmtree, tmp, True)
    try:
        _convert_into(model, tmp, quantization)
    except OSError as again:
        raise ModelError(
            f"{model.path}: CTranslate2 conversion failed: no writable folder "
            f"({again.strerror or again})"
        ) from None
    return tmp


def _remove_stale_conversions(out: Path) -> None:
    """Remove half-converted folders left by a killed or failed run (``NAME.tmpPID-*``)."""
    from normalize.cachefile import pid_alive

    now = time.time()
    for tmp in out.parent.glob("*.tmp[0-9]*"):
        match = re.search(r"\.tmp(\d+)", tmp.name)
        try:
            pid = int(match.group(1)) if match else -1
            if not pid_alive(pid) or now - tmp.stat().st_mtime > CT2_STALE_TMP_S:
                shutil.rmtree(tmp, ignore_errors=True)
        except OSError:
            pass


def _convert_into(model: LocalModel, folder: Path, quantization: str) -> None:
    """Write the CTranslate2 copy of ``model`` into the existing, empty ``folder``."""
    try:
        import ctranslate2.converters as converters
    except ImportError:
        raise MissingDependencyError(
            f"the ctranslate2 backend needs ctranslate2: {INSTALL_EXTRA}"
        ) from None
    try:
        import torch  # noqa: F401 - the converter reads the weights through transformers
        import transformers  # noqa: F401
    except ImportError:
        raise MissingDependencyError(
            f"converting a model to CTranslate2 needs torch and transformers: {TORCH_EXTRA}"
        ) from None

    class _SafetensorsConverter(converters.TransformersConverter):  # type: ignore[misc]
        def load_model(self, model_class: Any, path: str, **kwargs: Any) -> Any:
            return model_class.from_pretrained(path, use_safetensors=True, **kwargs)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Recommended: pip install sacremoses" and the like
            _SafetensorsConverter(
                str(model.path), copy_files=["source.spm", "target.spm", "vocab.json"]
            ).convert(str(folder), quantization=quantization, force=True)
    except OSError:
        raise
    except Exception as exc:
        cause = exc.__cause__ or exc.__context__
        if isinstance(cause, OSError):
            raise cause from None
        raise ModelError(f"{model.path}: CTranslate2 conversion failed: {exc}") from None

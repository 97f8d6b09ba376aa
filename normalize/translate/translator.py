"""Stage 2, ``translate``: Chinese (and any language with a registry model) to English, with
glossary names protected.

Per document: split into paragraphs (lines), detect each one's language (:mod:`.langid`);
English passes through untouched, and nothing heavy is imported for it. A paragraph to translate
is cut into sentences (:mod:`.zhtext`); glossary names are replaced by placeholders
(:mod:`.protect`); traditional characters become simplified; sentences longer than the
model's limit are chunked (never truncated); chunks are looked up in the translation cache and
the rest translated in batches by the backend (:mod:`.backends`). Placeholders come back as the
entries' canonical names (full form at the first mention, short form after) and are reported as
entities with method ``protected``; the canonicalizer then works on the English text and skips
those spans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from normalize.config import Config
from normalize.document import Change, Document, Entity
from normalize.errors import GlossaryError
from normalize.glossary.entries import Glossary
from normalize.translate.langid import UNDETERMINED, Profiles, detect
from normalize.translate.protect import (
    PLACEHOLDER_BASE,
    PLACEHOLDER_PREFIX,
    Term,
    find_terms,
    insert_placeholders,
    locate,
    placeholder,
)
from normalize.translate.registry import LocalModel, Registry, load_registry, resolve
from normalize.translate.zhtext import Simplifier, chunk, split_sentences

CHUNK_TOKENS = 200  # longest source chunk sent to the model (Marian's hard limit is 512)
PASS_LANGS = ("en", UNDETERMINED)
CJK_LANGS = ("zh", "ja", "ko")
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_LETTER = re.compile(r"[^\W\d_]")
_PLACEHOLDER = re.compile(rf"{PLACEHOLDER_PREFIX}(\d{{3}})")
# Full-width punctuation in text that needs no model (a bare name, a dateline).
_PUNCT = str.maketrans(
    {
        "，": ", ",
        "。": ". ",
        "：": ": ",
        "；": "; ",
        "！": "! ",
        "？": "? ",
        "（": " (",
        "）": ") ",
        "、": ", ",
        "“": '"',
        "”": '"',
        "《": '"',
        "》": '"',
        "　": " ",
    }
)


@dataclass
class _Engine:
    """One model in use: resolved folder, tokenizer, lazily loaded backend, cache."""

    model: LocalModel
    tokenizer: Any
    limit: int
    max_output: int
    cache: Any = None  # TranslationCache or None
    backend: Any = None


@dataclass
class _Runtime:
    """Lazy, per-stage state (models, compiled glossary); built on the first document that
    needs it, so English-only runs load nothing."""

    registry: Registry | None = None
    profiles: Profiles | None = None
    names: dict[str, list[tuple[str, Any]]] | None = None
    affixes: tuple[str, ...] = ()
    simplifier: Simplifier | None = None
    engines: dict[str, _Engine] = field(default_factory=dict)


@dataclass(frozen=True)
class _Job:
    source: str  # the chunk as sent to the model (placeholders, simplified)
    terms: tuple[int, ...]  # the paragraph's term indices, in placeholder order


@dataclass(frozen=True)
class TranslatorStage:
    name: str = "translate"
    config: Config = field(default_factory=Config)
    glossary: Glossary | None = None
    _runtime: _Runtime = field(default_factory=_Runtime, compare=False, repr=False)

    @classmethod
    def from_config(cls, config: Config, glossary: Glossary) -> TranslatorStage:
        return cls(config=config, glossary=glossary)

    # ---- the stage -----------------------------------------------------------------------

    def __call__(self, doc: Document) -> Document:
        paragraphs = _paragraphs(doc.text)
        profiles = self._profiles()
        langs = [detect(p, profiles) if p.strip() else UNDETERMINED for p in paragraphs]
        if all(lang in PASS_LANGS for lang in langs):
            return doc  # English (or empty): untouched, nothing imported
        return self._translate(doc, paragraphs, langs)

    def stamp(self) -> dict[str, str]:
        # Nothing run-wide: which model and backend translated is per document (see
        # _translation_stamp), and an English document names none.
        return {}

    # ---- translation ---------------------------------------------------------------------

    def _translate(self, doc: Document, paragraphs: list[str], langs: list[str]) -> Document:
        names, affixes = self._glossary_names()
        warnings: list[str] = []
        plans: list[tuple[str, list[Term], list[tuple[str, list[_Job]]]] | None] = []
        jobs: dict[str, list[str]] = {}  # language -> sources to translate
        for para, lang in zip(paragraphs, langs, strict=True):
            if lang in PASS_LANGS:
                plans.append(None)
                continue
            engine = self._engine(lang, warnings)
            if engine is None:
                plans.append(None)
                continue
            terms = find_terms(para, names, affixes) if names else []
            sentences = self._plan_paragraph(para, lang, terms, engine)
            plans.append((lang, terms, sentences))
            jobs.setdefault(lang, []).extend(j.source for _, js in sentences for j in js)
        outputs: dict[tuple[str, str], str] = {}
        cached = 0
        for lang, sources in jobs.items():
            got, hits = self._run(self._runtime.engines[lang], sources)
            cached += hits
            outputs.update({(lang, s): t for s, t in got.items()})
        return self._assemble(doc, paragraphs, plans, outputs, warnings, cached)

    def _plan_paragraph(
        self, para: str, lang: str, terms: list[Term], engine: _Engine
    ) -> list[tuple[str, list[_Job]]]:
        """Each sentence as (pass-through text, []) or ("", its chunks to translate)."""
        out: list[tuple[str, list[_Job]]] = []
        offset = 0
        simplify = self._simplifier() if lang == "zh" else None
        for sentence in split_sentences(para):
            start = offset
            offset += len(sentence)
            if not sentence.strip():
                continue
            if lang in CJK_LANGS and not _CJK.search(sentence):
                out.append((sentence.strip(), []))  # a Latin sentence inside a Chinese paragraph
                continue
            inside = [t for t in terms if start <= t.start and t.end <= offset]
            source, held = insert_placeholders(sentence, inside, start)
            held_ids = [terms.index(inside[i]) for i in held]
            source = source.strip()
            if simplify is not None:
                source = simplify(source)
            if not _LETTER.search(_PLACEHOLDER.sub("", source)):
                # Only names, numbers and punctuation: nothing for the model to do.
                out.append(("", [_Job("\0" + source, tuple(held_ids))]))
                continue
            keep = [m.span() for m in _PLACEHOLDER.finditer(source)]
            jobs = [
                _renumber(piece, held_ids)
                for piece in chunk(source, engine.tokenizer.count, engine.limit, keep)
            ]
            out.append(("", [j for j in jobs if j.source.strip()]))
        return out

    def _run(self, engine: _Engine, sources: list[str]) -> tuple[dict[str, str], int]:
        """Translations of ``sources`` (from the cache where possible); returns them and the
        number of cache hits."""
        unique = list(dict.fromkeys(s for s in sources if not s.startswith("\0")))
        result: dict[str, str] = {
            s: s[1:].translate(_PUNCT).strip() for s in sources if s.startswith("\0")
        }
        found = engine.cache.get_many(unique) if engine.cache is not None else {}
        result.update(found)
        missing = [s for s in unique if s not in found]
        if missing:
            translated = self._model_translate(engine, missing)
            result.update(translated)
            if engine.cache is not None:
                engine.cache.put_many(translated.items())
        return result, sum(1 for s in sources if s in found)

    def _model_translate(self, engine: _Engine, sources: list[str]) -> dict[str, str]:
        from normalize.translate.backends import load_backend, max_length_for

        if engine.backend is None:
            engine.backend = load_backend(
                self.config.backend,
                engine.model,
                self.config.device,
                self._cache_dir(),
                self.config.threads,
            )
        tokenized = [(s, engine.tokenizer.pieces(s)) for s in sources]
        tokenized.sort(key=lambda st: len(st[1]))  # similar lengths batch with little padding
        out: dict[str, str] = {}
        size = max(1, self.config.batch_size)
        for i in range(0, len(tokenized), size):
            part = tokenized[i : i + size]
            batch = [pieces for _, pieces in part]
            hyps = engine.backend.translate(
                batch, self.config.beam_size, max_length_for(batch, engine.max_output)
            )
            for (source, _), hyp in zip(part, hyps, strict=True):
                out[source] = engine.tokenizer.detokenize(hyp)
        return out

    def _assemble(
        self,
        doc: Document,
        paragraphs: list[str],
        plans: list[tuple[str, list[Term], list[tuple[str, list[_Job]]]] | None],
        outputs: dict[tuple[str, str], str],
        warnings: list[str],
        cached: int,
    ) -> Document:
        from normalize.canonicalize.rendering import render_name

        glossary = self.glossary
        pieces: list[str] = []
        length = 0
        entities: list[Entity] = []
        changes: list[Change] = []
        seen: set[str] = set()
        in_pos = 0
        shifts: list[
            tuple[int, int, int]
        ] = []  # (input start, input end, delta) of kept paragraphs
        for para, plan in zip(paragraphs, plans, strict=True):
            if plan is None:
                shifts.append((in_pos, in_pos + len(para), length - in_pos))
                pieces.append(para)
                length += len(para)
                in_pos += len(para)
                continue
            lang, terms, sentences = plan
            engine = self._runtime.engines[lang]
            para_start = length
            body, ending = _split_ending(para)
            for text, jobs in sentences:
                parts: list[str | tuple[Term, bool]] = [text] if text else []
                for job in jobs:
                    out = outputs.get((lang, job.source), "")
                    src = job.source.lstrip("\0")
                    located = locate(out, src, len(job.terms))
                    for k in located.fallback:
                        term = terms[job.terms[k]]
                        changes.append(
                            Change(
                                self.name,
                                "repair",
                                placeholder(k),
                                term.surface,
                                doc_offset(paragraphs, para) + term.start,
                                doc_offset(paragraphs, para) + term.end,
                                rule="placeholder-fallback",
                                detail=f"{term.entry_id}: placeholder lost; name put back",
                            )
                        )
                    if job is not jobs[0] and parts:
                        parts.append(" ")
                    for part in located.parts:  # text, or a term number
                        parts.append(
                            part if isinstance(part, str) else (terms[job.terms[part]], True)
                        )
                if length > para_start and parts:
                    pieces.append(" ")
                    length += 1
                for i, item in enumerate(parts):
                    if isinstance(item, str):
                        pieces.append(item)
                        length += len(item)
                        continue
                    term = item[0]
                    entry = glossary[term.entry_id] if glossary is not None else None
                    if entry is None:
                        continue
                    before = "".join(pieces[-3:])
                    after = next((p for p in parts[i + 1 :] if isinstance(p, str)), "")
                    if before and (before[-1].isalnum() or before[-1] in ")]"):
                        pieces.append(" ")
                        length += 1
                        before += " "
                    name = render_name(entry, entry.id not in seen, before, after)
                    seen.add(entry.id)
                    # a former name: the body it became (see Entity.former)
                    named = glossary.current(entry) if glossary is not None else entry
                    entities.append(
                        Entity(
                            named.id,
                            named.canonical,
                            named.type,
                            term.surface,
                            length,
                            length + len(name),
                            100.0,
                            "protected",
                            former=named is not entry,
                            former_id=entry.id if named is not entry else None,
                        )
                    )
                    pieces.append(name)
                    length += len(name)
                    if after[:1].isalnum():
                        pieces.append(" ")
                        length += 1
            english = "".join(pieces)[para_start:]
            if not english.strip():
                warnings.append(f"translate: no output for a {lang} paragraph at offset {in_pos}")
            start = in_pos
            changes.insert(
                len(changes),
                Change(
                    self.name,
                    "translate",
                    body,
                    english,
                    start,
                    start + len(body),
                    rule=engine.model.name,
                    detail=f"{lang}->en",
                ),
            )
            pieces.append(ending)
            length += len(ending)
            in_pos += len(para)
        text = "".join(pieces)
        # Entities of earlier stages survive only in paragraphs that passed through unchanged.
        kept = [
            _moved(e, delta)
            for e in doc.entities
            for s, end, delta in shifts
            if s <= e.start and e.end <= end
        ]
        translated_langs = sorted({p[0] for p in plans if p is not None})
        if cached:
            warnings_detail = f"{cached} chunk(s) from the translation cache"
            changes.append(
                Change(self.name, "translate", "", "", rule="cache", detail=warnings_detail)
            )
        return doc.evolve(
            text=text,
            lang="en" if translated_langs else doc.lang,
            stamp={**doc.stamp, **self._translation_stamp(translated_langs)},
            entities=tuple(sorted([*kept, *entities], key=lambda e: e.start)),
            changes=doc.changes + tuple(changes),
            warnings=doc.warnings + tuple(warnings),
        )

    def _translation_stamp(self, langs: list[str]) -> dict[str, str]:
        """The model(s) and backend that translated this document's ``langs``."""
        from normalize.translate.backends import choose_backend

        engines = [self._runtime.engines[lang] for lang in langs]
        if not engines:
            return {}
        # A backend not loaded means every sentence came from the cache, which is keyed by
        # the backend configured: that one translated them.
        backends = [
            e.backend.name if e.backend is not None else choose_backend(self.config.backend)
            for e in engines
        ]
        return {
            "model": ",".join(e.model.name for e in engines),
            "model_revision": ",".join(e.model.revision[:12] for e in engines),
            "backend": ",".join(dict.fromkeys(backends)),
        }

    # ---- lazy resources --------------------------------------------------------------------

    def _cache_dir(self) -> Path:
        from normalize.resources import cache_dir

        return cache_dir(self.config.cache_dir)

    def _registry(self) -> Registry:
        if self._runtime.registry is None:
            self._runtime.registry = load_registry()
        return self._runtime.registry

    def _profiles(self) -> Profiles:
        if self._runtime.profiles is None:
            self._runtime.profiles = Profiles.load()
        return self._runtime.profiles

    def _simplifier(self) -> Simplifier:
        if self._runtime.simplifier is None:
            self._runtime.simplifier = Simplifier()
        return self._runtime.simplifier

    def _glossary_names(self) -> tuple[dict[str, list[tuple[str, Any]]], tuple[str, ...]]:
        rt = self._runtime
        if rt.names is None:
            rt.names, rt.affixes = {}, ()
            if self.glossary is not None and len(self.glossary):
                from normalize.canonicalize.aliases import lexicon_for
                from normalize.canonicalize.index import compile_glossary

                rt.names = compile_glossary(self.glossary, self._cache_dir()).zh_names()
                try:
                    rt.affixes = tuple(lexicon_for(self.glossary).forms)
                except (FileNotFoundError, GlossaryError):
                    rt.affixes = ()
        return rt.names, rt.affixes

    def _engine(self, lang: str, warnings: list[str]) -> _Engine | None:
        rt = self._runtime
        if lang in rt.engines:
            return rt.engines[lang]
        registry = self._registry()
        model = self.config.model
        spec = registry.get(model) if model else None
        if spec is not None and spec.source != lang:
            model = None  # a named model serves its own language; others use their defaults
        if model is None and registry.for_language(lang) is None:
            # A language nobody registered a model for: leave it, say so.
            warnings.append(
                f"translate: no model for {lang}->en in the registry; {lang} text left as is"
            )
            return None
        local = resolve(model, lang, self._cache_dir(), registry)
        engine = self._make_engine(local)
        rt.engines[lang] = engine
        return engine

    def _make_engine(self, local: LocalModel) -> _Engine:
        from normalize.translate.backends import SpmTokenizer, choose_backend, model_max_positions
        from normalize.translate.cache import TranslationCache

        tokenizer = SpmTokenizer.load(local.path)
        max_pos = model_max_positions(local.path)
        cache = None
        if self.config.translation_cache:
            backend = choose_backend(self.config.backend)
            namespace = f"{local.name}|{local.revision}|{backend}|beam{self.config.beam_size}"
            cache = TranslationCache(self._cache_dir(), namespace)
        # Leave room for </s> (and the decoder start) inside the position table.
        return _Engine(local, tokenizer, min(CHUNK_TOKENS, max_pos - 2), max_pos - 2, cache)


def _paragraphs(text: str) -> list[str]:
    """Lines with their line endings; ``"".join(result) == text``."""
    return text.splitlines(keepends=True) or ([text] if text else [])


def _split_ending(para: str) -> tuple[str, str]:
    body = para.rstrip("\r\n")
    return body, para[len(body) :]


def doc_offset(paragraphs: list[str], para: str) -> int:
    total = 0
    for p in paragraphs:
        if p is para:
            return total
        total += len(p)
    return 0


def _renumber(piece: str, held: list[int]) -> _Job:
    """A chunk with its placeholders numbered from QZ701 again (so cache keys are shared)."""
    order: list[int] = []

    def sub(m: re.Match[str]) -> str:
        order.append(held[int(m.group(1)) - PLACEHOLDER_BASE])
        return placeholder(len(order) - 1)

    return _Job(_PLACEHOLDER.sub(sub, piece).strip(), tuple(order))


def _moved(entity: Entity, delta: int) -> Entity:
    return entity.moved(delta)

"""The pipeline: a short ordered list of named stages.

Each stage is a callable ``Document -> Document`` that returns the new text plus the changes it
made. :data:`STAGES` is the order; :class:`Config` switches stages off. Outputs are stamped with
what produced them (tool version, stages, glossary digest, and for a translated document the
model and backend that translated it), like sacrebleu's signatures. An output's ``lang`` is the
article's language: the caller's, else detected on the text after the strip stage.

:func:`process_record` turns one input record into one output row and never raises: the unit
the CLI (and any batch runner) builds on.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from normalize.config import Config
from normalize.document import Document
from normalize.errors import NormalizeError
from normalize.glossary.entries import Glossary, load_glossary

if TYPE_CHECKING:
    from normalize.io import Record
    from normalize.translate.langid import Profiles


class Stage(Protocol):
    @property
    def name(self) -> str: ...  # read-only: stages are frozen dataclasses

    def __call__(self, doc: Document) -> Document: ...

    def stamp(self) -> dict[str, str]: ...


def _make_strip(config: Config, glossary: Callable[[], Glossary]) -> Stage:
    from normalize.strip.cleaner import CleanerStage

    return CleanerStage.from_config(config)


def _make_translate(config: Config, glossary: Callable[[], Glossary]) -> Stage:
    from normalize.translate.translator import TranslatorStage

    return TranslatorStage.from_config(config, glossary())


def _make_canonicalize(config: Config, glossary: Callable[[], Glossary]) -> Stage:
    from normalize.canonicalize import CanonicalizerStage

    return CanonicalizerStage.from_config(config, glossary())


# The order is the pipeline. Each factory gets the config and a lazy glossary accessor.
STAGES: tuple[tuple[str, Callable[[Config, Callable[[], Glossary]], Stage]], ...] = (
    ("strip", _make_strip),
    ("translate", _make_translate),
    ("canonicalize", _make_canonicalize),
)


SETTLE_ROUNDS = 3  # settle-and-name-again rounds at most (one in most documents: none changed)


class Pipeline:
    """Build once (loads the glossary, models lazily), then call on many documents.

    ``config`` is a :class:`Config` or the plain dict of :meth:`Config.to_dict`. A pipeline
    pickles as its config (and glossary, if one was passed in), so sending one to a worker
    process or a cluster node is cheap; the receiving process loads what it needs there.
    """

    def __init__(
        self, config: Config | Mapping[str, Any] | None = None, *, glossary: Glossary | None = None
    ) -> None:
        from normalize import __version__

        self.config = Config.coerce(config)
        self._given_glossary = glossary is not None
        self._glossary = glossary
        enabled = set(self.config.stage_names)
        self.stages: list[Stage] = [
            factory(self.config, self.glossary) for name, factory in STAGES if name in enabled
        ]
        self.stamp: dict[str, str] = {
            "tool": f"normalize {__version__}",
            "stages": "+".join(s.name for s in self.stages) or "none",
        }
        for stage in self.stages:
            self.stamp.update(stage.stamp())
        self._profiles: Profiles | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        # Loaded stages and models stay behind; the receiving process builds its own.
        return (_rebuild, (self.config, self._glossary if self._given_glossary else None))

    def glossary(self) -> Glossary:
        if self._glossary is None:
            from normalize.resources import cache_dir

            # Parsed once per glossary version and cached beside the compiled index.
            self._glossary = load_glossary(
                self.config.glossary_paths or None, cache_dir=cache_dir(self.config.cache_dir)
            )
        return self._glossary

    @property
    def signature(self) -> str:
        """A one-line description of what produced the output, for logs and papers."""
        return "|".join(f"{k}:{v}" for k, v in self.stamp.items())

    def __call__(self, doc: Document) -> Document:
        given = doc.lang
        source = doc.text  # the article as the later stages see it: after strip, if that runs
        for stage in self.stages:
            doc = stage(doc)
            if stage.name == "strip":
                source = doc.text
        settle = getattr(self.stages[0], "settle", None) if len(self.stages) > 1 else None
        names = self.stages[-1] if self.stages and self.stages[-1].name == "canonicalize" else None
        cleaned: str | None = source
        for _ in range(SETTLE_ROUNDS):
            if settle is None:
                break
            # Lines the later stages changed are judged again as the strip stage would judge
            # them on a second run: the output is its own fixed point.
            settled = settle(doc, cleaned)
            if settled is doc:
                break
            doc = settled
            if names is not None:
                # Lines joined or removed change what the names around a name say (a line
                # break ends a sentence, whose regulators place its programmes): the settled
                # text is named afresh, as a second run would name it.
                doc = _first_reading(settled, names(settled.evolve(entities=(), suggestions=())))
            # and judged again whole: a line removed makes its neighbour the last line
            cleaned = None
        # The article's language, not the output's: a translated record says where it came
        # from. A stage's own stamp (the translation model) is this document's alone.
        lang = given or self.detect_language(source)
        return doc.evolve(lang=lang, stamp={**self.stamp, **doc.stamp})

    def detect_language(self, text: str) -> str:
        """The language of ``text`` (ISO 639-1, ``und`` without letters), as the translator
        decides it."""
        from normalize.translate.langid import Profiles, detect

        if self._profiles is None:
            try:
                self._profiles = Profiles.load()
            except NormalizeError:
                self._profiles = Profiles()
        return detect(text, self._profiles)

    def process(
        self, text: str, *, is_html: bool = False, url: str | None = None, lang: str | None = None
    ) -> Document:
        return self(Document(text=text, is_html=is_html, url=url, lang=lang))

    def process_records(
        self,
        records: Iterable[Mapping[str, Any]],
        *,
        fields: Collection[str] | None = None,
        omit: Collection[str] = (),
    ) -> list[dict[str, Any]]:
        """Rows for ``records`` (mappings with ``text`` or ``html``, optional ``id``, ``url``,
        ``lang``; other fields pass through), in input order. Never raises for a bad record:
        its row has ``error``. The entry point of every batch engine (:mod:`normalize.batch`)."""
        from normalize.batch import process_records

        return process_records(self, records, fields=fields, omit=omit)


def _first_reading(settled: Document, named: Document) -> Document:
    """``named`` (``settled`` named afresh) with the first reading's record of each name it
    found again where that had it: the surface as the input wrote it, how it was found."""
    new = named.changes[len(settled.changes) :]

    def shift(pos: int) -> int:
        return pos + sum(
            len(c.after) - len(c.before) for c in new if c.end is not None and c.end <= pos
        )

    before = {(e.id, shift(e.start)): e for e in settled.entities}
    entities = tuple(
        before[e.id, e.start].moved(e.start - before[e.id, e.start].start)
        if (e.id, e.start) in before
        else e
        for e in named.entities
    )
    return named.evolve(entities=entities)


def _rebuild(config: Config, glossary: Glossary | None) -> Pipeline:
    return Pipeline(config, glossary=glossary)


def process(
    text: str,
    config: Config | None = None,
    *,
    is_html: bool = False,
    url: str | None = None,
    lang: str | None = None,
) -> Document:
    """Run the whole pipeline on one text. For many texts build a :class:`Pipeline` once."""
    return Pipeline(config).process(text, is_html=is_html, url=url, lang=lang)


@dataclass
class Outcome:
    """One input record's result: an output row (``row``) and, when it failed, the problem."""

    row: dict[str, Any]  # the input's fields, then the result's (or ``error``)
    text: str | None  # the output text; None when the record failed
    error: str | None = None  # "<where>: <problem>", also in row["error"]
    problem: str | None = None  # the problem without the record's place
    kind: str | None = None  # the exception class for a failure in the pipeline
    debug: str | None = None  # the traceback of an unexpected exception


def process_record(pipeline: Pipeline, record: Record, *, several_inputs: bool = False) -> Outcome:
    """Run ``pipeline`` on one input record; never raises (but for KeyboardInterrupt and
    SystemExit). A problem, expected (:class:`NormalizeError`) or not (a bug, a recursion
    limit), becomes an error row naming the record; the traceback of an unexpected one is
    kept in :attr:`Outcome.debug`."""
    row: dict[str, Any] = dict(record.fields)
    if record.line is None:  # a whole file: its path is the record's name
        row["source"] = record.source
    elif record.source and (several_inputs or record.source != "<stdin>"):  # "": in memory
        row.setdefault("source", record.source)
    if record.error is not None:
        row["error"] = record.error
        return Outcome(row, None, record.error, record.error, "InputError")
    try:
        doc = pipeline(
            Document(
                record.text,
                is_html=record.is_html,
                url=record.url,
                lang=record.lang,
                warnings=tuple(record.warnings),  # how it was read (encoding, repairs)
            )
        )
        result = doc.to_dict()
    except NormalizeError as exc:
        return _failed(row, record, str(exc), type(exc).__name__, None)
    except Exception as exc:  # one record's bug must not end the batch
        problem = f"internal error: {type(exc).__name__}: {_first_line(exc)}"
        return _failed(row, record, problem, type(exc).__name__, traceback.format_exc())
    row.update(result)
    return Outcome(row, result["text"])


def _failed(
    row: dict[str, Any], record: Record, problem: str, kind: str, debug: str | None
) -> Outcome:
    error = f"{record.where}: {problem}"
    row["error"] = error
    return Outcome(row, None, error, problem, kind, debug)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else "(no message)"

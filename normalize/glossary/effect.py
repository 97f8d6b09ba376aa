"""``glossary diff``: what an edit changes in practice. The glossary's own examples and a sample
corpus are run through the canonicalizer with the glossary before (a git revision or a folder)
and after (the files as they are now); every mention whose mapping changed is listed.

Editors review the effect of a change, not only the YAML: an alias that captures a name it
should not, a removed name that stops matching, a look-alike that now wins.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from normalize.errors import GlossaryError
from normalize.glossary.entries import Glossary, glossary_files, load_glossary


@dataclass(frozen=True)
class Change:
    where: str  # the example's entry and kind, or the corpus record
    surface: str  # the mention as written
    before: str  # entry id it mapped to before ("" = none)
    after: str
    context: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        return (
            f"{self.where}: {self.surface!r}: {self.before or '(nothing)'} -> "
            f"{self.after or '(nothing)'}  | {self.context}"
        )


def glossary_at(revision: str, paths: Sequence[Path], into: Path) -> list[Path]:
    """The glossary ``paths`` as they were at git ``revision`` (or, when ``revision`` is a
    folder, that folder), written under ``into``. Returns the glossary paths to load."""
    if Path(revision).is_dir():
        return [Path(revision)]
    out: list[Path] = []
    for n, path in enumerate(paths):
        folder = path if path.is_dir() else path.parent
        try:
            top = _git(folder, "rev-parse", "--show-toplevel").strip()
            rel = Path(folder).resolve().relative_to(Path(top).resolve())
            listing = _git(top, "ls-tree", "-r", "--name-only", revision, "--", str(rel) or ".")
        except (OSError, ValueError, subprocess.CalledProcessError) as exc:
            raise GlossaryError(
                f"{folder}: cannot read git revision {revision!r} ({_reason(exc)}); "
                "name a folder instead"
            ) from None
        target = into / f"g{n}"
        for name in listing.splitlines():
            inner = Path(name).relative_to(rel) if str(rel) != "." else Path(name)
            dest = target / inner
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(_git_bytes(top, "show", f"{revision}:{name}"))
        if not path.is_dir():
            out.append(target / path.name)
        else:
            out.append(target)
    return out


def _git(cwd: Path | str, *args: str) -> str:
    return _git_bytes(cwd, *args).decode("utf-8")


def _git_bytes(cwd: Path | str, *args: str) -> bytes:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, check=True, timeout=60
    ).stdout


def _reason(exc: Exception) -> str:
    if isinstance(exc, subprocess.CalledProcessError):
        lines = (exc.stderr or b"").decode("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines else "git failed"
    return str(exc)


def sample_texts(*glossaries: Glossary) -> list[tuple[str, str]]:
    """Every example sentence of either glossary, once, with where it comes from."""
    seen: dict[str, str] = {}
    for glossary in glossaries:
        for entry in glossary:
            examples = (("match", entry.examples_match), ("no_match", entry.examples_no_match))
            for kind, texts in examples:
                for text in texts:
                    seen.setdefault(text, f"{entry.id} examples.{kind}")
    return [(where, text) for text, where in seen.items()]


def mapped(canonicalizer: Any, text: str) -> dict[tuple[int, int], tuple[str, str]]:
    """Character span -> (entry id, surface) of every mention the canonicalizer finds."""
    matches, _suggestions, tokens = canonicalizer.find(text)
    out = {}
    for m in matches:
        span = m.chars or (tokens[m.start].start, tokens[m.end - 1].end)
        out[span] = (m.entry_id, text[span[0] : span[1]])
    return out


def compare(
    before: Any, after: Any, texts: Iterable[tuple[str, str]], context_chars: int = 40
) -> list[Change]:
    """Mentions whose mapping differs between two canonicalizers (overlapping spans compared)."""
    changes: list[Change] = []
    for where, text in texts:
        old, new = mapped(before, text), mapped(after, text)
        spans = sorted(set(old) | set(new))
        done: set[tuple[int, int]] = set()
        for span in spans:
            if span in done:
                continue
            group = [s for s in spans if s[0] < span[1] and span[0] < s[1]]
            done.update(group)
            was = {old[s][0] for s in group if s in old}
            now = {new[s][0] for s in group if s in new}
            if was == now:
                continue
            a, b = min(s[0] for s in group), max(s[1] for s in group)
            context = text[max(0, a - context_chars) : b + context_chars].replace("\n", " ")
            changes.append(
                Change(where, text[a:b], ",".join(sorted(was)), ",".join(sorted(now)), context)
            )
    return changes


def diff_glossaries(
    revision: str,
    paths: Sequence[Path] | None,
    corpus: Iterable[tuple[str, str]] = (),
) -> tuple[list[Change], int]:
    """(changed mentions, texts compared) between the glossary at ``revision`` and now."""
    from normalize.canonicalize import Canonicalizer
    from normalize.canonicalize.index import compile_glossary
    from normalize.resources import cache_dir

    def canonicalizer(glossary: Glossary) -> Canonicalizer:
        return Canonicalizer(glossary, compile_glossary(glossary, cache_dir()))

    current = [Path(p) for p in paths] if paths else [glossary_files(None)[0].parent]
    after_glossary = load_glossary(current)
    with tempfile.TemporaryDirectory() as tmp:
        before_glossary = load_glossary(glossary_at(revision, current, Path(tmp)))
        before, after = canonicalizer(before_glossary), canonicalizer(after_glossary)
        texts = [*sample_texts(before_glossary, after_glossary), *corpus]
        return compare(before, after, texts), len(texts)

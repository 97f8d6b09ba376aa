"""The naive name matcher the canonicalizer is compared with (accuracy and speed): exact lookup
of every 1-4 word span, else rapidfuzz ``process.extractOne`` over all fuzzy-eligible forms."""

from __future__ import annotations

from normalize.canonicalize.index import Index
from normalize.canonicalize.keys import tokenize


class NaiveBaseline:
    """Exact lookup, else rapidfuzz extractOne over all fuzzy forms for every 1-4 word span."""

    def __init__(self, index: Index, cutoff: float = 85.0) -> None:
        self.index, self.cutoff = index, cutoff

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, entry id) of every span that matched; spans may overlap."""
        from rapidfuzz import fuzz, process

        tokens = [t for t in tokenize(text) if not t.is_cjk]
        out = []
        for i in range(len(tokens)):
            for size in range(4, 0, -1):
                span = tokens[i : i + size]
                if len(span) < size:
                    continue
                key = "".join(t.key for t in span)
                if key in self.index.exact:
                    out.append(
                        (
                            span[0].start,
                            span[-1].end,
                            self.index.rows.of(self.index.exact[key])[0][0],
                        )
                    )
                    continue
                best = process.extractOne(
                    key, self.index.fuzzy_keys, scorer=fuzz.ratio, score_cutoff=self.cutoff
                )
                if best:
                    out.append(
                        (
                            span[0].start,
                            span[-1].end,
                            self.index.rows[self.index.fuzzy_owner[best[2]]][0],
                        )
                    )
        return out

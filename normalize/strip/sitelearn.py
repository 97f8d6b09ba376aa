"""Learning site boilerplate from a batch: lines that repeat across many documents of the same
site (the record's ``url`` domain) are the site's template, not its articles.

``normalize sites learn`` saves what is learnt as a site profile (``rules/sites/<domain>.yaml``)
that editors can review; :meth:`CleanerStage.with_profiles` uses profiles directly.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from normalize.strip.cleaner import is_sentence, repair_line
from normalize.strip.rules import SiteProfile, host_of, normalize_line

# A site needs at least this many documents before anything is learnt from it.
LEARN_MIN_DOCS = 3
# A short line must occur in at least this share of the site's documents...
LEARN_MIN_SHARE = 0.5
# ...and a line that reads as a sentence in at least this share and this many documents: a
# press-release "About the company" paragraph repeats too, but not on nearly every page.
LEARN_SENTENCE_SHARE = 0.8
LEARN_SENTENCE_MIN_DOCS = 5
# Lines this short carry no signal (numbers, single characters).
LEARN_MIN_CHARS = 2


def learn_site_profiles(
    docs: Iterable[tuple[str, str | None]],
    *,
    min_docs: int = LEARN_MIN_DOCS,
    min_share: float = LEARN_MIN_SHARE,
    site: str | None = None,
) -> list[SiteProfile]:
    """Profiles for every site with enough documents in ``docs`` ((text, url) pairs; ``site``
    overrides the urls). Texts should already be plain text (extract HTML first)."""
    per_site: dict[str, Counter[str]] = defaultdict(Counter)
    sentence_lines: dict[str, set[str]] = defaultdict(set)
    n_docs: Counter[str] = Counter()
    for text, url in docs:
        host = site or host_of(url)
        if not host:
            continue
        n_docs[host] += 1
        seen = set()
        for raw in text.splitlines():
            line, _ = repair_line(raw)
            norm = normalize_line(line)
            if len(norm) < LEARN_MIN_CHARS or norm in seen:
                continue
            seen.add(norm)
            if is_sentence(line):
                sentence_lines[host].add(norm)
        per_site[host].update(seen)
    profiles = []
    for host, counts in sorted(per_site.items()):
        total = n_docs[host]
        if total < min_docs:
            continue
        lines = set()
        for norm, count in counts.items():
            if norm in sentence_lines[host]:
                if count >= LEARN_SENTENCE_MIN_DOCS and count / total >= LEARN_SENTENCE_SHARE:
                    lines.add(norm)
            elif count >= min_docs and count / total >= min_share:
                lines.add(norm)
        if lines:
            profiles.append(
                SiteProfile(host, frozenset(lines), (), f"learnt from {total} documents")
            )
    return profiles


def site_document_counts(docs: Iterable[tuple[str, str | None]]) -> Counter[str]:
    """How many documents each site has (for reporting what could not be learnt)."""
    return Counter(host_of(url) for _, url in docs if host_of(url))

"""Stage 1, ``strip``: site boilerplate out, text repaired.

In: a :class:`~normalize.document.Document` whose text is HTML or already-extracted page text
(English or Chinese, any encoding). Out: the same document with the article's text only, each
removed line and each repair recorded as a :class:`~normalize.document.Change`.

- :mod:`.cleaner`    -- :class:`CleanerStage`: the stage; line rules, repair, unwrapping
- :mod:`.extract`    -- main-content extraction from HTML (trafilatura, readability-lxml)
- :mod:`.encoding`   -- bytes to text: BOMs, declared and detected charsets
- :mod:`.rules`      -- the line rules and site profiles editors keep in ``rules/``
- :mod:`.rulelits`   -- the literal keywords a rule's regex needs (a fast prefilter)
- :mod:`.sitelearn`  -- site templates learnt from a batch of pages of one site
"""

from normalize.strip.cleaner import CleanerStage, clean_text

__all__ = ["CleanerStage", "clean_text"]

"""Stage 3, ``canonicalize``: garbled drug, company and regulator names to canonical ones.

In: English text (after ``translate``). Out: the text with each recognised name in its canonical
form, an :class:`~normalize.document.Entity` per mention, a :class:`~normalize.document.Change`
per rewrite and a :class:`~normalize.document.Suggestion` per near miss left as written.

- :mod:`.canonicalizer` -- :class:`Canonicalizer` (find, explain, rewrite) and the stage
- :mod:`.index`         -- the compiled, cached glossary every finder looks names up in
- :mod:`.aliases`       -- forms derived from data (pinyin, literal renderings, salts)
- :mod:`.keys`          -- tokens and lookup keys: when two spellings are equal
- :mod:`.drugnames`     -- real drug names outside the glossary (must-not-merge anchors)
"""

from normalize.canonicalize.canonicalizer import Canonicalizer, CanonicalizerStage

__all__ = ["Canonicalizer", "CanonicalizerStage"]

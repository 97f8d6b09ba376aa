"""Stage 3, ``canonicalize``: garbled drug, company and regulator names to canonical ones.

In: English text (after ``translate``). Out: the text with each recognised name in its canonical
form, an :class:`~normalize.document.Entity` per mention, a :class:`~normalize.document.Change`
per rewrite and a :class:`~normalize.document.Suggestion` per near miss left as written.

The canonicalizer is a short pipeline of its own, run by :class:`Canonicalizer` (find, explain,
rewrite), and ``normalize glossary find`` shows its first three steps for each span:

1. **candidates** -- :mod:`.candidates`: where a name may be and which entry it may be (exact
   keys, codes, company cores, Chinese names, drug-name extension, fuzzy neighbours);
2. **evidence**   -- :mod:`.evidence`: what speaks for or against a candidate beyond spelling,
   each kind one function with its reason, registered in one ordered list (``EVIDENCE``);
3. **decision**   -- :mod:`.decision`: threshold, margin, must-not-confuse, conflicts;
4. **rendering**  -- :mod:`.rendering`: the text rewritten, with entities, changes, suggestions.

Also here:

- :mod:`.canonicalizer` -- :class:`Canonicalizer`, which runs the steps, and the stage
- :mod:`.thresholds`    -- every tunable number, grouped by the step that reads it
- :mod:`.matches`       -- what the steps hand each other: Text, Match, Candidate, Support
- :mod:`.index`         -- the compiled, cached glossary every finder looks names up in
- :mod:`.aliases`       -- forms derived from data (pinyin, literal renderings, salts)
- :mod:`.keys`          -- tokens and lookup keys: when two spellings are equal
- :mod:`.drugnames`     -- real drug names outside the glossary (must-not-merge anchors)
"""

from normalize.canonicalize.canonicalizer import Canonicalizer, CanonicalizerStage

__all__ = ["Canonicalizer", "CanonicalizerStage"]

"""Candidates: where in a text a glossary name may be, and which entry it may be.

The finders, in the order :meth:`~normalize.canonicalize.Canonicalizer.find` runs them (most
trusted first; a later finder looks only at what the earlier ones left):

- :mod:`.exact`     -- every written and derived form by compact key, codes and abbreviations
  (also with two letters swapped), company cores + company words; shared forms for context
- :mod:`.chinese`   -- glossary Chinese names inside CJK runs
- :mod:`.extend`    -- a garbled word before a drug name making another drug's name;
  "<body> of the <parent>" as one mention
- :mod:`.fuzzy`     -- name-like spans (:mod:`.spans`) scored against fuzzy forms gathered by
  spelling and consonant skeleton (:mod:`.pool`), each candidate weighed by the evidence
- :mod:`.companies` -- company cores, and company matches extended over their company words
"""

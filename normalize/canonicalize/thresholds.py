"""Every tunable number of the canonicalizer, in one place, grouped by the step that reads it.

Scores are 0-100 (rapidfuzz ratios). The steps read these as ``thresholds.NAME`` at call time,
so one assignment here (or a test's ``monkeypatch``) changes them everywhere.
"""

from __future__ import annotations

# ---- candidates: which spans are looked at, and which glossary forms are gathered for them ----
MIN_TRANSPOSED_ACRONYM = 4  # "NDRL" for "NRDL"; shorter acronyms collide too easily
MAX_COMPANY_WORDS = 4  # company words ("Biologics", "Co.", "Ltd") a company name runs on over
REST_WORD_CHARS = 6  # a word after a company's name this long may be its full form's, garbled ...
REST_WORD_MIN = 85.0  # ... if spelled this much like it ("Pharmaceuitcal")
MAX_FUZZY_TOKENS = 5  # the longest name-like span fuzzy matching scores, in words
RAW_FLOOR = 60.0  # candidates are gathered by spelling at least this alike ...
SKELETON_PREFILTER = 70.0  # ... or by consonant skeleton (among those), then scored on both
SKELETON_WEIGHT = 0.6  # weight of the consonant-skeleton score in the blend with spelling
SKELETON_MIN_RAW = 70.0  # ... which counts for spans without an INN stem only this alike
POOL_MEMO_MAX = 20_000  # span keys whose fuzzy neighbours a canonicalizer remembers (~40 MB)
POOL_LIMIT = 24  # fuzzy neighbours gathered per key, by spelling and again by skeleton
POOL_SHORTLIST = 64  # ... rescored exactly from this many best rounded batch scores
PREFETCH_MIN_KEYS = 8  # batch scoring pays from this many new keys in a document ...
PREFETCH_MIN_FORMS = 20_000  # ... and this many fuzzy forms (a large glossary)
PREFETCH_BATCH = 64  # keys per batch: 64 x 255,000 one-byte scores is 16 MB
FUZZY_LANGUAGES = ("en", "zh", "und")  # text languages fuzzy matching runs on
CHINESE_TEXT_SHARE = 0.3  # above this share of CJK characters a text is Chinese: annotate only

# ---- evidence: what moves a candidate's score, or rules it out ----
DERIVED_PENALTY = 2.0  # derived (pinyin/literal) forms are a little less trusted than written ones
CONTEXT_BONUS = 6.0  # the entry, its code, company or product named elsewhere in the text
TRANSLIT_BONUS = 6.0  # the span opens with a transliteration of the entry's Chinese name
MAX_TRANSLIT_EXTRA = 2  # consonants the span may add between that and its stem (-zumab)
STEM_LIKE = 70.0  # ... if the rest is spelled this much like the entry's stem ("-glitazin")
# Companies and brands spell their own English names, which MT copies rather than garbles:
# their fuzzy matches are judged on spelling alone (not the pinyin skeleton) and need more.
PROPER_NAME_ACCEPT = 85.0
BARE_COMPANY_ACCEPT = 95.0  # ... a bare company core (no company word) is most often a person
MIN_GUARDED_STEM = 5  # INN stems at least this long must agree between span and candidate
WORD_MIN = 60.0  # in a multi-word fuzzy match every word must be at least this alike
KNOWN_DRUG_MARGIN = 0.0  # a real drug outside the glossary spelled this close to the span blocks it

# ---- decision: which candidate wins ----
FUZZY_ACCEPT = 80.0  # a fuzzy candidate is applied at or above this score ...
FUZZY_MARGIN = 4.0  # ... and only this far ahead of the best candidate of any other entry
CONFUSABLE_MARGIN = 5.0  # margin required when the runner-up is a must-not-confuse entry
SUGGEST_MIN = 72.0  # below acceptance but at least this: reported as a suggestion
# A word ending in an INN stem is a drug's name of its own: spelled further than this from a
# candidate ("isitamab" for sintilimab), it is more likely a drug outside the glossary (or
# another's garble) than this one's, and the text naming the candidate's company says nothing
# about which. Only a transliteration of the entry's Chinese name explains such a distance;
# else the candidate is a suggestion.
INN_FAR_RAW = 75.0
FUZZY_ROUNDS = 3  # fuzzy passes at most, each with the names the last one found as context

# ---- rendering ----
WRAPPED_LINE_MIN = 60  # a line at least this long ending mid-sentence is hard-wrapped text

"""Real drug names outside the glossary, used as must-not-merge anchors.

A garbled name may be fuzzy-mapped to a glossary drug; a *real* drug name never should be
("sacituzumab govitecan" is not a misspelling of "sacituzumab tirumotecan"). The glossary cannot
list every drug, so the compile step loads ~100,000 drug names and brand names (DrugBank, MeSH,
MedlinePlus) from the MIT-licensed ``drug-named-entity-recognition`` package's dictionary. Only
compiled glossaries hold them (in the on-disk cache), so a run does not pay the 1 s load.
"""

from __future__ import annotations

import bz2
import importlib.util
import pickle
import re
from pathlib import Path

from normalize.canonicalize.keys import compact

_PACKAGE = "drug_named_entity_recognition"
_FILE = "drug_ner_dictionary.pkl.bz2"
MAX_WORDS = 4  # longer entries are combination products, never a single mention


def _data_file() -> Path:
    """The package's dictionary file, found without importing the package: its ``__init__``
    builds its own lookup tables from that file (~4 s) on import."""
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(_PACKAGE)
    return Path(next(iter(spec.submodule_search_locations))) / _FILE


def known_drug_keys() -> frozenset[str]:
    """Compact keys of known drug names; empty if the package is not installed."""
    try:
        source = _data_file()
        with source.open("rb") as raw, bz2.open(raw) as fh:
            # The package's own data file inside its installed folder (site-packages), not a
            # cache another user could write: trusting it is trusting the package's code, which
            # unpickles the same file when imported.
            data = pickle.load(fh)
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return frozenset()
    names = data.get("drug_variant_to_canonical", {}) if isinstance(data, dict) else {}
    keys = set()
    ascii_key = re.compile(r"[^0-9a-z]+")
    for name in names:
        if "," in name or len(name.split()) > MAX_WORDS:
            continue
        # The ASCII fast path gives the same key as compact() (100k names: 0.2 s, not 8 s).
        key = ascii_key.sub("", name.lower()) if name.isascii() else compact(name)
        if len(key) >= 5 and not key.isdigit():
            keys.add(key)
    return frozenset(keys)

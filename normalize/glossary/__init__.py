"""Glossaries: the YAML files editors keep in ``glossaries/``, and the editors' tools.

In: glossary folders or files. Out: an immutable :class:`Glossary` of validated
:class:`Entry` objects (errors name ``file:line``), which the translate and canonicalize stages
read; the editing modules below change the files in place, keeping comments and layout.

- :mod:`.entries`  -- the entry model, loading and validation, the parsed-glossary cache
- :mod:`.lint`     -- ``glossary lint``: every problem at once, with file:line
- :mod:`.check`    -- ``glossary test``, ``find``, ``show``, ``stats``
- :mod:`.yamledit` -- ``fmt``'s canonical layout (comments kept) and the safe write
- :mod:`.workspace` -- edits (``add``, ``alias``, ``accept``, ``import``) that change only
  the lines they are about, in ``fmt``'s layout
- :mod:`.mining`   -- ``suggest``: names a corpus has and the glossary lacks
- :mod:`.review`   -- suggest's TSV/JSON/HTML review formats; ``accept`` reads decisions back
- :mod:`.termbase` -- TBX, CSV/TSV and JSON export and import
- :mod:`.effect`   -- ``glossary diff``: mentions an edit maps differently
"""

from normalize.glossary.entries import Alias, Entry, Glossary, glossary_files, load_glossary

__all__ = ["Alias", "Entry", "Glossary", "glossary_files", "load_glossary"]

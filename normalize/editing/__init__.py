"""Glossary maintenance for editors: lint, round-trip YAML editing and fmt, tests and
explanations, corpus mining (suggest/accept), TBX/CSV/TSV/JSON exchange. The CLI is
:mod:`normalize.cli.glossary`."""

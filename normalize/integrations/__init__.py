"""Adapters for batch engines users already run: :mod:`normalize.integrations.ray` (Ray Data)
and :mod:`normalize.integrations.spark` (PySpark). Each is a thin layer over
:meth:`normalize.Pipeline.process_records` and imports its engine only when used; install them
with ``pip install 'normalize-news[ray]'`` or ``'normalize-news[spark]'``.
"""

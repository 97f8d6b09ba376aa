"""Simplified <-> traditional Chinese conversion, shared by every stage that needs it."""

from __future__ import annotations

from collections.abc import Callable


def converter(config: str) -> Callable[[str], str] | None:
    """An OpenCC converter (``s2t``, ``t2s``, ``s2tw``, ``s2hk`` ...), or None if OpenCC is missing.

    The C++ OpenCC is preferred: the pure-Python port takes ~0.1 s per call to build its tables.
    """
    try:
        import opencc  # type: ignore[import-not-found]
    except ImportError:
        pass
    else:
        convert: Callable[[str], str] = opencc.OpenCC(f"{config}.json").convert
        return convert
    try:
        from opencc_purepy import OpenCC  # type: ignore[import-not-found]
    except ImportError:
        return None
    slow: Callable[[str], str] = OpenCC(config).convert
    return slow

"""Lists in words, for the messages and notes every layer writes."""

from __future__ import annotations

from collections.abc import Iterable


def and_list(names: Iterable[str]) -> str:
    """``names`` as a list in words: ``a``, ``a and b``, ``a, b and c``.

    Raises ValueError if ``names`` is empty: a sentence naming nothing is a caller's slip.
    """
    items = list(names)
    if not items:
        raise ValueError("and_list needs at least one name")
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def id_words(name: str) -> str:
    """An id as words, for what a scenario gives no name: ``us_partnered`` -> ``us
    partnered``."""
    return name.replace("_", " ")

"""British and American spellings of one word ("tranquilliser" / "tranquilizer", "neighbour" / "neighbor"): a user
writes one, the sources the other. The pairs come from breame's list of dual spellings (general English, no corpus
words); matching uses the American form."""

from __future__ import annotations

import functools

from breame.data.spelling_constants import AMERICAN_ENGLISH_SPELLINGS, BRITISH_ENGLISH_SPELLINGS


def american(word: str) -> str:
    """The American spelling of a lower-case word ("organisations" -> "organizations"); the word itself when it has
    no other spelling."""
    return BRITISH_ENGLISH_SPELLINGS.get(word, word)


@functools.lru_cache(maxsize=50_000)
def spellings(word: str) -> tuple[str, ...]:
    """The word and its other spelling, if it has one: ("defence", "defense"), ("defense", "defence")."""
    other = BRITISH_ENGLISH_SPELLINGS.get(word) or AMERICAN_ENGLISH_SPELLINGS.get(word)
    return (word, other) if other and other != word else (word,)

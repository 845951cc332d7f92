"""Words of a text: its content words (general English function words left out) and a light stemmer, shared by the
question's constraints, the evidence features and the table linker."""

from __future__ import annotations

import re

from crossbrief.rag.spelling import american


WORD = re.compile(r"[a-z0-9]+")


# general English function words; what is left of a question are its content words
FUNCTION_WORDS = frozenset("""a an and are as at be been being by can could did do does doing for from had has have
having how i if in into is it its of on or that the their them there these they this those to was were what when
where which while who whom whose why will with would about after before than then also any much many more most
some such per according said says say tell me our we us you your my one ones other another each every both all
should shall may might must not no nor only own same so too very just over under again further once here
out up down off above below between through during until against among""".split())


def content_words(text: str) -> list[str]:
    return [w for w in WORD.findall(text.lower()) if w not in FUNCTION_WORDS and len(w) > 1]


def stem(word: str) -> str:
    """A light suffix stripper, enough to match "seizures"/"seized" and "countries"/"country"; a British spelling
    stems as the American one ("tranquillisers"/"tranquilizer")."""
    word = american(word)
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    for suffix in ("ing", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def word_key(word: str) -> str:
    """One key for a word's forms: "seize", "seized", "seizes" -> "seiz"; "teams", "team" -> "team"."""
    return stem(word.lower()).removesuffix("e")

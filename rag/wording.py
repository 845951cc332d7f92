"""Word-level signals the offline answerer scores sentences with: content words, a light stemmer, the names a
question mentions, what a "how many" question counts, and the values of a table row."""

from __future__ import annotations

import re

from crossbrief.rag.figures import Figure

STOP = set("""a an and are as at be by can could did do does for from had has have how i in is it its of on or
that the their them there these they this to was were what when where which who whom why will with would
about after before into than then also any much many more percentage percent proportion portion share
number amount figure total""".split())
WORD = re.compile(r"[a-z0-9]+")


def content_words(text: str) -> set[str]:
    return {w for w in WORD.findall(text.lower()) if w not in STOP and len(w) > 1}


def stem(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    for suffix in ("ing", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


ROW_FIELD = re.compile(r"(?:^|;\s*)[A-Za-z_ ]+:\s")
# capitalised words that are not names of places or bodies the sources must mention
NOT_NAMES = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
             "november", "december", "president", "prime", "minister"}


def row_values(sentence: str) -> str:
    """A table row's values without its column names ("Year: 2023; Unit: Number" -> "2023 Number")."""
    if sentence.count(": ") >= 3 and ";" in sentence:
        return " ".join(ROW_FIELD.split(sentence))
    return sentence


def entities(question: str) -> list[str]:
    """Capitalised names in the question (not its first word, not acronyms or months), lower-cased."""
    words = re.findall(r"(?<!^)(?<![.?!]\s)\b([A-Z][a-z]{2,})(?:'s)?\b", question.strip())
    return [w.lower() for w in words if w.lower() not in NOT_NAMES]


DEMONYMS = {"american": ("united states", "america", " us "), "canadian": ("canada",), "chinese": ("china",),
             "mexican": ("mexico",), "colombian": ("colombia",), "indian": ("india",)}


def entity_forms(entity: str) -> tuple[str, ...]:
    singular = entity[:-1] if entity.endswith("s") else entity
    return (entity, singular, *DEMONYMS.get(singular, ()))


def word_forms(word: str) -> set[str]:
    forms = {word, word.rstrip("s"), word + "s", stem(word)}
    for suffix in ("ed", "ing", "d"):
        if word.endswith(suffix):
            forms.add(word[: -len(suffix)])
    return forms


def counted_noun(question: str) -> str | None:
    """The thing a "how many X" question counts, stemmed ("countries" -> "country")."""
    match = re.search(r"\bhow many ([a-z]+)", question.lower())
    return stem(match.group(1)) if match else None


def followed_by(sentence: str, figure: Figure, noun: str) -> bool:
    after = sentence[figure.end:figure.end + 60].lower()
    return any(stem(word) == noun for word in WORD.findall(after)[:4])

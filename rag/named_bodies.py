"""Another body of the kind a question names: "How many DTOs did the Northwest HIDTA dismantle?" is not answered by
"South Florida HIDTA initiatives dismantled 54 DTOs". A name of two or more capitalised words ("Northwest HIDTA",
"Eastport Harbour Patrol") is a kind (the words it ends with) qualified by the words before them; a sentence that
gives the same kind other qualifiers, and never the question's, speaks of another body of that kind.

Only where the qualifiers name nothing else: not a person ("Prime Minister Trudeau" and "Justin Trudeau" are one
man; a title or an honorific on either side leaves the names alone), not a country ("Canadian GDP", "Canada's
GDP": places.py reads countries), not an acronym (which may stand for the question's own name), and never the
capitalised word that opens a sentence. The words are the question's own, as written: nothing here knows a word of
a corpus."""

from __future__ import annotations

import re

from crossbrief.rag.constraints import Constraints, name_key
from crossbrief.rag.name_phrases import PERSON_TITLES, bodies_of, is_body_code
from crossbrief.rag.words import FUNCTION_WORDS, word_key
from crossbrief.rag.places import countries_named, without_possessive

# up to four capitalised words before a head word: the qualifiers of a name as a sentence writes it
_QUALIFIERS = r"((?:[A-Z][\w'’&.-]*\s+){1,4})"
_PARTS = re.compile(r"[-–/]")
_POSSESSIVE = re.compile(r"['’]s\b")
_OPENS = re.compile(r"(?:^|[.?!:;]\s+|\n)[\"'(\s]*$")



def _words(names: list[str]) -> list[str]:
    """The words of capitalised names, split at hyphens, possessives dropped ("Treasury’s" -> Treasury)."""
    return [w for name in names for w in _PARTS.split(_POSSESSIVE.sub("", name)) if w]


def _plain(words: list[str]) -> bool:
    """Qualifiers that name only a body's kind or place: no title, country, demonym or acronym among them."""
    return bool(words) and not any(w.lower().strip(".") in PERSON_TITLES or countries_named(w) or
                                   (w.isupper() and len(w) > 1) for w in words)


def _others(run: tuple[str, ...], text: str) -> str:
    """The first name in `text` ending as the run ends, with qualifiers none of which the run has ("South Florida
    HIDTA" for "Northwest HIDTA"); "" when `text` names none."""
    head = run[-1]
    for match in re.finditer(_QUALIFIERS + re.escape(head) + r"\b", text):
        before = match.group(1).split()
        if _OPENS.search(text[:match.start()]):
            before = before[1:]  # a sentence's first word is capitalised as any first word is
        named = [*(w for w in before if w.lower() not in FUNCTION_WORDS), head]
        # the words both names end with name the kind ("Harbour Patrol"); what comes before them qualifies it
        shared = 0
        while shared < min(len(run), len(named)) and run[-1 - shared].lower() == named[-1 - shared].lower():
            shared += 1
        asked, other = _words(list(run[:len(run) - shared])), _words(named[:len(named) - shared])
        if _plain(asked) and _plain(other) and not {name_key(w) for w in asked} & {name_key(w) for w in other}:
            return " ".join(named)
    return ""


def another_of_its_kind(runs: tuple[tuple[str, ...], ...], sentence: str, previous: str = "") -> str:
    """"body <asked>|<other>" when the sentence (or, naming nothing of that kind, the sentence before it) names a
    body of the kind of one the question names by a run of capitalised words, qualified otherwise, and does not
    name the question's; else ""."""
    for run in runs:
        if len(run) < 2 or countries_named(run[-1]) or run[-1].lower().strip(".") in PERSON_TITLES:
            continue
        asked = " ".join(run)
        head = re.compile(rf"\b{re.escape(run[-1])}\b")
        for text in (_POSSESSIVE.sub("", sentence), _POSSESSIVE.sub("", previous)):
            if asked.lower() in text.lower():
                break  # the body asked is named
            other = _others(run, text)
            if other:
                return f"body {asked}|{other}"
            if head.search(text):
                break  # the kind is named, unqualified: the sentence before does not speak for it
    return ""


# a sentence's acronym doing a deed: "CBP seized", "CBP has also seized", "(CBP) apprehended"; or having it done by it:
# "seized by CBP"
_ACTIVE = re.compile(r"\b(?P<body>[A-Z]{2,6})\)?\s+(?:(?:has|have|had)\s+)?(?:[a-z]+ly\s+|also\s+|alone\s+)?"
                     r"(?P<verb>[a-z]{3,}ed)\b")
_PASSIVE = re.compile(r"\b(?P<verb>[a-z]{3,}ed)\s+by\s+(?:the\s+)?(?P<body>[A-Z]{2,6})\b")


def _asked(constraints: Constraints, body: str) -> bool:
    """Whether the question names `body` ("How much more did HSI seize than CBP?": CBP's figure is asked too)."""
    return body in {without_possessive(n) for n in constraints.names}


def another_actor(constraints: Constraints, sentence: str) -> str:
    """"body <asked>|<other>" when the sentence tells of another body, by its acronym, having done what the question
    asks the body did (Constraints.actor: "CBP seized 11,201 pounds in FY 2021" for what HSI seized), a body the
    question does not name, and names the asked one nowhere, by its acronym or spelt out; else ""."""
    actor = constraints.actor
    if not actor or constraints.name_met((sentence,), actor[0]):
        return ""
    for match in (*_ACTIVE.finditer(sentence), *_PASSIVE.finditer(sentence)):
        body = match.group("body")
        if word_key(match.group("verb")) == actor[1] and is_body_code(body) and not _asked(constraints, body):
            return f"body {actor[0]}|{body}"
    return ""


def another_owner(constraints: Constraints, sentence: str) -> str:
    """"body <asked>|<other>" when the sentence gives a thing the question qualifies by a body's acronym to another
    body the question does not name (Constraints.owned: "Targeting Teams at the DEA" for the Targeting Teams at the
    FBI), and names the asked one nowhere; else ""."""
    given = bodies_of(sentence)
    for word, body in constraints.owned:
        if constraints.name_met((sentence,), body):
            continue
        other = next((b for w, b in given if w == word and not _asked(constraints, b)), None)
        if other:
            return f"body {body}|{other}"
    return ""

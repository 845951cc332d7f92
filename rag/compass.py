"""Ways in a text: compass directions that narrow a noun ("the northern border") and the way a change goes ("fell",
"the raised levy"). General English only."""

from __future__ import annotations

import re

from crossbrief.rag.spelling import american
from crossbrief.rag.words import FUNCTION_WORDS, stem


# a compass direction that narrows what follows it ("the northern border", "South-West region"): general English
_DIRECTION = re.compile(r"\b(north|south)[- ]?(east|west)(?:ern|ward)?\b|\b(north|south|east|west)(?:ern|ward)?\b",
                        re.IGNORECASE)


_DIRECTED = re.compile(r"(?:" + _DIRECTION.pattern + r")\s+([a-z]{4,})", re.IGNORECASE)


def directions(text: str, noun: str = "") -> set[str]:
    """The compass directions `text` names, normalised ("Northern", "north" -> "north"; "south-western" ->
    "southwest"). A direction that opens a name ("North America", "South Korea") is not one, unless the name is of
    `noun` (a stemmed noun: "Southwest Border" for "border")."""
    found = set()
    for match in _DIRECTION.finditer(text):
        following = re.match(r"\s+([A-Z][a-z]+)", text[match.end():])
        if match.group(0)[0].isupper() and following and stem(following.group(1).lower()) != noun:
            continue
        found.add("".join(g.lower() for g in match.groups() if g))
    return found


# which way a change goes, in general English: "the reduced levy", "deaths fell" / "the duty rose to 20%"
_DOWN = re.compile(r"\b(?:fall|falls|fell|fallen|falling|drop|drops|dropped|decline[sd]?|declining|decrease[sd]?|"
                   r"decreasing|cut|cuts|lower|lowered|lowering|reduce[sd]?|reducing|reduction|eas(?:e|ed|ing)|"
                   r"shr[ai]nk|shrunk|plunge[sd]?|slump(?:ed)?)\b", re.IGNORECASE)


_UP = re.compile(r"\b(?:rise|rises|rose|risen|rising|raise[sd]?|raising|increase[sd]?|increasing|hike[sd]?|"
                 r"lift|lifted|grow|grew|grown|growth|higher|surge[sd]?|jump(?:ed|s)?|doubled|tripled)\b", re.IGNORECASE)


def change_directions(text: str) -> frozenset[str]:
    """"down" and/or "up": the ways of change `text` speaks of."""
    return frozenset(d for d, words in (("down", _DOWN), ("up", _UP)) if words.search(text))


# a way of change said of the thing asked, as its attribute: "the reduced levy", "a higher tariff" (not "after the
# levy was cut", which dates the question, nor "GDP growth", the measure asked)
_ATTRIBUTE = re.compile(r"\b(?:the|a|an|its|their)\s+(\w+)\b", re.IGNORECASE)


def asked_direction(question: str) -> str:
    """The one way of change a question gives the thing it asks of as its attribute ("the reduced levy": "down");
    "" when it gives none, or both."""
    ways = {d for m in _ATTRIBUTE.finditer(question) for d in change_directions(m.group(1))}
    return next(iter(ways)) if len(ways) == 1 else ""


# nouns naming a country by its relation to another: a direction narrows none of them to a region
_RELATIONAL = frozenset({"neighbor", "ally", "allie", "partner", "counterpart"})


def directed_nouns(question: str) -> tuple[tuple[str, str, str], ...]:
    """The question's nouns narrowed by a compass direction: ("northern border", "north", "border"), the noun in
    lower case as written (the index's vocabulary is looked up with it); a name that
    opens with one ("North Korea", "South Africa", "the West Bank") narrows nothing."""
    found = []
    for match in _DIRECTED.finditer(question):
        noun = match.group(4)
        if match.group(0)[0].isupper() and noun[0].isupper() or noun.lower() in FUNCTION_WORDS:
            continue
        if american(noun.lower()).rstrip("s") in _RELATIONAL:
            continue  # "its northern neighbour" is a country, not a part of one
        found.append((match.group(0), "".join(g.lower() for g in match.groups()[:3] if g), noun.lower()))
    return tuple(found)

"""Whom a levy falls on: the countries a text puts a tariff, duty or levy on ("a 25% tariff on Canada", "the duty on
Canadian goods", "imports from Mexico", "US goods"). A question about the levy one country puts on another's goods
("What retaliatory tariff did Canada put on US goods?") is not answered by the levy on the first ("the current tariff
on Canada is 35%"). General English of trade; nothing here knows a word of any corpus."""

from __future__ import annotations

import functools
import re

from crossbrief.index.chunking import split_sentences
from crossbrief.rag.places import country_names_at, is_demonym

_LEVY = re.compile(r"\b(?:tariffs?|dut(?:y|ies)|levy|levies|surcharges?)\b", re.IGNORECASE)
# what stands before a country a levy falls on: "on", "on imports from", "against", "targeted", or "from" after what
# is shipped ("goods from", "steel imported from"); a bare "from" is where a levy comes from ("tariffs from China")
_BEFORE = re.compile(r"\b(?:(?:on|against|target(?:s|ed|ing)?)\s+(?:(?:all\s+)?(?:imports?|goods|products|exports?)\s+"
                     r"(?:from|of)\s+)?|(?:imports?|imported|goods|products|exports?|shipments?)\s+(?:[a-z-]+\s+)?from\s+)"
                     r"(?:the\s+)?$", re.IGNORECASE)
# "Canada, Mexico and China", "Mexico (also 25%) and China": the next country of a list shares the levy
_LISTED = re.compile(r"(?:\s*\([^()]{0,40}\))?\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+)(?:the\s+)?", re.IGNORECASE)
# what follows a country whose goods a levy falls on: "Canadian goods", "US farm goods", "Mexico's exports" (not across
# a preposition or a levy: "Canada's tariffs on goods" fall on others); its imports only after its people's name
# ("Canadian imports" come from Canada; "US imports" come into the US)
_AFTER = re.compile(r"(?:['’]s)?(?:\s+(?!(?:on|to|from|of|for|in|at|by|with|tariffs?|dut(?:y|ies)|levy|levies)\b)"
                    r"[a-z-]+){0,2}?\s+(?:goods|products|exports|merchandise|(?P<imports>imports))\b")
# what a question names as the cause of what it asks ("How did China retaliate for the US tariff on Chinese goods?"):
# a levy named there is not the one asked
_CAUSE = re.compile(r"\b(?:in\s+(?:response|retaliation|reply|answer)\s+(?:to|for)|retaliat\w*\s+(?:for|against)|"
                    r"respond\w*\s+to|react\w*\s+to|after|because\s+of|over)\b", re.IGNORECASE)


def asked_levied(question: str) -> frozenset[str]:
    """The countries whose goods a question asks a levy on, read before any cause it names."""
    cause = _CAUSE.search(question)
    return levied_on(question[:cause.start()] if cause else question)


def speaks_of_levy(text: str) -> bool:
    """Whether `text` names a tariff, duty or levy."""
    return _LEVY.search(text) is not None


@functools.lru_cache(maxsize=20_000)
def levied_on(text: str, about_levy: bool = False) -> frozenset[str]:
    """The countries (codes) `text` puts a levy on; none when it names no tariff, duty or levy, unless it is read
    with what does (`about_levy`: "Energy products from Canada get a lower rate of 10%." after the tariff order's
    title)."""
    if not about_levy and not speaks_of_levy(text):
        return frozenset()
    found: set[str] = set()
    after_levied = -1  # where the last country a levy falls on ends: the next one in its list shares the levy
    for codes, start, end in country_names_at(text):
        listed = after_levied >= 0 and _LISTED.fullmatch(text, after_levied, start) is not None
        goods = _AFTER.match(text, end)
        if goods and goods.group("imports") and not is_demonym(text[start:end]):
            goods = None
        if listed or goods or _BEFORE.search(text, max(0, start - 40), start):
            found |= codes
            after_levied = end
        else:
            after_levied = -1
    return frozenset(found)


# a levy named by its rate: "the 35% tariff", "the 10 percent duty", "a 35-percent levy"
_RATE = r"(\d+(?:\.\d+)?)(?:\s*|-)(?:%|per\s?cent|percent)"
_LEVY_WORD = r"(?:tariffs?|dut(?:y|ies)|levy|levies|surcharges?)"
_RATED = re.compile(rf"\b{_RATE}\s+(?:(?:additional|new|extra|higher|lower|reciprocal|retaliatory|blanket|general)\s+)?"
                    rf"{_LEVY_WORD}\b", re.IGNORECASE)
# a rate a sentence gives a levy: "a 35% tariff", "the tariff on Canada ... to 35%", "a duty of 25%"
_RATE_OF_LEVY = re.compile(rf"{_RATED.pattern}|\b{_LEVY_WORD}\b[^;]{{0,60}}?\b(?:to|of|at)\s+{_RATE}", re.IGNORECASE)


def _rates(pattern: re.Pattern[str], text: str) -> set[float]:
    return {float(next(g for g in m.groups() if g)) for m in pattern.finditer(text)}


def levied_at_rate(sentence: str, passage: str) -> frozenset[str]:
    """For a sentence that names a levy by its rate and no country ("Goods transshipped to evade the 35% tariff
    ..."), the countries its passage's other sentences levy that rate on ("raise the tariff on Canada from 25% to
    35%"); none when no other sentence gives a levy that rate (a "35% cut in shipments" is no levy)."""
    rates = _rates(_RATED, sentence)
    if not rates:
        return frozenset()
    found: set[str] = set()
    for span in split_sentences(passage):
        part = passage[span.start:span.end]
        if part.strip() != sentence.strip() and rates & _rates(_RATE_OF_LEVY, part):
            found |= levied_on(part)
    return frozenset(found)

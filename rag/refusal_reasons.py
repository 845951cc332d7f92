"""The sentence a refusal gives when the nearest evidence contradicts what the question pins ("The sources give no
figure for 2020; the nearest is 2021."), from the contradiction rag/constraint_check.py found."""

from __future__ import annotations

import datetime as dt

from crossbrief.rag.constraints import Constraints
from crossbrief.rag.dates import ordinal
from crossbrief.rag.places import without_possessive


# the reasons that say only what the contradiction names ({value}: "India", "northern border", "2021")
_SAID = {
    "lacks": "The sources give no figure for {value} to compare with.",
    "scope": "The closest passages say nothing about the {value}.",
    "source": "No source dated {value} says this; the closest passages are from sources of other dates.",
    "office": "The closest passages speak of another {value}, not the one asked.",
    "counted": "The closest passages count something other than {value}.",
    "within": "The closest passages speak of {value} alone, not of the whole country asked.",
    "levied": "The closest passages speak of a levy on another country's goods, not on those asked.",
    "province": "The sources give no figure for {value}; the closest passages speak of other places.",
    "levels": "The closest passages give levels, not the change asked.",
    "changes": "The closest passages give changes, not the share asked.",
}


def near_miss_reason(constraints: Constraints, contradiction: str) -> str:
    """A user-facing sentence for a question whose nearest evidence contradicts what it pins."""
    what, _, value = contradiction.partition(" ")
    if what in _SAID:
        return _SAID[what].format(value=value)
    if what in ("year", "published"):
        asked = ", ".join(str(y) for y in sorted(constraints.years))
        nearest = f"the nearest is {value}" if what == "year" else f"the closest passages speak of {value}"
        return f"The sources give no figure for {asked}; {nearest}."
    if what == "month":
        asked = ", ".join(f"{dt.date(y, m, 1):%B %Y}" for y, m in sorted(constraints.months))
        return f"The sources give nothing for {asked}; the nearest is {value}."
    if what == "part":
        asked = " or ".join(f"the {ordinal(n)} {kind}" for kind, n in sorted(constraints.parts))
        return f"The sources give nothing for {asked}; the nearest is the {value}."
    if what == "body":
        asked, _, other = value.partition("|")
        return f"The closest passages speak of {other}, not {asked}."
    if what == "name":
        return f"The closest passages speak of another country, not the one asked ({without_possessive(value)})."
    if what == "direction":
        opposite = "a rise" if value == "down" else "a fall"
        return f"The closest passages speak of {opposite}, not the change asked."
    if what == "leader":
        asked = " or ".join(sorted(constraints.leaders))
        return f"The closest passages speak of {value}'s time in office, not {asked}'s."
    if what == "period":
        if not constraints.periods:  # a year's count asked, a rate per a shorter time found
            return f"The closest passages give a figure per {value}, not the count asked."
        asked = " or ".join(sorted(constraints.periods))
        return f"The closest passages give a figure per {value}, not per {asked}." if value else \
            f"The closest passages give no figure per {asked}."
    if what == "kind":
        if value == "change":
            return "The closest passages give no figure for that change."
        article = "an" if value[:1] in "aeiou" else "a"
        return f"The closest passages hold no {value} that answers this." if value != "open" else \
            f"The closest passages hold {article} different kind of figure."
    return "The sources do not say."

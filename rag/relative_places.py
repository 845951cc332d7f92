"""A country named by where it lies from another: "the northern neighbour", "America's southern neighbour", "the
country immediately south of the United States". Such a question names no country the sources use, so retrieval,
the constraints and the answer would read it as naming none; it is asked with the country's name instead.

Which country lies where comes from countryinfo's data (each country's land borders and its centre's latitude and
longitude), never from words of a corpus. The country it is reckoned from is the one the phrase names ("of the United
States", "America's"), else the one other country the question names ("reaching America ... its northern
neighbour"), else the country the sources are clearly about: the one they name most, at least half as often again as
any other (their point of view; where two are named about as often, "the northern neighbour" could be
either's, and is left as it is).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence

from countryinfo import all_countries

from crossbrief.rag.places import countries_in, countries_of_provinces

# "the northern neighbour", "its southern neighbor", "America's northern neighbour('s)"
_COUNTRY_NAME = r"(?:the\s+)?[A-Z][\w.]*(?:\s+(?:of\s+)?[A-Z][\w.]*)*"
_NEIGHBOUR = re.compile(
    r"\b(?:(?P<owner>[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*)['’]s|[Ii]ts|[Tt]he|[Tt]heir|[Oo]ur)\s+(?:immediate\s+)?"
    rf"(?P<way>north|south|east|west)(?:ern)?\s+neighbou?r(?:\s+of\s+(?P<of>{_COUNTRY_NAME})|(?!\s+of\b))"
    r"(?P<poss>['’]s?)?(?![\w-])")
# "the country immediately south of the United States", "the nation to the north of Mexico", "the country to the
# south"
_LIES = re.compile(
    r"\b[Tt]he\s+(?:country|nation)\s+(?:(?:immediately|directly|just|right)\s+)?(?:to\s+the\s+)?"
    rf"(?P<way>north|south|east|west)(?:\s+of\s+(?P<of>{_COUNTRY_NAME})|(?!\s+of\b))"
    r"(?P<poss>['’]s?)?(?![\w-])")
# the country the sources name most is the one they are about when named this many times as often as the next
_CLEARLY_MOST = 1.5
# a neighbour lies that way when its centre is at least this much further that way than to either side
_SIDEWAYS = 1.0
# a country's name that takes "the" in English ("the United States", "the Netherlands", "the Czech Republic")
_WITH_ARTICLE = re.compile(r"^United\b|\b(?:States|Kingdom|Republic|Islands|Emirates|Netherlands|Philippines)$")


@functools.cache
def _geography() -> tuple[dict[str, tuple[float, float]], dict[str, tuple[str, ...]], dict[str, str]]:
    """(code -> (latitude, longitude), code -> codes of the countries it borders, code -> its name), ISO alpha-2."""
    where: dict[str, tuple[float, float]] = {}
    borders3: dict[str, list[str]] = {}
    by_alpha3: dict[str, str] = {}
    names: dict[str, str] = {}
    for country in all_countries():
        info = country.info()
        iso = info.get("ISO")
        if not isinstance(iso, dict) or not iso.get("alpha2") or not iso.get("alpha3"):
            continue
        code = str(iso["alpha2"])
        by_alpha3[str(iso["alpha3"])] = code
        latlng = info.get("latlng")
        if isinstance(latlng, list) and len(latlng) == 2:
            where[code] = (float(latlng[0]), float(latlng[1]))
        borders3[code] = [str(b) for b in info.get("borders") or []]
        if isinstance(info.get("name"), str):
            names[code] = str(info["name"])
    borders = {code: tuple(by_alpha3[b] for b in found if b in by_alpha3) for code, found in borders3.items()}
    return where, borders, names


def neighbour_to(code: str, way: str) -> str | None:
    """The country bordering `code` that lies `way` ("north", "south", "east", "west") of it; None when none does or
    several do."""
    where, borders, _ = _geography()
    if code not in where:
        return None
    lat, lng = where[code]
    found = []
    for other in borders.get(code, ()):
        if other not in where:
            continue
        north, east = where[other][0] - lat, where[other][1] - lng
        ahead = {"north": north, "south": -north, "east": east, "west": -east}[way]
        side = abs(east) if way in ("north", "south") else abs(north)
        if ahead > 0 and ahead >= _SIDEWAYS * side:
            found.append(other)
    return found[0] if len(found) == 1 else None


def _anchor(named: str | None, question: str, span: tuple[int, int],
            home: Callable[[], Sequence[tuple[str, int]]]) -> str | None:
    """The country a phrase reckons from: the one it names, else the one other country the question names, else the
    country the sources are clearly about (`home()`: (country, times named), most named first)."""
    if named:  # a country, or a province or state of one ("Ontario's southern neighbour")
        codes = countries_in(named) or countries_of_provinces(named)
        return next(iter(codes)) if len(codes) == 1 else None
    rest = f"{question[:span[0]]} . {question[span[1]:]}"
    # another country the question names, or the one whose province or state it names ("Ontario's exports")
    others = countries_in(rest) or countries_of_provinces(rest)
    if len(others) == 1:
        return next(iter(others))
    if others:
        return None
    named_most = home()
    if not named_most or len(named_most) > 1 and named_most[0][1] < _CLEARLY_MOST * named_most[1][1]:
        return None
    return named_most[0][0]


def with_countries_named(question: str, home: Callable[[], Sequence[tuple[str, int]]]) -> str:
    """`question` with each country it names by where it lies written as the country's name ("the northern
    neighbour's gangs" -> "Canada's gangs" where the sources speak most of the United States); unchanged when it
    names none or the country cannot be told. `home()`: (country, times named) of the countries the sources name,
    most named first (asked only when a phrase names no country to reckon from)."""
    _, _, names = _geography()
    for pattern in (_NEIGHBOUR, _LIES):
        for match in reversed(list(pattern.finditer(question))):
            named = match.groupdict().get("owner") or match.group("of")
            anchor = _anchor(named, question, match.span(), home)
            country = neighbour_to(anchor, match.group("way")) if anchor else None
            if country is None or country not in names:
                continue
            name = names[country] + ("'s" if match.group("poss") else "")
            if _WITH_ARTICLE.search(names[country]):
                before = question[:match.start()]
                name = f"{'The' if not before.strip() else 'the'} {name}"
            question = f"{question[:match.start()]}{name}{question[match.end():]}"
    return question

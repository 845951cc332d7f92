"""Other names of the same country: a question may call a country by its capital ("Ottawa" for Canada's
government), its demonym ("Chinese"), a short form of its official name ("America") or a code ("US"), where its
sources use another. The names come from countryinfo's data (each country's name, other spellings, capital and
demonym), not from words of any corpus.

Only a country's own names count, never a city or a province inside it: a question about Toronto is not answered
by a figure for Canada.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

from countryinfo import all_countries

# an official name's short form: what follows "of" in "United States of America", "People's Republic of China"
_OF_NAME = re.compile(r"\bof\s+((?:[A-Z][\w'-]*\s?)+)$")
# a trailing abbreviation of a capital's name ("Washington D.C.") that a sentence leaves out
_TRAILING_ABBREVIATION = re.compile(r"\s+(?:[A-Z]\.){2,}$")
# a possessive: "Ottawa's" names Ottawa
_POSSESSIVE = re.compile(r"['’]s$")


def _names_of(info: Mapping[str, object]) -> set[str]:
    """Every name countryinfo gives one country."""
    found: set[str] = set()
    for field in ("name", "capital", "demonym", "altSpellings"):
        value = info.get(field)
        found.update(v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str) and v)
    for name in list(found):
        if (short := _OF_NAME.search(name)) is not None:
            found.add(short.group(1).strip())
        if (abbreviated := _TRAILING_ABBREVIATION.search(name)) is not None:
            found.add(name[:abbreviated.start()])
    # a name in Latin letters; a two-letter code only when written in capitals (a word otherwise: "us", "in")
    return {n for n in found if n.isascii() and (len(n) > 2 or n.isupper())}


@functools.cache
def _countries_by_name() -> dict[str, frozenset[str]]:
    """Each name, as written -> the ISO codes of the countries it names."""
    by_name: dict[str, set[str]] = {}
    for country in all_countries():
        info = country.info()
        iso = info.get("ISO")
        code = iso.get("alpha2") if isinstance(iso, dict) else None
        if not code:
            continue
        for name in _names_of(info):
            by_name.setdefault(name, set()).add(str(code))
    return {name: frozenset(codes) for name, codes in by_name.items()}


# a run of capitalised words, with the small words that join a country's name ("Bosnia and Herzegovina")
_RUN = re.compile(r"[A-Z][\w'’.-]*(?:\s+(?:(?:of|and|the|de|da|du)\s+)*[A-Z][\w'’.-]*)*(?!\$)")
_LONGEST_NAME = 8  # words
_DOTTED = re.compile(r"^(?:[A-Z]\.){2,}$")


def _lookup(words: list[str]) -> frozenset[str]:
    phrase = " ".join(words)
    found = _countries_by_name()
    undotted = phrase.replace(".", "") if _DOTTED.match(phrase) else phrase  # "U.S." as "US"
    for form in (phrase, _POSSESSIVE.sub("", phrase), phrase.rstrip("."), undotted):
        if form in found:
            return found[form]
    return frozenset()


def countries_named(name: str) -> frozenset[str]:
    """The countries `name` (a capitalised word or words of a question) is a name of; empty for any other name."""
    bare = _POSSESSIVE.sub("", name.strip())
    found = _countries_by_name()
    if bare not in found and bare.endswith("s"):
        bare = bare[:-1]  # a people: "Americans", "Kenyans"
    return found.get(bare, frozenset())


@functools.lru_cache(maxsize=20_000)
def countries_in(text: str) -> frozenset[str]:
    """The countries `text` names by any of their names (a capitalised word or run of words; "US$" is a currency)."""
    codes: set[str] = set()
    for run in _RUN.finditer(text):
        words = run.group(0).split()
        for first in range(len(words)):
            for last in range(min(len(words), first + _LONGEST_NAME), first, -1):
                if found := _lookup(words[first:last]):
                    codes |= found
                    break
    return frozenset(codes)


def other_names(name: str) -> set[str]:
    """Every name, codes aside, of the countries `name` names (with `name` itself): to look up in an index's
    vocabulary whether its sources speak of that country at all."""
    countries = countries_named(name)
    return {other for other, codes in _countries_by_name().items() if codes & countries and not other.isupper()}


def names_same_country(texts: str | tuple[str, ...], name: str) -> bool:
    """Whether `texts` (a text, or its parts: each is looked at once and remembered) name a country that `name` is
    another name of ("Canada" for "Ottawa")."""
    countries = countries_named(name)
    return bool(countries) and any(countries & countries_in(text)
                                   for text in ((texts,) if isinstance(texts, str) else texts))

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
import unicodedata
from collections.abc import Mapping

from countryinfo import all_countries

from crossbrief.rag.figures import MONTHS

# an official name's short form: what follows "of" in "United States of America", "People's Republic of China"
_OF_NAME = re.compile(r"\bof\s+((?:[A-Z][\w'-]*\s?)+)$")
# a trailing abbreviation of a capital's name ("Washington D.C.") that a sentence leaves out
_TRAILING_ABBREVIATION = re.compile(r"\s+(?:[A-Z]\.){2,}$")
# a possessive: "Ottawa's" names Ottawa
_POSSESSIVE = re.compile(r"['’]s$")


def _strings(value: object) -> list[str]:
    return [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str) and v]


def _names_of(info: Mapping[str, object]) -> tuple[set[str], set[str]]:
    """The names countryinfo gives one country, and the short forms derived from them: what follows "of" in an
    official name ("America"; not in a capital's name: "Port of Spain") and a capital without its trailing
    abbreviation ("Washington")."""
    found = {n for field in ("name", "capital", "demonym", "altSpellings") for n in _strings(info.get(field))}
    derived = {short.group(1).strip() for n in _strings(info.get("altSpellings"))
               if (short := _OF_NAME.search(n)) is not None}
    derived |= {n[:cut.start()] for n in _strings(info.get("capital"))
                if (cut := _TRAILING_ABBREVIATION.search(n)) is not None}

    # the initials of an official name of three or more words ("United States of America" -> "USA"): a code that
    # spells them is a name of the country; not a name in itself (many spell other things: "CPR", "SAR", "IRA")
    initials = {"".join(w[0] for w in words) for n in found
                if len(words := [w for w in n.split() if w[:1].isupper()]) >= 3 and all(w[0].isalpha() for w in words)}

    def usable(name: str) -> bool:
        # Latin letters; a code ("US") only as written, in capitals; a three-letter code only when it is the
        # initials of an official name ("USA"): others are words of other things in prose ("ATF", "CAN")
        return name.isascii() and (len(name) > 3 or name.isupper() and (len(name) < 3 or name in initials))
    return {n for n in found if usable(n)}, {n for n in derived - found if usable(n) and len(n) > 3}


def _code(info: Mapping[str, object]) -> str | None:
    """A country's ISO alpha-2 code from countryinfo's data."""
    iso = info.get("ISO")
    code = iso.get("alpha2") if isinstance(iso, dict) else None
    return str(code) if code else None


@functools.cache
def _countries_by_name() -> dict[str, frozenset[str]]:
    """Each name, as written -> the ISO codes of the countries it names."""
    by_name: dict[str, set[str]] = {}
    derived: dict[str, set[str]] = {}
    own: set[str] = set()  # every country's own name: a short form derived for another is dropped ("China")
    for country in all_countries():
        info = country.info()
        code = _code(info)
        if not code:
            continue
        names, short_forms = _names_of(info)
        own.update(_strings(info.get("name")))
        for name in names:
            by_name.setdefault(name, set()).add(code)
        for name in short_forms:
            derived.setdefault(name, set()).add(code)
    for name, codes in derived.items():
        if name not in own:
            by_name.setdefault(name, set()).update(codes)
    return {name: frozenset(codes) for name, codes in by_name.items()}


@functools.cache
def _provinces() -> frozenset[str]:
    """The names of countries' provinces and states: a place inside a country, which never names it ("British
    Columbia" is not British, "New Mexico" not Mexico)."""
    return frozenset(n for country in all_countries() for n in _strings(country.info().get("provinces"))
                     if n.isascii() and " " in n)


# a run of capitalised words, with the small words that join a country's name ("Bosnia and Herzegovina")
_RUN = re.compile(r"[A-Z][\w'’.-]*(?:\s+(?:(?:of|and|the|de|da|du)\s+)*[A-Z][\w'’.-]*)*(?!\$)")
_LONGEST_NAME = 8  # words
_DOTTED = re.compile(r"^(?:[A-Z]\.){2,}$")
# words after which a capitalised word may start a name inside a run ("the United States and Canada", "In Canada")
_SMALL_WORDS = frozenset("of and the de da du in on at to for from by with as a an its their this that these those "
                         "most some both all many".split())
_SENTENCE_END = re.compile(r"(?:[.!?:;]\s+|\n\s*)$")


# words that make a country's name, ending a run, the name of a region ("North America", "New Guinea"), not a body's
_REGION_WORDS = frozenset("North South East West Northern Southern Eastern Western Central Latin New Upper Lower "
                          "Greater".split())
# words that with region words alone make the name of a part of many countries ("Central Coast", "North Delta")
_LANDFORMS = frozenset("Coast Centre Center Delta Mountain Mountains Highlands Lakes Islands Valley Plains".split())


@functools.cache
def _own_names() -> frozenset[str]:
    """Every country's own name of one word ("Canada"; not a capital, a people or a code)."""
    return frozenset(n for country in all_countries() for n in _strings(country.info().get("name")) if " " not in n)


def _names_a_body(words: list[str], at: int) -> bool:
    """Whether `words[at]`, the last word of a run, is the country of a body the run names ("Public Safety Canada",
    "Criminal Intelligence Service Canada"): a country's own name after two or more words that are not a region's
    nor an abbreviated title ("Rep. Jim Jordan" is a person; "Jim Jordan" too, and so "Health Canada" is left out)."""
    return at == len(words) - 1 and at >= 2 and words[at - 1] not in _REGION_WORDS \
        and not any(w.endswith(".") for w in words[:at]) \
        and without_possessive(words[at]).rstrip(".,") in _own_names()


def _lookup(words: list[str]) -> frozenset[str]:
    """The countries the words name together, as written, without a possessive or a final stop, or as initials
    written with dots."""
    phrase = " ".join(words)
    found = _countries_by_name()
    undotted = phrase.replace(".", "") if _DOTTED.match(phrase) else phrase  # "U.S." as "US"
    for form in (phrase, _POSSESSIVE.sub("", phrase), phrase.rstrip("."), undotted):
        if form in found:
            return found[form]
    if len(words) == 1 and phrase.endswith("s") and phrase[:-1] in _demonyms():
        return found.get(phrase[:-1], frozenset())  # a people: "Americans", "Kenyans" (not "Jordans", "Turkeys")
    return frozenset()


@functools.cache
def _demonyms() -> frozenset[str]:
    """Every people's name countryinfo gives ("American", "Kenyan")."""
    return frozenset(d for country in all_countries() for d in _strings(country.info().get("demonym")))


def is_demonym(name: str) -> bool:
    """Whether `name` is a people's name ("Canadian", "Chinese"), not a country's."""
    return name in _demonyms()


@functools.cache
def _demonym_by_code() -> dict[str, str]:
    """Each country's ISO code -> its people's name, as countryinfo gives it ("PE" -> "Peruvian")."""
    return {code: names[0] for country in all_countries()
            if (code := _code(info := country.info())) and (names := _strings(info.get("demonym")))}


def demonym_of(name: str) -> str | None:
    """The people's name of the one country `name` names ("Peru", "the Peru" -> "Peruvian"), as countryinfo gives it
    (the first of several) where it reads as formed from one of the country's names; None for no country, several,
    or one whose people's name is formed otherwise (countryinfo's data is not trusted to give it)."""
    codes = countries_named(re.sub(r"^[Tt]he\s+", "", name.strip()))
    if len(codes) != 1:
        return None
    code = next(iter(codes))
    people = _demonym_by_code().get(code, "").split(",")[0].strip()
    names = [n for n, found in _countries_by_name().items() if code in found and len(n) > 3 and n not in _demonyms()]
    return people if people and any(n[:3].lower() == people[:3].lower() for n in names) else None


def countries_named(name: str) -> frozenset[str]:
    """The countries `name` (a capitalised word or words of a question) is a name of; empty for any other name."""
    bare = without_possessive(name)
    found = _countries_by_name()
    if bare not in found and bare.endswith("s"):
        bare = bare[:-1]  # a people: "Americans", "Kenyans"
    return found.get(bare, frozenset())


def _name_at(words: list[str], first: int) -> tuple[int, frozenset[str]]:
    """The longest name starting at `words[first]`: (the index after it, the countries it names); a province's or
    state's longer name names none ((its end, nothing)); (first, nothing) when no name starts there."""
    ends = range(min(len(words), first + _LONGEST_NAME), first, -1)
    last, found = next(((end, codes) for end in ends if (codes := _lookup(words[first:end]))), (first, frozenset()))
    province = next((end for end in ends if end > last
                     and " ".join(words[first:end]).rstrip(".,") in _provinces()), None)
    if province is not None:
        return province, frozenset()
    # a capital that runs on into another capitalised word names something else there ("Washington State", "Ottawa
    # Police"), not the country
    if found and last < len(words) and words[last][:1].isupper() and " ".join(words[first:last]) in _capitals():
        return last, frozenset()
    return last, found


def _country_names(text: str) -> list[tuple[frozenset[str], int, int]]:
    """Each name of a country in `text`, as (its countries, where it starts, where it ends): a capitalised word or run of
    words, not a word inside a longer name ("Guinea" in "Papua New Guinea", "Mexico" in "New Mexico", "America" in
    "North America"); "US$" is a currency; a code ("CAN", "PER") in text without lower case (a heading in capitals)
    is a word."""
    named: list[tuple[frozenset[str], int, int]] = []
    capitals_only = not any(c.islower() for c in text)
    for run in _RUN.finditer(text):
        spans = [(m.start() + run.start(), m.end() + run.start()) for m in re.finditer(r"\S+", run.group(0))]
        words = [text[start:end] for start, end in spans]
        opens = run.start() == 0 or _SENTENCE_END.search(text, max(0, run.start() - 8), run.start()) is not None
        first = 0
        while first < len(words):
            # a name starts a run, follows a small word, or follows a sentence's capitalised first word; or it ends
            # the run as a body's country ("Public Safety Canada")
            starts = first == 0 or words[first - 1].lower() in _SMALL_WORDS or (first == 1 and opens) \
                or _names_a_body(words, first)
            last, found = _name_at(words, first) if starts else (first, frozenset())
            if capitals_only and all(w.isupper() for w in words[first:last]):
                found = frozenset()
            if found:
                named.append((found, spans[first][0], spans[last - 1][1]))
            first = max(last, first + 1)
    return named


def country_names_at(text: str) -> list[tuple[frozenset[str], int, int]]:
    """Each name of a country in `text` as (its countries, start, end): `_country_names`."""
    return _country_names(text)


def country_spans(text: str) -> list[tuple[int, int]]:
    """Where `text` names a country, as (start, end) of each name."""
    return [(start, end) for _, start, end in _country_names(text)]


def country_words(text: str) -> dict[str, frozenset[str]]:
    """Each word of a country's name of two or more words in `text` -> the countries that name names ("United" and
    "States" of "the United States"): a question's names are single words, met where a text names the country."""
    found: dict[str, frozenset[str]] = {}
    for codes, start, end in _country_names(text):
        words = text[start:end].split()
        if len(words) > 1:
            for word in words:
                found[without_possessive(word)] = found.get(without_possessive(word), frozenset()) | codes
    return found


# the words that place what a text says in a country or a province: "in", "across the"
_PLACING = r"(?:[Ii]n|[Aa]cross|[Tt]hroughout|[Ww]ithin)\s+(?:the\s+)?"
_LOCATING = re.compile(rf"\b{_PLACING}$")


@functools.lru_cache(maxsize=20_000)
def countries_located_in(text: str) -> frozenset[str]:
    """The countries `text` places what it says in ("in Canada", "across the United States"), not those it only
    names ("the US order", "Canada's plan"), nor a city ("in Ottawa")."""
    return frozenset(code for found, start, end in _country_names(text)
                     if _LOCATING.search(text, max(0, start - 16), start) and not is_capital(text[start:end])
                     for code in found)


# an auxiliary that a question's subject follows: "did the US record", "has Canada seized", "will Mexico send"
_ASKING_OF = re.compile(r"\b(?:[Dd]id|[Dd]oes|[Dd]o|[Hh]as|[Hh]ave|[Hh]ad|[Ww]ill|[Ww]ould|[Cc]an|[Cc]ould)\s+(?:the\s+)?$")


_CODE = re.compile(r"^(?:[A-Z]\.?){2,3}$")
_THE = re.compile(r"\b[Tt]he\s+$")


def is_code(name: str) -> bool:
    """Whether a name is written as a code: two or three capitals, dotted or not ("US", "U.S.", "UAE")."""
    return _CODE.match(name) is not None


def named_as_country(text: str, start: int, end: int) -> bool:
    """Whether the country name at text[start:end] stands as a country: any name, or a code written as one, after
    "the" ("the US", "the U.K."); a bare code may be an acronym of anything else ("IT spending", "GP")."""
    return not is_code(text[start:end]) or _THE.search(text, max(0, start - 4), start) is not None


def countries_asked_of(question: str) -> frozenset[str]:
    """The countries a question asks what they did, as the subject after its auxiliary ("How many deaths did the US
    record?", "What has Canada pledged?"), not those it only names ("US goods", "north of the US border")."""
    return frozenset(code for found, start, end in _country_names(question)
                     if _ASKING_OF.search(question, max(0, start - 12), start) and not is_capital(question[start:end])
                     and named_as_country(question, start, end) for code in found)


@functools.cache
def _provinces_by_country() -> dict[str, frozenset[str]]:
    """Each country's provinces and states by name -> its code, without those that are also a country's or a
    capital's name ("Mexico", "Washington", "Georgia")."""
    return {name: codes for name, codes in _all_provinces().items() if not _lookup(name.split())
            and name not in _capitals()}


@functools.cache
def _all_provinces() -> dict[str, frozenset[str]]:
    """Each country's provinces and states by name -> its code, those also named like a country or a capital
    included: a text that calls one a state or province ("Washington State", "the state of Mexico") names it."""
    found: dict[str, set[str]] = {}
    for country in all_countries():
        info = country.info()
        code = _code(info)
        if not code:
            continue
        for name in _strings(info.get("provinces")):
            # not a name of direction or landform words alone ("Central", "Southern", "North Central", "Coast"): a
            # region of many countries, and the first word of many other names ("Southern California")
            generic = all(w in _REGION_WORDS or w in _LANDFORMS for w in name.split())
            if name.isascii() and not generic:
                found.setdefault(name, set()).add(code)
    return {name: frozenset(codes) for name, codes in found.items()}


def countries_of_provinces(text: str) -> frozenset[str]:
    """The countries whose provinces or states `text` names by a capitalised name ("Ontario's exports": Canada)."""
    names = re.findall(r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*", text)
    provinces = _provinces_by_country()
    return frozenset(code for run in names for words in [without_possessive(run).split()]
                     for i in range(len(words)) for j in range(i + 1, len(words) + 1)
                     for code in provinces.get(" ".join(words[i:j]), ()))


def is_province(name: str) -> bool:
    """Whether `name` is a province's or state's name (`_provinces_by_country`): "West Virginia", not "Virginia West"."""
    return name in _provinces_by_country()


@functools.lru_cache(maxsize=20_000)
def province_named(province: str, text: str) -> bool:
    """Whether `text` names `province`: in full, by initials ("BC", "B.C." for British Columbia) or by its people
    ("Ontarians", "Texans", "Quebecers"); as whole words, in any case or accent; never as part of a longer province's
    name ("West Virginia" is no Virginia). Remembered per text: every unit of a passage reads the same one."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()  # "Québec" -> "Quebec"
    initials = [w[0] for w in province.split() if w[:1].isupper()]
    names = [re.escape(province)]
    if len(initials) == 1 and len(province) >= 5:
        names.append(re.escape(province[:-1]) + r"[a-z]{0,2}(?:ns?|ers?)")
    if len(initials) >= 2 and re.search(rf"\b(?:{''.join(initials)}|{'[.]'.join(initials)}[.])(?![\w.])", plain):
        return True
    for match in re.finditer(rf"\b(?:{'|'.join(names)})\b", plain, re.IGNORECASE):
        before = plain[:match.start()].split()
        if not (before and is_province(f"{before[-1]} {match.group(0)}")):
            return True
    return False


# a province a text places what it says in: "in Ontario", "the province of British Columbia", "across Texas"; or
# asks what it did ("How many deaths did Ohio record?")
_NAME_WORDS = r"((?:[A-Z][\w'’-]*)(?:\s+(?:of\s+|de\s+)?[A-Z][\w'’-]*){0,3})"
_IN_PROVINCE = re.compile(rf"\b(?:{_PLACING}|(?P<called>(?:[Pp]rovince|[Ss]tate|[Tt]erritory)\s+of\s+)|"
                          rf"(?P<asked>(?:[Dd]id|[Dd]oes|[Hh]as|[Hh]ave|[Hh]ad|[Ww]ill|[Ww]ould)\s+)){_NAME_WORDS}")
# the verb after a province asked of, then a small word or the end ("did Ohio record in 2023?"); not a noun that the
# name qualifies ("did Texas officials report", "did Texas officials in Austin report": a verb after "did" or "has"
# takes no -s)
_ITS_VERB = re.compile(r"^\s+(?![a-z]*[^su\s]s\b)[a-z]+(?:\s+(?:a|an|the|in|on|at|to|for|from|by|of|with|during|since|"
                       r"between|over|under|last|this|that|its|their|and|or|than|as|more|less|about)\b|\s*[?.,;:]|\s*$)")
# a name called a state or province after it ("Washington State", "New York state's"; not "Washington State
# University", another body)
_CALLED_AFTER = re.compile(r"\b((?:[A-Z][\w'’-]*)(?:\s+[A-Z][\w'’-]*){0,3})\s+(?:[Ss]tate|[Pp]rovince)(?:['’]s)?\b"
                           r"(?!\s+[A-Z])")


_PLACED_NAME = re.compile(rf"\b{_PLACING}{_NAME_WORDS}")


def names_placed_in(text: str) -> tuple[str, ...]:
    """The capitalised names `text` places what it says in ("in Toronto", "across Northern Ontario", "within the
    Yukon"), as written, up to a month ("in Toronto in March" -> "Toronto"); not a possessive ("in Trump's February
    order", "in Toronto's east end": what is in it is something of the name's, and a person's is no place), nor a
    word ending in a lower-case part ("in the Norland-coast province")."""
    found = []
    for match in _PLACED_NAME.finditer(text):
        words = []
        for word in match.group(1).rstrip(".,;:?!").split():
            if word.lower() in MONTHS:
                break
            words.append(word)
        # "in the Norland-coast province": a word ending in a lower-case part describes a place, it names none (not
        # "Stratford-upon-Avon")
        if words and not any(without_possessive(w) != w or re.search(r"-[a-z]+$", w) for w in words):
            found.append(" ".join(words))
    return tuple(dict.fromkeys(found))


def provinces_located_in(text: str) -> dict[str, frozenset[str]]:
    """The provinces and states `text` places what it says in ("In Ontario, deaths fell", "the province of British
    Columbia saw", "Washington State recorded") or asks what they did ("did Ohio record"), by name -> their
    countries; not one only named ("the Sinaloa Cartel", "Texas officials"). A name also a capital's or a country's
    is a state only where the text calls it one ("the state of Washington", "Washington State")."""
    found: dict[str, frozenset[str]] = {}
    for match in _IN_PROVINCE.finditer(text):
        if match.group("asked") and not _ITS_VERB.match(text[match.end():]):
            continue
        words = match.group(len(match.groups())).split()
        for end in range(len(words), 0, -1):  # the longest name the words begin with ("British Columbia")
            name = re.sub(r"['’]s$", "", " ".join(words[:end]).rstrip(".,;:"))
            called = bool(match.group("called")) or (end < len(words) and words[end] in ("State", "Province"))
            by_name = _all_provinces() if called else _provinces_by_country()
            if name in by_name:
                # a name that runs on ("Northern Ontario", a region of it) is another place
                if end == len(words) or not words[end - 1][-1:].isalpha() or words[end][:1].islower() or called:
                    found[name] = by_name[name]
                break
    for match in _CALLED_AFTER.finditer(text):  # "Washington State" wherever it stands
        words = match.group(1).split()
        for start in range(len(words)):  # the longest name the words end with ("In New York" -> "New York")
            name = " ".join(words[start:])
            if name in _all_provinces():
                found[name] = _all_provinces()[name]
                break
    return found


@functools.lru_cache(maxsize=20_000)
def countries_in(text: str) -> frozenset[str]:
    """The countries `text` names by any of their names (see `_country_names`)."""
    return frozenset(code for found, _, _ in _country_names(text) for code in found)


_NEXT_WORD = re.compile(r"\s+([a-z][a-z-]*)\b")


@functools.lru_cache(maxsize=20_000)
def country_modifiers(text: str) -> frozenset[tuple[str, str, str]]:
    """(country, the word after its name, the name) for each name of a country followed by a lower-case word: "US
    drug checking" -> ("US", "drug", "US"), "Canada's exports" -> ("CA", "exports", "Canada's"): the name qualifies
    the word, or is its subject ("Canada agreed")."""
    found: set[tuple[str, str, str]] = set()
    for codes, start, end in _country_names(text):
        following = _NEXT_WORD.match(text, end)
        if following:
            found.update((code, following.group(1), text[start:end]) for code in codes)
    return frozenset(found)


@functools.cache
def _capitals() -> frozenset[str]:
    """Every country's capital, as countryinfo writes it and without a trailing abbreviation ("Washington")."""
    found: set[str] = set()
    for country in all_countries():
        for capital in _strings(country.info().get("capital")):
            found |= {capital, _TRAILING_ABBREVIATION.sub("", capital)}
    return frozenset(found)


def is_capital(name: str) -> bool:
    """Whether `name` is a country's capital ("Ottawa's", "Victoria"): a city that may stand for its country."""
    return without_possessive(name) in _capitals()


def aliases_of(name: str) -> set[str]:
    """Every name, codes aside, of the countries `name` names (with `name` itself): to look up in an index's
    vocabulary whether its sources speak of that country at all."""
    countries = countries_named(name)
    return {other for other, codes in _countries_by_name().items() if codes & countries and not other.isupper()}


def names_same_country(texts: tuple[str, ...], name: str) -> bool:
    """Whether any of `texts` (each looked at once and remembered) names a country that `name` is another name of
    ("Canada" for "Ottawa")."""
    countries = countries_named(name)
    return bool(countries) and any(countries & countries_in(text) for text in texts)


def without_possessive(name: str) -> str:
    """"Ottawa's" -> "Ottawa"."""
    return _POSSESSIVE.sub("", name.strip())

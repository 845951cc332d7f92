"""Names as phrases of a question or sentence: offices ("Secretary of Energy"), heads of government ("President
Biden", "the Biden administration"), bodies by their acronym and what they did or own ("did HSI seize", "Targeting
Teams at the FBI"), runs of capitalised words and the acronyms they spell. General English and capitalisation only."""

from __future__ import annotations

import re

from crossbrief.rag.places import countries_named, without_possessive
from crossbrief.rag.words import FUNCTION_WORDS, content_words, stem, word_key


# the titles of a person's office ("Secretary of Energy", "Commissioner Miller"), and with the honorifics and other
# titles a person is named by ("Mr Trudeau", "Prime Minister Trudeau"): English words, no corpus's
OFFICE_TITLES = frozenset("""secretary minister director administrator commissioner governor chair chairman chairwoman
chief ambassador attorney undersecretary""".split())


PERSON_TITLES = OFFICE_TITLES | frozenset("""mr mrs ms miss dr sir dame president vice prime premier senator mayor
general deputy associate assistant sergeant officer agent judge justice king queen prince princess lord lady rep
representative congressman congresswoman speaker leader head advisor adviser special clerk""".split())


# a body asked of by its acronym, as the subject after an auxiliary, and the verb it did: "How many pounds did HSI
# seize", "What has the DEA seized" (not a body's possessive: "did CBP's officers seize")
_ASKED_ACTOR = re.compile(r"\b(?:[Dd]id|[Dd]oes|[Dd]o|[Hh]as|[Hh]ave|[Hh]ad|[Ww]ill|[Ww]ould)\s+(?:the\s+)?"
                          r"(?P<body>[A-Z]{2,6})\b(?!['’])\s+(?:[a-z]+ly\s+)?(?P<verb>[a-z]{3,})\b")


# verbs of telling what others did ("did the CDC record / report / count"): the body asked is the one that tells, and
# another body's own deed is what it tells of
_TELLING = frozenset("report record count show find say note estimate indicate publish data figure".split())


# a thing qualified by the body it belongs to, named with its article by its acronym: "Targeting Teams at the FBI",
# "agents of the DEA" (not a code: "in USD", "growth in GDP", "in FY’25")
_BODY_OF = re.compile(r"\b(?P<word>[A-Za-z][\w-]{2,})\s+(?:at|of|in|within|from)\s+the\s+(?P<body>[A-Z]{2,6})\b"
                      r"(?!['’‘]s)(?!\s*['’‘]?\d)")


_ROMAN = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")


def is_body_code(code: str) -> bool:
    """Whether an acronym may name a body: not a country's code ("US": places.py reads countries) nor a Roman
    numeral ("Title III")."""
    return not countries_named(code) and not _ROMAN.fullmatch(code)


def bodies_of(text: str) -> tuple[tuple[str, str], ...]:
    """(word key, acronym) of each thing `text` qualifies by a body's acronym ("Targeting Teams at the FBI" ->
    ("team", "FBI")); not by a country's ("agents in the US")."""
    return tuple(dict.fromkeys((word_key(m.group("word")), m.group("body")) for m in _BODY_OF.finditer(text)
                               if is_body_code(m.group("body")) and m.group("word").lower() not in FUNCTION_WORDS))


def asked_actor(question: str) -> tuple[str, ...]:
    """(acronym, verb key) of the body a question asks what it did ("did HSI seize" -> ("HSI", "seiz")); () when it
    asks of none by an acronym, of a country ("did the US record": places.py reads countries), or what a body told
    ("did CDC data show", "did the DEA report")."""
    for match in _ASKED_ACTOR.finditer(question):
        verb = match.group("verb")
        if verb in FUNCTION_WORDS or not is_body_code(match.group("body")):
            continue
        return () if word_key(verb) in {word_key(w) for w in _TELLING} else (match.group("body"), word_key(verb))
    return ()


# "Secretary of Homeland Security", "Department of the Treasury", "Minister of Public Safety": a capitalised head,
# "of", and the capitalised words that name which one
_OFFICE = re.compile(r"\b([A-Z][a-z]+)\s+of\s+(?:the\s+)?([A-Z][\w'’-]*(?:\s+(?:and\s+)?[A-Z][\w'’-]*)*)")


def offices_in(text: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """(stemmed head, stemmed words of the name) for each "<Head> of <Name>" in `text`."""
    found = []
    for match in _OFFICE.finditer(text):
        head = match.group(1).lower()
        words = frozenset(stem(w) for w in content_words(without_possessive(match.group(2))))
        if head not in FUNCTION_WORDS and words:
            found.append((stem(head), words))
    return tuple(dict.fromkeys(found))


# a head of government by title and name ("President Joe Biden", "Prime Minister Trudeau") or by the
# administration named after them ("the Biden-Harris Administration")
_LEADER = re.compile(r"(?<![Vv]ice )(?<![Vv]ice-)(?<!Deputy )\b(?:President|Prime Minister|Premier|Chancellor)\s+((?:[A-Z][\w'’.-]*\s+){0,3}[A-Z][\w'’-]+)|"
                     r"\b([A-Z][\w'’]+)(?:[-–][A-Z][\w'’]+)?\s+(?i:administration)\b")


def leaders_in(text: str, within: int | None = None) -> frozenset[str]:
    """The surnames of the heads of government `text` names by title or by their administration; with `within`,
    only those named in its first `within` characters (the sentence's subject)."""
    found = set()
    for match in _LEADER.finditer(text):
        if within is not None and match.start() > within:
            break
        # "the Biden administration", not an agency ("the Drug Enforcement Administration", "Food and Drug ...")
        before = text[:match.start()].split()[-1:] or [""]
        if match.group(2) and before[0] not in ("", "the", "The", "a", "its") and not before[0].endswith(("'s", "’s")):
            continue
        name = without_possessive((match.group(1) or match.group(2)).split()[-1])
        if name.lower() not in FUNCTION_WORDS:
            found.add(name)
    return frozenset(found)


_NAME_RUN = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:(?:of|and|for|the|on)\s+)*[A-Z][a-z]+)+")


_CAPITALISED_RUN = re.compile(r"\b[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)+")


def name_runs(question: str) -> tuple[tuple[str, ...], ...]:
    """The runs of two or more capitalised words (possessives dropped) that do not open the question: "When did the
    White House issue ...?" -> (("White", "House"),)."""
    runs = []
    for match in _CAPITALISED_RUN.finditer(question):
        words = [without_possessive(w) for w in match.group(0).split()]
        if match.start() == len(question) - len(question.lstrip()):
            words = words[1:]  # the question's first word is capitalised as any first word is
        if len(words) >= 2:
            runs.append(tuple(words))
    return tuple(runs)


def name_acronyms(question: str) -> dict[str, str]:
    """Each capitalised word of a run of three or more (small words between them left out of the letters) -> the
    run's acronym: "Customs" -> "CBP" for "... did Customs and Border Protection seize"."""
    found: dict[str, str] = {}
    for run in _NAME_RUN.finditer(question):
        named = [w for w in run.group(0).split() if w[0].isupper() and w.lower() not in FUNCTION_WORDS]
        if len(named) >= 3:
            found.update({w: "".join(x[0] for x in named) for w in named})
    return found

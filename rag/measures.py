"""What a figure in a sentence measures, as far as its words say: whether it states a change or a level, what a
share is a share of, and where (the names of its sentence). Two figures of the same kind and unit from sources of
different dates are a dated conflict only when they measure the same thing in the same place ("sales fell 14%" is a
change, "62 percent of sales" a level; "40% of the freight carried" and "75% of those passengers" are shares of
different wholes; a count for one country and a count for another are two scopes).

The rules are general English (change verbs and nouns, "of" after a share), never words of a corpus."""

from __future__ import annotations

import re
from dataclasses import dataclass

from crossbrief.index.documents import row_fields
from crossbrief.rag.constraints import mentions, sentence_names
from crossbrief.rag.words import FUNCTION_WORDS, stem
from crossbrief.rag.places import countries_named
from crossbrief.rag.question_types import CHANGE_WORD as _CHANGE, COMPARATIVES
from crossbrief.rag.figures import Figure

# "from 25% to 35%", "lowered to 10%", "reaching 7,146": the figure after these is a level reached, not the change
_LEVEL_BEFORE = {"to", "from", "at", "reach", "reaches", "reached", "reaching", "hit", "hitting", "total", "totalled",
                 "totaled", "totalling", "totaling", "stood", "stands"}
# a clause ends at these: "Deaths increased in 2023, reaching 7,146" reads "reaching 7,146" alone
_CLAUSE = re.compile(r"[,;:()—–]")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_SHARE_OF = re.compile(r"^\s*(?:percent|per cent)?\s*of\s+(.{1,80})", re.IGNORECASE)
_BEFORE, _AFTER = 3, 2


@dataclass(frozen=True)
class Measure:
    change: bool  # the figure states how much something changed, not its level
    whole: frozenset[str]  # for a share: the stems of what it is a share of ("of those deaths" -> {"death"})
    # for a count: the stems of the noun phrase it counts ("442 million potentially lethal doses" -> {"potentially",
    # "lethal", "dose"}; "21 deaths a day" -> {"death"})
    counted: frozenset[str] = frozenset()


def measure(text: str, figure: Figure) -> Measure:
    """What `figure` (found in `text`, its offsets into it) measures."""
    before = _WORD.findall(_CLAUSE.split(text[:figure.start])[-1])[-_BEFORE:]
    after = _WORD.findall(_CLAUSE.split(text[figure.end:])[0])[:_AFTER]
    if after[:1] == ["to"]:  # "$2 million to cut queues": what it is for, not a change
        after = []
    near = [w for w in before + after if w.lower() not in ("percent", "cent", "per", "by")]
    reached = bool(before) and before[-1].lower() in _LEVEL_BEFORE
    change = not reached and any(_CHANGE.match(w) for w in near)
    whole: frozenset[str] = frozenset()
    if figure.kind == "percent":
        share = _SHARE_OF.match(text[figure.end:])
        if share:
            whole = frozenset(stem(w) for w in noun_phrase(share.group(1)))
    counted = _counted(_CLAUSE.split(text[figure.end:])[0]) if figure.kind == "count" else frozenset()
    return Measure(change, whole, counted)


# a figure set against another right after it ("1.6 times more than in 2017", "$5 billion above the FY21 budget",
# "38,084, down from 48,913"; not "200 metres above sea level") or a way of change right before it, at a clause's
# start or after "to be" ("up 14%", "was down 3%"; not "up to 10%", a cap, nor "shut down 30 labs")
_SET_AGAINST = re.compile(r"^\s*,?\s*(?:(?:times\s+)?(?:more|less|fewer|higher|lower|greater|smaller)\s+than|"
                          r"(?:above|below)\s+(?:the|its|their|that|last|a|an|(?:19|20)\d\d|FY)|"
                          r"(?:up|down)\s+(?:from|on|over))\b", re.IGNORECASE)
_WAY_BEFORE = re.compile(r"(?:^|[,;(—–]|\b(?:is|was|were|are|be|been|being))\s*(?:up|down)\s*$", re.IGNORECASE)
# "rose to 41", "fell from 48,913 in 2024 to 38,084": the word before the "to" that reaches a level
_REACHED = re.compile(r"(?:\b([a-z]+)\s+)?to\s*$", re.IGNORECASE)
_AGAINST = re.compile(r"\b(?:against|compared (?:with|to)|versus|vs\.?|(?:up|down) from)\s*$", re.IGNORECASE)
_FROM = re.compile(r"\bfrom\s*$", re.IGNORECASE)
# a year a prose figure is given for ("80,000 in 2023"; a table row's "2023: 80,000" names its column)
_YEARS = re.compile(r"\b(?:in|during|for|of)\s+((?:19|20)\d\d)\b", re.IGNORECASE)


# "50 times more potent", "1.6 times the 2017 figure", "2.7 times as many", "grew by 2.7 times", "a 10-fold rise",
# "up 10x": a figure of how many times another is; "twice as many", "doubled", "trebled", "a threefold increase" say
# one in words. Not a count of occurrences ("raided the site 3 times", "inspected twice"), nor "double-check"
_TIMES_AFTER = re.compile(rf"^\s*(?:-\s*fold\b|fold\b|times\s+(?:{COMPARATIVES}|the|that|those|its|their|"
                          r"[a-z]+er\s+than)\b)", re.IGNORECASE)
_BY_TIMES = re.compile(r"\bby\s+[\d.,]+\s+times\b|\b\d+(?:\.\d+)?x\b", re.IGNORECASE)
_MULTIPLE_WORD = re.compile(r"\b(?:twice\s+(?:as|the|that|over)|(?:doubl|tripl|trebl|quadrupl)ed|"
                            r"(?:two|three|four|five|six|seven|eight|nine|ten|twenty|fifty|hundred|thousand)-?fold|"
                            r"(?:a|one)\s+(?:hundred|thousand)\s+times\s+(?:more|less|as|the|over|[a-z]+er))\b",
                            re.IGNORECASE)


def states_a_multiple(text: str, figures: tuple[Figure, ...]) -> bool:
    """Whether `text` says how many times another something is ("50 times more potent", "a 10-fold rise", "grew by
    2.7 times", "twice as many", "doubled"); a count or a rate alone ("21 deaths a day"), or a count of occurrences
    ("raided 3 times in 2023"), does not."""
    return any(f.kind == "count" and _TIMES_AFTER.match(text[f.end:]) for f in figures) or \
        _BY_TIMES.search(text) is not None or _MULTIPLE_WORD.search(text) is not None


def states_a_change(text: str, figures: tuple[Figure, ...]) -> bool:
    """Whether `text` tells how much something changed: a figure beside a change word ("fell 14%", "an increase of
    31 percent"), a figure set against another ("1.6 times more than", "up from", "up 14%"), or two figures of one
    measure, the one reached from the other ("went from 48,913 to 38,084", "21 in 2021, rose to 41 in 2022", "fell
    to 80,000 from 110,000"), set against it ("80,000, against 110,000") or given for two years ("110,000 in 2022
    and 80,000 in 2023"). Levels alone ("cost $2.7 trillion in 2023") do not, nor a change with no figure ("deaths
    have started to decline"), nor figures of different things ("40 charges against 12 defendants", "from 3 ports
    to 12 countries")."""
    for figure in figures:
        if measure(text, figure).change or _SET_AGAINST.match(text[figure.end:]) or \
                _WAY_BEFORE.search(text[:figure.start]):
            return True
    levels = [f for f in figures if f.kind not in ("year", "date")]
    changed = any(_CHANGE.match(w) for w in _WORD.findall(text))
    for i, later in enumerate(levels):
        earlier = [f for f in levels[:i] if _comparable(text, f, later)]
        if not earlier:
            continue
        before = text[:later.start]
        if _AGAINST.search(before):
            return True
        reached = _REACHED.search(before)
        if reached and (reached.group(1) and _CHANGE.match(reached.group(1)) or any(
                _FROM.search(text[:f.start]) for f in earlier)):
            return True
        if _FROM.search(before) and changed and any(_REACHED.search(text[:f.start]) for f in earlier):
            return True  # "fell to 80,000 in 2023 from 110,000 in 2022"
        if len(set(_YEARS.findall(text))) >= 2:
            return True  # "110,000 in 2022 and 80,000 in 2023": the change is there to read
    return False


def _comparable(text: str, a: Figure, b: Figure) -> bool:
    """Two figures of one kind and unit that count the same thing, or one of which counts nothing named ("80,000
    deaths in 2024, against 110,000 in 2023"); not "40 charges against 12 defendants"."""
    if a.kind != b.kind or a.unit != b.unit:
        return False
    first, second = measure(text, a).counted, measure(text, b).counted
    return not first or not second or bool(first & second)


# nouns that count people, who may be the deaths or cases another source counts ("7,300 people died")
_PEOPLE = frozenset("people persons person individuals lives residents patients adults children".split())


def counted_phrase(text: str, figure: Figure) -> list[str]:
    """The words (as written, lower case) of what a count figure counts in `text` ("Eleven new synthetic substances"
    -> new, synthetic, substances); none when it counts people or names nothing (see `_counted`)."""
    clause = _CLAUSE.split(text[figure.end:])[0]
    return noun_phrase(clause, past_determiners=False) if _counted(clause) else []


def _counted(clause: str) -> frozenset[str]:
    """The stems of the noun phrase right after a count, in its clause ("442 million potentially lethal doses"),
    up to a function word or a verb's past form; none when a function word comes first ("7,300 in 2022") or it
    counts people ("105,000 Americans", "7,300 people died"), who may be what another source counts as deaths."""
    found = noun_phrase(clause, past_determiners=False)
    if any(w in _PEOPLE or countries_named(w.capitalize()) for w in found):
        return frozenset()
    return frozenset(stem(w) for w in found)


def noun_phrase(text: str, past_determiners: bool = True) -> list[str]:
    """The words of the noun phrase `text` opens ("the widgets made in Norland" -> widgets): past its determiners
    (none when `past_determiners` is False: a function word first ends it), up to the first function word or a
    verb's past form ("those passengers carried ..." -> passengers)."""
    found: list[str] = []
    for word in _WORD.findall(text.lower())[:6]:
        if word in FUNCTION_WORDS or word in ("the", "those", "these", "this", "that", "their"):
            if found or not past_determiners:
                break
            continue
        if found and word.endswith("ed"):
            break
        found.append(word)
    return found


def same_measure(first: Measure, second: Measure) -> bool:
    """True unless the words say the two figures measure different things: a change against a level, shares of
    wholes with no word in common, or counts of things with no word in common ("10-15 grains of table salt" and
    "442 million potentially lethal doses")."""
    if first.change != second.change:
        return False
    if first.counted and second.counted and not first.counted & second.counted:
        return False
    return not (first.whole and second.whole and not first.whole & second.whole)


def _cells(text: str) -> str:
    """A quoted table row's cells without its column names, as they would stand inside a sentence ("Row 3: Place:
    Lakeside; Year: 2020" -> "in the row Lakeside, 2020"): a column's name is no place, and a row's first cell is
    no sentence's first word. Other text as it is."""
    fields = row_fields(text)
    return text if fields is None else "in the row " + ", ".join(cell for _, cell in fields)


def same_scope(first: tuple[str, str], second: tuple[str, str]) -> bool:
    """Whether two sentences, each given with the sentence before it, may speak of the same place or body: False
    only when both name something (the sentence, or the one before when it names nothing) and neither names any
    of the other's names in any form ("Canadian" / "Canada", "US" / "United States")."""
    def names(sentence: str, previous: str) -> tuple[str, ...]:
        return sentence_names(_cells(sentence)) or sentence_names(_cells(previous))

    first_names, second_names = names(*first), names(*second)
    if not first_names or not second_names:
        return True
    first_text, second_text = " ".join(first), " ".join(second)
    return (any(mentions(second_text, name) for name in first_names)
            or any(mentions(first_text, name) for name in second_names))

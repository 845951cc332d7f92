"""Follow-up questions become standalone questions: by the LLM when one is configured, otherwise by simple rules:
"And in 2024?" or "What about from Canada?" is the previous question (as earlier follow-ups rewrote it) asked of
that year or place, and any other follow-up carries it forward as its context."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from crossbrief.rag.words import FUNCTION_WORDS
from crossbrief.rag.dates import NAMES_A_TIME, POINTS_BACK_TO_A_TIME
from crossbrief.rag.figures import MONTH_NAMES, MONTHS, extract_figures
from crossbrief.rag.models import REFUSAL_TEXT, Question, Turn
from crossbrief.rag.compass import change_directions
from crossbrief.rag.named_sources import DATED_THING, dated_things
from crossbrief.rag.places import country_spans, demonym_of, is_demonym, is_province, names_placed_in

_FOLLOW_UP = re.compile(
    r"^(?:and|but|or|also|so|what about|how about|and what about|same for|what of)\b|"
    r"\b(?:that|this|it|they|them|those|these|there|then|its|their)\b|\bwhich\s+ones?\b",
    re.IGNORECASE,
)


# "were there", "there are": "there" that points at nothing earlier
_EXISTENTIAL = re.compile(r"\b(?:is|are|was|were|be|been)\s+there\b|\bthere\s+(?:is|are|was|were|has|have)\b",
                          re.IGNORECASE)


# a question word alone: "Why?", "And how?", "When?"
_BARE_WH = re.compile(r"^\W*(?:and\s+|but\s+|so\s+)?(?P<word>why|how|when|where|who)\W*$", re.IGNORECASE)


# "this year", "this week": the time the question is asked in, not something said earlier ("that year" is)
_DEICTIC_TIME = re.compile(r"\bthis\s+(?:year|month|week|quarter|decade|season)\b", re.IGNORECASE)
# a second question joined to a first ("What is X and why do smugglers use it?"): a pronoun in it may point back to
# the first
_SECOND_QUESTION = re.compile(r"(?:,\s*|\s+)(?:and|but)\s+(?=(?:why|how|what|who|whom|when|where|which|do|does|did|"
                              r"is|are|was|were|can|could|will|would|should|has|have|had)\b)", re.IGNORECASE)


# a measure named by a bare noun with "the" and nothing saying whose ("What was the rate in 2024?", "And the total?"):
# the one just spoken of
_BARE_MEASURE = re.compile(r"\bthe\s+(?:rate|figure|number|total|count|share|amount|level|percentage|value|tally|toll)"
                           r"(?:\s+(?:in|for|during)\s+(?:(?:fiscal|calendar)\s+year\s+)?(?:19|20)\d\d|"
                           r"\s+(?:then|now|there))?\W*$", re.IGNORECASE)


# "How many in British Columbia in 2024?", "And how much for 2031?": a count or amount of nothing named, only of a
# place or a time (capitalised names, years), the one just asked of; not "How many in Canada died ...?", which asks
# its own
_HOW_MANY_OF_IT = re.compile(r"^\W*(?:(?i:and|but|so)\s+)?(?i:how\s+(?:many|much))(?:\s+(?:in|for|at|during|from|on|by|over|"
                             r"across|within|under)\s+(?:the\s+)?(?:[A-Z][\w'’.-]*|(?:19|20)\d\d)"
                             r"(?:\s+(?:of\s+|and\s+)?(?:[A-Z][\w'’.-]*|(?:19|20)\d\d))*)+\W*$")


def _leans_back(question: str) -> bool:
    """Whether a pointing word of `question` points at something said before it: not "there" of "were there", nor
    "this year", nor a pronoun of a second question whose first, leaning on nothing, names what it points at ("What is
    ferrocite and why do smugglers use it?")."""
    plain = _DEICTIC_TIME.sub(" ", _EXISTENTIAL.sub(" ", question))
    if _HOW_MANY_OF_IT.match(plain):
        return True
    if _BARE_MEASURE.search(plain) and not any(w[:1].isupper() for w in plain.split()[1:]):
        return True
    if not _FOLLOW_UP.search(plain):
        return False
    joined = _SECOND_QUESTION.search(plain)
    return joined is None or _FOLLOW_UP.search(plain[:joined.start()]) is not None


def looks_like_follow_up(question: str) -> bool:
    """Whether `question` leans on what was asked before: a short one with a pointing word, one of any length that
    points back at a time ("What share of deaths in Canada that year involved fentanyl?"), or one asking the source or
    a bare "Why?"."""
    words = question.split()
    return len(words) <= 10 and _leans_back(question) or POINTS_BACK_TO_A_TIME.search(question) is not None or \
        asks_source(question) or _BARE_WH.match(question) is not None


# "And in 2024?", "What about from Canada?", "How about Mexico's?": the same question asked of something else
_ASKED_OF_ELSE = re.compile(r"^\W*(?:(?:and|but)\s+)?(?:(?:what|how)\s+about\s+|what\s+of\s+)?(?P<tail>.+?)[\s?.!]*$",
                            re.IGNORECASE)
_STARTS_ELSE = re.compile(r"^\W*(?:and|but|what\s+about|how\s+about|what\s+of)\b", re.IGNORECASE)
_PREPOSITIONS = "in|from|for|on|at|to|by|during|under|with|into|across|against|of"
_LEADING_PREPOSITION = re.compile(rf"^(?P<prep>{_PREPOSITIONS})\s+\S", re.IGNORECASE)
# a prepositional phrase: the preposition and what follows, up to the next preposition, a comma or the end
_PHRASE = r"\b{prep}\s+(?:(?!\b(?:" + _PREPOSITIONS + r")\b)[^,?.;])+"
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_YEAR_WORDS = frozenset({"the", "fiscal", "fy", "calendar", "year"})  # "fiscal 2023", "the year 2024"
_WH_WORD = re.compile(r"\b(?:what|which|who|whom|whose|when|where|why|how)\b", re.IGNORECASE)
# a name: capitalised words with small words between them ("the Harbour Board of Norland") or capitals ("NWA"); two
# names joined by "and" are two
_NAME = re.compile(r"(?:[Tt]he\s+)?[A-Z][\w'’&.-]*(?:\s+(?:(?:of|for|on|the|de|a|an)\s+)*[A-Z][\w'’&.-]*)*")
# a code of a period, no name: "FY 2031", "FY31", "Q1", "H2"
_PERIOD_CODE = re.compile(r"^(?:FY\s?'?\d{0,4}|[QH][1-4])$")
# a thing named by its month (named_sources.DATED_THING) after the preposition that puts the question under it:
# "under the February 2031 order"; and such a thing alone, as a follow-up names one ("And under the July 2031
# amendment?")
_OF_A_DATED_THING = re.compile(rf"\b(?:under|by|in|of|per|according to)\s+{DATED_THING.pattern}")
_ONLY_A_DATED_THING = re.compile(rf"^(?:(?:after|under|by|in|per|according\s+to|with)\s+)?(?P<thing>{DATED_THING.pattern})$")
# words asking for the figure now: a date asked of the question replaces them (lower case: "Norland Today" is a name)
_NOW = re.compile(r"\s*\b(?:current(?:ly)?|now|today|at present|presently|latest|most recent)\b")
# a time a question names otherwise than by a year: "this year", "last month", "FY2024", "Q1", "in March"
_TIMED = re.compile(rf"{NAMES_A_TIME.pattern}|\b(?:(?:this|last|next|past|previous|coming) year|FY\s?'?\d{{2,4}}|H[12]|"
                    rf"{MONTH_NAMES})\b", re.IGNORECASE)


def _kind(text: str) -> str:
    """"year" when `text` is a year alone ("2024", "fiscal 2023"), "month" when a month of a year ("February 2025"),
    "country" when it is only a country's name ("the US", "Peru's"), "name" when another name ("the Harbour Board",
    "NWA"), else ""."""
    words = text.split()
    if len(words) == 2 and words[0].lower() in MONTHS and _YEAR.fullmatch(words[1]):
        return "month"
    if len(_YEAR.findall(text)) == 1 and words and _YEAR.fullmatch(words[-1]) and all(
            w.lower() in _YEAR_WORDS for w in words[:-1]):
        return "year"
    spans = country_spans(text)
    if len(spans) == 1:
        start, end = spans[0]
        if text[:start].strip().lower() in ("", "the") and re.fullmatch(r"(?:['’]s)?", text[end:].strip()):
            return "country"
    if _NAME.fullmatch(text) and not spans and len(text) > 1:
        return "name"
    return ""


def _spans(text: str, kind: str) -> list[tuple[int, int]]:
    """Where `text` names each thing of `kind` (a year, a month of a year, a country with the "the" before it, or
    another name with it, not the question's first word)."""
    if kind == "year":
        return [(m.start(), m.end()) for m in _YEAR.finditer(text)]
    if kind == "month":  # the figure parser's dates of a month or a day ("February 2025", "March 4, 2025")
        return [(f.start, f.end) for f in extract_figures(text) if f.kind == "date" and f.unit in ("month", "day")]
    if kind == "name":
        countries, found = country_spans(text), []
        for m in _NAME.finditer(text):
            start = m.start()
            if start == 0 and m.group(0).split()[0].lower() in FUNCTION_WORDS:
                # a question's first word is capitalised as any first word is ("When", "The")
                second = re.search(r"\s[A-Z]", m.group(0))
                if second is None:
                    continue
                start = second.start() + 1
            named = text[start:m.end()]
            if len(named) > 1 and named.split()[-1].lower() not in MONTHS and not _PERIOD_CODE.match(named) and \
                    not any(s < m.end() and start < e for s, e in countries):
                found.append((start, m.end()))
        return found
    if kind == "country":
        return [(start - 4 if text[max(0, start - 4):start].lower() == "the " else start, end)
                for start, end in country_spans(text)]
    return []


def _swapped(body: str, span: tuple[int, int], kind: str, named: str) -> str:
    """`body` with the thing at `span` replaced by `named` (a country's name possessive where either writes it so:
    "Chile's delegation" -> "Peru's delegation")."""
    start, end = span
    if kind == "year":
        named = _YEAR.findall(named)[-1]
    elif kind == "country" and not re.search(r"['’]s$", named):
        held = body[start:end]
        if re.search(r"['’]s$", held):
            named = f"{named}'s"
        elif is_demonym(held):  # "Chilean wool" -> "Peruvian wool"
            named = demonym_of(named) or f"{re.sub(r'^[Tt]he ', 'the ', named)}'s"
        elif held.endswith("s") and is_demonym(held[:-1]):  # "How many Chileans" -> "How many Peruvians"
            people = demonym_of(named)
            named = f"{people}s" if people else f"people of {named}"
    elif kind == "name" and named.lower().startswith("the ") and body[:start].lower().endswith("the "):
        named = named[4:]  # "the Harbour Board" -> "the Port Trust", not "the the Port Trust"
    if start == 0:
        named = named[:1].upper() + named[1:]
    return f"{body[:start]}{named}{body[end:]}?"


def _placed_spans(body: str) -> list[tuple[int, int]]:
    """Where `body` names each place it puts its figure in ("in Canada", "across Eastshire", "within Port Vale")."""
    return [(m.end(), m.end() + len(name)) for name in names_placed_in(body)
            for m in re.finditer(rf"\b(?:in|across|within)\s+(?:the\s+)?(?={re.escape(name)}\b)", body)]


def _after_preposition(body: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Of `spans`, those a preposition of `body` leads ("on Chile", "from the US", "on Chilean wool"), in order."""
    return [(s, e) for s, e in spans if re.search(rf"\b(?:{_PREPOSITIONS})\s+$", body[:s], re.IGNORECASE)]


def _dated(body: str, kind: str, named: str) -> str | None:
    """`body` asked of the year or month `named`: in place of its one year or month (a month for the year it is
    of), or, where it names none, at its end, its words asking for the figure now dropped ("What is the current
    levy?" -> "What is the levy in February 2025?"); None where it names several."""
    months, years = _spans(body, "month"), _spans(body, "year")
    thing = _OF_A_DATED_THING.search(body)
    if kind == "month" and thing is not None and len(months) == 1:
        # "under the February 2031 order" asked of August: the question asked of that month, not of an order of it
        return f"{body[:thing.start()]}in {named}{body[thing.end():]}?"
    if kind == "month":
        if len(months) == 1 and body[:months[0][0]].rstrip()[-1:] not in ("-", "–"):  # not "March-April 2025"
            start, end = months[0]
            return f"{body[:start]}{named}{body[end:]}?"
        # a month for a year the question places its figure in ("in 2024"), not one of "Q1 2024", "fiscal 2024",
        # "the first half of 2024" or "since 2020"
        if len(years) == 1 and not months and re.search(r"\b(?:in|during)\s+$", body[:years[0][0]], re.IGNORECASE):
            return _swapped(body, years[0], kind, named)
        return None if years or months else _undated(body, named)
    if len(years) == 1:
        return _swapped(body, years[0], kind, named)
    return None if years else _undated(body, named)


def _undated(body: str, named: str) -> str | None:
    """`body`, which names no year, asked of the year or month `named`, at its end, its words asking for the figure
    now dropped; None where it names its time another way ("this year", "in March", "FY2024", "Q1")."""
    return None if _TIMED.search(body) else f"{_NOW.sub('', body).rstrip()} in {named}?"


def asked_of_else(question: str, subject: str) -> str | None:
    """`subject` asked of what the follow-up `question` names instead, when it only names something else ("And in
    2024?" of "How many deaths were there in the US in 2025?" -> "...in the US in 2024?"). A thing named by its month
    takes the place of the subject's one such thing ("And after the July 2031 amendment?" of "What did the March 2031
    order set?"). A year takes the place of
    the subject's one year, whatever its preposition; a country that of the country in a phrase of its own
    preposition ("in Mexico" for "in the US"), else the subject's first country; a phrase of another kind that of the
    last phrase of its preposition holding no year or country ("from Canada" for "from the southern border"). None
    when the follow-up asks more than that (its own question, two years, a preposition of its own: "since 2020") or
    nothing fits."""
    match = _ASKED_OF_ELSE.match(question)
    if not _STARTS_ELSE.match(question) or match is None or _WH_WORD.search(match.group("tail")):
        return None
    tail = match.group("tail").strip()
    body = subject.strip().rstrip("?.! ")
    thing, things = _ONLY_A_DATED_THING.match(tail), dated_things(body)
    if thing is not None and len(things) == 1:  # one thing named by its month for another: "the July 2031 amendment"
        return _swapped(body, things[0], "name", thing.group("thing"))
    leading = _LEADING_PREPOSITION.match(tail)
    named = tail[leading.end("prep"):].strip() if leading else tail
    kind = _kind(named)
    if kind in ("year", "month"):
        return _dated(body, kind, named)
    phrases = list(re.finditer(_PHRASE.format(prep=re.escape(leading.group("prep").lower())), body, re.IGNORECASE)) \
        if leading else []
    if kind == "country":
        held = [(m.start() + s, m.start() + e) for m in reversed(phrases) for s, e in _spans(m.group(0), kind)]
        if not leading:  # the country a phrase names ("the US levy on Chile"), else the first
            countries = _spans(body, kind)
            held = (_after_preposition(body, countries) or countries)[:1]
        if held:
            return _swapped(body, held[0], kind, named)
    if kind == "name" and not leading:
        if is_province(named):  # a province for the place a figure is placed in: "What about Eastshire?"
            placed = _placed_spans(body)
            return _swapped(body, placed[0], kind, named) if len(placed) == 1 else None
        names = _spans(body, "name")
        if len(names) == 1:  # one name for another: "When was the Harbour Board set up?" -> "... the Port Trust ..."
            return _swapped(body, names[0], kind, named)
    if leading and (kind or not _YEAR.search(named)):
        plain = [m for m in reversed(phrases) if not _spans(m.group(0), "year")
                 and _kind(m.group(0).split(None, 1)[-1]) != "country"]
        # a place by its name ("And in British Columbia?") for the subject's country phrase ("in Canada"), when the
        # subject has no other phrase of that preposition
        plain = plain or [m for m in reversed(phrases) if named[:1].isupper()
                          and _kind(m.group(0).split(None, 1)[-1]) == "country"]
        if plain:
            end = plain[0].start() + len(plain[0].group(0).rstrip())
            return f"{body[:plain[0].start()]}{tail}{body[end:]}?"
    return None


# a question opening with "what" or "which" and a form of "be", then what it asks of: "What was the levy on wool in
# 2031?" (not "What did X raise the levy to", whose "why" would need its verb moved; one sentence)
_WH_THEN_BE = re.compile(r"^\s*(?:what|which)\s+(?P<verb>is|was|are|were)\s+(?P<rest>(?:the|a|an|its|their)\s+[^?.!]+?)"
                         r"\s*[?.!]*$", re.IGNORECASE)
# a question of how much something changed, then its verb and what it asks of: "By how much did the levy rise in
# 2031?", "How far has the rate fallen?" (its "why" asks why it changed)
_HOW_MUCH_THEN_DID = re.compile(r"^\s*(?:by\s+)?how\s+(?:much|far)\s+(?P<verb>did|does|do|has|have|had|will|would)\s+"
                                r"(?P<rest>[^?.!]+?)\s*[?.!]*$", re.IGNORECASE)
# the longest subject read for its question word (a question is at most a few hundred words)
_MAX_SUBJECT = 2000


def asked_again(question: str, subject: str) -> str | None:
    """`subject` asked again with the "why" or "how" the follow-up `question` is ("Why?", "And how?"): "What was the
    levy on wool in 2031?" -> "Why was the levy on wool in 2031?", the reason for what it asked rather than the same
    figure; "By how much did the levy rise in 2031?" -> "Why did the levy rise in 2031?". None for any other
    follow-up, or a subject opening otherwise than with "what" or "which" and a form of "be", or "(by) how much/far"
    and a verb."""
    bare = _BARE_WH.match(question)
    opened = _WH_THEN_BE.match(subject[:_MAX_SUBJECT]) or _HOW_MUCH_THEN_DID.match(subject[:_MAX_SUBJECT])
    if bare is None or bare.group("word").lower() not in ("why", "how") or opened is None:
        return None
    if opened.re is _HOW_MUCH_THEN_DID and (bare.group("word").lower() == "how" or
                                            not change_directions(opened.group("rest"))):
        # "How?" of "By how much did it rise?" asks how it was done; and only a change has a "why" asked so ("How
        # much has been seized?" is no "Why has been seized?")
        return None
    return f"{bare.group('word').capitalize()} {opened.group('verb').lower()} {opened.group('rest')}?"


# "How does that compare with the year before?", "And compared to the previous year?"
_YEAR_BEFORE = re.compile(r"^\W*(?:and\s+|so\s+)?(?:how\s+(?:does|did|do|would)\s+(?:that|this|it)\s+compare|"
                          r"(?:and\s+)?compared)\s+(?:with|to)\s+(?:the\s+)?(?:year\s+before|previous\s+year|"
                          r"prior\s+year|year\s+earlier)\W*$", re.IGNORECASE)


# a year a question places its figure in: "in 2031", "during fiscal year 2031", "for FY 2031" (not "since 2031",
# "in 2030-31", "in March 2031")
_IN_A_YEAR = re.compile(r"\b(?:in|during|for)\s+(?:(?:the\s+)?(?:fiscal|calendar)\s+year\s+|FY\s?)?((?:19|20)\d\d)\b"
                        r"(?![-–/]\d)", re.IGNORECASE)
def compared_with_year_before(question: str, subject: str) -> str | None:
    """`subject`, which places its figure in one year ("in 2031", "in fiscal year 2031"), asked as the change from the
    year before it, for a follow-up asking how the answer compares with the year before ("How many crossings were
    there in 2031?" -> "... How did it change from 2030 to 2031?"); None for any other follow-up, or a subject naming
    another year, a year that opens a period ("since 2019"), a range ("2030-31") or a month ("in March 2031")."""
    placed = _IN_A_YEAR.findall(subject)
    if _YEAR_BEFORE.match(question) is None or len(placed) != 1 or len(_YEAR.findall(subject)) != 1:
        return None
    return f"{subject.strip().rstrip('?.! ')}? How did it change from {int(placed[0]) - 1} to {placed[0]}?"


def condense_offline(question: str, history: Sequence[Turn]) -> Question:
    """`history` is (role, text) pairs, oldest first. A follow-up that asks the question the conversation has come
    to (`standalone_subject`) of something else becomes that question (`asked_of_else`); any other carries it as its
    context, and retrieval then searches with both."""
    asked = Question(text=question, history=tuple(history))
    if not looks_like_follow_up(question):
        return asked
    asked_before = [text for role, text in history if role == "user"]
    subject = standalone_subject(asked_before)
    if subject is None:
        return asked
    rewritten = asked_of_else(question, subject) or asked_again(question, subject) or \
        compared_with_year_before(question, subject)
    if rewritten is not None:  # a standalone question in its own right
        return replace(asked, standalone=rewritten)
    # what a follow-up points at is what the sources answered: not a follow-up's question they had nothing for
    # ("What about Peru?" refused, then "How many countries are they linked to?" asks of the groups answered before)
    answered = standalone_subject([text for text, refused in zip(asked_before, _refused(history)) if not refused])
    leaned_on = (answered or subject).strip()
    return replace(asked, standalone=f"{question.strip()} {leaned_on}", context=leaned_on)


def _refused(history: Sequence[Turn]) -> list[bool]:
    """For each user turn of `history`, whether it was a follow-up the reply refused (a question standing on its own
    is what the conversation is about, answered or not)."""
    flags: list[bool] = []
    for i, (role, text) in enumerate(history):
        if role == "user":
            reply = history[i + 1][1] if i + 1 < len(history) and history[i + 1][0] != "user" else ""
            flags.append(bool(flags) and looks_like_follow_up(text) and reply.startswith(REFUSAL_TEXT))
    return flags


def standalone_subject(previous: Sequence[str]) -> str | None:
    """The question the user's earlier questions (`previous`, oldest first) come to: the last that stands on its own
    as each follow-up since then rewrote it ("How many deaths in Canada in 2023?", "And in British Columbia?" -> "How
    many deaths in British Columbia in 2023?", which "And in 2016?" is then asked of); a follow-up that only leans on
    it leaves it as it was. None before any question."""
    subject: str | None = None
    for text in previous:
        if subject is None or not looks_like_follow_up(text):
            subject = text
        elif not asks_source(text):
            subject = asked_of_else(text, subject) or subject
    return subject


# a follow-up asking where the last answer came from: "Who said that?", "Where is that from?", "What's the source?"
# ("Who announced it?" asks who made the announcement the answer tells of: the plan's, not the source's)
_ASKS_SOURCE = re.compile(
    r"^\W*(?:and\s+|so\s+)?(?:who\s+(?:said|says|wrote|writes|stated|states|published|reported)\s+"
    r"(?:that|this|it)|where(?:\s+(?:is|was|does|did)|['’]?s)\s+(?:that|this|it)\s+(?:from|come\s+from)|"
    r"(?:what(?:\s+(?:is|are)|['’]?s)\s+)?(?:the\s+)?sources?(?:\s+(?:of|for)\s+(?:that|this|it))?)\W*$",
    re.IGNORECASE)


def asks_source(question: str) -> bool:
    """Whether a follow-up asks where the last answer came from ("Who said that?", "What's the source?")."""
    return _ASKS_SOURCE.match(question) is not None

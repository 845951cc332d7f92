"""Links a question to a table's values by meaning where its words differ from the table's: "inpatient admissions"
for Hospitalizations, "narcotic painkillers" for Opioids. A phrase of the question names a value of a column when the
embedding model puts it closer to that value than to any other value of the column by a margin (a fitted setting:
scripts/fit_tables.py). Only phrases of lower-case words count: a capitalised name the table lacks ("New Brunswick"
for a table without it) is a near miss to be refused, never a value it resembles; only columns of at most 20 values
(what a question picks from, not a long list of dates); only for a question whose every capitalised word is linked
already, its first word too (a column left open takes its overall value: the wrong figure for a place named in other
words); and never when a phrase left unlinked comes close to a value of a column left open, of any size ("among
women" and a column of sexes): the overall rows would not answer that breakdown.
The column a phrase names most clearly is linked first, and a word that names a value of one column names no other's;
phrases that name two values of one column ("paramedic call-outs for ... poisonings") pin both, and the table must
have rows for each (rag/tables.py). A link made by meaning may answer but never refuses: when its rows are not there,
the prose answerer has the question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable

import numpy as np

from crossbrief.rag.figures import MONTHS
from crossbrief.rag.words import FUNCTION_WORDS
from crossbrief.rag.table_links import Link, source_words
from crossbrief.rag.table_words import asked_words, quarter_words, range_words
from crossbrief.rag.table_text import STOPWORDS, joined_initials, unit_words, words

Vectors = Callable[[list[str]], np.ndarray]
# a word keeps the digits it runs into ("Q2", "covid19"), as table_text.words does: a quarter's code is one word
_TOKEN = re.compile(r"[A-Za-z][A-Za-z\d'’]*|\d[\d.,]*|[^\sA-Za-z\d]")
# the text before a word that opens a sentence
_OPENS = re.compile(r"(?:^|[.?!:;]\s+)[\"'(\s]*$")
_LONGEST_PHRASE = 3
_NUMBER = re.compile(r"\d")


# an adverb that frames a question ("Nationally,", "Nationwide,", "Overall,"), not a name ("Alberta, how many ...?")
_LEAD_IN = re.compile(r"[a-z]{3,}(?:ally|ntly|ately|ively|arly|wide)|overall|altogether|today|now|also|so")


def capitalised(question: str) -> list[str]:
    """The question's capitalised words that may name something, its first word too ("Ohio logged how many...?"):
    not function or question words ("How", "Per"), not months (dates, read as such), and not an adverb opening the
    question, set off by a comma ("Nationally, how many...?", "Overall, ..."): a lead-in that frames the question
    ("Alberta, how many ...?" names Alberta)."""
    text = joined_initials(question).replace("-", " ")  # "B.C." is one word, as the links read it
    found = []
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        if not token[0].isupper() or token.lower() in STOPWORDS or token.lower() in FUNCTION_WORDS \
                or token.lower() in MONTHS:
            continue
        if (_OPENS.search(text[:match.start()]) and text[match.end():].startswith(",")
                and _LEAD_IN.fullmatch(token.lower())):
            continue
        found.append(token)
    return found


def phrases(question: str, covered: set[str]) -> list[str]:
    """The question's runs of lower-case content words (hyphens read as spaces) not already linked, and their
    parts of up to three words: "paramedic call-outs" -> "paramedic", "call", "outs", "paramedic call"..."""
    runs: list[list[str]] = [[]]
    for token in _TOKEN.findall(question.replace("-", " ")):
        word = token.lower()
        if (not token[0].isalpha() or token[0].isupper() or word in STOPWORDS
                or not words(word) or words(word) <= covered):
            runs.append([])
        else:
            runs[-1].append(word)
    found = [" ".join(run[i:i + n]) for run in runs for n in range(1, _LONGEST_PHRASE + 1)
             for i in range(len(run) - n + 1)]
    return list(dict.fromkeys(found))


@dataclass
class MeaningLinker:
    """Extends a question's links to a table by meaning (see the module's docstring). `vectors`: the embedding
    model's, cached (rag/vector_cache.py: service.build() passes the offline answerer's cache, so a table's values
    are embedded once)."""

    vectors: Vectors
    margin: float
    floor: float
    max_values: int = 20
    # (table id, pins, column) -> the values that column holds in the rows the pins keep (None: too many rows to
    # read); the table store's, built in rag/service.py. None: not looked at
    values_under: Callable[[str, dict[int, list[str]], int], set[str] | None] | None = None

    def extend(self, question: str, found: Link) -> Link:
        """`found` with the columns it leaves open that a phrase of the question names by meaning, and its coverage
        counting those phrases' words."""
        table = found.table
        asked = asked_words(question)
        covered = {w for values in found.pinned.values() for v in values for w in words(v)} & asked
        covered |= {w for i in found.named for w in words(table.columns[i])} & asked
        covered |= {w for _, missing in found.absent for w in words(missing)}
        covered |= quarter_words(question, covered)  # "April to June" when "Q2" links a value
        covered |= range_words(question, table) & asked  # "15- to 24-year-olds": a range value, or one missing
        covered |= source_words(table) & asked  # "According to the harms data, ..." names the table's source
        # the unit asked ("rate", "per 100,000") is the rows' to answer (rag/tables.py keeps those of that unit), not a
        # breakdown of a column of units left open
        covered |= unit_words(question) & asked
        if any(not words(name) <= covered for name in capitalised(question)):
            return found  # a name no value links ("the Pacific coast province"): the overall row would answer wrongly
        candidates = phrases(question, covered)
        open_columns = [i for i, c in enumerate(table.profile.columns) if i not in found.pinned and not c.numeric
                        and len([v for v in c.values if v]) >= 2]
        # (counting its names: values with a number, dates and ranges, are read by the words that link them)
        columns = [i for i in open_columns
                   if len([v for v in table.profile.columns[i].values if v and not _NUMBER.search(v)]) <= self.max_values]
        if not candidates or not columns:
            return found
        asked_vectors = self.vectors(candidates)
        nearest: dict[int, list[tuple[str, float, float]]] = {}  # column -> per phrase: nearest value, cosine, lead
        pinned_columns = [i for i, c in enumerate(table.profile.columns) if i in found.pinned and not c.numeric
                          and len([v for v in c.values if v]) >= 2]
        for i in [*open_columns, *pinned_columns]:
            values = [v for v in table.profile.columns[i].values if v]
            similarity = asked_vectors @ self.vectors(values).T  # phrases x values
            ordered = np.sort(similarity, axis=1)
            nearest[i] = [(values[int(row.argmax())], float(top), float(top - second))
                          for row, top, second in zip(similarity, ordered[:, -1], ordered[:, -2])]
        # a phrase speaks of one column: the one whose values it tells apart best, of those it comes close to
        speaks_of = {p: max(columns, key=lambda i: (nearest[i][p][1] >= self.floor, nearest[i][p][2]))
                     for p in range(len(candidates))}
        pinned = dict(found.pinned)
        each = list(found.each)
        # each one-word phrase's column, where it names one of its values by itself (close, by the margin)
        own_column = {next(iter(words(phrase))): speaks_of[p] for p, phrase in enumerate(candidates)
                      if len(words(phrase)) == 1 and nearest[speaks_of[p]][p][1] >= self.floor
                      and nearest[speaks_of[p]][p][2] >= self.margin}

        def passing(i: int) -> list[tuple[float, str, int]]:  # (lead, value, phrase) naming a value of column i
            return [(lead, value, p) for p, (value, cosine, lead) in enumerate(nearest[i])
                    if speaks_of[p] == i and cosine >= self.floor and lead >= self.margin
                    and not words(candidates[p]) & covered]

        # the column named most clearly first; a word that names a value of one column names no other's
        for i in sorted(columns, key=lambda c: -max((lead for lead, _, _ in passing(c)), default=0.0)):
            named = sorted({value for _, value, _ in passing(i)})
            if not named:
                continue
            pinned[i] = named
            if len(named) > 1:
                each.append(i)  # "call-outs for ... poisonings": the rows of both, a near miss if one lacks
            # the words of every phrase nearest a named value count as linked ("narcotic painkiller" with
            # "painkiller"), not only those of the phrases that lead by the margin; but not a word that by itself
            # names a value of another column ("women" of "women died", near Deaths: "women" is Female's)
            covered |= {w for q, (value, cosine, _) in enumerate(nearest[i])
                        if value in named and cosine >= self.floor for w in words(candidates[q])
                        if own_column.get(w, i) == i} & asked
        # what the question still says that comes close to values, most clearly those of a column left open ("among
        # women" and a column of sexes, however many values it has), is a breakdown it asks for: the overall rows
        # would not answer it. The columns the question pins count among those it may speak of: a phrase that tells a
        # pinned column's values apart best ("overdoses" and a column of events) speaks of what is pinned already, not
        # of an open column one of whose values it is a little closer to ("Suicide" of a column of manners of death)
        # A phrase that speaks of a column the question's words pin is accounted for by that pin ("suspected
        # overdoses" beside "EMS")
        speaking: set[str] = set()
        for p, phrase in enumerate(candidates):
            close = [c for c in nearest if nearest[c][p][1] >= self.floor]
            if words(phrase) & covered or not close:
                continue
            clearest = max(close, key=lambda c: nearest[c][p][2])
            if clearest not in pinned:
                value, _, lead = nearest[clearest][p]
                if value == table.profile.columns[clearest].overall and lead >= self.margin / 2:
                    # the phrase names the value an open column takes anyway ("nationally" and a column of regions
                    # whose overall value is the country), if less clearly than a link by meaning needs (half the
                    # margin): it restates the default, it asks no breakdown
                    speaking |= words(phrase)
                    continue
                if self.values_under is not None and \
                        self.values_under(table.table_id, pinned, clearest) == {nearest[clearest][p][0]}:
                    # every row the pins keep holds that value ("aged" and a column whose rows of "20 to 29 years"
                    # are all of "Age group"): the phrase restates the pins, it asks no breakdown
                    speaking |= words(phrase)
                    continue
                return replace(found, breakdown=phrase)
            if clearest in found.pinned:
                speaking |= words(phrase)
        covered |= speaking & asked
        score = found.score + len(pinned) - len(found.pinned)
        if len(pinned) == len(found.pinned):
            return replace(found, coverage=len(covered) / len(asked)) if speaking and asked else found
        return replace(found, pinned=pinned, score=score, each=tuple(each),
                       by_meaning=(*found.by_meaning, *(i for i in pinned if i not in found.pinned)),
                       coverage=len(covered) / len(asked) if asked else 0.0)

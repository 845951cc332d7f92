"""Questions answered from tables by filtering rows in the table store, not by reading chunks.

The question's words are linked to a table's values and column names (rag/table_links.py; the vocabulary is the
table store's distinct values, never lists in code). Linked values pin their columns; a column the question does
not pin takes the table's overall value when the data shows one (index/tables.py); "how many" wants a count, not a
rate or a percentage. One matching row is quoted with its column names and row number; a few are shown as a small table;
a suppressed or missing value is said to be so, with its row cited. The answer cites a passage that holds exactly
the rows it quotes, so the figure checker finds every figure there. Tables whose first column names their rows are
read first (rag/table_statements.py), and "which ... most" questions are ranked (rag/table_ranking.py).
"""

from __future__ import annotations

from collections import Counter

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from crossbrief.index.documents import render_row
from crossbrief.index.table_store import StoredTable, TableStore
from crossbrief.index.tables import parse_number
from crossbrief.rag.arithmetic import AskedChange, asked_arithmetic
from crossbrief.rag.models import Draft, Filters, Passage, Question
from crossbrief.rag.question_types import ASKS_CHANGE
from crossbrief.rag.table_arithmetic import one_row, two_rows
from crossbrief.rag.table_links import (Link, alternatives, describe, lacking, link, measure_column, moved,
                                        names_elsewhere, nearest_values, specificity, unwrapped)
from crossbrief.rag.table_words import asked_words, code_columns, with_value_names
from crossbrief.rag.table_meaning import MeaningLinker
from crossbrief.rag.table_ranking import (Similarity, Superlative, pick_column, ranked, superlative,
                                           without_superlative)
from crossbrief.rag.table_rows import names_rows
from crossbrief.rag.table_statements import StatementReader, operation_words
from crossbrief.rag.table_text import (TableAnswer, cited_passage, named_where, rows_in_asked_unit, unit_words,
                                       words, written_answer)

# at most this many rows are shown as a small table; more and the question is not pinned enough to answer here
MAX_ROWS_SHOWN = 4
# rows read back to apply the defaults in memory when the pinned values alone match more
_MAX_ROWS_READ = 5000
# a table read whole once to find its columns of codes (table_words.code_columns) has at most this many rows
_MAX_ROWS_PROFILED = 200_000
# a figure per span of time ("each day", "per week", "daily"): a table gives it only where it names that span (a
# column or value "Daily average"), never as a total over a year or quarter
_PER_SPAN = re.compile(r"\b(?:per|each|a|every)\s+(day|week|month|hour)\b|\b(daily|weekly|monthly|hourly)\b",
                       re.IGNORECASE)
_EVERY = {"day": "daily", "week": "weekly", "month": "monthly", "hour": "hourly"}  # a span -> its adjective
# a question about causes, means or descriptions is answered from prose, never from a table's cells
_ASKS_WHY = re.compile(r"\bwhy\b|\bwhen\b|\bresult(?:s|ed)? (?:from|in)\b|\brelated to\b|\bdue to\b|\breasons?\b|\bexplain|"
                       r"\bdescribe\b|\bwhat (?:does|do|did) .* (?:show|include|mean)\b", re.IGNORECASE)
_ASKS_HOW = re.compile(r"\bhow (?:do|does|did|is|are|was|were|can|will)\b", re.IGNORECASE)
# a question about what a heading in a table is made of: its rows ("What are the components of net debt?")
_ASKS_PARTS = re.compile(r"\b(?:components?|items|types|categories|elements|parts|consists?|comprises?|made up|making up)\b",
                         re.IGNORECASE)
# "What are OEM?", "What is lease related and other charges?": a term asked bare, with no year, asks what it means
_DEFINES = re.compile(r"^\s*what (?:is|are|was|were) (?!the\b|a\b|an\b|our\b|its\b|their\b|total\b)(?!.*\b(?:19|20)\d\d\b)",
                      re.IGNORECASE)


def _trusted(found: TableAnswer | None, by: Link | None) -> TableAnswer | None:
    """`found`, unless it is a refusal from a link made partly by meaning (`by`): such a link may answer (its rows
    are quoted with their column names, for the reader to see what was matched), but it is too unsure a reading to
    refuse with; the prose answerer has the question then."""
    if found is not None and found.draft.refused and by is not None and by.by_meaning:
        return None
    return found


def _written_at(question: str, value: str) -> tuple[int, int] | None:
    """Where `question` writes `value`: the first run of its words whose content words, in any form ("cities" for
    "Cities", "ferrocite" of "ferrocite-related"), are those of the value; None when it does not."""
    wanted = words(value)
    tokens = list(re.finditer(r"[A-Za-z0-9][A-Za-z0-9'’]*", question))
    stems = [words(t.group(0)) for t in tokens]
    for first in range(len(tokens)):
        if not stems[first] & wanted:
            continue  # a run starts at one of the value's words
        seen: set[str] = set()
        for last in range(first, len(tokens)):
            if stems[last] and not stems[last] <= wanted:
                break
            seen |= stems[last]
            if seen == wanted:
                return tokens[first].start(), tokens[last].end()
    return None


def _lacks_span(question: str, table: StoredTable) -> bool:
    """Whether the question asks a figure per span of time ("each day") that no column name or value of the table
    names ("day", "daily")."""
    of = {adjective: span for span, adjective in _EVERY.items()}
    spans = {(m.group(1) or of[m.group(2).lower()]).lower() for m in _PER_SPAN.finditer(question)}
    if not spans:
        return False
    named = " ".join([*table.columns, *(v for c in table.profile.columns if not c.numeric for v in c.values)]).lower()
    return not any(re.search(rf"\b(?:{span}s?|{_EVERY[span]})\b", named) for span in spans)  # "days", "daily"


_CLAUSES = re.compile(r";\s*")
_ASKS = re.compile(r"\b(?:how|what|which|who|whom|whose)\b", re.IGNORECASE)


def _asking_clause(question: str) -> str:
    """The clause that asks, without the statements set before it by a semicolon ("Fentanyl smuggling keeps fuelling
    the crisis; according to ..., how many ...?"): what those say is context, not what the table must pin."""
    clauses = _CLAUSES.split(question)
    asking = [i for i, clause in enumerate(clauses) if _ASKS.search(clause)]
    return "; ".join(clauses[asking[0]:]) if len(clauses) > 1 and asking and asking[0] > 0 else question


# the words that name the arithmetic asked rather than what it is done on (the statement reader's, and the "year
# end" a year is read at): "the percentage change in X", "the average X", "at 2019 year end"


def _coverage_of_operands(found: Link, question: str, operation: str = "change") -> float:
    """For a change or an average worked out between two years: the link's coverage of the question's words that
    are not the operation's ("percentage change", "average", "year end"), unless a column the link names holds them;
    its plain coverage for a table whose column names the change."""
    if any(ASKS_CHANGE.search(found.table.columns[i]) for i in found.named):
        return found.coverage  # a column gives the change: read, not worked out
    asked = asked_words(question)
    linked = {w for values in found.pinned.values() for v in values for w in words(v)}
    linked |= {w for i in found.named for w in words(found.table.columns[i])}
    spare = (operation_words(operation) | {"year", "end"}) & asked - linked
    return found.coverage * len(asked) / (len(asked) - len(spare)) if len(asked) > len(spare) else 0.0


def _linked_share(found: Link, question: str) -> float:
    """The share of the question's content words the link accounts for, the words asking a unit ("share", "per
    100,000") too: those the rows it keeps answer."""
    asked = asked_words(question)
    if not asked:
        return 0.0
    linked = {w for values in found.pinned.values() for v in values for w in words(v)}
    linked |= {w for i in found.named for w in words(found.table.columns[i])}
    units = len(unit_words(question) & asked - linked)  # a unit word a column name already links counts once
    return (found.coverage * len(asked) + units) / len(asked)


@dataclass
class TableAnswerer:
    """Answers a question from the tables of the retrieved (or filtered) sources, or returns None."""

    store: TableStore
    min_score: float = 2.0
    min_coverage: float = 0.6
    top_sources: int = 2
    # a row read from a table that names its rows must beat the next best row by this much, and its words cover this
    # share of the question (rag/table_rows.py)
    min_row_margin: float = 0.25
    min_row_coverage: float = 0.7
    # the share of the question's words a table of a source retrieved after the top ones must link (1: in full)
    far_coverage: float = 0.8
    # how alike a question's "which ..." words are to a column's name and values (the embedding model's cosine)
    similarity: Similarity | None = None
    # links a question's other words to values by meaning when its words leave the coverage short (rag/table_meaning.py)
    meaning: MeaningLinker | None = None
    # per table id: its columns of codes that a column of names determines (table_words.code_columns), read once
    _code_columns: dict[str, frozenset[int]] = field(default_factory=dict, init=False, repr=False)

    def _codes(self, table: StoredTable) -> frozenset[int]:
        if table.table_id not in self._code_columns:
            numbered = table.n_rows <= _MAX_ROWS_PROFILED and any(c.numeric and len(c.values) > 1
                                                                    for c in table.profile.columns)
            rows = (cells for _, cells in self.store.rows(table.table_id, range(1, table.n_rows + 1))) if numbered else ()
            self._code_columns[table.table_id] = code_columns(table, rows)
        return self._code_columns[table.table_id]

    def answer(self, question: Question, passages: list[Passage], filters: Filters | None = None,
               further: Sequence[Passage] = ()) -> TableAnswer | None:
        """The answer from the tables of `passages`' sources (those shown; `further`: passages retrieved beyond
        them, whose tables only a ranking or a change between two years reaches), or None."""
        arithmetic = asked_arithmetic(question.query)  # a change, an average or a multiple of two years' figures
        # why, when and how something happened is the prose's to tell; "how did X change from 2019 to 2021?" asks
        # the change between two years' figures ("how was the average calculated?" asks a method)
        asks_change = arithmetic is not None and arithmetic.operation == "change"
        if _ASKS_WHY.search(question.query) or (_ASKS_HOW.search(question.query) and not asks_change):
            return None
        wanted = superlative(question.query)
        # without a source filter, only the tables of the best-retrieved sources are candidates; a ranking ("which
        # ... most") or a change between two years is a table's to give, so for one every retrieved source's tables are
        reaching = bool(wanted or arithmetic)
        ranked_sources = list(dict.fromkeys(p.source for p in [*passages, *(further if reaching else ())]))
        reach = len(ranked_sources) if reaching else self.top_sources
        sources = list(filters.sources) if filters and filters.sources else ranked_sources[:reach]
        # the tables of the sources retrieved beyond those: one answers only where the question's words link it in
        # full and no nearer table links (a strong link beats the retrieval's rank)
        beyond = [] if (filters and filters.sources) or reaching else [
            s for s in dict.fromkeys(p.source for p in [*passages, *further]) if s not in sources]
        farther = self.store.tables(beyond) if beyond else []
        tables = self.store.tables(sources) if sources else []
        if not tables and not farther:
            return None
        order = {s: i for i, s in enumerate([*ranked_sources, *beyond])}
        parts, defines = _ASKS_PARTS.search(question.query), _DEFINES.search(question.query)
        reader = StatementReader(self.store, self.min_row_coverage, self.min_row_margin)
        statements = reader.read(tables) if parts or not (defines or wanted) else []
        if parts:
            listed = reader.read_section(question.query, statements, order, passages)
            if listed is not None:
                return listed
        if defines:
            # a bare term asked is a definition: not the figures of a statement's row named by it
            tables = [t for t in tables if not names_rows(t.profile, t.n_rows)]
        elif wanted is None:
            read = reader.read_row(question.query, statements, order, passages,
                                   Counter(t.source for t in tables))
            if read is not None:
                return read.answer  # None: the row is named but not the year asked, which the prose may have
        asked = _asking_clause(without_superlative(question.query) if wanted else question.query)
        far = {t.table_id for t in farther}
        tables = [*tables, *(t for t in farther if not (defines and names_rows(t.profile, t.n_rows)))]
        # per table, the question with its demonyms written as the names of the table's values ("Ontarians": Ontario)
        reads = {t.table_id: with_value_names(asked, t) for t in tables}
        if question.context:  # a follow-up read with the question it leans on: what it names itself comes first
            reads.update({t.table_id: own for t in tables
                          if (own := self._asked_of_own_values(question.text, question.context, t)) is not None})
        links = [link(reads[t.table_id], t, self._codes(t)) for t in tables]
        if self.meaning is not None:
            # also for a link that accounts for most words: what it leaves may pin an open column or ask a breakdown
            # (not for a ranking, whose open column is the one it ranks over: "which province")
            widest = self.min_coverage if wanted else 1.0
            links = [self.meaning.extend(reads[lk.table.table_id], lk) if lk.pinned and lk.coverage < widest else lk
                     for lk in links]
        links = [lk for lk in links if lk.pinned and lk.score >= self.min_score
                 and (lk.coverage >= self.min_coverage or arithmetic is not None
                      and _coverage_of_operands(lk, reads[lk.table.table_id], arithmetic.operation) >= self.min_coverage)
                 and not lk.breakdown and not _lacks_span(asked, lk.table)
                 and not names_elsewhere(lk, reads[lk.table.table_id], " ".join(
                     p.text for p in [*passages, *further] if p.source == lk.table.source))]
        near = [lk for lk in links if lk.table.table_id not in far]
        links = near or [lk for lk in links if _linked_share(lk, reads[lk.table.table_id]) >= self.far_coverage - 1e-9]
        if not links:
            return None
        found = self._answer_linked(question, links, passages, arithmetic, wanted, order, reads)
        if not near and found is not None and found.draft.refused:
            return None  # a table beyond the best-retrieved sources answers, never refuses
        return found

    def _asked_of_own_values(self, follow_up: str, leaned_on: str, table: StoredTable) -> str | None:
        """The question a follow-up leans on (`leaned_on`) asked of the value of `table` the follow-up names in a
        column where that question names another ("What about lumenite?" after "How many ferrocite-related
        seizures ...?" -> "How many lumenite-related seizures ...?"), as the table would read it; None when the
        follow-up names no such value or the earlier one is not found written in the question."""
        codes = self._codes(table)
        own = link(with_value_names(follow_up, table), table, codes)
        read = with_value_names(leaned_on, table)
        earlier = link(read, table, codes)
        swaps = [(earlier.pinned[c], own.pinned[c][0]) for c in own.pinned
                 if c in earlier.pinned and set(own.pinned[c]) != set(earlier.pinned[c])]
        for olds, new in swaps:
            span = next((found for old in olds if (found := _written_at(read, old)) is not None), None)
            if span is None:
                return None
            read = f"{read[:span[0]]}{new.lower()}{read[span[1]:]}"
        # the follow-up's own words too: what else it asks ("What was the rate in 2024?" asks the rate)
        return with_value_names(f"{follow_up} {_asking_clause(read)}", table) if swaps else None

    def _answer_linked(self, question: Question, links: list[Link], passages: list[Passage],
                       arithmetic: AskedChange | None, wanted: Superlative | None, order: dict[str, int],
                       reads: dict[str, str]) -> TableAnswer | None:
        """The answer from the best of `links` (see answer()); `order`: the sources' retrieval ranks; `reads`: the
        question as read for each table."""
        # the best-retrieved source among the tables linked (nearly) as well as the best one
        top = max(lk.score for lk in links)
        change = arithmetic
        if ASKS_CHANGE.search(question.query):
            named = [lk for lk in links if any(ASKS_CHANGE.search(lk.table.columns[i]) for i in lk.named)]
            if named:  # a column names the change: read it, not worked out
                change, links, top = None, named, max(lk.score for lk in named)
            elif change is None:
                return None  # a change no column names, between no two years: the prose's
        candidates = sorted((lk for lk in links if lk.score >= 0.8 * top),
                            key=lambda lk: (order.get(lk.table.source, len(order)), -lk.score))
        if change is not None:  # worked out from the two years' rows of the first table that has them
            worked, by = next(((r, lk) for lk in candidates for a in alternatives(lk, question.query)
                               if (r := self._change_from(a, change, question.query, passages))), (None, None))
            if worked is not None or change.operation in ("change", "ratio"):
                # an average no two rows give may be a row of averages: read as any question
                return _trusted(worked, by)
        best = candidates[0]
        if wanted is not None:  # "which ... most": a ranking across the column it names, a near miss, or the prose
            readings = alternatives(best, question.query)
            return _trusted(
                next((r for a in readings if (r := self._rank_from(a, wanted, question.query, passages))), None)
                or next((r for a in readings if (r := self._answer_from(a, question.query, passages))
                         and r.draft.refused), None), best)
        near_miss: TableAnswer | None = None
        for alternative in alternatives(best, question.query):
            answered = self._answer_from(alternative, question.query, passages)
            if answered is not None and not answered.draft.refused:
                return answered
            near_miss = near_miss or answered
        if not best.absent:
            # no row answers the pins: a value may belong in the other column that holds it; or (even where the pins
            # make a near miss) a value of several words may name one of an open column ("involving opioids")
            readings = self._moved(best, reads[best.table.table_id]) if near_miss is None else []
            readings += [r for a in alternatives(best, question.query) for r in unwrapped(a, self._codes(best.table))
                         if self.store.row_numbers(r.table.table_id, r.pinned)]
            for reading in readings:
                answered = self._answer_from(reading, question.query, passages)
                if answered is not None and not answered.draft.refused:
                    return answered
        return _trusted(near_miss, best)

    def _moved(self, found: Link, question: str) -> list[Link]:
        """The readings of `found` with a value moved to the other column holding it (table_links.moved), each linked
        by meaning again, and that with each pin by meaning dropped in turn (too unsure a reading to keep when the
        rows are not there)."""
        readings = []
        for reading in moved(found, self._codes(found.table)):
            extended = self.meaning.extend(question, reading) if self.meaning is not None else reading
            if extended.breakdown:
                continue
            readings.append(extended)
            readings.extend(replace(extended, pinned={k: v for k, v in extended.pinned.items() if k != dropped})
                            for dropped in extended.by_meaning)
        return [r for r in readings if self.store.row_numbers(r.table.table_id, r.pinned)]

    def _rows(self, found: Link) -> tuple[set[int], Link | None]:
        """The numbers of the rows that hold every pinned value, and the link a near miss is told from when they
        miss what the question asks: `found` when no row holds its pins; for a column pinned to several values the
        question names (`Link.each`), the link to the first of them that has no rows with the other pins (every
        value named must have rows, not only one of them); None when nothing is missed."""
        numbers = self.store.row_numbers(found.table.table_id, found.pinned)
        if not numbers:
            return numbers, found
        for column in (c for c in found.each if c in found.pinned):  # a reading may have dropped the column
            for value in found.pinned[column]:
                alone = {**found.pinned, column: [value]}
                if not self.store.row_numbers(found.table.table_id, alone):
                    return numbers, replace(found, pinned=alone, each=())
        return numbers, None

    def _answer_from(self, found: Link, question: str, passages: list[Passage]) -> TableAnswer | None:
        table = found.table
        profile = table.profile.columns
        if found.absent:  # the question asks for a year this table does not have
            return lacking(table, *min(found.absent, key=lambda a: specificity(profile[a[0]].values)))
        numbers, missed = self._rows(found)
        if missed is not None:
            return self._near_miss(missed)
        selected = self._select(found, question, numbers)
        return None if selected is None else written_answer(table, *selected, passages)

    def _select(self, found: Link, question: str, numbers: set[int],
                counts_by_default: bool = False) -> tuple[list[tuple[int, tuple[str, ...]]], list[int]] | None:
        """The rows that answer (the pinned ones, narrowed to counts or ratios and to the overall value of every
        column the question leaves open) and the columns whose figures answer; None when there are too many.
        `counts_by_default`: as `rows_in_asked_unit`'s."""
        table = found.table
        profile = table.profile.columns
        defaults = {i: c.overall for i, c in enumerate(profile) if c.overall and i not in found.pinned}
        if len(numbers) > _MAX_ROWS_READ:  # too many to read back: the defaults are applied in SQL
            numbers = self.store.row_numbers(table.table_id, {**found.pinned, **{i: [v] for i, v in defaults.items()}})
            if len(numbers) > _MAX_ROWS_READ:
                return None
        measures = [i for i, c in enumerate(profile) if c.numeric and not c.values]
        # a column the question names holds the answer only when it holds figures: "substances" naming a
        # Substance column of names pins nothing to quote
        asked = [i for i in found.named if profile[i].numeric] or measures
        # a row with nothing under the asked columns is a heading inside the table ("Sales:"), not an answer
        rows = [r for r in self.store.rows(table.table_id, numbers) if any(r[1][i].strip() for i in asked)]
        rows = rows_in_asked_unit(rows, question, table, counts_by_default)
        for i, overall in defaults.items():  # an unpinned column takes its overall value where rows have it
            narrowed = [r for r in rows if r[1][i] == overall]
            if narrowed:
                rows = narrowed
        if not rows or len(rows) > MAX_ROWS_SHOWN:
            return None
        return rows, asked

    def _change_from(self, found: Link, change: AskedChange, question: str,
                     passages: list[Passage]) -> TableAnswer | None:
        """The change (or average) of the two asked years worked out from the rows the link pins (one row with a
        column per year, or two rows alike but for their year: rag/table_arithmetic.py); a near-miss refusal when
        the table lacks a year; None otherwise."""
        if found.absent:
            return self._answer_from(found, question, passages)
        table = found.table
        for column, values in found.pinned.items():  # a year column pinned with one of the two years only
            missing = [y for y in (change.earlier, change.later) if y not in values]
            if len(missing) == 1 and {change.earlier, change.later} & set(values):
                return lacking(table, column, missing[0])
        numbers, missed = self._rows(found)
        if missed is not None:
            return self._near_miss(missed)
        selected = self._select(found, question, numbers, counts_by_default=True)  # "how much did X change": counts
        if selected is None:
            return None
        rows, measures = selected
        if len(rows) == 1:  # one row with a column per year, as a statement's
            return one_row(table, rows[0], change, passages)
        return two_rows(table, rows, measures[0], change, passages) if len(rows) == 2 and len(measures) == 1 else None

    def _rank_from(self, found: Link, wanted: Superlative, question: str,
                   passages: list[Passage]) -> TableAnswer | None:
        """The row with the highest (lowest) figure among the rows the question pins, across the column its "which"
        names, every other unpinned column at its overall value. None when the column or the figure is unclear, a
        value of the column has more than one such row, fewer than half its values have a row, or, for the lowest,
        a row has no figure (a suppressed count is small: it may be the lowest). Rows without a figure are named
        after the highest."""
        if found.absent:  # a year the table does not have: the same near-miss refusal as any other question's
            return self._answer_from(found, question, passages)
        table = found.table
        profile = table.profile.columns
        candidates = [(i, table.columns[i], c.values) for i, c in enumerate(profile)
                      if i not in found.pinned and c.values and not c.numeric and len(c.values) > 2]
        across = pick_column(wanted.subject, candidates, self.similarity, words)
        measure = measure_column(found, question)
        if across is None or measure is None:
            return None
        defaults = {i: [c.overall] for i, c in enumerate(profile)
                    if c.overall and i not in found.pinned and i != across}
        numbers = self.store.row_numbers(table.table_id, {**found.pinned, **defaults})
        if not numbers or len(numbers) > _MAX_ROWS_READ:
            return None
        overall = profile[across].overall
        rows = [r for r in self.store.rows(table.table_id, numbers) if r[1][across].strip() and r[1][across] != overall]
        rows = rows_in_asked_unit(rows, question, table, counts_by_default=True)
        categories = [v for v in profile[across].values if v.strip() and v != overall]
        if len({cells[across] for _, cells in rows}) != len(rows) or len(rows) < max(2, len(categories) / 2):
            return None  # another column still varies, or most of the column's values are not among the rows
        missing = [(n, cells) for n, cells in rows if parse_number(cells[measure]) is None]
        if missing and (not wanted.highest or len(missing) > MAX_ROWS_SHOWN):
            return None
        order = ranked(rows, measure, wanted.highest)
        if wanted.highest and len(order) >= 3:
            top, rest = parse_number(order[0][1][measure]) or 0.0, [parse_number(c[measure]) or 0.0 for _, c in order[1:]]
            if abs(top - sum(rest)) <= 0.02 * max(abs(top), 1.0):
                order = order[1:]  # the top row adds up the others: a total the profile did not mark as overall
        if len(order) < 2:
            return None
        shown = order[:2]
        lines = [render_row(table.columns, cells, number) for number, cells in [*shown, *missing]]
        passage = cited_passage(table, lines, shown[0][0], passages)
        text = (f"{named_where(table, passage)}: the {wanted.word} {table.columns[measure]} across "
                f"{table.columns[across]}, row {shown[0][0]}: {lines[0].split(': ', 1)[1]} [{passage.n}]")
        # each in a sentence of its own, so that the citation quotes each row
        text += f". Next, row {shown[1][0]}: {lines[1].split(': ', 1)[1]} [{passage.n}]"
        if missing:
            text += ". No figure in " + "; ".join(f"row {n}: {table.columns[across]} {cells[across]}, "
                                                   f"{table.columns[measure]} \"{cells[measure]}\"" for n, cells in missing)
            text += f" [{passage.n}]"
        return TableAnswer(Draft(text, refused=False, notes=("table_answer", "table_ranked")), passage)

    def _near_miss(self, found: Link) -> TableAnswer | None:
        """No row holds every pinned value, but dropping one pin finds rows: a refusal that says which value the
        table lacks and which it has instead ("no row for Year 2016; it has 2018, 2019, ...")."""
        if len(found.pinned) < 2:
            return None
        table = found.table
        # drop the most specific pin first (a year before a substance): that is the value most likely missing
        for column, values in sorted(found.pinned.items(),
                                     key=lambda item: specificity(table.profile.columns[item[0]].values)):
            others = {c: v for c, v in found.pinned.items() if c != column}
            numbers = sorted(self.store.row_numbers(table.table_id, others))[:_MAX_ROWS_READ]
            if not numbers:
                continue
            present = list(dict.fromkeys(cells[column] for _, cells in self.store.rows(table.table_id, numbers)))
            nearest = nearest_values(values[0], [p for p in present if p.strip()])
            if not nearest:
                continue
            name = table.columns[column]
            reason = (f"{table.label} has no row for {name} {' or '.join(values)}"
                      f"{' with ' + describe(table, others) if others else ''}; it has {name} "
                      f"{', '.join(nearest)}.")
            return TableAnswer(Draft("", refused=True, notes=("table_near_miss",), reason=reason), None)
        return None

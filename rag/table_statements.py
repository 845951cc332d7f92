"""Answers from tables whose first column names their rows (rag/table_rows.py reads them): the row a question names,
quoted with its section and its columns as they apply to it, or the rows under a heading it asks about."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from crossbrief.index.documents import render_row
from crossbrief.index.table_store import StoredTable, TableStore
from crossbrief.rag.arithmetic import asked_arithmetic, states_change
from crossbrief.rag.models import Draft, Passage
from crossbrief.rag.table_arithmetic import row_sentence
from crossbrief.rag.table_rows import (ReadRow, RowMatch, SectionMatch, best_row, best_section, is_figure, names_rows,
                                        read_rows)
from crossbrief.rag.question_types import ASKS_CHANGE, CHANGE_WORDS
from crossbrief.rag.table_text import YEAR, TableAnswer, cited_passage, introduced_as, named_where, words


# the words of a question for a change that ask for the arithmetic, not for a row ("percentage change in X", "the
# nominal difference")
CHANGE_TERMS = words(CHANGE_WORDS.replace("|", " ") + " percentage percent average mean nominal absolute")
# the words of a multiple ("how many times more", "by what factor"), words for the arithmetic only there ("response
# time" is a row's)
_RATIO_TERMS = words("times multiple factor more many")


def operation_words(operation: str) -> set[str]:
    """The words of a question that ask for its arithmetic, not for a row: a change's or an average's
    ("percentage change", "the average X"), and for a multiple its own ("how many times more")."""
    return CHANGE_TERMS | (_RATIO_TERMS if operation == "ratio" else set())
# a table that names its rows, with its rows as read (rag/table_rows.py)
Statement = tuple[StoredTable, list[ReadRow]]


@dataclass(frozen=True)
class RowOutcome:
    """A row named in a table that names its rows: its answer, or None when the question asks what the row does
    not hold (another year, a change), left to the prose answerer rather than to filtering."""

    answer: TableAnswer | None


def _holds_year(row: ReadRow, years: set[str]) -> bool:
    """Whether a year asked heads one of the row's columns or its block, or stands in its label, section or cells."""
    return bool(years & words(" ".join([*row.columns[1:], row.heading, row.section, *row.cells])))


@dataclass
class StatementReader:
    """Reads the tables that name their rows. A row must lead the next by `min_margin` and its words, headings and
    columns cover `min_coverage` of the question (generation.table_row_margin / table_row_min_coverage)."""

    store: TableStore
    min_coverage: float = 0.7
    min_margin: float = 0.25

    def read(self, tables: list[StoredTable]) -> list[Statement]:
        """The tables that name their rows, each with its rows read from the store (once per question)."""
        return [(table, read_rows(table.columns, self.store.rows(table.table_id, range(1, table.n_rows + 1))))
                for table in tables if names_rows(table.profile, table.n_rows)]

    def read_row(self, question: str, statements: list[Statement], order: dict[str, int],
                 passages: list[Passage], tables_of: Counter[str] | None = None) -> RowOutcome | None:
        """The row a question names in a table whose first column names its rows, read with its section and its
        columns' headings (rag/table_rows.py); None when no such table has a row named clearly enough."""
        asked = words(question)
        arithmetic = asked_arithmetic(question)
        if arithmetic is not None:
            # "the percentage change in X", "the average X", "how many times more X": words for the arithmetic
            asked -= operation_words(arithmetic.operation)
        matches: list[tuple[RowMatch, StoredTable]] = []
        # how many tables each source holds (`tables_of`, as the caller read them; else those that name their rows)
        counts = tables_of if tables_of is not None else Counter(t.source for t, _ in statements)
        years = {w for w in asked if YEAR.match(w)}
        # the best retrieval rank of a source with rows the question names, none clearly, under the year asked
        unclear = len(order)
        for table, rows in statements:
            found = best_row(asked, rows, words, frozenset(introduced_as(table, passages, counts[table.source] == 1)))
            if found is not None and found.coverage >= self.min_coverage:
                if found.margin >= self.min_margin:
                    matches.append((found, table))
                elif not years or _holds_year(found.row, years):
                    unclear = min(unclear, order.get(table.source, len(order)))
        if not matches:
            return None
        if unclear < min(order.get(t.source, len(order)) for _, t in matches):
            # the best-retrieved source names rows "prepaid expenses" and "total prepaid expenses" alike: that is
            # the table asked of, to be read by its links (rag/tables.py), not another source's clearer row
            return None
        dated = [m for m in matches if not years or _holds_year(m[0].row, years)]
        if not dated:
            return RowOutcome(None)  # the row is named, the year asked heads none of its columns: the prose may say
        # the best-retrieved source among the tables whose row label the question says (nearly) as fully as the
        # best one's (scores weigh words within a table, so they do not compare across tables); one whose row and
        # headings account for the question before one that needs its introduction to
        top = max(m.said for m, _ in dated)
        found, table = min((m for m in dated if m[0].said >= 0.8 * top),
                           key=lambda m: (m[0].own_coverage < self.min_coverage, order.get(m[1].source, len(order)),
                                          -m[0].said))
        row = found.row
        unnamed_change = ASKS_CHANGE.search(question) is not None and not states_change(row.columns, row.cells,
                                                                                        arithmetic)
        # a change no column names, an average or a multiple: worked out from the row's two years when it has one figure for
        # each (rag/arithmetic.py); a change that cannot be is left to the prose
        stated = row_sentence(row.columns, row.cells, arithmetic) \
            if arithmetic is not None and (unnamed_change or arithmetic.operation in ("average", "ratio")) else None
        if unnamed_change and stated is None:
            return RowOutcome(None)
        asked_columns = [i for i in range(1, len(row.columns)) if years & words(row.columns[i])]
        lines = self._quoted(table, row.section_rows, [row])
        passage = cited_passage(table, lines, row.number, passages)
        where = named_where(table, passage)
        under = f" (under \"{row.section}\")" if row.section else ""
        quoted = f"{where}, row {row.number}{under}: {lines[-1].split(': ', 1)[1]} [{passage.n}]"
        notes: tuple[str, ...] = ("table_answer", "table_row_read")
        if stated is not None and arithmetic is not None:
            text = f"{quoted} {stated} [{passage.n}]"
            notes = ("table_answer", f"table_{arithmetic.operation}_computed")  # table_change_computed, ..._average_...
        elif asked_columns and not any(is_figure(row.cells[i]) for i in asked_columns):
            marks = ", ".join(f"{row.columns[i]} \"{row.cells[i]}\"" for i in asked_columns if row.cells[i].strip())
            text = f"The table gives no figure here: the value is suppressed or missing ({marks or 'blank'}) in {quoted}"
        else:
            text = quoted
        return RowOutcome(TableAnswer(Draft(text, refused=False, notes=notes), passage))

    def read_section(self, question: str, statements: list[Statement], order: dict[str, int],
                     passages: list[Passage]) -> TableAnswer | None:
        """The rows under the heading a question names, listed by their labels, for a question about what the
        heading is made of; None when no heading of a table that names its rows is named clearly enough."""
        asked = words(question)
        matches: list[tuple[SectionMatch, StoredTable]] = []
        for table, rows in statements:
            found = best_section(asked, rows, words)
            if found is not None and found.margin >= self.min_margin:
                matches.append((found, table))
        if not matches:
            return None
        found, table = min(matches, key=lambda m: (order.get(m[1].source, len(order)), -m[0].score))
        lines = self._quoted(table, found.rows[0].section_rows, list(found.rows))
        passage = cited_passage(table, lines, found.rows[0].number, passages)
        # each row by its own number: a range ("rows 5-6") would read as a figure the passage does not hold
        text = (f"{named_where(table, passage)}, under \"{found.section}\": "
                f"{'; '.join(f'row {r.number} {r.label}' for r in found.rows)} [{passage.n}]")
        return TableAnswer(Draft(text, refused=False, notes=("table_answer", "table_section_read")), passage)

    def _quoted(self, table: StoredTable, section_rows: tuple[int, ...], rows: list[ReadRow]) -> list[str]:
        """The lines an answer quotes: its section's heading rows as the table has them, then its rows with their
        columns as they apply to them."""
        headings = self.store.rows(table.table_id, section_rows)
        return [*(render_row(table.columns, cells, number) for number, cells in headings),
                *(render_row(r.columns, r.cells, r.number) for r in rows)]

"""Figures a table answer works out: the change (or average, or multiple) of one measure between two years, from one row with a
column per year or from two rows of records alike but for their year, quoted with the sentence rag/arithmetic.py
writes (which rag/citations.py re-checks by the same rules: `year_cells`, `is_year_cell`)."""

from __future__ import annotations

from collections.abc import Sequence

from crossbrief.index.documents import render_row
from crossbrief.index.table_store import StoredTable
from crossbrief.rag.arithmetic import AskedChange, both_figures, is_year_cell, state, states_change, year_cells
from crossbrief.rag.models import Draft, Passage
from crossbrief.rag.table_text import TableAnswer, cited_passage, named_where, words

Row = tuple[int, tuple[str, ...]]


def _answer(table: StoredTable, rows: list[Row], stated: str, change: AskedChange,
            passages: list[Passage]) -> TableAnswer:
    lines = [render_row(table.columns, cells, number) for number, cells in rows]
    passage = cited_passage(table, lines, rows[0][0], passages)
    quoted = ". ".join(f"{'row' if i == 0 else 'Row'} {number}: {line.split(': ', 1)[1]} [{passage.n}]"
                       for i, ((number, _), line) in enumerate(zip(rows, lines)))
    separator = ". " if len(rows) > 1 else " "
    text = f"{named_where(table, passage)}, {quoted}{separator}{stated} [{passage.n}]"
    # table_change_computed, table_average_computed, table_ratio_computed
    notes = ("table_answer", f"table_{change.operation}_computed")
    return TableAnswer(Draft(text, refused=False, notes=notes), passage)


def row_sentence(columns: Sequence[str], cells: Sequence[str], change: AskedChange) -> str | None:
    """The sentence working out the change (or average) of a row's two asked years' columns; None when the row is one
    of averages ("the average X" names it: read, not averaged), it states the change asked itself (read, not worked
    out again: `states_change`), or its years' cells are not one number each."""
    if change.operation == "average" and any({"average", "mean"} & words(cell) for cell in cells):
        return None
    if change.operation == "change" and states_change(columns, cells, change):
        return None
    found = year_cells(columns, cells, change)
    return None if found is None else state(found[0], found[1], change)


def one_row(table: StoredTable, row: Row, change: AskedChange, passages: list[Passage]) -> TableAnswer | None:
    """One row quoted with the change (or average) of its two asked years' columns, or None."""
    stated = row_sentence(table.columns, row[1], change)
    return None if stated is None else _answer(table, [row], stated, change, passages)


def two_rows(table: StoredTable, rows: list[Row], measure: int, change: AskedChange,
             passages: list[Passage]) -> TableAnswer | None:
    """The two rows of records of the asked years, quoted, with the change (or average) of their `measure` figures;
    None unless they are alike but for a year cell and their figures (a table with a column per measure, "Year |
    Deaths | Hospitalizations", has other measures' figures differing too)."""
    dated = {year: [r for r in rows if any(is_year_cell(cell, year) for cell in r[1])]
             for year in (change.earlier, change.later)}
    if any(len(found) != 1 for found in dated.values()) or dated[change.earlier] == dated[change.later]:
        return None
    (first_number, first), (second_number, second) = dated[change.earlier][0], dated[change.later][0]
    years = [i for i in range(len(first))
             if is_year_cell(first[i], change.earlier) and is_year_cell(second[i], change.later)]
    if any(first[i] != second[i] and not both_figures(first[i], second[i])
           for i in range(len(first)) if i != measure and i not in years):
        return None  # the rows differ in more than their year and figures: not one measure's two figures
    stated = state(first[measure], second[measure], change)
    if stated is None:
        return None
    return _answer(table, [(first_number, first), (second_number, second)], stated, change, passages)

"""Changes between two cited figures: the question read, the sentence written, and the sentence read back and
re-checked by the figure checker (rag/arithmetic.py, rag/citations.py)."""

from __future__ import annotations

import pytest

from crossbrief.rag.arithmetic import AskedChange, asked_arithmetic, asked_change, state, state_change, stated_changes
from crossbrief.rag.citations import check_answer
from crossbrief.rag.models import Passage


@pytest.mark.parametrize(("question", "years"), [
    ("What is the change in Other in 2019 from 2018?", ("2018", "2019")),
    ("What was the percentage change in X between 2019 and 2018?", ("2018", "2019")),
    ("How much did sales increase from 2016 to 2018?", ("2016", "2018")),
    ("What was the increase / (decrease) in fees from 2018 to 2019?", ("2018", "2019")),
])
def test_a_question_for_a_change_between_two_years_is_read_earlier_first(question: str,
                                                                          years: tuple[str, str]) -> None:
    asked = asked_change(question)
    assert asked is not None and (asked.earlier, asked.later) == years


@pytest.mark.parametrize("question", ["How much did sales increase in 2019?", "What were sales in 2018 and 2019?",
                                      "What was the change in sales from 2017 to 2018 to 2019?",
                                      "What changed in the city in 2021 compared to 2020?"])
def test_no_change_is_read_without_a_change_word_and_exactly_two_years(question: str) -> None:
    assert asked_change(question) is None


def test_the_sentence_states_the_difference_and_the_percentage_and_reads_back_signed() -> None:
    asked = AskedChange("2018", "2019")
    assert state_change("56.7", "44.1", asked) == "From 56.7 in 2018 to 44.1 in 2019: a decrease of 12.6 (22.22%)."
    assert state_change("$ 110,360", "$ 125,843", asked) == \
        "From $110,360 in 2018 to $125,843 in 2019: an increase of $15,483 (14.03%)."
    assert state_change("$(3,908)", "$1,200", asked) == \
        "From $(3,908) in 2018 to $1,200 in 2019: an increase of $5,108 (130.71%)."  # the negative as the cell sets it
    # two percentages differ by percentage points
    assert state_change("40.1%", "41.5%", asked) == \
        "From 40.1% in 2018 to 41.5% in 2019: an increase of 1.4 percentage points (3.49%)."
    assert state_change("0", "5", asked) == "From 0 in 2018 to 5 in 2019: an increase of 5."
    assert state_change("12", "12", asked) == "From 12 in 2018 to 12 in 2019: no change."
    assert state_change("n/a", "12", asked) is None
    (read,) = stated_changes(f"Row 3 [1] {state_change('56.7', '44.1', asked)} [1]")
    assert (read.first, read.second, read.difference, read.percent, read.holds) == (56.7, 44.1, -12.6, -22.22, True)
    (wrong,) = stated_changes("From 56.7 in 2018 to 44.1 in 2019: a decrease of 13.6 (22.22%).")
    assert not wrong.holds
    for first, second in (("$(3,908)", "$1,200"), ("40.1%", "41.5%"), ("(494)", "1,663")):
        (back,) = stated_changes(state_change(first, second, asked) or "")
        assert back.holds and back.difference is not None and back.difference > 0


def _row_passage(text: str = "Row 3: Other; 2019: 44.1; 2018: 56.7\nRow 4: Fees; 2019: 7.5; 2018: 9.0") -> Passage:
    return Passage(n=1, chunk_id="c1", text=text, source="/r.csv", title="Report", date=None, page=None, heading="",
                   start=0, end=len(text), dense_score=0.7, bm25_score=1.0, fused_score=0.1)


@pytest.mark.parametrize(("sentence", "supported"), [
    ("From 56.7 in 2018 to 44.1 in 2019: a decrease of 12.6 (22.22%). [1]", True),
    ("From 56.7 in 2018 to 44.1 in 2019: a decrease of 13.6 (22.22%). [1]", False),  # the arithmetic is wrong
    ("From 56.8 in 2018 to 44.2 in 2019: a decrease of 12.6 (22.18%). [1]", False),  # the inputs are not cited
    ("From 44.1 in 2018 to 56.7 in 2019: an increase of 12.6 (28.57%). [1]", False),  # each under the other's year
    ("From 56.7 in 2018 to 7.5 in 2019: a decrease of 49.2 (86.77%). [1]", False),  # the second from another row
])
def test_the_checker_recomputes_a_stated_change(sentence: str, supported: bool) -> None:
    checked = check_answer(sentence, [_row_passage()])
    computed = [f for f in checked.figures if f.computed]
    assert [f.text for f in computed] == [sentence.split("of ")[1].split(" ")[0], sentence.split("(")[1].split(")")[0]]
    assert all(f.supported is supported for f in computed)
    assert computed[0].as_dict()["computed"] is True


def test_a_stated_change_is_flagged_whole_when_it_is_not_the_rows_and_rows_of_records_are_read_by_year() -> None:
    unchanged = check_answer("From 56.7 in 2018 to 44.1 in 2019: no change. [1]", [_row_passage()])
    assert all(f.supported is False for f in unchanged.figures), "a wrong 'no change' is flagged, figures and years"
    records = _row_passage("Row 1: Place: Lakeside; Year: 2020; Value: -40\nRow 2: Place: Lakeside; Year: 2021; "
                           "Value: 30\nRow 3: Place: Hillside; Year: 2021; Value: 55")
    right = check_answer("From -40 in 2020 to 30 in 2021: an increase of 70 (175.00%). [1]", [records])
    assert all(f.supported for f in right.figures) and [f.text for f in right.figures if f.computed] == ["70", "175.00%"]
    for wrong in ("From 40 in 2020 to 30 in 2021: a decrease of 10 (25.00%). [1]",  # the sign dropped
                  "From -40 in 2020 to 55 in 2021: an increase of 95 (237.50%). [1]"):  # another place's row
        assert not any(f.supported for f in check_answer(wrong, [records]).figures if f.computed), wrong


@pytest.mark.parametrize(("question", "years"), [
    ("What is the average inventory for 2018 and 2019?", ("2018", "2019")),
    ("What was the mean fee in 2019 and 2018?", ("2018", "2019")),
    ("What was the average fee between 2018 and 2019?", ("2018", "2019")),
])
def test_an_average_of_two_years_is_read(question: str, years: tuple[str, str]) -> None:
    asked = asked_arithmetic(question)
    assert asked is not None and asked.operation == "average" and (asked.earlier, asked.later) == years


@pytest.mark.parametrize("question", ["What was the average fee for 2017-2019?",  # a range: three years
                                      "What was the average fee between 2017 and 2019?",
                                      "What was the change in the average fee from 2018 to 2019?"])
def test_no_average_of_two_years_is_read_from_a_range_or_a_change(question: str) -> None:
    asked = asked_arithmetic(question)
    assert asked is None or asked.operation == "change"


def test_an_average_is_stated_to_one_more_place_and_rechecked() -> None:
    asked = AskedChange("2018", "2019", "average")
    assert state("93.8", "120.5", asked) == "The average of 93.8 in 2018 and 120.5 in 2019 is 107.15."
    assert state("429", "911", asked) == "The average of 429 in 2018 and 911 in 2019 is 670."
    assert state("4.6%", "4.5%", asked) == "The average of 4.6% in 2018 and 4.5% in 2019 is 4.55%."
    right = check_answer("The average of 56.7 in 2018 and 44.1 in 2019 is 50.4. [1]", [_row_passage()])
    assert all(f.supported for f in right.figures) and [f.text for f in right.figures if f.computed] == ["50.4"]
    wrong = check_answer("The average of 56.7 in 2018 and 44.1 in 2019 is 51.4. [1]", [_row_passage()])
    assert not any(f.supported for f in wrong.figures)


@pytest.mark.parametrize(("question", "years", "base"), [
    ("How many times more deaths were there in 2023 than in 2016?", ("2016", "2023"), "2016"),
    ("How many times more seizures were there in 2019 than in 2022?", ("2019", "2022"), "2022"),
    ("How many times as many deaths were there in 2023 as in 2016?", ("2016", "2023"), "2016"),
    ("By what factor did sales grow between 2016 and 2018?", ("2016", "2018"), "2016"),
])
def test_a_multiple_of_two_years_is_read_with_the_year_it_is_of(question: str, years: tuple[str, str],
                                                                 base: str) -> None:
    asked = asked_arithmetic(question)
    assert asked is not None and asked.operation == "ratio" and (asked.earlier, asked.later) == years
    assert asked.base == base


@pytest.mark.parametrize("question", [
    "How many times more deaths did Norland record than Sudmark in 2022 and 2023, respectively?",
    "How many times more deaths were there in 2019-2023 than before?",
])
def test_no_multiple_of_two_years_is_read_from_each_years_own_or_a_range(question: str) -> None:
    asked = asked_arithmetic(question)
    assert asked is None or asked.operation != "ratio"


def test_a_multiple_is_stated_of_its_base_year_to_two_places_and_rechecked() -> None:
    asked = AskedChange("2018", "2019", "ratio", base="2018")
    assert state("44.1", "56.7", asked) == "56.7 in 2019 is 1.29 times 44.1 in 2018."
    assert state("300", "100", AskedChange("2018", "2019", "ratio", base="2019")) == "300 in 2018 is 3.00 times 100 in 2019."
    assert state("0", "56.7", asked) is None and state("-4", "5", asked) is None  # no multiple of zero or across 0
    assert state("1,000", "1", asked) is None  # rounds to nothing
    counted = asked_arithmetic("How many times did sales rise between 2018 and 2019?")  # a count, not a multiple
    assert counted is not None and counted.operation == "change"
    right = check_answer("44.1 in 2019 is 0.78 times 56.7 in 2018. [1]", [_row_passage()])
    assert all(f.supported for f in right.figures) and [f.text for f in right.figures if f.computed] == ["0.78"]
    for wrong in ("44.1 in 2019 is 0.87 times 56.7 in 2018. [1]",  # the arithmetic is wrong
                  "44.1 in 2018 is 0.78 times 56.7 in 2019. [1]",  # each under the other's year
                  "44.1 in 2019 is 0.78 times 56.8 in 2018. [1]"):  # an input not cited
        checked = check_answer(wrong, [_row_passage()])
        assert [f.supported for f in checked.figures if f.computed] == [False], wrong


def _rows(*rows: str) -> Passage:
    return _row_passage("\n".join(rows))


@pytest.mark.parametrize(("passages", "sentence"), [
    # rows of two tables (two passages) are never paired
    ([_rows("Row 1: Place: North; Year: 2018; Value: 429"), _rows("Row 1: Place: North; Year: 2019; Value: 911")],
     "From 429 in 2018 to 911 in 2019: an increase of 482 (112.35%). [1, 2]"),
    # a column naming both years is neither year's
    ([_rows("Row 1: Item: Sales; Change 2018 to 2019: 482; 2019: 911")],
     "From 482 in 2018 to 911 in 2019: an increase of 429 (89.00%). [1]"),
    # two columns name a year: no one figure is the year's
    ([_rows("Row 1: Item: Sales; 2018 Q1: 10; 2018 Q4: 20; 2019 Q1: 30; 2019 Q4: 40")],
     "The average of 10 in 2018 and 40 in 2019 is 25. [1]"),
    # a year inside a label is not the row's year
    ([_rows("Row 1: Site: clinic opened 2018; Value: 429", "Row 2: Site: clinic opened 2019; Value: 911")],
     "The average of 429 in 2018 and 911 in 2019 is 670. [1]"),
    # a figure is matched to its cell's places, however large
    ([_rows("Row 1: Item: Sales; 2018: 10,000,000,000; 2019: 12,345,678,901")],
     "From 10,000,000,009 in 2018 to 12,345,678,901 in 2019: an increase of 2,345,678,892 (23.46%). [1]"),
])
def test_the_checker_is_as_strict_as_the_answerers_that_write_the_sentences(passages: list[Passage],
                                                                            sentence: str) -> None:
    passages = [Passage(**{**p.__dict__, "n": i + 1, "chunk_id": f"c{i + 1}"}) for i, p in enumerate(passages)]
    checked = check_answer(sentence, passages)
    assert not any(f.supported for f in checked.figures if f.computed), [(f.text, f.supported) for f in checked.figures]


def test_a_column_name_holding_a_colon_still_reads_its_cell() -> None:
    checked = check_answer("The average of 429 in 2018 and 911 in 2019 is 670. [1]",
                           [_rows("Row 1: Item: Sales; Dec. 31: 2019: 911; Dec. 31: 2018: 429")])
    assert all(f.supported for f in checked.figures)


@pytest.mark.parametrize("question", ["What was the weighted average price in 2018 and 2019?",
                                      "What were the average rates in 2018 and 2019 respectively?",
                                      "What was the average age in 2019, compared with 2018?",
                                      "In 2019, what was the average count since 2015?"])
def test_questions_for_each_years_figure_or_a_longer_span_are_not_averages(question: str) -> None:
    assert asked_arithmetic(question) is None


def test_a_label_column_naming_a_year_a_heading_with_figures_and_negative_averages_are_read_right() -> None:
    # the label column's name holds a year: it is no year's column
    labelled = check_answer("From 110.0 in 2018 to 120.5 in 2019: an increase of 10.5 (9.55%). [1]",
                            [_rows("Row 2: As at 30 June 2019: Trade receivables; 2019: 120.5; 2018: 110.0")])
    assert all(f.supported for f in labelled.figures)
    # a negative average is written in brackets, read as a figure, checked and named as worked out
    stated = state("$ 300", "$(1,200)", AskedChange("2018", "2019", "average"))
    assert stated == "The average of $300 in 2018 and $(1,200) in 2019 is ($450)."
    negative = check_answer(f"{stated} [1]", [_rows("Row 1: Item: Fees; 2018: $ 300; 2019: $(1,200)")])
    assert [f.text for f in negative.figures if f.computed] == ["$450"] and all(f.supported for f in negative.figures)
    # a comma after a figure is not part of it
    (back,) = stated_changes("From 1,100 in 2018 to 1,200 in 2019: an increase of 100, or 9.09%.")
    assert back.difference == 100.0


def test_a_table_answer_names_its_table_by_a_heading_the_checker_reads() -> None:
    passage = Passage(n=1, chunk_id="c1", text="Row 1: Column 1: Retail; 2019: 613", source="/r.csv", title="Report",
                      date=None, page=None, heading="Note 14 (in 2019 dollars)", start=0, end=10, dense_score=None,
                      bm25_score=None, fused_score=0.0)
    checked = check_answer("Note 14 (in 2019 dollars), row 1: Column 1: Retail; 2019: 613 [1]", [passage])
    assert all(f.supported for f in checked.figures)


def test_a_year_heading_two_column_groups_names_the_one_the_row_fills() -> None:
    from crossbrief.index.documents import render_row
    from crossbrief.rag.arithmetic import year_cells

    columns = ("", "Earnings 2018", "2019", "Dividend per share 2018", "2019")
    asked = AskedChange("2018", "2019")
    filled = ("Legal reserve", "$707,299", "$963,947", "", "")
    assert year_cells(columns, filled, asked) == ("$707,299", "$963,947")
    assert year_cells(columns, ("Cash dividends", "6,916", "9,765", "$0.58", "$0.75"), asked) is None  # two each
    # the checker reads the cited row, which leaves the blank columns out, by the same rule
    sentence = state("$707,299", "$963,947", asked)
    assert sentence is not None
    row = render_row(columns, filled, 1)
    passage = Passage(n=1, chunk_id="t", text=f"Table: Reserves\n{row}", source="/r.csv", title="Reserves",
                      date=None, page=None, heading="", start=0, end=0)
    checked = check_answer(f"{row} [1] {sentence} [1]", [passage])
    assert all(f.supported for f in checked.figures) and any(f.computed for f in checked.figures)

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crossbrief.rag.figures import check_figures, extract_figures, parse_expected


def one(text: str):  # type: ignore[no-untyped-def]
    figures = extract_figures(text)
    assert len(figures) == 1, (text, figures)
    return figures[0]


@pytest.mark.parametrize(
    ("text", "kind", "value", "unit", "qualifier"),
    [
        ("25%", "percent", 25, "%", ""),
        ("25 percent", "percent", 25, "%", ""),
        ("25 per cent", "percent", 25, "%", ""),
        ("US$1.3 billion", "money", 1.3e9, "USD", ""),
        ("$1.3bn", "money", 1.3e9, "$", ""),
        ("1.3 billion dollars", "money", 1.3e9, "$", ""),
        ("$200M", "money", 2e8, "$", ""),
        ("C$1.3 billion", "money", 1.3e9, "CAD", ""),
        ("100,000", "count", 100_000, "", ""),
        ("100 000", "count", 100_000, "", ""),
        ("eleven", "count", 11, "", ""),
        ("two", "count", 2, "", ""),
        ("more than 600", "count", 600, "", ">"),
        ("well under 1%", "percent", 1, "%", "<"),
        ("at least 75%", "percent", 75, "%", ">="),
        ("nearly 2,000", "count", 2000, "", "~<"),
        ("2006", "year", 2006, "", ""),
        ("48 hours", "duration", 48, "hour", ""),
        ("30 days", "duration", 30, "day", ""),
        ("21 deaths a day", "rate", 21, "per day", ""),
        ("10 kilograms", "quantity", 10, "kg", ""),
        ("two milligrams", "quantity", 2, "mg", ""),
        ("5 micrograms", "quantity", 5, "mcg", ""),
    ],
)
def test_every_documented_form_is_parsed_and_normalised(text: str, kind: str, value: float, unit: str,
                                                         qualifier: str) -> None:
    figure = one(f"The report says {text} in total.")
    assert (figure.kind, figure.value, figure.unit, figure.qualifier) == (kind, pytest.approx(value), unit, qualifier)
    assert figure.text.endswith(text.split()[-1])


def test_ranges_and_dates() -> None:
    rng = one("between 44 to 66 pounds")
    assert (rng.kind, rng.value, rng.high, rng.unit) == ("quantity", 44, 66, "pound")
    # a change and the level it reached are two figures, not a range (both were lost, so left unchecked)
    assert [(f.text, f.kind) for f in extract_figures("Costs rose 5% to $3 million.")] == [
        ("5%", "percent"), ("$3 million", "money")]
    assert [(f.text, f.kind) for f in extract_figures("from $5 to 8%")] == [("$5", "money"), ("8%", "percent")]
    assert [(f.text, f.kind) for f in extract_figures("Deaths fell 27% to 80,391 in 2031.")] == [
        ("27%", "percent"), ("80,391", "count"), ("2031", "year")]
    assert [f.text for f in extract_figures("up 5% to 30 tons")] == ["5%", "30 tons"]
    assert one("between 10% to 15%").high == 15
    assert one("between $5 to 10 million").high == 10_000_000
    assert one("on February 4, 2025").matches(one("on 4 February 2025"))
    assert one("on 1 February 2025").matches(one("dated 2025-02-01"))
    assert not one("on 1 February 2025").matches(one("on February 4, 2025"))


def test_a_day_of_a_month_without_its_year_is_a_date_not_a_count() -> None:
    """"On Tuesday, March 4, tariffs were issued" answers "when"; the 4 is no count. A lower-case "may" is a verb."""
    [day] = extract_figures("On Tuesday, March 4, tariffs were issued on widgets.")
    assert (day.text, day.kind, day.unit) == ("March 4", "date", "month_day")
    assert extract_figures("On June 14, the ministers met.")[0].kind == "date"
    assert [f.kind for f in extract_figures("They may 5 times refuse.")] == ["count"]
    assert [f.unit for f in extract_figures("March 4, 2025 and March 2025")] == ["day", "month"]
    assert all(f.kind != "date" for f in extract_figures("February 30 came"))  # no such day
    # a month followed by a share or an amount is no day of it
    assert [f.kind for f in extract_figures("In March 25% of widgets were taxed.")] == ["percent"]
    assert [(f.text, f.kind) for f in extract_figures("In May 5 million people were screened.")] == [
        ("5 million", "count")]


def test_a_year_is_not_a_count_and_a_rate_is_not_a_percentage() -> None:
    assert not one("in 2006").matches(one("2,006 seizures"))
    assert not one("21 deaths a day").matches(one("21%"))
    assert not one("25%").matches(one("25 groups"))


def test_a_currency_sign_set_apart_from_its_number_is_money() -> None:
    assert one("$ 1,200").matches(one("$1,200")) and one("$ 1,200").kind == "money"


def test_equal_values_in_other_forms_match() -> None:
    assert one("$1.3bn").matches(one("US$1.3 billion"))
    assert one("1,300 million dollars").matches(one("US$1.3 billion"))
    assert one("8,020").matches(one("Value: 8020"))
    assert one("eleven").matches(one("11 substances"))
    assert not one("87%").matches(one("85%"))
    assert not one("C$1.3 billion").matches(one("US$1.3 billion"))


def test_citation_markers_list_numbers_and_codes_are_not_figures() -> None:
    assert extract_figures("See [1] and [2, 3]. G7, FY23, COVID-19 and the 1950s.") == []
    assert [f.value for f in extract_figures("1. First point has 25%\n2. Second")] == [25]


def test_a_number_after_a_code_is_read_on_its_own() -> None:
    # "Q4 2025" is a quarter and the year 2025, not a code followed by "4 2025"
    assert [(f.kind, f.value) for f in extract_figures("Deaths in Q4 2025: 1,234.")] == [("year", 2025), ("count", 1234)]
    assert [(f.kind, f.value) for f in extract_figures("H1 2024 rose 3%")] == [("year", 2024), ("percent", 3)]
    assert [f.kind for f in extract_figures("US$1.3 billion")] == ["money"]  # a currency code before its sign stays
    assert [(f.kind, f.value) for f in extract_figures("USD5 billion was laundered")] == [("money", 5e9)]
    assert extract_figures("R2,000 fine") == [] and extract_figures("KES50,000") == []  # no stray 0 after a code


def test_check_figures_marks_unsupported() -> None:
    checked = check_figures(extract_figures("The tariff is 25% and the plan is US$2 billion."),
                            "A 25% tariff; a US$1.3 billion plan.")
    assert [(f.text, f.supported) for f in checked] == [("25%", True), ("US$2 billion", False)]


def test_parse_expected_needs_exactly_one_figure() -> None:
    assert parse_expected("more than 600").qualifier == ">"
    with pytest.raises(ValueError):
        parse_expected("25% and 35%")


@given(st.integers(min_value=0, max_value=10**9))
def test_thousands_separators_never_change_a_count(n: int) -> None:
    grouped = f"{n:,}"
    spaced = grouped.replace(",", " ")
    a, b = one(f"seized {grouped} doses"), one(f"seized {spaced} doses")
    assert a.value == b.value == n or (a.kind == "year" and 1900 <= n <= 2100)


@given(st.floats(min_value=0, max_value=100, allow_nan=False).map(lambda x: round(x, 1)))
def test_percent_forms_agree(value: float) -> None:
    text = f"{value:g}"
    forms = [f"{text}%", f"{text} percent", f"{text} per cent"]
    figures = [one(f"a share of {form} overall") for form in forms]
    assert all(f.kind == "percent" and f.value == pytest.approx(value) for f in figures)


def test_a_quote_of_hard_wrapped_prose_is_supported_by_its_passage() -> None:
    """An answer quotes a sentence with its line breaks as spaces: a figure a wrapped line splits ("to 2031\\n
    dollars") is read from the passage as quoted ("2031 dollars"), and a year opening a line is no list number."""
    from crossbrief.rag.citations import check_answer
    from crossbrief.rag.models import Passage
    text = ("We adjusted the $10.1 million value to 2031\n    dollars ($13.0 million per life). The rule expires on"
            " December 31,\n    2031.  Wardens asked for more.")
    passage = Passage(n=1, chunk_id="c1", text=text, source="/notes/a.md", title="Notes", date="2031-05-01",
                      page=None, heading="", start=0, end=len(text))
    checked = check_answer("We adjusted the $10.1 million value to 2031 dollars ($13.0 million per life). The rule "
                           "expires on December 31, 2031. [1]", [passage])
    assert checked.figures and all(f.supported for f in checked.figures), checked.figures


@pytest.mark.parametrize("text, figures", [
    ("(2) the routes by which grain reaches 3 ports", ["3"]),
    ("as section 2(a) and section 2(b) of the order set out", []),
    ("under section 1702(a)(1)(B) of the Harbour Act", []),
    ("goods of title 19, part 102 of the Code, at 25%", ["25%"]),
    ("subsection (a)(i) names 40 wardens", ["40"]),
    ("§ 12 applies to 10 ferries", ["10"]),
    ("a 25% (5 points) rise in 2031", ["25%", "5", "2031"]),
    # a footnote's mark after a figure, a negative amount in brackets and a share of parts stay figures
    ("Harbour revenue was $1,234.5(1) million and 2,000(a) berths in 2031(2)", ["$1,234.5", "1", "2,000", "2031",
                                                                               "2"]),
    ("(516)\n(90)\n", ["516", "90"]),
    ("Parts 12% of the total", ["12%"]),
])
def test_labels_of_items_and_sections_are_no_figures(text: str, figures: list[str]) -> None:
    """A numbered item or a section of a law is a label: read as a count, "(2) the routes ..." answered "how many"."""
    assert [f.text for f in extract_figures(text)] == figures

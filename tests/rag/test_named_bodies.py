"""Another body of the kind a question names ("South Florida HIDTA" for the Northwest HIDTA asked) is a near miss."""

from __future__ import annotations

from crossbrief.rag.constraints import parse
from crossbrief.rag.named_bodies import another_of_its_kind
from crossbrief.rag.refusal_reasons import near_miss_reason


def _runs(question: str) -> tuple[tuple[str, ...], ...]:
    return parse(question).name_runs


def test_a_sentence_naming_the_same_kind_of_body_qualified_otherwise_speaks_of_another() -> None:
    question = "How many gangs did the Eastport Harbour Patrol disband in 2031?"
    runs = _runs(question)
    found = another_of_its_kind(runs, "In 2031 the Westport Harbour Patrol disbanded 54 gangs.")
    assert found == "body Eastport Harbour Patrol|Westport Harbour Patrol"
    assert near_miss_reason(parse(question), found) == (
        "The closest passages speak of Westport Harbour Patrol, not Eastport Harbour Patrol.")
    # the body asked, named as asked or with a possessive, or the kind named without qualifiers: no other body
    assert another_of_its_kind(runs, "The Eastport Harbour Patrol disbanded 54 gangs in 2031.") == ""
    assert another_of_its_kind(runs, "The Patrol disbanded 54 gangs in 2031.") == ""
    # a sentence that names no such body leans on the sentence before it
    assert another_of_its_kind(runs, "Its officers disbanded 54 gangs.",
                               "Among its results, the Westport Harbour Patrol grew.").startswith("body")
    assert another_of_its_kind(runs, "Its officers disbanded 54 gangs.",
                               "Among its results, the Eastport Harbour Patrol grew.") == ""


def test_shared_qualifiers_possessives_and_hyphens_name_the_same_body() -> None:
    assert another_of_its_kind(_runs("What did the Biden Administration announce?"),
                               "The Biden-Harris Administration announced new rules.") == ""
    assert another_of_its_kind(_runs("What share of Sudmark's GDP does trade make up?"),
                               "Trade makes up 67% of Sudmark’s GDP.") == ""
    assert another_of_its_kind(_runs("Which guilds did the Treasury's Office of Ports name?"),
                               "The Department of the Treasury’s Office of Ports named 12 guilds.") == ""
    assert another_of_its_kind(_runs("What share of Sudmark's GDP does trade make up?"),
                               "Trade makes up 73% of Nordland’s GDP.") == "body Sudmark GDP|Nordland GDP"

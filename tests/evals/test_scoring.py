"""The scorer on hand-made answers, and case validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from crossbrief.evals.cases import CaseError, load_cases
from crossbrief.evals.runner import run_case
from crossbrief.evals.scoring import score_answer, score_error, summarise
from crossbrief.rag.models import Answer, Passage


def passage(n: int, text: str, source: str = "note.md") -> Passage:
    return Passage(n=n, chunk_id=f"c{n}", text=text, source=f"/corpus/{source}", title="T", date="2025-02-01",
                   page=None, heading="", start=0, end=len(text), dense_score=0.8)


def case_from(tmp_path: Path, body: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "cases.yaml"
    path.write_text(body)
    return load_cases(path).cases[0]


TARIFF_CASE = """
cases:
  - id: tariff
    question: What tariff?
    expect: ["25%"]
    sources: [tariff.md]
"""

PASSAGES = [passage(1, "Most imports face a 25% tariff.", "tariff.md"), passage(2, "Energy gets 10%.", "energy.md")]


def test_right_figure_with_the_right_citation_passes(tmp_path: Path) -> None:
    result = score_answer(case_from(tmp_path, TARIFF_CASE), Answer("q", "The tariff is 25% [1].", False, passages=PASSAGES))
    assert result.passed and result.figure_hits == 1 and result.figures_supported == 1
    assert result.retrieved_expected_source is True


def test_wrong_figure_fails_and_is_unsupported(tmp_path: Path) -> None:
    result = score_answer(case_from(tmp_path, TARIFF_CASE), Answer("q", "The tariff is 35% [1].", False, passages=PASSAGES))
    assert not result.passed and result.missing == ["25%"] and result.unsupported == ["35%"]


def test_right_figure_cited_to_the_wrong_passage_is_not_supported(tmp_path: Path) -> None:
    result = score_answer(case_from(tmp_path, TARIFF_CASE), Answer("q", "The tariff is 25% [2].", False, passages=PASSAGES))
    assert result.figure_hits == 1 and result.figures_supported == 0 and not result.passed
    assert summarise([result])["citation_precision"] == 0.0


def test_refusals_are_scored_both_ways(tmp_path: Path) -> None:
    refuse_case = case_from(tmp_path, "cases:\n  - id: r\n    question: GDP of Mars?\n    refuse: true\n")
    refused = score_answer(refuse_case, Answer("q", "The sources do not say.", True, passages=PASSAGES))
    answered = score_answer(refuse_case, Answer("q", "It is 25% [1].", False, passages=PASSAGES))
    wrongly_refused = score_answer(case_from(tmp_path, TARIFF_CASE), Answer("q", "The sources do not say.", True))
    assert refused.passed and not answered.passed and not wrongly_refused.passed
    metrics = summarise([refused, answered, wrongly_refused])
    assert metrics["refusal_recall"] == 0.5 and metrics["refusal_precision"] == 0.5


def test_a_case_that_raises_is_a_failure_counted_in_every_average(tmp_path: Path) -> None:
    good = score_answer(case_from(tmp_path, TARIFF_CASE), Answer("q", "The tariff is 25% [1].", False, passages=PASSAGES))
    broken = score_error(case_from(tmp_path, TARIFF_CASE), RuntimeError("index exploded"))
    metrics = summarise([good, broken])
    assert broken.error == "RuntimeError: index exploded" and not broken.passed
    assert metrics["cases"] == 2 and metrics["errors"] == 1
    assert metrics["pass_rate"] == 0.5 and metrics["figure_accuracy"] == 0.5 and metrics["recall_at_k"] == 0.5


def test_run_case_records_an_exception_instead_of_raising(tmp_path: Path) -> None:
    class Exploding:
        def answer(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            raise ValueError("boom")

    result = run_case(Exploding(), case_from(tmp_path, TARIFF_CASE), None)  # type: ignore[arg-type]
    assert result.error == "ValueError: boom" and not result.passed


def test_qualifier_must_match_when_the_case_gives_one(tmp_path: Path) -> None:
    case = case_from(tmp_path, "cases:\n  - id: q\n    question: How many groups?\n    expect: [\"more than 600\"]\n")
    passages = [passage(1, "There are more than 600 groups, and 600 is a floor.")]
    assert score_answer(case, Answer("q", "There are more than 600 groups [1].", False, passages=passages)).passed
    assert not score_answer(case, Answer("q", "There are 600 groups [1].", False, passages=passages)).passed


@pytest.mark.parametrize(
    ("body", "line", "problem"),
    [
        ("cases:\n  - id: a\n    question: q\n    expect: ['25%']\n  - id: b\n    question: q\n", 5, "expect is empty"),
        ("cases:\n  - id: a\n    question: q\n    turns: [x, y]\n    expect: ['25%']\n", 2, "exactly one of question or turns"),
        ("cases:\n  - id: a\n    question: q\n    expect: ['twenty-five and 30%']\n", 2, "exactly one figure"),
        ("cases:\n  - id: a\n    question: q\n    expect: ['25%']\n  - id: a\n    question: r\n    expect: ['1%']\n", 5,
         "already used on line 2"),
        ("cases:\n  - id: a\n    question: q\n    expect: ['25%']\n    colour: red\n", 2, "colour"),
        ("cases:\n  - id: a\n    question: [unclosed\n", 4, "not valid YAML"),
        ("cases:\n  - id: a\n    question: q\n    refuse: true\n    expect: ['25%']\n", 2, "cannot also expect"),
    ],
)
def test_malformed_cases_name_file_line_and_problem(tmp_path: Path, body: str, line: int, problem: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(body)
    with pytest.raises(CaseError) as info:
        load_cases(path)
    message = str(info.value)
    assert message.startswith(f"{path}:{line}:"), message
    assert problem in message


def test_the_shipped_case_sets_are_valid_and_big_enough() -> None:
    sample = load_cases(Path("evals/cases/sample.yaml"))
    assert len(sample.cases) >= 50
    assert sum(c.refuse for c in sample.cases) >= 10
    assert sum(len(c.turns) > 1 for c in sample.cases) >= 5
    assert sum("dated" in c.tags for c in sample.cases) >= 5
    reference = load_cases(Path("evals/cases/reference.yaml"))
    assert reference.corpus and reference.corpus.name == "corpus" and len(reference.cases) >= 30


def test_the_reworded_and_near_miss_sets_keep_dev_and_test_apart() -> None:
    cases_dir = Path("evals/cases")
    dev_reworded = [load_cases(cases_dir / f) for f in ("reworded.yaml", "reworded_reference.yaml")]
    dev_near_miss = [load_cases(cases_dir / f) for f in ("near_miss.yaml", "near_miss_reference.yaml")]
    test_reworded = [load_cases(cases_dir / "heldout" / f)
                     for f in ("reworded_test.yaml", "reworded_test_reference.yaml")]
    test_near_miss = [load_cases(cases_dir / "heldout" / f)
                      for f in ("near_miss_test.yaml", "near_miss_test_reference.yaml")]
    for sets, least, refuse in ((dev_reworded, 40, False), (dev_near_miss, 20, True),
                                (test_reworded, 15, False), (test_near_miss, 10, True)):
        cases = [c for s in sets for c in s.cases]
        assert len(cases) >= least and all(c.refuse is refuse for c in cases)
        assert {s.corpus.name for s in sets if s.corpus} == {"corpus"} and len({s.corpus for s in sets}) == 2
    dev = {c.id: c.question.lower() for s in dev_reworded + dev_near_miss for c in s.cases}
    held_out = {c.id: c.question.lower() for s in test_reworded + test_near_miss for c in s.cases}
    assert not dev.keys() & held_out.keys() and not set(dev.values()) & set(held_out.values())
    for path in [*cases_dir.glob("near_miss*.yaml"), *(cases_dir / "heldout").glob("near_miss*.yaml")]:
        lines = path.read_text(encoding="utf-8").splitlines()
        for n, line in enumerate(lines):
            if line.strip().startswith("- id:"):
                assert lines[n - 1].strip().startswith("# Nearest:"), f"{path}:{n + 1}: say what the corpus has instead"

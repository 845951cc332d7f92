"""A figure worked out from cited ones (rag/arithmetic.py) is said to be, in the terminal and in Slack; one whose
arithmetic fails is flagged as unsupported instead."""

from __future__ import annotations

from crossbrief.rag.citations import check_answer
from crossbrief.rag.models import Answer, Passage
from crossbrief.ui.cli.render import render_answer
from crossbrief.ui.slack.format import answer_blocks

ROW = "Row 3: Other; 2019: 613; 2018: 636"


def _answer(sentence: str) -> Answer:
    passage = Passage(n=1, chunk_id="c1", text=ROW, source="/r.csv", title="Report", date=None, page=None,
                      heading="", start=0, end=len(ROW), dense_score=0.7, bm25_score=1.0, fused_score=0.1)
    checked = check_answer(f"{ROW} [1] {sentence} [1]", [passage])
    return Answer(question="q", answer=checked.text, refused=False, citations=checked.citations,
                  figures=checked.figures, passages=[passage])


def test_a_sound_change_is_said_to_be_worked_out() -> None:
    answer = _answer("From 636 in 2018 to 613 in 2019: a decrease of 23 (3.62%).")
    assert [f.text for f in answer.computed_figures] == ["23", "3.62%"] and not answer.unsupported_figures
    assert "= Worked out from the cited figures (re-checked): 23, 3.62%" in render_answer(answer)
    _, blocks = answer_blocks(answer)
    assert any("Worked out from the cited figures" in str(block) for block in blocks)
    assert answer.as_dict()["figures"][-1]["computed"] is True


def test_a_wrong_change_is_flagged_not_said_to_be_worked_out() -> None:
    answer = _answer("From 636 in 2018 to 613 in 2019: a decrease of 32 (3.62%).")
    assert not answer.computed_figures and {"32", "3.62%"} <= {f.text for f in answer.unsupported_figures}
    terminal = render_answer(answer)
    assert "Worked out" not in terminal and "! Unsupported figures" in terminal

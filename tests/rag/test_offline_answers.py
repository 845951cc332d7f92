"""The offline answerer: near-miss refusals with their reason, pinned dates, open questions, dated conflicts only
between figures of one measure, and refusal logic free of corpus words."""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from crossbrief.config import GenerationSettings
from crossbrief.index.embedding import Embedder
from crossbrief.rag.calibration import Calibration, fit_logistic
from crossbrief.rag.bm25 import BM25Index
from crossbrief.rag.models import Passage, Question
from crossbrief.rag.constraints import mentions, parse
from crossbrief.rag.offline import OfflineAnswerer
from crossbrief.rag.word_neighbours import WordNeighbours
from crossbrief.rag.service import Crossbrief

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
# the modules that decide what is answered and what is refused
DECIDING = ["rag/offline.py", "rag/constraints.py", "rag/evidence.py", "rag/calibration.py", "rag/question_types.py",
            "rag/service.py", "rag/retrieval.py", "rag/measures.py"]


def _calibration() -> Calibration:
    g = GenerationSettings()
    return Calibration(g.answerer_weights, g.answerer_bias, g.support_threshold, g.support_weights, g.support_bias)


def _passage(n: int, text: str, date: str, title: str) -> Passage:
    return Passage(n=n, chunk_id=f"c{n}", text=text, source=f"/notes/{date}-{n}.md", title=title, date=date, page=None,
                   heading="", start=0, end=len(text), dense_score=0.7, bm25_score=5.0, fused_score=0.03)


def test_a_question_for_a_year_the_sources_lack_is_refused_with_the_nearest_year(sample_service: Crossbrief) -> None:
    answer = sample_service.answer("How many opioid deaths did Canada record in 2015?")
    assert answer.refused, answer.answer
    assert "2015" in answer.refusal_reason, answer.refusal_reason
    assert answer.passages, "the nearest passages are still shown"
    assert answer.as_dict()["refusal_reason"] == answer.refusal_reason


def test_a_question_pinning_the_order_date_gets_that_order_figure_not_a_conflict(sample_service: Crossbrief) -> None:
    answer = sample_service.answer("What duty did the February 2025 order put on most imports from Canada?")
    assert not answer.refused, answer.refusal_reason
    assert "dated_conflict" not in answer.notes
    assert "25%" in answer.answer and "35%" not in answer.answer


def test_a_question_naming_a_table_is_answered_from_its_rows(sample_service: Crossbrief) -> None:
    asked = "What opioid death toll does the national table record for 2021?"
    answer = sample_service.answer(asked)
    assert not answer.refused, answer.refusal_reason
    assert answer.answer.startswith("Row 6: Substance: Opioids") and "Value: 7546" in answer.answer, answer.answer
    assert answer.citations and all(c.source.endswith(".csv") for c in answer.citations), answer.citations


def test_a_table_row_answers_only_when_one_satisfies_the_question() -> None:
    from crossbrief.rag.constraint_check import Check
    from crossbrief.rag.constraints import Constraints
    from crossbrief.rag.evidence import Scored, Unit
    from crossbrief.rag.offline import from_asked_source

    def scored(n: int, kind: str, contradiction: str = "") -> Scored:
        passage = replace(_passage(n, "text", "2025-02-01", "Notes"), kind=kind)
        check = Check(date=0.5, names=1.0, names_near=1.0, other_names=0.0, kind=1.0, counted=0.0, source=1.0,
                      contradiction=contradiction)
        return Scored(Unit(passage, f"unit {n}", "", ()), check, np.zeros(3), np.zeros(3), 0.5)

    prose, row, other_year_row = scored(1, "text"), scored(2, "table"), scored(3, "table", "year 2019")
    asks_table = Constraints(asks_table=True)
    assert from_asked_source(asks_table, [prose, row, other_year_row]) == [row, other_year_row]
    # no row satisfies it: every unit stays, and the refusal can say what the nearest one holds
    assert from_asked_source(asks_table, [prose, other_year_row]) == [prose, other_year_row]
    assert from_asked_source(Constraints(), [prose, row]) == [prose, row]


def test_an_open_question_is_answered_with_quoted_sentences(sample_service: Crossbrief) -> None:
    answer = sample_service.answer("What did Trudeau announce and what did it include?")
    assert not answer.refused, answer.refusal_reason
    assert answer.citations and len(answer.answer) < 700
    assert any("border" in c.quote.lower() for c in answer.citations)


def test_dated_figures_conflict_only_when_they_measure_the_same_thing(embedder: Embedder) -> None:
    answerer = OfflineAnswerer(embedder, _calibration())
    question = Question("What is the import duty on Norland widgets?")
    same = [_passage(1, "The import duty on Norland widgets is 25%.", "2025-02-01", "Widget duty order"),
            _passage(2, "The import duty on Norland widgets was raised to 35%.", "2025-08-01", "Widget duty update")]
    conflict = answerer.draft(question, same)
    assert "dated_conflict" in conflict.notes, conflict
    assert conflict.text.index("35%") < conflict.text.index("25%")
    other = [_passage(1, "The import duty on Norland widgets is 25%.", "2025-02-01", "Widget duty order"),
             _passage(2, "Norland's unemployment rate fell to 4% over the year.", "2025-08-01", "Labour survey")]
    assert "dated_conflict" not in answerer.draft(question, other).notes


def test_a_dated_conflict_quotes_the_newest_source_as_an_answer_would(embedder: Embedder) -> None:
    """The newest side of a dated conflict quotes what its source says nearly as likely beside its best sentence (the
    duty on goods shipped around it), as any answer from one source does; the older side stays one sentence."""
    answerer = OfflineAnswerer(embedder, _calibration())
    question = Question("What is the import duty on Norland widgets now?")
    passages = [_passage(1, "The import duty on Norland widgets is 25%.", "2025-02-01", "Widget duty order"),
                _passage(2, "The import duty on Norland widgets was raised to 35%. The duty on Norland widgets shipped "
                            "through third countries to avoid it is 40%.", "2025-08-01", "Widget duty update")]
    draft = answerer.draft(question, passages)
    assert "dated_conflict" in draft.notes, draft
    assert draft.text.index("35%") < draft.text.index("40%") < draft.text.index("Earlier") < draft.text.index("25%")


@pytest.mark.parametrize(("question", "older", "newer"), [
    # a change against a level
    ("What share of Norland's widget sales are exports?", "Exports make up 62% of Norland's widget sales.",
     "Norland's widget sales fell 14% in the year."),
    # shares of different wholes
    ("What share of Norland's widgets are exported?", "About 62% of the widgets made in Norland are exported.",
     "Exports account for 15% of the freight handled in Norland's ports."),
    # one count for one place, one for another
    ("How many widget makers does the register count?", "The national register counts 420 widget makers in Norland.",
     "The national register counts 610 widget makers in Sudmark."),
    # two dates are two events
    ("When did the widget duty take effect?", "The widget duty took effect on March 4, 2025.",
     "A review of the widget duty was ordered on July 9, 2025."),
])
def test_figures_of_other_measures_or_places_are_not_a_dated_conflict(embedder: Embedder, question: str, older: str,
                                                                       newer: str) -> None:
    answerer = OfflineAnswerer(embedder, _calibration())
    passages = [_passage(1, older, "2025-02-01", "Widget trade notes"), _passage(2, newer, "2025-08-01", "Widget trade update")]
    draft = answerer.draft(Question(question), passages)
    assert "dated_conflict" not in draft.notes, draft


def test_renaming_every_proper_name_leaves_the_decision_unchanged(embedder: Embedder) -> None:
    """No rule keys on a corpus's names: the same evidence under other names gives the same answer or refusal."""
    answerer = OfflineAnswerer(embedder, _calibration())
    passages = [
        _passage(1, "Norland's government set out a border plan worth US$1.3 billion two days after the order. "
                    "It adds helicopters, drones and 10,000 frontline personnel.", "2025-02-07", "Norland border plan"),
        _passage(2, "Sudmark recorded 8,020 opioid deaths in 2023, the highest year on record.", "2025-06-30",
                 "Sudmark opioid deaths"),
    ]
    questions = ["How much is Norland's border plan worth?", "How many opioid deaths did Sudmark record in 2019?",
                 "What does Norland's plan add?"]
    renames = {"Norland": "Quelria", "Sudmark": "Ostavia"}

    def renamed(text: str) -> str:
        for old, new in renames.items():
            text = text.replace(old, new)
        return text

    renamed_passages = [_passage(p.n, renamed(p.text), p.date or "", renamed(p.title)) for p in passages]
    # each corpus with its own indexed vocabulary's vectors, as an index gives the answerer (overlap_near)
    vocabularies = {id(ps): WordNeighbours.of({w for p in ps for w in BM25Index.tokens(f"{p.title} {p.text}")},
                                              embedder.embed) for ps in (passages, renamed_passages)}
    for question in questions:
        answerer.word_vectors = lambda: vocabularies[id(passages)]
        original = answerer.draft(Question(question), passages)
        answerer.word_vectors = lambda: vocabularies[id(renamed_passages)]
        other = answerer.draft(Question(renamed(question)), renamed_passages)
        assert original.refused == other.refused, question
        assert re.findall(r"\[\d\]", original.text) == re.findall(r"\[\d\]", other.text), question
    answerer.word_vectors = lambda: vocabularies[id(passages)]
    assert not answerer.draft(Question(questions[0]), passages).refused
    assert answerer.draft(Question(questions[1]), passages).refused


def _proper_names_of_the_corpus() -> set[str]:
    """Words the sample corpus only ever writes capitalised and somewhere alone in mid-sentence: its names of
    places, bodies and people ("Beijing", not "Agency" of a longer title)."""
    capitalised: set[str] = set()
    lowered: set[str] = set()
    for path in CORPUS.glob("*"):
        if path.suffix not in {".md", ".txt", ".html"}:
            continue
        text = path.read_text(errors="ignore")
        # capitalised inside a sentence, not opening one, and standing alone (not a word of a longer title)
        capitalised.update(m.group(2).lower() for m in re.finditer(r"\b([a-z]+) ([A-Z][a-z]{3,})\b(?! [A-Z])", text))
        lowered.update(re.findall(r"\b[a-z]{4,}\b", text))
    months = {"january", "february", "march", "april", "june", "july", "august", "september", "october",
              "november", "december"}
    return capitalised - lowered - months


def test_no_deciding_module_names_a_place_body_or_person_of_the_corpus() -> None:
    names = _proper_names_of_the_corpus()
    if not names:
        pytest.skip("corpus/ holds no text files")
    for module in DECIDING:
        tree = ast.parse((ROOT / module).read_text())
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and node.body
                      and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
        # messages to the user (what a raise says) are not rules
        messages = {id(inner) for node in ast.walk(tree) if isinstance(node, ast.Raise) for inner in ast.walk(node)}
        literals = " ".join(node.value.lower() for node in ast.walk(tree) if isinstance(node, ast.Constant)
                            and isinstance(node.value, str) and id(node) not in docstrings | messages)
        found = names & set(re.findall(r"[a-z]+", literals))
        assert not found, f"{module} names corpus words in its strings: {sorted(found)}"


def test_the_logistic_fit_separates_a_simple_signal() -> None:
    import numpy as np

    x = np.array([[0.0], [0.1], [0.2], [0.8], [0.9], [1.0]])
    y = np.array([0.0, 0.0, 0.0, 1.0, 1.0, 1.0])
    weights, bias = fit_logistic(x, y, l2=0.01)
    p = 1 / (1 + np.exp(-(x @ weights + bias)))
    assert (p[:3] < 0.5).all() and (p[3:] > 0.5).all()
    assert fit_logistic(x, y, l2=0.01)[1] == bias, "the fit is deterministic"


def test_the_fitted_weights_and_threshold_are_settings_in_the_settings_hash() -> None:
    from crossbrief.config import Settings

    default = Settings()
    assert default.generation.answerer_weights and default.generation.support_weights
    changed_weights = list(default.generation.answerer_weights)
    changed_weights[0] += 1.0
    assert Settings(generation={"answerer_weights": changed_weights}).short_hash() != default.short_hash()
    assert Settings(generation={"support_threshold": 0.1}).short_hash() != default.short_hash()


def test_an_answer_quotes_further_sentences_from_its_own_source_only() -> None:
    from crossbrief.rag.constraint_check import Check
    from crossbrief.rag.constraints import Constraints
    from crossbrief.rag.evidence import Scored, Unit
    from crossbrief.rag.offline import quoted_units

    def scored(n: int, source_date: str, text: str, probability: float) -> Scored:
        passage = _passage(n, text, source_date, "Notes")
        check = Check(date=0.5, names=1.0, names_near=1.0, other_names=0.0, kind=1.0, counted=0.0, source=1.0)
        return Scored(Unit(passage, text, "", ()), check, np.zeros(3), np.zeros(3), probability)

    best = scored(1, "2025-02-01", "The programme trains customs officers in every port.", 0.90)
    elsewhere = scored(2, "2025-03-01", "A different agency trains border guards each spring.", 0.88)
    same_source = scored(1, "2025-02-01", "Its courses last six weeks and end with an exam.", 0.80)
    quoted = quoted_units([best, elsewhere, same_source], Constraints(answer="open"))
    # the nearly-as-likely sentence of another source stays among the passages shown, out of the answer
    assert quoted == [best, same_source]


def test_a_sentence_leaning_on_the_best_one_is_quoted_with_it_in_its_place() -> None:
    from crossbrief.rag.constraint_check import Check
    from crossbrief.rag.constraints import Constraints
    from crossbrief.rag.evidence import Scored, Unit
    from crossbrief.rag.offline import quoted_units

    passage = _passage(1, "x", "2025-02-01", "Notes")
    check = Check(date=0.5, names=1.0, names_near=1.0, other_names=0.0, kind=1.0, counted=0.0, source=1.0)
    first = "Inspectors found eleven new compounds in the port last year."
    leaning = Scored(Unit(passage, "The commonest of them was a sedative.", first, ()), check, np.zeros(3), np.zeros(3),
                     0.85)
    best = Scored(Unit(passage, first, "", ()), check, np.zeros(3), np.zeros(3), 0.92)
    assert leaning.unit.leans_back and first in leaning.unit.quoted
    # the best sentence is quoted once, with the sentence that leans on it, instead of being left alone
    assert quoted_units([best, leaning], Constraints(answer="name")) == [leaning]


def test_a_sentence_leaning_back_stands_with_the_sentence_it_leans_on(embedder: Embedder) -> None:
    """"The commonest of them was a sedative" after "Peruvian drug checking found eleven new compounds in 2031." is as
    much about Peru as the sentence it leans on: it cannot answer for the US."""
    answerer = OfflineAnswerer(embedder, _calibration())
    text = ("Peruvian drug checking found eleven new compounds in 2031. The commonest of them, "
            "three in every four, was a sedative.")
    _, scored = answerer.score(Question("How many new compounds did US drug checking find in 2031?"),
                               [_passage(1, text, "2032-01-10", "Drug checking")])
    leaning = next(s for s in scored if s.unit.leans_back)
    assert leaning.check.contradiction == "name US" and not leaning.eligible


def test_an_answer_quotes_each_sentence_once_when_units_lean_back_on_each_other() -> None:
    from crossbrief.rag.constraint_check import Check
    from crossbrief.rag.evidence import Scored, Unit
    from crossbrief.rag.offline import answer_text

    passage = _passage(1, "x", "2025-02-01", "Notes")
    check = Check(date=0.5, names=1.0, names_near=1.0, other_names=0.0, kind=1.0, counted=0.0, source=1.0)
    first, second, third = ("The mayor announced a harbour plan.", "He added that a ferry czar would be named.",
                            "This was followed by a directive on patrols.")
    quoted = [Scored(Unit(passage, second, first, ()), check, np.zeros(3), np.zeros(3), 0.9),
              Scored(Unit(passage, third, second, ()), check, np.zeros(3), np.zeros(3), 0.8)]
    assert all(s.unit.leans_back for s in quoted)
    assert answer_text(quoted) == f"{first} {second} [1] {third} [1]"


def test_a_title_naming_the_topic_raises_the_context_similarity_of_its_sentences() -> None:
    """The context feature reads a sentence with its passage's title and the sentence before: the same sentence
    under a title that names what the question asks about is closer to the question than under an unrelated one,
    and a sentence with no title, heading or sentence before it is read as itself."""
    from crossbrief.rag.evidence import FEATURES
    from tests.fakes import ToyEmbedder

    answerer = OfflineAnswerer(ToyEmbedder(), _calibration())
    sentence = "It rose by a third over the year."
    passages = [_passage(1, sentence, "2025-01-01", "Harbour inspection staffing"),
                _passage(2, sentence, "2025-01-01", "Orchard blossom calendar"),
                _passage(3, sentence, "2025-01-01", "")]
    _, scored = answerer.score(Question("How did harbour inspection staffing change?"), passages)
    in_context, alone = FEATURES.index("sim_context"), FEATURES.index("sim_sentence")
    context = {s.unit.passage.n: s.features[in_context] for s in scored}
    sentence_alone = {s.unit.passage.n: s.features[alone] for s in scored}
    assert context[1] > context[2] + 0.2
    assert context[3] == pytest.approx(sentence_alone[3])


def test_vectors_are_reused_across_questions_until_forgotten() -> None:
    """The answerer embeds a passage's sentences once (warm questions reuse them); forget_vectors makes the next
    question embed them anew, which is what `crossbrief bench` times as a cold answer."""
    from tests.fakes import ToyEmbedder

    class Counting(ToyEmbedder):
        texts: int = 0

        def embed(self, texts):  # type: ignore[no-untyped-def]
            Counting.texts += len(texts)
            return super().embed(texts)

    answerer = OfflineAnswerer(Counting(), _calibration())
    passages = [_passage(1, "Inspectors checked 400 trucks. They found 12 hidden compartments.", "2025-01-01",
                         "Harbour inspections")]
    answerer.draft(Question("How many trucks were checked?"), passages)
    first = Counting.texts
    answerer.draft(Question("How many compartments were found?"), passages)
    warm = Counting.texts - first
    answerer.forget_vectors()
    answerer.draft(Question("How many compartments were found?"), passages)
    cold = Counting.texts - first - warm
    assert warm == 1  # only the question
    assert cold == first  # the question and every sentence, heading and sentence before, as the first time


def test_a_name_a_retrieved_passage_spells_out_is_not_unknown_to_the_sources() -> None:
    """"NHSB" is no indexed word, but the passage read for the question names the Norland Harbour Safety Board: the
    name is known (no refusal saying the sources never mention it); a name no passage spells out stays unknown."""
    vocabulary = {"ferries": 2, "harbour": 1, "norland": 3}
    read = [_passage(1, "The Norland Harbour Safety Board runs 12 ferries.", "2031-01-01", "Ferries")]
    spelt_out = parse("How many ferries does the NHSB run in Norland?")
    assert OfflineAnswerer._unknown_names(spelt_out, vocabulary, read) == []
    assert OfflineAnswerer._unknown_names(parse("How many ferries does the KSBX run?"), vocabulary, read) == ["KSBX"]
    assert mentions("The Norland Harbour Safety Board runs 12 ferries.", "HSB")  # a stretch of a longer name
    assert not mentions("Norland Under Secretary Smith spoke.", "US")  # two letters: only a whole run


def test_a_direction_narrows_only_a_noun_the_sources_use(embedder: Embedder) -> None:
    """"the northern border" pins a scope when the index speaks of borders; "its northern neighbour", in an index that
    never says "neighbour", is the question's own wording for a country the sources name."""
    vocabulary = {"border": 3, "widgets": 5, "canada": 2}
    answerer = OfflineAnswerer(embedder, _calibration(), rarity=lambda: (vocabulary, 10))
    border = answerer.constraints(Question("How many widgets crossed the northern border?"))
    assert [noun for _, _, noun in border.directed] == ["border"]
    assert not answerer.constraints(Question("How many widgets come from the northern neighbour?")).directed


def test_a_multiple_of_two_years_is_worked_out_from_the_table_and_checked(sample_service: Crossbrief) -> None:
    """"How many times more ... in 2023 than in 2016?" quotes both rows and states the multiple, which the checker
    recomputes from them."""
    answer = sample_service.answer("How many times more opioid deaths were there in Canada in 2023 than in 2016?")
    assert not answer.refused and "table_ratio_computed" in answer.notes, answer.answer
    assert "8,020 in 2023 is 2.83 times 2,832 in 2016." in answer.answer, answer.answer
    computed = [f for f in answer.figures if f.computed]
    assert [f.text for f in computed] == ["2.83"] and all(f.supported for f in answer.figures)


def test_a_change_between_two_years_is_worked_out_from_the_table_and_checked(sample_service: Crossbrief) -> None:
    answer = sample_service.answer("How much did opioid deaths in Canada change from 2016 to 2023?")
    assert not answer.refused and "table_change_computed" in answer.notes, answer.answer
    computed = [f for f in answer.figures if f.computed]
    assert computed and all(f.supported for f in answer.figures), answer.as_dict()["figures"]
    assert "2016" in answer.answer and "2023" in answer.answer
    missing = sample_service.answer("How much did opioid deaths in Canada change from 2010 to 2023?")
    assert missing.refused and "2010" in missing.refusal_reason


def test_a_document_s_list_of_sources_is_no_statement_to_quote() -> None:
    from crossbrief.rag.evidence import units

    text = ("Trade note\nSources: Norland Trade Office; Sudmark customs data (July 2031).\n"
            "Widget exports rose by 12% in 2031.")
    quoted = [u.text for u in units([_passage(1, text, "2031-08-01", "Trade note")])]
    assert quoted == ["Widget exports rose by 12% in 2031."]
    labelled = "Trade note\nResult: exports rose by 12% in 2031; imports fell by 3%."
    assert [u.text for u in units([_passage(1, labelled, "2031-08-01", "Trade note")])] == [labelled.split("\n")[1]]


def test_a_capital_stands_for_its_country_and_an_unmentioned_country_is_named_in_the_refusal(
        sample_service: Crossbrief) -> None:
    aliased = sample_service.answer("How many opioid deaths did Ottawa count in 2023?")
    # the sources say "Canada": the prose's "8,020" or the table's row ("Value: 8020")
    assert not aliased.refused and ("8,020" in aliased.answer or "Value: 8020" in aliased.answer), aliased.answer
    elsewhere = sample_service.answer("How many opioid deaths did Japan record in 2023?")
    assert elsewhere.refused and "never mention Japan" in elsewhere.refusal_reason, elsewhere.refusal_reason
    # a city the sources never mention, where the question places its figure: no figure of Canada's answers it,
    # and the refusal names the city rather than a year ("no figure for 2015; the nearest is 2023" would say there
    # is one for 2023); a capital may stand for its country
    city = sample_service.answer("How many opioid deaths were recorded in Toronto in 2023?")
    assert city.refused and "never mention Toronto" in city.refusal_reason, city.answer
    of_a_year = sample_service.answer("How many opioid deaths did Toronto's coroner count in 2015?")
    assert of_a_year.refused and "never mention Toronto" in of_a_year.refusal_reason, of_a_year.refusal_reason
    capital = sample_service.answer("How many opioid deaths were recorded in Ottawa in 2023?")
    assert not capital.refused and "8020" in capital.answer.replace(",", ""), capital.answer
    # a table's row, read after the passages shown, is cited first: [1], and listed first
    assert capital.answer.endswith("[1]") and capital.citations[0].n == 1, capital.answer
    assert capital.passages[0].n == 1 and capital.citations[0].source == capital.passages[0].source
    assert [p.n for p in capital.passages] == list(range(1, len(capital.passages) + 1))
    # a country a question names by its code alone is asked of all the same: not the row of a table of Canada's,
    # nor a sentence placing its figure in Canada
    coded = sample_service.answer("How many opioid deaths did the US record in 2024?")
    assert "7313" not in coded.answer and "in Canada" not in coded.answer, coded.answer
    # a capital of a country the sources never name is no country they could be "about another" of: "Victoria" is
    # the Seychelles' capital and a province's
    answerer = sample_service.offline
    assert answerer.constraints(Question("How many opioid deaths did Ottawa count in 2023?")).countries == {"CA"}
    assert answerer.constraints(Question("How many opioid deaths were there in the province whose capital is "
                                         "Victoria?")).countries == frozenset()
    assert answerer.constraints(Question("How many opioid deaths did Japan record?")).countries == {"JP"}
    from crossbrief.rag.evidence import country_known
    assert not country_known("Victoria", {"victoria": 3, "canada": 5})  # the capital's own name is no evidence
    assert country_known("Victoria", {"seychelles": 1}) and country_known("Ottawa's", {"canada": 2})


def test_a_sentence_introducing_a_list_is_read_with_its_items_and_link_pointers_are_no_statements() -> None:
    from crossbrief.rag.evidence import units
    text = ("The harbour plan rests on three pillars of action:\n\n1.       Patrols\n\n2.       Scanning\n\n"
            "3.       Training  \n\nRead the full harbour plan HERE.\n\nClick here to learn more about ferries.\n\n"
            "The board meets twice a year to review the plan and its budget.")
    found = [u.text for u in units([_passage(1, text, "2031-05-02", "Harbour plan")])]
    assert found[0] == "The harbour plan rests on three pillars of action: Patrols; Scanning; Training.", found
    assert not any("HERE" in u or "Click" in u for u in found), found
    assert found[-1].startswith("The board meets"), found
    statements = "Watch lists grew to 1,200 names in 2031. Visit volumes fell 8% in 2030."
    assert len(units([_passage(3, statements, "2031-05-02", "Lists")])) == 2  # not imperatives
    long_list = "The plan rests on three pillars:\n- Patrols\n- " + "x" * 70 + "\n- Training\n\nIt began."
    assert units([_passage(4, long_list, "2031-05-02", "Plan")])[0].text == "The plan rests on three pillars:"
    bulleted = "Its aims are these three, in this order:\n- fewer seizures missed\n- faster checks\n\nIt began in 2031."
    assert units([_passage(2, bulleted, "2031-05-02", "Aims")])[0].text == (
        "Its aims are these three, in this order: fewer seizures missed; faster checks.")


def test_a_sentence_cut_after_an_initial_or_an_abbreviation_is_quoted_whole() -> None:
    """The splitter cuts after "G." and "E.O."; a quote joins such cuts again (before a name, a number or a
    lower-case word), and leaves a sentence that ends with dotted initials ("... the E.U. The ...") apart."""
    from crossbrief.rag.evidence import units
    text = ("Marta G. Olsen chaired the fourth meeting of the harbour board. Under E.O. 14059 (Port Rules), the board "
            "fined 12 firms. Exports went to the U.S. The fines rose in 2031.")
    found = [u.text for u in units([_passage(1, text, "2031-05-02", "Harbour board")])]
    assert found == ["Marta G. Olsen chaired the fourth meeting of the harbour board.",
                     "Under E.O. 14059 (Port Rules), the board fined 12 firms.",
                     "Exports went to the U.S. The fines rose in 2031."], found
    assert [u.text for u in units([_passage(2, "Exports went to the E.U. The fines rose.", "2031-05-02", "Trade")])
            ] == ["Exports went to the E.U.", "The fines rose."]
    for apart in ("The plan was approved in Ohio. 500 officers were hired in 2031.",
                  "Deaths rose in May. 2,000 people died in June.",
                  "Results are listed in Appendix B. The program served 4,000 clients."):
        assert len(units([_passage(5, apart, "2031-05-02", "Notes")])) == 2, apart



def test_levels_are_no_dated_conflict_for_a_question_asking_a_change(embedder: Embedder) -> None:
    """Where a change is asked, the best sentence's levels ("80,000 ... against 100,000") are followed by the
    sentence stating the change, not set against an older level; a question asking the level still gets both."""
    from dataclasses import replace as replaced
    answerer = OfflineAnswerer(embedder, _calibration())
    passages = [_passage(1, "Norland exported 80,000 widgets in the year.", "2025-08-01", "Widget exports update"),
                _passage(2, "Norland exported 100,000 widgets in the year.", "2025-02-01", "Widget exports")]
    constraints, scored = answerer.score(Question("How many widgets did Norland export in the year?"), passages)
    eligible = [s for s in scored if s.eligible]
    assert answerer._dated_conflict(eligible[0], eligible, constraints) is not None
    assert answerer._dated_conflict(eligible[0], eligible, replaced(constraints, answer="change")) is None


def test_a_question_asking_the_latest_figure_takes_a_newer_one_far_less_likely_than_the_best(embedder: Embedder) -> None:
    """A newer source's figure of the same measure is shown as the newest when it is at least 0.6 as likely as the
    best unit; a question asking for "the most recent" figure takes it whenever it is more likely than not."""
    answerer = OfflineAnswerer(embedder, _calibration())
    passages = [_passage(1, "Norland exported 100,000 widgets in the year.", "2025-02-01", "Widget exports"),
                _passage(2, "Norland exported 80,000 widgets in the year.", "2025-08-01", "Widget exports update")]
    for asked, latest in (("How many widgets did Norland export in the year?", False),
                          ("How many widgets did Norland export in the most recent year?", True)):
        constraints, scored = answerer.score(Question(asked), passages)
        assert constraints.asks_latest is latest
        assert not answerer.constraints(Question("What was Norland's current account deficit in 2031?")).asks_latest
        eligible = sorted((replace(s, probability=0.99 if s.unit.passage.n == 1 else 0.55) for s in scored
                           if s.eligible), key=lambda s: -s.probability)
        conflict = answerer._dated_conflict(eligible[0], eligible, constraints)
        assert (conflict is not None and conflict[0].unit.passage.n == 2) is latest, asked
    # a newer source's figure of an earlier year (a table row of 2016 in this year's file) is no newer figure
    older_year = [_passage(1, "Norland exported 100,000 widgets in 2030.", "2031-02-01", "Widget exports"),
                  _passage(2, "Norland exported 80,000 widgets in 2016.", "2031-08-01", "Widget exports update")]
    constraints, scored = answerer.score(Question("How many widgets did Norland export in the latest year?"),
                                         older_year)
    eligible = sorted((replace(s, probability=0.99 if s.unit.passage.n == 1 else 0.9) for s in scored if s.eligible),
                      key=lambda s: -s.probability)
    assert len(eligible) == 2 and answerer._dated_conflict(eligible[0], eligible, constraints) is None
    # an older source's figure of a later year is still shown beside a newer source's of an earlier one
    eligible = sorted((replace(s, probability=0.99 if s.unit.passage.n == 2 else 0.9) for s in scored if s.eligible),
                      key=lambda s: -s.probability)
    assert answerer._dated_conflict(eligible[0], eligible, constraints) is not None


def test_a_sentence_saying_today_answers_when_with_its_source_s_date(embedder: Embedder) -> None:
    """"Today, the cabinet signed ..." in a source dated to the day says when: the answer gives that day, cited to
    the source whose date it is, and the figure checker finds it there. A source with no day gives no date."""
    from crossbrief.rag.citations import check_answer
    answerer = OfflineAnswerer(embedder, _calibration())
    passages = [_passage(1, "Today, the Norland cabinet signed the widget accord with Sudmark.", "2031-03-04",
                         "Norland signs the widget accord")]
    answered = answerer.draft(Question("When did the Norland cabinet sign the widget accord?"), passages)
    assert not answered.refused and answered.text.startswith("On March 4, 2031, the date of [1]: Today,"), answered
    checked = check_answer(answered.text, passages)
    assert [(f.text, f.supported) for f in checked.figures] == [("March 4, 2031", True)]
    undated = [replace(passages[0], date=None)]
    assert answerer.draft(Question("When did the Norland cabinet sign the widget accord?"), undated).refused


def test_a_sentence_of_a_page_meets_the_names_of_who_publishes_it(embedder: Embedder) -> None:
    """The source's address reaches the features: a sentence on the Harbour Board's own page meets "Harbour Board"."""
    from crossbrief.rag.evidence import FEATURES
    answerer = OfflineAnswerer(embedder, _calibration())
    page = _passage(1, "The members approved the levy on March 4, 2031.", "2031-03-05", "Levy approved")
    asked = Question("When did the Harbour Board approve the levy?")
    near = FEATURES.index("names_near")
    _, plain = answerer.score(asked, [page])
    _, published = answerer.score(asked, [replace(page, source_url="https://www.harbourboard.example.org/levy")])
    assert plain[0].features[near] == 0 and published[0].features[near] == 1


def test_an_acronym_the_sources_never_use_nor_spell_out_is_refused_by_name(embedder: Embedder) -> None:
    """"How many ferries did the KSBX inspect?" is not answered by what the Norland Harbour Safety Board did: an
    acronym names one body, and one the index never uses, nor any passage read spells out, is never mentioned. A
    capitalised name may be a paraphrase ("Ottawa" for a country), so only acronyms are refused this way."""
    vocabulary = {"ferries": 2, "harbour": 1, "norland": 3, "nhsb": 0, "inspected": 2}
    answerer = OfflineAnswerer(embedder, _calibration(), rarity=lambda: (vocabulary, 10))
    read = [_passage(1, "The Norland Harbour Safety Board inspected 12 ferries in 2031.", "2031-01-01", "Ferries")]
    unknown = answerer.draft(Question("How many ferries did the KSBX inspect in 2031?"), read)
    assert unknown.refused and "unknown_name" in unknown.notes and "never mention KSBX" in unknown.reason, unknown
    spelt_out = answerer.draft(Question("How many ferries did the NHSB inspect in 2031?"), read)
    assert "unknown_name" not in spelt_out.notes, spelt_out


def test_an_acronym_in_capitals_for_emphasis_a_unit_or_inside_a_longer_name_is_not_a_body_never_mentioned(
        embedder: Embedder) -> None:
    vocabulary = {"ferries": 2, "harbour": 1, "norland": 3, "inspected": 2, "board": 1}
    answerer = OfflineAnswerer(embedder, _calibration(), rarity=lambda: (vocabulary, 10))
    read = [_passage(1, "The Norland Harbour Board inspected 12 ferries in 2031.", "2031-01-01", "Ferries")]
    for question in ("How many ferries did the Norland Harbour Board inspect TODAY?",
                     "What was the ferry budget in NRD?", "How many ferries did the Norland Harbour Board KSBX inspect?"):
        assert "unknown_name" not in answerer.draft(Question(question), read).notes, question
    assert "unknown_name" in answerer.draft(Question("How many ferries did KSBX's wardens inspect?"), read).notes


def test_a_question_naming_its_source_by_date_ranks_and_counts_only_that_source_s_passages() -> None:
    """Passages of other documents than the one named ("according to the March 2031 analysis") are ruled out by the
    question itself: the named one's first passage ranks first though retrieval put an order before it, and the
    ruled-out units do not make the question look like a near miss (eligible_share)."""
    from crossbrief.rag.evidence import FEATURES, Scored, eligible_share, features, units

    order = _passage(1, "The order set a levy of 25% on widgets in 2031.", "2031-01-10", "Order")
    analysis = _passage(2, "The analysis notes the levy on widgets was paused for 30 days.", "2031-03-05", "Analysis")
    found = units([order, analysis])
    rank = FEATURES.index("rank")

    def scored(question: str) -> list[Scored]:
        zeros = np.zeros(len(found))
        return features(parse(question), found, zeros, zeros, np.zeros((len(found), 4)))

    named = scored("For how long was the levy paused, according to the March 2031 analysis?")
    of_analysis = [s for s in named if s.unit.passage is analysis]
    assert of_analysis and all(s.features[rank] == 1.0 for s in of_analysis)
    assert all(s.check.contradiction.startswith("source ") for s in named if s.unit.passage is order)
    assert eligible_share(named) == 1.0
    unnamed = scored("For how long was the levy paused?")
    assert all(s.features[rank] == 0.5 for s in unnamed if s.unit.passage is analysis)

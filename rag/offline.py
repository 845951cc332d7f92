"""The built-in offline answerer: it answers by quoting source sentences, so it cannot state a figure that
is not in a source.

The question's constraints are parsed (rag/constraints.py: pinned years, months, names, answer type, a named
source); every sentence of the retrieved passages becomes a unit with a few features (rag/evidence.py) that a
fitted logistic model turns into the probability that it answers the question (rag/calibration.py). A unit that
contradicts what the question pins cannot be the answer. The best unit that satisfies them answers, quoted exactly
with its [n]; an open question gets up to three sentences. When no unit satisfies the constraints or none is
likely enough, it refuses and says what the nearest evidence holds instead ("no figure for 2020; the nearest is
2021"). Figures of the same measure and unit from sources of different dates are both shown, newest first, unless
the question pins a date or a source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Callable, Sequence

import numpy as np

from crossbrief.index.embedding import Embedder
from crossbrief.rag.calibration import Calibration, support_row
from crossbrief.rag.constraint_check import today_of
from crossbrief.rag.refusal_reasons import near_miss_reason
from crossbrief.rag.constraints import Constraints, parse
from crossbrief.rag.named_sources import without_named_source
from crossbrief.rag.counted_near import asked_word, counted_nearness, nearness_by
from crossbrief.rag.dates import unit_dates
from crossbrief.rag.evidence import (Scored, Unit, chunks_using, country_known, eligible_share, features, is_table, name_known,
                                     near_overlaps, question_words, units)
from crossbrief.rag.measures import measure, same_measure, same_scope
from crossbrief.rag.models import REFUSAL_TEXT, Draft, Passage, Question
from crossbrief.rag.places import countries_in, countries_named, is_capital, names_placed_in, without_possessive
from crossbrief.rag.question_types import asks_about_table
from crossbrief.rag.table_text import introduces, source_stem
from crossbrief.rag.vector_cache import VectorCache
from crossbrief.rag.word_neighbours import WordNeighbours

# two sentences this similar (cosine) are taken to speak of the same measure when their figures differ
_SAME_MEASURE = 0.6
_MAX_SENTENCES = {"list": 3, "open": 2, "name": 2}
_ACRONYM = re.compile(r"[A-Z]{2,6}s?")


@dataclass
class OfflineAnswerer:
    embedder: Embedder
    calibration: Calibration
    name: str = "offline"
    # (chunks using each indexed word, chunks indexed), from the BM25 index: which of the question's words and names
    # the sources use, and how rare they are
    rarity: Callable[[], tuple[dict[str, int], int]] | None = None
    # the indexed words' vectors (rag/word_neighbours.py), from the BM25 index: how near a unit's words are to the
    # question's
    word_vectors: Callable[[], WordNeighbours | None] | None = None
    # how the question's words the index does not hold are embedded (the retriever's word cache; else the model)
    embed_words: Callable[[Sequence[str]], np.ndarray] | None = None
    # retrieval's relevance floor: passages whose best dense similarity is below it are not close enough to answer
    # from (answer() checks it before drafting; the answerer checks it too when it is handed passages directly)
    min_similarity: float | None = None
    # the vectors stored at ingest for the sentences and rows of passages, by text (index/sentence_index.py): read
    # instead of embedded again (None: every unit is embedded)
    stored_vectors: Callable[[Sequence[Passage]], dict[str, np.ndarray]] | None = None
    # a unit whose count figures all count something this far from the noun a "how many" question counts is a
    # count of something else (rag/counted_near.py; generation.counted_near_floor; -1: off)
    counted_near_floor: float = -1.0
    # the model's vectors of sentences and headings, kept between questions (shared with the table linker)
    vectors: VectorCache = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.vectors = VectorCache(self.embedder.embed)

    def _unit_vectors(self, found: list[Unit]) -> tuple[np.ndarray, np.ndarray]:
        """Each unit's vector, and its vector in context: read with its passage's title and heading and the
        sentence before it, the normalised sum of their vectors. A title names the topic that a paraphrased question
        asks about in other words. Summing vectors instead of embedding the joined text costs one short text per
        passage (the sentence before is mostly another unit) where the joined texts were one long text per unit.
        A sentence's vector is the one the ingest stored with it, read once for a passage seen for the first time;
        the cache embeds the rest."""
        if self.stored_vectors is not None:
            unseen = set(self.vectors.missing([u.text for u in found]))
            if unseen:  # passages read for the first time: most of their sentences have vectors from the ingest
                self.vectors.seed(self.stored_vectors(
                    list({u.passage.chunk_id: u.passage for u in found if u.text in unseen}.values())))
        headings = [" ".join(part for part in (u.passage.title, u.passage.heading) if part) for u in found]
        previous = [u.previous for u in found]
        extra = [(i, text) for texts in (headings, previous) for i, text in enumerate(texts) if text]
        embedded = self.vectors([u.text for u in found] + [text for _, text in extra])
        vectors, summed = embedded[:len(found)], embedded[:len(found)].astype(np.float64, copy=True)
        for (i, _), vector in zip(extra, embedded[len(found):]):
            summed[i] += vector
        return vectors, summed / np.clip(np.linalg.norm(summed, axis=1, keepdims=True), 1e-12, None)

    def forget_vectors(self) -> None:
        """Empties the embedding cache: the next question pays for every vector, as the first question on new
        passages does (`crossbrief bench` times answers this way as well as warm)."""
        self.vectors.clear()

    @staticmethod
    def _unknown_names(constraints: Constraints, frequencies: dict[str, int], passages: list[Passage]) -> list[str]:
        """The question's names that no indexed chunk uses, nor any of `passages` in another form (an acronym spelt
        out: "CISC" for "Criminal Intelligence Service Canada"); none without an index."""
        if not frequencies:
            return []
        return [n for n in constraints.names if not name_known(n, frequencies)
                and not any(constraints.name_met((p.title, p.heading, p.text), n) for p in passages)]

    def _never_mentioned(self, constraints: Constraints, passages: list[Passage]) -> list[str]:
        """The question's names the index never uses and no passage spells out (`_unknown_names`); none without
        an index or a name."""
        if not self.rarity or not constraints.names:
            return []
        frequencies, _ = self.rarity()
        return self._unknown_names(constraints, frequencies, passages)

    @staticmethod
    def _asked_bodies(question: str, constraints: Constraints) -> list[str]:
        """The acronyms the question names a body by ("the RCMP", "RCMP's"); not a word in capitals for emphasis or
        a unit ("TODAY", "in USD"), nor one inside a longer name ("the White House ONDCP")."""
        return [n for n in constraints.names if _ACRONYM.fullmatch(without_possessive(n)) and re.search(
            rf"\bthe\s+{re.escape(without_possessive(n))}\b|\b{re.escape(without_possessive(n))}['’]s\b", question)]

    @staticmethod
    def _placed(question: str) -> list[str]:
        """The places the question puts its figure in ("deaths recorded in Toronto"), not a country or a capital
        (which may stand for its country: "in Ottawa")."""
        return [name for name in names_placed_in(question) if not countries_in(name) and not is_capital(name)]

    def _unknown_bodies_or_places(self, question: str, constraints: Constraints, passages: list[Passage]) -> list[str]:
        """A body the question names by its acronym, or a place it puts its figure in, that the sources never
        mention (`_never_mentioned`): a body whose deeds no passage about another body tells (a capitalised name
        may be a paraphrase, "Ottawa" for Canada; an acronym names one body), a place of which they give no figure
        (a figure of the country or province around it is another place's)."""
        bodies, places = self._asked_bodies(question, constraints), self._placed(question)
        if not bodies and not places:
            return []
        never = self._never_mentioned(constraints, passages)
        unknown = {without_possessive(n) for n in never}
        return [n for n in never if n in bodies] or [
            name for name in places if any(word in unknown and not _ACRONYM.fullmatch(word) for word in name.split())]

    def constraints(self, asked: Question) -> Constraints:
        # a follow-up read with the question it leans on; a standalone rewrite of one ("And in 2024?" -> "How many
        # ... in 2024?") as the question it is
        parsed = parse(asked.text, asked.context) if asked.context else parse(asked.query)
        capitals = [n for n in parsed.names if is_capital(n)]
        frequencies, _ = self.rarity() if self.rarity and (parsed.directed or capitals) else ({}, 0)
        # a capital stands for its country only where the sources speak of that country at all: "Ottawa" for Canada,
        # but the "Victoria" of "the province whose capital is Victoria" is no Seychelles for sources that never
        # name it
        foreign = {code for n in capitals if frequencies and not country_known(n, frequencies)
                   for code in countries_named(n)}
        named_otherwise = {code for n in parsed.names if not is_capital(n) for code in countries_named(n)}
        return replace(parsed, directed=tuple(d for d in parsed.directed if chunks_using(d[2], frequencies)),
                       countries=parsed.countries - (foreign - named_otherwise))

    def score(self, asked: Question | str, passages: list[Passage]) -> tuple[Constraints, list[Scored]]:
        """The question's constraints and every unit with its features and probability, most probable first."""
        asked = asked if isinstance(asked, Question) else Question(asked)
        constraints = self.constraints(asked)
        found = units(passages)
        if not found:
            return constraints, []
        own, context = (asked.text, asked.context) if asked.context else (asked.query, "")
        query_vectors = self.embedder.embed([own, asked.query] if context else [own])
        vectors, with_previous = self._unit_vectors(found)

        def similarity_to(matrix: np.ndarray) -> np.ndarray:
            if not context:
                return matrix @ query_vectors[0]
            return 0.4 * (matrix @ query_vectors[0]) + 0.6 * (matrix @ query_vectors[1])

        frequencies, chunks = self.rarity() if self.rarity else ({}, 0)
        neighbours = self.word_vectors() if self.word_vectors else None
        # the words of a source the question names by its date are met by that source's date, not by its sentences
        own_words = without_named_source(asked.query)
        rows = features(constraints, found, similarity_to(vectors), similarity_to(with_previous), vectors,
                        len(self._unknown_names(constraints, frequencies, passages)) / max(len(constraints.names), 1),
                        question_words(own_words, frequencies, chunks, constraints.names),
                        near_overlaps(own_words, found, neighbours, self.embed_words or self.vectors))
        if constraints.counted and neighbours is not None and self.counted_near_floor > -1:
            rows = self._counting_another(asked.query, constraints, rows, neighbours)
        probabilities = self.calibration.probabilities(np.stack([r.features for r in rows]))
        scored = sorted((replace(r, probability=float(p)) for r, p in zip(rows, probabilities)),
                        key=lambda s: -s.probability)
        return constraints, from_asked_source(constraints, scored)

    def _counting_another(self, question: str, constraints: Constraints, rows: list[Scored],
                          neighbours: WordNeighbours) -> list[Scored]:
        """`rows` with those that count something else than the question counts marked "counted <word>"."""
        word = asked_word(question, constraints.counted)
        near = nearness_by(neighbours, self.embed_words or self.vectors)
        marked = []
        for row in rows:
            if row.eligible:
                nearness = counted_nearness(word, constraints.counted, row.unit.text, row.unit.context,
                                            row.unit.figures, near)
                if nearness is not None and nearness < self.counted_near_floor:
                    row = replace(row, check=replace(row.check, contradiction=f"counted {word}"))
            marked.append(row)
        return marked

    def draft(self, question: Question, passages: list[Passage],
              on_token: Callable[[str], None] | None = None) -> Draft:
        dense = [p.dense_score for p in passages if p.dense_score is not None]
        below_floor = self.min_similarity is not None and bool(dense) and max(dense) < self.min_similarity
        about_table = about_a_retrieved_table(question.query, passages)
        if below_floor and not about_table:
            return self._emit(self._below_floor(), on_token)
        constraints, scored = self.score(question, passages)
        threshold = self.calibration.threshold
        eligible = [s for s in scored if s.eligible]
        if about_table:  # a question about what a table shows is close to no sentence: the floor is not its test
            introducing = self._introducing_table(passages, eligible)
            if introducing is not None:
                return self._emit(Draft(f"{introducing.unit.quoted} [{introducing.unit.passage.n}]", refused=False,
                                        notes=("table_introduced",)), on_token)
            if below_floor:
                return self._emit(self._below_floor(), on_token)
            # a row tells a figure, not what its table shows: only sentences may answer
            scored = [s for s in scored if not is_table(s.unit.passage)]
            eligible = [s for s in eligible if not is_table(s.unit.passage)]
        unknown = self._unknown_bodies_or_places(question.query, constraints, passages)
        if unknown:
            return self._emit(Draft(REFUSAL_TEXT, refused=True, notes=("unknown_name",), reason=(
                f"The sources never mention {without_possessive(unknown[0])}; the closest passages are shown.")),
                on_token)
        if not eligible or self.supported(eligible[0], eligible_share(scored)) < threshold:
            return self._emit(self._refusal(constraints, scored, eligible), on_token)
        best = eligible[0]
        if not constraints.pins_date and not constraints.source_words:
            conflict = self._dated_conflict(best, eligible, constraints)
            if conflict:
                newest, older = conflict
                # the newest source's account as any answer quotes it: with what it says nearly as likely beside it
                latest = quoted_units([newest, *(s for s in eligible if s is not newest and s is not older)],
                                      constraints)
                text = (f"As of {newest.unit.passage.date}: {answer_text(latest)} "
                        f"Earlier ({older.unit.passage.date}): {older.unit.quoted} [{older.unit.passage.n}]")
                return self._emit(Draft(text, refused=False, notes=("dated_conflict",)), on_token)
        text = answer_text(quoted_units(eligible, constraints))
        today = today_of(constraints, best.unit.text, best.unit.figures, best.unit.passage.date)
        if today:  # the day the best sentence calls "today" is its source's: said, and cited to it
            text = f"On {today}, the date of [{best.unit.passage.n}]: {text}"
        return self._emit(Draft(text, refused=False), on_token)

    @staticmethod
    def _below_floor() -> Draft:
        return Draft(REFUSAL_TEXT, refused=True, notes=("below_relevance_floor",),
                     reason="No passage is close to this question.")

    @staticmethod
    def _introducing_table(passages: list[Passage], eligible: list[Scored]) -> Scored | None:
        """For a question about what a retrieved table shows: the likeliest sentence that introduces a table (it
        ends with a colon: "... consisted of the following:") in the table's own source or in a file of the same
        name beside it (a table.csv and its table.txt of notes); None when no such sentence is among the passages."""
        with_table = {source_stem(p.source) for p in passages if is_table(p)}
        return next((s for s in eligible if not is_table(s.unit.passage) and introduces(s.unit.text)
                     and source_stem(s.unit.passage.source) in with_table), None)

    def supported(self, best: Scored, eligible_share: float) -> float:
        """P(the passages answer the question), from its best eligible unit (the support model)."""
        return self.calibration.support(support_row(best.probability, best.features, eligible_share))

    def _refusal(self, constraints: Constraints, scored: list[Scored], eligible: list[Scored]) -> Draft:
        """A refusal that says what the nearest evidence holds when it contradicts what the question pins."""
        nearest = next((s for s in scored if not s.eligible), None)
        best_eligible = eligible[0].probability if eligible else 0.0
        read = {s.unit.passage.chunk_id: s.unit.passage for s in scored}
        # a city, body or person first: a country the sources never name may be one asked in other words
        unknown = sorted(self._never_mentioned(constraints, list(read.values())), key=lambda n: bool(countries_in(n)))
        never = f"The sources never mention {without_possessive(unknown[0])}; the closest passages are shown." \
            if unknown else ""
        if nearest is not None and nearest.probability >= best_eligible:
            what, _, name = nearest.check.contradiction.partition(" ")
            # another country's passage for a country the sources never name: saying so tells more; and so does a
            # city, body or person they never mention (not a capital, which may stand for its country: "Ottawa"), of
            # which they give no figure of any year ("no figure for 2023; the nearest is 2024" would say there is
            # one for 2024)
            unmentioned = what == "name" and bool(unknown) and without_possessive(name) == without_possessive(unknown[0])
            reason = never if unmentioned or unknown and not countries_in(unknown[0]) else \
                near_miss_reason(constraints, nearest.check.contradiction)
            return Draft(REFUSAL_TEXT, refused=True, notes=(f"near_miss: {nearest.check.contradiction}",),
                         reason=reason)
        reason = never or "No passage answers this closely enough; the closest passages are shown."
        return Draft(REFUSAL_TEXT, refused=True, notes=("below_support_threshold",), reason=reason)

    def _dated_conflict(self, best: Scored, eligible: list[Scored],
                        constraints: Constraints) -> tuple[Scored, Scored] | None:
        """Likely units from sources of other dates holding a different figure of the same kind and unit on the
        same measure as the best one: returns (newest, the most probable older one)."""
        # the asked kinds, or for a question that names none, the kinds of figure the best unit states; never dates:
        # two dates are two events (an order and its amendment), not one figure that changed
        kinds = tuple(k for k in constraints.kinds or [f.kind for f in best.unit.figures] if k not in ("year", "date"))

        def values(s: Scored) -> set[tuple[str, str, float]]:
            return {(f.kind, f.unit, f.value) for f in s.unit.figures if f.kind in kinds}

        def comparable(s: Scored) -> bool:  # a figure of the same kind, unit and measure as one of the best's
            return any(a.kind == b.kind and a.unit == b.unit
                       and same_measure(measure(best.unit.text, a), measure(s.unit.text, b))
                       for a in best.unit.figures if a.kind in kinds for b in s.unit.figures if b.kind in kinds)

        mine = values(best)
        if not mine or not best.unit.passage.date:
            return None
        if constraints.answer == "change" and not any(measure(best.unit.text, f).change for f in best.unit.figures
                                                      if f.kind in kinds):
            return None  # levels where a change is asked: the sentence that states the change follows, not a rival
        floor = best.probability * 0.6
        if constraints.asks_latest:  # "in the most recent year": a newer figure more likely than not to answer is it
            floor = min(floor, 0.5)
        best_years = unit_dates(best.unit.text)[0]

        def in_date_order(s: Scored) -> bool:
            """A newer source's unit speaks of no earlier year than the best's: a table row of 2016 in a 2025 file
            is no newer figure than a 2023 one. (An older source's unit of a later year stays a rival: both are
            shown rather than the best alone.)"""
            years = unit_dates(s.unit.text)[0]
            if not years or not best_years or (s.unit.passage.date or "") <= (best.unit.passage.date or ""):
                return True
            return max(years) >= max(best_years)

        rivals = [s for s in eligible[1:12]
                  if s.probability >= floor and s.unit.passage.date and s.unit.passage.source != best.unit.passage.source
                  and s.unit.passage.date != best.unit.passage.date and in_date_order(s)
                  and not values(s) & mine and comparable(s)
                  and s.check.names >= best.check.names  # its passage names no less of what the question names
                  and same_scope((best.unit.text, best.unit.previous), (s.unit.text, s.unit.previous))
                  and float(s.vector @ best.vector) >= _SAME_MEASURE]
        if not rivals:
            return None
        group = [best, *rivals]
        newest = max(group, key=lambda s: (s.unit.passage.date or "", s.probability))
        older = next(s for s in group if s is not newest and s.unit.passage.date != newest.unit.passage.date)
        return newest, older

    @staticmethod
    def _emit(draft: Draft, on_token: Callable[[str], None] | None) -> Draft:
        if on_token:
            on_token(draft.text)
        return draft


def from_asked_source(constraints: Constraints, scored: list[Scored]) -> list[Scored]:
    """The units a question that names a table as its source ("what does the federal table give for 2021?") is
    answered from: a table's rows, when one of them satisfies its constraints; otherwise every unit."""
    if constraints.asks_table and any(s.eligible and is_table(s.unit.passage) for s in scored):
        return [s for s in scored if is_table(s.unit.passage)]
    return scored


def about_a_retrieved_table(question: str, passages: list[Passage]) -> bool:
    """A question about what a table shows, with a table among the passages: close to no sentence, so the relevance
    floor is not its test (the answerer looks for the sentence that introduces the table)."""
    return asks_about_table(question) and any(is_table(p) for p in passages)




def quoted_units(eligible: list[Scored], constraints: Constraints) -> list[Scored]:
    """The units an answer quotes, from the eligible ones (most probable first): the best, then up to one or two
    more nearly as probable that repeat none of them and hold a figure of the asked kind when one is asked.
    scripts/fit_answerer.py judges an answer right by these, as a reader sees it."""
    best = eligible[0]
    chosen = [best]
    limit = _MAX_SENTENCES.get(constraints.answer, 2)
    for other in eligible[1:6]:
        if len(chosen) >= limit:
            break
        if other.probability < best.probability * 0.75:
            break
        extended = [i for i, c in enumerate(chosen) if c.unit.text in other.unit.quoted and c is not other
                    and other.unit.text not in c.unit.quoted]
        if extended and other.unit.passage.source == best.unit.passage.source:
            # it leans back on a chosen sentence ("Methylfentanyl ... was the most common of them" after "... eleven
            # new substances"): quoted with it, it replaces that sentence
            chosen[extended[0]] = other
            continue
        if any(other.unit.text in c.unit.quoted or c.unit.text in other.unit.quoted for c in chosen):
            continue
        if other.unit.passage.source != best.unit.passage.source:
            continue  # an answer reads as one source's account; the other sources are among the passages shown
        if constraints.kinds and not any(f.kind in constraints.kinds for f in other.unit.figures):
            continue
        chosen.append(other)
    return chosen


def answer_text(quoted: list[Scored]) -> str:
    """The quoted units, each with its citation, every sentence once: a unit leaning back on a sentence already
    quoted ("He added ..." after it, "This was followed ..." after that) adds only its own."""
    said: set[str] = set()
    parts = []
    for scored in quoted:
        unit = scored.unit
        new = [s for s in ([unit.previous, unit.text] if unit.leans_back else [unit.text]) if s not in said]
        if new:
            said.update(new)
            parts.append(f"{' '.join(new)} [{unit.passage.n}]")
    return " ".join(parts)

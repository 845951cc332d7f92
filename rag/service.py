"""Builds crossbrief's parts from settings in one place and answers questions. The CLI, the Streamlit app,
the Slack bot and the evals all call `Crossbrief.answer`."""

from __future__ import annotations

import time
from functools import partial
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePath
from typing import Callable, Mapping, Sequence

import numpy as np

from crossbrief.index.embedding import Embedder
from crossbrief.index.factory import build_embedder, open_sentences, open_store
from crossbrief.index.sentence_index import SentenceIndex
from crossbrief.index.manifest import Manifest
from crossbrief.config import Settings
from crossbrief.index.store import ChunkStore
from crossbrief.rag.citations import check_answer, cited_first, shown_passages
from crossbrief.rag.conversation import asks_source, condense_offline
from crossbrief.errors import ConfigError, IndexNotFound, InvalidQuestion, RetrievalError
from crossbrief.rag.answerer import Answerer, Condenser
from crossbrief.rag.models import REFUSAL_TEXT, Answer, Citation, Draft, Filters, Passage, Question, Turn
from crossbrief.rag.calibration import Calibration
from crossbrief.rag.offline import OfflineAnswerer, about_a_retrieved_table
from crossbrief.index import doctor
from crossbrief.index.doctor import quick_check
from crossbrief.rag.figures import Figure, extract_figures
from crossbrief.rag.relative_places import with_countries_named
from crossbrief.rag.retrieval import HybridRetriever
from crossbrief.rag.table_meaning import MeaningLinker
from crossbrief.rag.tables import TableAnswerer
from crossbrief.index.table_store import TableStore
from crossbrief.rag.sources import (
    SUPPORTED_SUFFIXES,
    IngestReport,
    SourceRecord,
    ingest_sources,
    list_sources,
    remove_source,
    require_index,
)

# What the front ends (ui/cli, ui/web, ui/slack) use, so that they import nothing else from rag/ or index/.
__all__ = ["ANSWERERS", "SUPPORTED_SUFFIXES", "Answer", "Answerer", "Citation", "Crossbrief", "Draft", "Embedder",
           "Figure", "Filters", "History", "IngestReport", "Passage", "Question", "SourceRecord", "build",
           "build_embedder", "doctor", "extract_figures", "ingest_sources", "list_sources", "quick_check",
           "remove_source", "require_index"]

ANSWERERS = ("offline", "openai", "ollama")
History = list[Turn]


@dataclass
class Crossbrief:
    settings: Settings
    store: ChunkStore
    embedder: Embedder
    retriever: HybridRetriever
    offline: OfflineAnswerer
    _llms: dict[str, Answerer] = field(default_factory=dict)
    tables: TableAnswerer | None = None

    def answerer(self, name: str | None) -> Answerer:
        name = name or self.settings.generation.answerer
        if name == "offline":
            return self.offline
        if name in self._llms:  # built already, or passed to build()
            return self._llms[name]
        if name not in ANSWERERS:
            raise ConfigError(f"Unknown answerer {name!r}; use one of {', '.join(ANSWERERS)}")
        if name not in self._llms:
            from crossbrief.rag.llm import build_llm_answerer

            self._llms[name] = build_llm_answerer(self.settings.generation, name)
        return self._llms[name]

    def validate_question(self, question: str) -> str:
        text = (question or "").strip()
        if not text:
            raise InvalidQuestion("The question is empty: ask something, e.g. \"What tariff did the US put on Canada?\"")
        limit = self.settings.generation.max_question_chars
        if len(text) > limit:
            raise InvalidQuestion(f"The question is {len(text)} characters long; the limit is {limit}. Shorten it.")
        return text

    def resolve_sources(self, names: tuple[str, ...] | list[str]) -> tuple[str, ...]:
        """Maps file names or paths to the indexed source keys; raises RetrievalError naming a filter that
        matches no indexed source (an answer from no sources would look like the sources do not say)."""
        if not names:
            return ()
        keys = list(Manifest.load(self.settings).sources)
        resolved = []
        for name in names:
            exact = str(Path(name).resolve())
            matches = [k for k in keys if k == exact or k == name or k.endswith("/" + name.lstrip("/"))]
            if not matches:
                raise RetrievalError(f"The source filter {name!r} matches no indexed source; "
                                     "`crossbrief sources` lists what the index holds")
            resolved.extend(matches)
        return tuple(dict.fromkeys(resolved))

    def condense(self, question: str, history: History, answerer: Answerer) -> Question:
        """The question as data: a follow-up gets its standalone form and context (by the LLM when it can)."""
        history = history[-2 * self.settings.generation.history_turns:] if history else []
        if not history:
            return Question(text=question)
        if isinstance(answerer, Condenser):
            return answerer.condense(question, history)
        return condense_offline(question, history)

    def answer(
        self,
        question: str,
        history: History | None = None,
        filters: Filters | None = None,
        answerer: str | None = None,
        k: int | None = None,
        on_token: Callable[[str], None] | None = None,
    ) -> Answer:
        """Retrieves, drafts, and checks citations and figures; the one entry point every front end uses."""
        started = time.perf_counter()
        text = self.validate_question(question)
        chosen = self.answerer(answerer)
        filters = filters or Filters()
        if filters.sources:
            filters = replace(filters, sources=self.resolve_sources(filters.sources))
        asked = self.condense(text, history or [], chosen)
        # a country named by where it lies ("the northern neighbour") is asked by its name (rag/relative_places.py)
        named = with_countries_named(asked.query, self.retriever.countries_named)
        if named != asked.query:
            asked = replace(asked, standalone=named)
        if chosen is self.offline and asked.context and asks_source(text):
            return self._source_of(text, history or [], filters, answerer, k, on_token, started)
        k = k or self.settings.retrieval.k
        # the offline answerer reads more passages than are shown: one it quotes from beyond the first k is shown too
        reads = max(k, self.settings.retrieval.answer_k) if chosen is self.offline and k >= 1 else k
        retrieved = self.retriever.retrieve(asked.query, filters, reads)
        read, retrieved.passages = retrieved.passages, retrieved.passages[:k]
        retrieved.best_similarity = max((p.dense_score or 0.0 for p in retrieved.passages), default=0.0)
        timings = dict(retrieved.timings)
        result = Answer(question=text, answer="", refused=False, passages=retrieved.passages,
                        settings_hash=self.settings.short_hash(), answerer=chosen.name,
                        standalone_question=asked.query)
        tabled = self.tables.answer(asked, retrieved.passages, filters, further=read[k:]) \
            if self.tables is not None else None
        if tabled is not None:  # answered (or honestly not) by filtering a table's rows (rag/tables.py)
            result.notes.extend(tabled.draft.notes)
            if tabled.passage is None:
                result.answer, result.refused, result.refusal_reason = REFUSAL_TEXT, True, tabled.draft.reason
            else:
                text, result.passages = cited_first(tabled.draft.text, [*retrieved.passages, tabled.passage])
                checked = check_answer(text, result.passages)
                result.answer, result.citations, result.figures = checked.text, checked.citations, checked.figures
            if on_token:
                on_token(result.answer)
        elif retrieved.best_similarity < self.settings.retrieval.min_similarity and not about_a_retrieved_table(
                asked.query, read):
            result.answer, result.refused = REFUSAL_TEXT, True
            result.notes.append("below_relevance_floor")
            result.refusal_reason = "No indexed passage is close to this question."
            if on_token:
                on_token(REFUSAL_TEXT)
        else:
            draft_started = time.perf_counter()
            # markers may be renumbered (a passage read beyond the k shown, or the offline answer's, whose text comes
            # whole, cited first): the text is streamed once they are
            held = len(read) > k or chosen is self.offline
            draft = chosen.draft(asked, read, None if held else on_token)
            timings["draft"] = time.perf_counter() - draft_started
            result.notes.extend(draft.notes)
            result.refused = draft.refused
            if draft.refused:
                result.answer, result.refusal_reason = REFUSAL_TEXT, draft.reason
                if held and on_token:
                    on_token(draft.text)
            else:
                drafted, result.passages = shown_passages(draft.text, read, k)
                if chosen is self.offline:
                    drafted, result.passages = cited_first(drafted, result.passages)
                if held and on_token:
                    on_token(drafted)
                checked = check_answer(drafted, result.passages)
                result.answer, result.citations = checked.text, checked.citations
                result.figures, result.removed_markers = checked.figures, checked.removed_markers
                if result.unsupported_figures and chosen is not self.offline \
                        and self.settings.generation.unsupported_figures == "fallback":
                    fallback = self.offline.draft(asked, retrieved.passages)
                    result.notes.append("fell_back_to_offline")
                    result.answerer = "offline"
                    if fallback.refused:
                        result.answer, result.refused, result.citations, result.figures = REFUSAL_TEXT, True, [], []
                    else:
                        text, result.passages = cited_first(fallback.text, retrieved.passages)
                        checked = check_answer(text, result.passages)
                        result.answer, result.citations, result.figures = checked.text, checked.citations, checked.figures
                if not result.citations and not result.refused:
                    result.notes.append("no_citations")
        timings["total"] = time.perf_counter() - started
        result.timings = {key: round(value * 1000, 1) for key, value in timings.items()}  # milliseconds
        return result

    def _source_of(self, question: str, history: History, filters: Filters, answerer: str | None, k: int | None,
                   on_token: Callable[[str], None] | None, started: float) -> Answer:
        """The offline answer to a follow-up asking where the last answer came from ("Who said that?"): the sources
        the answer to the last question asked before it cites, prose or a table's row, by title and date, cited.
        That question is answered again with the conversation it was asked in ("And on Mexico?" as it was read)."""
        asked = [i for i, (role, text) in enumerate(history) if role == "user" and not asks_source(text)]
        earlier = history[asked[-1]][1] if asked else ""
        answered = self.answer(earlier, history=history[:asked[-1]], filters=filters, answerer=answerer, k=k) \
            if asked else Answer(question=earlier, answer=REFUSAL_TEXT, refused=True)
        cited: dict[str, Citation] = {}
        for citation in answered.citations:  # each source once, where the answer first cites it
            cited.setdefault(citation.source, citation)
        result = Answer(question=question, answer=REFUSAL_TEXT, refused=True, passages=answered.passages,
                        settings_hash=self.settings.short_hash(), answerer=answered.answerer,
                        standalone_question=answered.standalone_question or earlier)
        if answered.refused or not cited:
            result.notes.append("no_source_to_name")
            result.refusal_reason = "The earlier answer quotes no source these passages hold."
        else:
            named = "; ".join(f"{c.title or PurePath(c.source).stem}" + (f" ({c.date})" if c.date else "") + f" [{c.n}]"
                              for c in cited.values())
            checked = check_answer(f"That comes from {named}.", answered.passages)
            # each card quotes what the earlier answer quoted of that source, not the sentence most like its title
            result.citations = [replace(c, quote=cited[c.source].quote, span=cited[c.source].span,
                                        page=cited[c.source].page)
                                if c.source in cited and c.chunk_id == cited[c.source].chunk_id else c
                                for c in checked.citations]
            result.answer, result.figures = checked.text, checked.figures
            result.refused = False
            result.notes.append("source_named")
        if on_token:
            on_token(result.answer)
        result.timings = {"total": round((time.perf_counter() - started) * 1000, 1)}
        return result


def embedding_similarity(vectors: Callable[[Sequence[str]], np.ndarray]) -> Callable[[str, Sequence[str]], list[float]]:
    """Cosine similarity of a short text to each of several, by the embedding model's vectors (normalised), from
    `vectors`: the answerer's cache, so that a column's name gets the same vector whatever it is compared with."""
    def similarity(text: str, others: Sequence[str]) -> list[float]:
        found = vectors([text, *others])
        return [float(v @ found[0]) for v in found[1:]]
    return similarity


def _stored_vectors(sentences: SentenceIndex, passages: Sequence[Passage]) -> dict[str, np.ndarray]:
    """The vectors the ingest stored for the sentences and rows of `passages`, by text."""
    return sentences.stored_vectors([(p.chunk_id, p.text, p.kind) for p in passages])


def _values_under(store: TableStore, table: str, pinned: dict[int, list[str]], column: int,
                  most_rows: int = 2000) -> set[str] | None:
    """The values `column` holds (blanks aside) in the rows of `table` that `pinned` keeps; None without pins or
    past `most_rows` rows."""
    if not pinned:
        return None
    numbers = store.row_numbers(table, pinned, limit=most_rows + 1)
    if len(numbers) > most_rows:
        return None
    return {cells[column] for _, cells in store.rows(table, numbers) if column < len(cells) and cells[column]}


def one_blas_thread() -> None:
    """Caps numpy's OpenBLAS at one thread for this process. A question's matrix products (the question's words against
    the indexed vocabulary, sentences against the question) are small, and OpenBLAS's idle threads keep spinning
    after each one, taking the cores the embedding model runs on next: measured at 10k chunks, an answer's model runs
    took twice as long (cold answer 91 -> 165 ms median). The embedding model keeps its own threads."""
    from threadpoolctl import ThreadpoolController

    ThreadpoolController().select(internal_api="openblas").limit(limits=1)


def build(settings: Settings, embedder: Embedder | None = None, store: ChunkStore | None = None,
          answerers: Mapping[str, Answerer] | None = None, sentences: SentenceIndex | None = None) -> Crossbrief:
    """Opens the index and builds every part from `settings` (raises IndexNotFound when there is no index).
    `embedder`, `store`, `sentences` and extra `answerers` (by name) replace the ones the settings would build (a
    given `store` comes without sentence vectors unless `sentences` are given too)."""
    one_blas_thread()
    if store is None:
        store = open_store(settings, create=False)
        sentences = sentences or open_sentences(settings, create=False)
    manifest = Manifest.load(settings)
    if not settings.index.chroma_url and not manifest.indexed:
        raise IndexNotFound(f"No index at {settings.home}: run `crossbrief ingest PATH` first")
    recorded = manifest.embedding_backend
    embedder = embedder or build_embedder(settings)
    if recorded and recorded != embedder.backend:
        raise ConfigError(
            f"This index was built with the {recorded!r} embedding backend; queries with {embedder.backend!r} "
            f"would not match. Set CROSSBRIEF_INDEX__EMBEDDING_BACKEND={recorded} or re-ingest into a new home"
        )
    retriever = HybridRetriever(store, embedder, settings.retrieval, settings.catalog_url, settings.bm25_dir,
                                sentences=sentences)
    generation = settings.generation
    calibration = Calibration(generation.answerer_weights, generation.answerer_bias, generation.support_threshold,
                              generation.support_weights, generation.support_bias)
    offline = OfflineAnswerer(embedder, calibration, rarity=retriever.word_rarity, word_vectors=retriever.word_vectors,
                              embed_words=retriever.word_cache,
                              min_similarity=settings.retrieval.min_similarity,
                              counted_near_floor=settings.generation.counted_near_floor,
                              stored_vectors=None if sentences is None else partial(_stored_vectors, sentences))
    table_store = TableStore.open(settings.catalog_url)
    tables = TableAnswerer(table_store, min_coverage=generation.table_min_coverage,
                           top_sources=generation.table_top_sources, min_row_margin=generation.table_row_margin,
                           min_row_coverage=generation.table_row_min_coverage,
                           far_coverage=generation.table_far_coverage,
                           similarity=embedding_similarity(offline.vectors),
                           meaning=MeaningLinker(offline.vectors, generation.table_meaning_margin,
                                                 generation.table_meaning_floor,
                                                 values_under=partial(_values_under, table_store))
                           if generation.table_meaning_floor <= 1 else None)
    return Crossbrief(settings, store, embedder, retriever, offline, dict(answerers or {}), tables)

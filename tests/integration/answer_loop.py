"""A long-running crossbrief process for the multi-machine test: reads one question per stdin line, answers it
with the service built from the environment's settings, and prints one JSON line with the answer and, apart,
the sources that dense retrieval and BM25 each rank highest (so a test can tell the two retrievers apart).
The line `:rate` records a thumbs-up for the last answer and `:feedback` lists the questions of every feedback
row the catalog holds."""

from __future__ import annotations

import json
import sys

from crossbrief.config import Settings
from crossbrief.feedback import FeedbackStore
from crossbrief.rag.service import build


def main() -> None:
    settings = Settings()
    service = build(settings)
    feedback = FeedbackStore.open(settings)
    answer = None
    for line in sys.stdin:
        question = line.strip()
        if question == ":rate" and answer is not None:
            print(json.dumps({"row": feedback.record_answer(answer, 1, channel="test")}), flush=True)
            continue
        if question == ":feedback":
            print(json.dumps({"questions": [row["question"] for row in feedback.rows()]}), flush=True)
            continue
        try:
            retriever = service.retriever
            dense = retriever.store.query(retriever.embed_query(question), 10, None)
            dense_sources = [str(c.metadata.get("source")) for c in retriever.store.get([i for i, _ in dense])]
            bm25 = retriever._bm25_index()
            position = {chunk_id: n for n, chunk_id in enumerate(bm25.ids)}
            bm25_sources = [bm25.sources[position[i]] for i, _ in bm25.top(question, 10, None)]
            # answered after the look above, so the answer sees the BM25 version those sources came from
            answer = service.answer(question)
            reply = {"answer": answer.answer, "refused": answer.refused, "dense_sources": dense_sources,
                     "bm25_sources": bm25_sources, "passage_sources": [p.source for p in answer.passages]}
        except Exception as exc:  # noqa: BLE001  (the test reports it)
            reply = {"error": f"{exc.__class__.__name__}: {exc}"}
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()

"""A long-running crossbrief process for the multi-machine test: reads one question per stdin line, answers it
with the service built from the environment's settings, and prints one JSON line with the answer and, apart,
the sources that dense retrieval and BM25 each rank highest (so a test can tell the two retrievers apart)."""

from __future__ import annotations

import json
import sys

from crossbrief.config import Settings
from crossbrief.rag.service import build


def main() -> None:
    service = build(Settings())
    for line in sys.stdin:
        question = line.strip()
        try:
            answer = service.answer(question)
            retriever = service.retriever
            dense = retriever.store.query(retriever.embed_query(question), 10, None)
            dense_sources = [str(c.metadata.get("source")) for c in retriever.store.get([i for i, _ in dense])]
            bm25 = retriever._bm25_index()
            position = {chunk_id: n for n, chunk_id in enumerate(bm25.ids)}
            bm25_sources = [bm25.sources[position[i]] for i, _ in bm25.top(question, 10, None)]
            reply = {"answer": answer.answer, "refused": answer.refused, "dense_sources": dense_sources,
                     "bm25_sources": bm25_sources, "passage_sources": [p.source for p in answer.passages]}
        except Exception as exc:  # noqa: BLE001  (the test reports it)
            reply = {"error": f"{exc.__class__.__name__}: {exc}"}
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()

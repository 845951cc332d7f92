"""`crossbrief bench`: speed measured as ratios (against the raw encoder, against a plain LangChain peer) in one
run, memory, the Chroma server beside embedded, and the eval summary of the same configuration."""

from __future__ import annotations

import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Callable

import numpy as np

from crossbrief.index.chunking import Chunker
from crossbrief.index.embedding import Embedder
from crossbrief.index.factory import build_ingester
from crossbrief.index.ingest import discover
from crossbrief.index.loaders import load
from crossbrief.index.manifest import Manifest, SourceRecord
from crossbrief.index.store import StoredChunk
from crossbrief.config import Settings

QUESTIONS = [
    "What is the current US tariff on Canadian goods?",
    "How much is Canada's border plan worth?",
    "What share of the fentanyl entering the US comes from Canada?",
    "How many organized crime groups operate in Canada?",
    "How many opioid deaths did Canada record in 2023?",
    "When did Canada last publish a comprehensive report on organized crime?",
    "How long were the tariffs on Canada paused?",
    "How many firearms were seized in the first half of fiscal 2023?",
    "Where do fentanyl precursor chemicals come from?",
    "What is the GDP of Brazil?",
]


@dataclass
class BenchResult:
    figures: dict[str, Any] = field(default_factory=dict)
    latency_rows: list[dict[str, Any]] = field(default_factory=list)


def percentile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return round(values[0] if values else 0.0, 2)
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1], 2)


def timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


# each question is timed this many times in a round and counts once, by its median: on a small shared machine one
# call in a few is slowed by something else (a scheduler tick, a page fault), and over ten questions the p95 is
# nearly the slowest call, so single timings made the p95 of one commit vary by half between runs
SAMPLES_PER_QUESTION = 3


def typical_ms(fn: Callable[[], Any], samples: int = SAMPLES_PER_QUESTION,
               before: Callable[[], Any] | None = None) -> float:
    """The median of `samples` timings of `fn` in milliseconds; `before` runs untimed ahead of each."""
    times = []
    for _ in range(samples):
        if before is not None:
            before()
        times += timed(fn, 1)
    return statistics.median(times)


def bench_ingest(base: Settings, files: list[Path], embedder: Embedder, home: Path) -> dict[str, Any]:
    """Raw encode throughput on the pipeline's own chunks, then the full pipeline and a re-ingest into `home`."""
    chunker = Chunker(embedder.count_word_pieces, base.index.chunk_tokens, base.index.overlap_tokens,
                      base.index.csv_rows_per_chunk)
    texts = [c.embedding_text for f in files for c in chunker.chunk(load(f))]
    word_pieces = sum(min(embedder.count_word_pieces(t), 256) for t in texts)
    embedder.embed(texts[:8])  # warm-up
    started = time.perf_counter()
    embedder.embed(texts)
    raw_s = time.perf_counter() - started
    settings = base.model_copy(update={"home": home})
    ingester = build_ingester(settings, embedder)
    first = ingester.ingest(files)
    again = build_ingester(settings, embedder).ingest(files)
    raw_cps = len(texts) / raw_s
    pipeline_cps = first.chunks_added / first.seconds
    return {
        "ingest_chunks": len(texts), "raw_chunks_per_s": round(raw_cps, 1),
        "raw_tokens_per_s": round(word_pieces / raw_s, 0), "pipeline_chunks_per_s": round(pipeline_cps, 1),
        "pipeline_seconds": first.seconds, "ingest_ratio": round(pipeline_cps / raw_cps, 3),
        "reingest_seconds": again.seconds, "reingest_fraction": round(again.seconds / first.seconds, 4),
    }


def grow_index(settings: Settings, size: int, rng: random.Random) -> None:
    """Adds generated chunks (texts recombined from the real ones, vectors near real ones) up to `size`, with
    their sentence vectors when the settings keep them."""
    from crossbrief.index.factory import open_sentences, open_store
    from crossbrief.index.sentence_index import chunk_of

    store = open_store(settings, create=True)
    sentence_index = open_sentences(settings, create=True)
    real = store.get_all()
    vectors = np.stack(store.vectors([c.id for c in real[:2000]]))
    sentences = [s for c in real for s in c.text.split(". ") if len(s) > 30] or ["filler sentence about borders"]
    existing = store.count()
    need = size - existing
    manifest = Manifest.load(settings)
    ids: list[str] = []
    for start in range(0, max(need, 0), 2000):
        batch = min(2000, need - start)
        batch_ids = [f"synthetic-{existing + start + i:07d}" for i in range(batch)]
        docs = [". ".join(rng.sample(sentences, min(3, len(sentences)))) + f". Figure {rng.randint(1, 9999)}."
                for _ in range(batch)]
        base = vectors[[rng.randrange(len(vectors)) for _ in range(batch)]]
        noisy = base + np.random.default_rng(start).normal(0, 0.08, base.shape)
        noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
        metas = [{"source": "/synthetic/generated.txt", "title": "Generated filler", "start": 0, "end": len(d),
                  "chunk_index": start + i, "heading": "", "kind": "text", "date": "2024-01-01",
                  "date_num": 20240101} for i, d in enumerate(docs)]
        generated = [StoredChunk(*row) for row in zip(batch_ids, docs, metas)]
        store.put(generated, noisy)
        if sentence_index is not None:  # each generated chunk's sentences, each near its chunk's vector
            entries = sentence_index.entries(generated)
            position = {cid: i for i, cid in enumerate(batch_ids)}
            near = noisy[[position[chunk_of(e.id)] for e in entries]]
            near = near + np.random.default_rng(start + 1).normal(0, 0.08, near.shape)
            sentence_index.write(generated, noisy, entries, near / np.linalg.norm(near, axis=1, keepdims=True))
        ids.extend(batch_ids)
    if ids:
        old = manifest.sources.get("/synthetic/generated.txt")
        manifest.sources["/synthetic/generated.txt"] = SourceRecord(
            "/synthetic/generated.txt", f"generated-{size}", tuple((old.chunk_ids if old else ()) + tuple(ids)),
            "Generated filler", "2024-01-01", None, "text", "bench")
        manifest.save()


def langchain_baseline(settings: Settings, model_dir: Path) -> Callable[[str, int], Any]:
    from langchain_huggingface import HuggingFaceEmbeddings

    from crossbrief.index.factory import open_chroma

    embeddings = HuggingFaceEmbeddings(model_name=str(model_dir), model_kwargs={"device": "cpu"},
                                       encode_kwargs={"normalize_embeddings": True})
    vectorstore = open_chroma(settings).as_langchain(embeddings)
    return lambda q, k: vectorstore.similarity_search(q, k=k)


def query_latencies(settings: Settings, embedder: Embedder, baseline: Callable[[str, int], Any],
                    repeat: int) -> dict[str, float]:
    from crossbrief.rag.service import build

    service = build(settings, embedder)
    # the first question on a version of the index no ingest here prepared (the chunks are grown in directly, as
    # another machine's ingest would add them) builds the BM25 index and embeds its vocabulary
    # (rag/word_neighbours.py); `crossbrief ingest` does that itself (rag/sources.py)
    first = timed(partial(service.answer, QUESTIONS[0]), 1)[0]
    for q in QUESTIONS:  # warm-up: caches
        service.answer(q)
        baseline(q, settings.retrieval.k)
    # per round, each question once, by the median of its SAMPLES_PER_QUESTION timings
    retrieval, answer, cold, plain = [], [], [], []
    for _ in range(repeat):
        for q in QUESTIONS:
            retrieval.append(typical_ms(partial(service.retriever.retrieve, q)))
            answer.append(typical_ms(partial(service.answer, q)))  # warm: the answerer has seen these passages
            plain.append(typical_ms(partial(baseline, q, settings.retrieval.k)))
    for _ in range(repeat):
        for q in QUESTIONS:  # cold: every sentence embedded anew, as for a question on passages not seen before
            cold.append(typical_ms(partial(service.answer, q), before=service.offline.forget_vectors))
    return {
        "chunks": service.store.count(), "first_answer_ms": round(first, 1), "indexed_words": len(vocabulary.words)
        if (vocabulary := service.retriever.word_vectors()) is not None else 0,
        "hybrid_p50_ms": percentile(retrieval, 50), "hybrid_p95_ms": percentile(retrieval, 95),
        "answer_p50_ms": percentile(answer, 50), "answer_p95_ms": percentile(answer, 95),
        "answer_cold_p50_ms": percentile(cold, 50), "answer_cold_p95_ms": percentile(cold, 95),
        "langchain_p50_ms": percentile(plain, 50), "langchain_p95_ms": percentile(plain, 95),
        "hybrid_vs_langchain_p95": round(percentile(retrieval, 95) / max(percentile(plain, 95), 1e-6), 2),
    }


_MEASURE_CHILD = ("import resource, subprocess, sys; code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
                  "stderr=subprocess.DEVNULL).returncode; "
                  "print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def peak_rss_mb(args: list[str], env: dict[str, str]) -> float:
    """Peak resident memory of one command, from the kernel's accounting of a wrapper's only child."""
    out = subprocess.run([sys.executable, "-c", _MEASURE_CHILD, *args], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    code, kilobytes = int(out[0]), int(out[1])
    if code not in (0, 1):
        raise RuntimeError(f"{args[1:3]} exited with {code}")
    return round(kilobytes / 1024, 1)


def chroma_server_latency(settings: Settings, embedder: Embedder, repeat: int, folder: Path) -> dict[str, float]:
    """Copies the index into a `chroma run` server on localhost (its data in `folder`) and times the same queries
    against it."""
    from crossbrief.index.factory import open_sentences, open_store
    from crossbrief.rag.service import build

    server, url = _start_chroma(folder)
    try:
        local = open_store(settings)
        remote_settings = settings.model_copy(update={"index": settings.index.model_copy(update={"chroma_url": url})})
        remote = open_store(remote_settings, create=True)
        for chunks, vectors in local.pages(2000):  # pages: SQLite limits how many ids one query may bind
            remote.put(chunks, vectors)
        local_sentences, remote_sentences = open_sentences(settings), open_sentences(remote_settings, create=True)
        if local_sentences is not None and remote_sentences is not None:
            for entries, vectors in local_sentences.store.pages(2000):
                remote_sentences.put(entries, vectors)
        service = build(remote_settings, embedder)
        embedded = build(settings, embedder)
        for q in QUESTIONS:
            service.retriever.retrieve(q)
            embedded.retriever.retrieve(q)
        server_ms, embedded_ms = [], []
        for _ in range(repeat):
            for q in QUESTIONS:
                server_ms.append(typical_ms(partial(service.retriever.retrieve, q)))
                embedded_ms.append(typical_ms(partial(embedded.retriever.retrieve, q)))
        return {"chunks": local.count(), "server_hybrid_p50_ms": percentile(server_ms, 50),
                "server_hybrid_p95_ms": percentile(server_ms, 95),
                "embedded_hybrid_p50_ms": percentile(embedded_ms, 50),
                "embedded_hybrid_p95_ms": percentile(embedded_ms, 95)}
    finally:
        server.terminate()
        server.wait(timeout=30)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_chroma(data: Path, attempts: int = 5) -> tuple[subprocess.Popen[bytes], str]:
    """`chroma run` on a free loopback port, answering its heartbeat. It cannot bind port 0, so a port taken
    between our probe and its bind (the process exits) is retried on another."""
    import urllib.request

    chroma = str(Path(sys.executable).parent / "chroma")
    for _ in range(attempts):
        port = _free_port()
        server = subprocess.Popen([chroma, "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        for _ in range(240):
            if server.poll() is not None:
                break  # most likely the port was taken: try another
            try:
                urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1)
                return server, url
            except OSError:
                time.sleep(0.5)
        else:
            server.kill()
            server.wait()
            raise RuntimeError(f"chroma run did not answer at {url} within two minutes")
    raise RuntimeError(f"chroma run exited on {attempts} ports in a row; run `chroma run --path DIR` to see why")


def plot(rows: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    sizes = [r["chunks"] for r in rows]
    for key, label in (("hybrid_p95_ms", "hybrid retrieval p95"), ("answer_p95_ms", "offline answer p95"),
                       ("answer_cold_p95_ms", "offline answer p95, cold cache"),
                       ("langchain_p95_ms", "LangChain similarity_search p95"),
                       ("hybrid_p50_ms", "hybrid retrieval p50")):
        ax.plot(sizes, [r[key] for r in rows], marker="o", label=label)
    ax.set_xscale("log")
    ax.set_xlabel("chunks in the index")
    ax.set_ylabel("milliseconds")
    ax.set_title("Query latency against index size")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def run_bench(settings: Settings, embedder: Embedder, corpus: list[Path], sizes: list[int], repeat: int,
              out: Path, progress: Callable[[str], None]) -> BenchResult:
    # every index, server folder and eval home the run builds lives in one folder, removed when it ends (a bench run
    # left about 300 MB behind in /tmp each time)
    with tempfile.TemporaryDirectory(prefix="crossbrief-bench-", ignore_cleanup_errors=True) as folder:
        return _run_bench(settings, embedder, corpus, sizes, repeat, out, progress, Path(folder))


def _run_bench(settings: Settings, embedder: Embedder, corpus: list[Path], sizes: list[int], repeat: int,
               out: Path, progress: Callable[[str], None], work: Path) -> BenchResult:
    from crossbrief.evals.cases import load_cases
    from crossbrief.evals.runner import run_eval
    from crossbrief.index.packaged_model import packaged_model_dir

    result = BenchResult()
    files = discover(corpus, settings.index.skip_files)
    progress(f"ingest: {len(files)} files")
    home = work / "ingest"
    ingest = bench_ingest(settings, files, embedder, home)
    result.figures.update(ingest)
    env = {**os.environ, "CROSSBRIEF_HOME": str(work / "rss"),
           "CROSSBRIEF_INDEX__EMBEDDING_BACKEND": embedder.backend,
           "CROSSBRIEF_INDEX__MODEL_CACHE_DIR": str(settings.model_cache)}  # the ONNX export is not measured
    crossbrief = str(Path(sys.executable).parent / "crossbrief")
    progress("memory: ingest and query processes")
    result.figures["ingest_peak_rss_mb"] = peak_rss_mb([crossbrief, "ingest", *map(str, corpus)], env)
    result.figures["query_peak_rss_mb"] = peak_rss_mb([crossbrief, "ask", "--json", QUESTIONS[0]], env)
    query_settings = settings.model_copy(update={"home": home})
    baseline = langchain_baseline(query_settings, packaged_model_dir())
    rng = random.Random(7)
    for size in sizes:
        progress(f"query latency at {size} chunks")
        grow_index(query_settings, size, rng)
        result.latency_rows.append(query_latencies(query_settings, embedder, baseline, repeat))
    progress("chroma server")
    result.figures["chroma_server"] = chroma_server_latency(query_settings, embedder, repeat, work / "chroma")
    progress("eval summary")
    run = run_eval(settings.model_copy(update={"home": work / "eval"}),
                   load_cases(Path(__file__).resolve().parent / "cases" / "sample.yaml"), embedder=embedder)
    result.figures["eval_sample"] = {k: run.metrics[k] for k in ("figure_accuracy", "refusal_precision",
                                                                   "refusal_recall", "pass_rate")}
    result.figures["embedding_backend"] = embedder.backend
    result.figures["peak_rss_this_process_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.json").write_text(json.dumps({"figures": result.figures, "latency": result.latency_rows}, indent=1))
    plot(result.latency_rows, out / "latency.png")
    return result

"""`crossbrief bench [--quick] [--json] [--out DIR]`: speed and memory figures, a table, JSON and a PNG plot."""

from __future__ import annotations

import json
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[2]


@click.command("bench")
@click.option("--quick", is_flag=True, help="Small sizes, under 2 minutes.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
@click.option("--out", type=click.Path(path_type=Path), default=Path("bench-out"), show_default=True)
@click.option("--corpus", "corpus", multiple=True, type=click.Path(path_type=Path),
              help="Files/folders to ingest (default: corpus/, plus ../shared/corpus seed and whitehouse when present"
                   " and not --quick).")
@click.option("--sizes", default=None, help="Comma-separated index sizes for query latency.")
@click.option("--repeat", type=click.IntRange(1, 50), default=None, help="Rounds of the question set per size.")
@click.option("--load", is_flag=True, help="Only the load checks: a burst of signed Slack events against `crossbrief "
                                           "slack`, and concurrent UI sessions (loopback, bounded).")
def bench_command(quick: bool, as_json: bool, out: Path, corpus: tuple[Path, ...], sizes: str | None,
                  repeat: int | None, load: bool) -> None:
    """Benchmark ingest and query speed against the hardware limit and a plain LangChain peer."""
    if load:
        _load(out, list(corpus) or [ROOT / "corpus"], as_json)
        return
    from crossbrief.evals.bench import run_bench
    from crossbrief.config import load_settings
    from crossbrief.rag.service import build_embedder

    settings = load_settings()
    shared = ROOT.parent / "shared" / "corpus"
    paths = list(corpus) or [ROOT / "corpus"] + ([shared / "seed", shared / "whitehouse"]
                                                  if shared.exists() and not quick else [])
    size_list = [int(s) for s in sizes.split(",")] if sizes else ([500, 2000] if quick else [1000, 10_000, 100_000])
    result = run_bench(settings, build_embedder(settings), paths, size_list, repeat or (1 if quick else 3), out,
                       progress=lambda message: click.echo(f"... {message}", err=True))
    if as_json:
        click.echo(json.dumps({"figures": result.figures, "latency": result.latency_rows}))
        return
    f = result.figures
    click.echo(f"embedding backend          {f['embedding_backend']}")
    click.echo(f"raw encode                 {f['raw_chunks_per_s']} chunks/s, {f['raw_tokens_per_s']:.0f} tokens/s "
               f"({f['ingest_chunks']} chunks)")
    click.echo(f"full ingest pipeline       {f['pipeline_chunks_per_s']} chunks/s  ingest_ratio={f['ingest_ratio']}"
               "  (target >= 0.9)")
    click.echo(f"re-ingest unchanged        {f['reingest_seconds']}s = {f['reingest_fraction']} of first ingest "
               "(target <= 0.02)")
    click.echo(f"peak RSS                   ingest {f['ingest_peak_rss_mb']} MB, query {f['query_peak_rss_mb']} MB")
    click.echo("chunks    hybrid p50/p95   answer p50/p95   cold answer p50/p95   langchain p50/p95   "
               "hybrid/langchain p95")
    for r in result.latency_rows:
        click.echo(f"{r['chunks']:>7}   {r['hybrid_p50_ms']:>6}/{r['hybrid_p95_ms']:<8} {r['answer_p50_ms']:>6}/"
                   f"{r['answer_p95_ms']:<8} {r['answer_cold_p50_ms']:>9}/{r['answer_cold_p95_ms']:<10} "
                   f"{r['langchain_p50_ms']:>7}/{r['langchain_p95_ms']:<10} {r['hybrid_vs_langchain_p95']}")
    for r in result.latency_rows:
        click.echo(f"first question at {r['chunks']} chunks: {r['first_answer_ms']} ms (builds BM25 and embeds its "
                   f"{r['indexed_words']} indexed words)")
    s = f["chroma_server"]
    click.echo(f"chroma server ({s['chunks']} chunks): hybrid p50/p95 {s['server_hybrid_p50_ms']}/"
               f"{s['server_hybrid_p95_ms']} ms vs embedded {s['embedded_hybrid_p50_ms']}/{s['embedded_hybrid_p95_ms']} ms")
    e = f["eval_sample"]
    click.echo(f"eval (sample)              figure accuracy {e['figure_accuracy']}, refusal precision "
               f"{e['refusal_precision']}, recall {e['refusal_recall']}, pass rate {e['pass_rate']}")
    click.echo(f"written: {out / 'bench.json'}, {out / 'latency.png'}")


def _load(out: Path, paths: list[Path], as_json: bool) -> None:
    """`--load`: ingests `paths` into a temporary home, runs evals/load_bench.py, prints and writes load.json."""
    import sys
    import tempfile

    from crossbrief.config import Settings, load_settings
    from crossbrief.evals.load_bench import run_load
    from crossbrief.rag.service import ingest_sources
    from crossbrief.ui.cli.ui_command import streamlit_command

    base = load_settings()
    with tempfile.TemporaryDirectory(prefix="crossbrief-load-") as tmp:
        home = Path(tmp) / "home"
        settings = Settings(home=home, index=base.index.model_copy(update={"chroma_url": None}))
        click.echo(f"... ingesting {', '.join(str(p) for p in paths)}", err=True)
        ingest_sources(settings, paths)
        result = run_load(home, [sys.executable, "-m", "crossbrief", "slack"],
                          lambda port: streamlit_command(port, "127.0.0.1", base.ui.max_upload_mb),
                          progress=lambda message: click.echo(f"... {message}", err=True))
    out.mkdir(parents=True, exist_ok=True)
    (out / "load.json").write_text(json.dumps(result, indent=2))
    if as_json:
        click.echo(json.dumps(result))
        return
    s, u = result["slack"], result["ui"]
    click.echo(f"slack: {s['events']} events (+{s['retries_sent']} retries) from {s['send_threads']} threads in "
               f"{s['sent_within_s']}s; "
               f"{s['acked_200']} acked, ack p50/max {s['ack_p50_ms']}/{s['ack_max_ms']} ms (limit "
               f"{s['all_acked_within_s']}s); answered exactly once {s['answered_exactly_once']}; answer p50/p95/max "
               f"{s['answer_p50_ms']}/{s['answer_p95_ms']}/{s['answer_max_ms']} ms  {'OK' if s['ok'] else 'FAIL'}")
    if "error" in u:
        click.echo(f"ui: not measured: {u['error']}")
    else:
        click.echo(f"ui: 1 session p50/p95 {u['single_p50_ms']}/{u['single_p95_ms']} ms; {u['sessions']} sessions x "
                   f"{u['questions_each']} questions p50/p95 {u['concurrent_p50_ms']}/{u['concurrent_p95_ms']} ms; "
                   f"p95 ratio {u['p95_ratio']} (limit {u['p95_ratio_limit']}, {u['cpus']} CPUs)  "
                   f"{'OK' if u['ok'] else 'FAIL'}")
        if "p95_ratio_floor" in u:
            click.echo(f"ui: {u['cpu_s_per_answer']} CPU-s per answer (server, browser, driver); no scheduling gets "
                       f"the p95 ratio below {u['p95_ratio_floor']} on {u['cpus']} CPUs")
    click.echo(f"written: {out / 'load.json'}")


COMMANDS = [bench_command]

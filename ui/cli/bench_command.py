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
def bench_command(quick: bool, as_json: bool, out: Path, corpus: tuple[Path, ...], sizes: str | None,
                  repeat: int | None) -> None:
    """Benchmark ingest and query speed against the hardware limit and a plain LangChain peer."""
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
    click.echo("chunks    hybrid p50/p95   answer p50/p95   langchain p50/p95   hybrid/langchain p95")
    for r in result.latency_rows:
        click.echo(f"{r['chunks']:>7}   {r['hybrid_p50_ms']:>6}/{r['hybrid_p95_ms']:<8} {r['answer_p50_ms']:>6}/"
                   f"{r['answer_p95_ms']:<8} {r['langchain_p50_ms']:>7}/{r['langchain_p95_ms']:<10} "
                   f"{r['hybrid_vs_langchain_p95']}")
    s = f["chroma_server"]
    click.echo(f"chroma server ({s['chunks']} chunks): hybrid p50/p95 {s['server_hybrid_p50_ms']}/"
               f"{s['server_hybrid_p95_ms']} ms vs embedded {s['embedded_hybrid_p50_ms']}/{s['embedded_hybrid_p95_ms']} ms")
    e = f["eval_sample"]
    click.echo(f"eval (sample)              figure accuracy {e['figure_accuracy']}, refusal precision "
               f"{e['refusal_precision']}, recall {e['refusal_recall']}, pass rate {e['pass_rate']}")
    click.echo(f"written: {out / 'bench.json'}, {out / 'latency.png'}")


COMMANDS = [bench_command]

"""Eval reports: a JSON file (machine-readable, with settings hash and git commit), a Markdown report with
the per-case table, and a PNG of the metrics across the run history kept beside them (history.jsonl)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

from crossbrief.evals.runner import EvalRun

TREND_METRICS = ("pass_rate", "figure_accuracy", "citation_precision", "recall_at_k", "refusal_precision",
                 "refusal_recall", "unsupported_figure_rate")


def git_commit(cwd: Path) -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=cwd, capture_output=True, text=True,
                             timeout=10)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=cwd,
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return (out.stdout.strip() + ("-dirty" if dirty else "")) if out.returncode == 0 else "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def run_payload(run: EvalRun, commit: str, regressions: list[str]) -> dict[str, object]:
    return {
        "case_set": run.case_set.name,
        "cases_file": str(run.case_set.path),
        "corpus": str(run.corpus),
        "answerer": run.answerer,
        "settings_hash": run.settings_hash,
        "git_commit": commit,
        "finished_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "seconds": run.seconds,
        "metrics": run.metrics,
        "regressions": regressions,
        "ingest": run.ingest.as_dict(),
        "cases": [r.as_dict() for r in run.results],
    }


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def markdown(payload: dict) -> str:  # type: ignore[type-arg]
    metrics = payload["metrics"]
    lines = [
        f"# Eval report: {payload['case_set']}",
        "",
        f"answerer `{payload['answerer']}` · settings `{payload['settings_hash']}` · commit `{payload['git_commit']}`"
        f" · {payload['finished_at']}",
        "",
        "| metric | value |",
        "|---|---|",
        *[f"| {name} | {value} |" for name, value in metrics.items()],
        "",
    ]
    if payload["regressions"]:
        lines += ["## Regressions against the baseline", "", *[f"- {r}" for r in payload["regressions"]], ""]
    lines += ["![metrics across runs](trend.png)", "", "## Cases", "",
              "| id | question | expected | got | pass | citations |", "|---|---|---|---|---|---|"]
    for case in payload["cases"]:
        expected = "refuse" if case["refuse_expected"] else ", ".join(case["expected"])
        got = case["error"] or case["answer"]
        if case["unsupported"]:
            got += f" (unsupported: {', '.join(case['unsupported'])})"
        lines.append(f"| {case['id']} | {_cell(case['question'])} | {_cell(expected)} | {_cell(got)[:300]} | "
                     f"{'pass' if case['passed'] else 'FAIL'} | {_cell(', '.join(case['citations']))} |")
    return "\n".join(lines) + "\n"


def plot_trend(history: list[dict], path: Path) -> None:  # type: ignore[type-arg]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 4.5), dpi=100)
    runs = list(range(1, len(history) + 1))
    for name in TREND_METRICS:
        ax.plot(runs, [h["metrics"].get(name, 0) for h in history], marker="o", label=name)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("run")
    ax.set_ylabel("score")
    ax.set_title(f"{history[-1]['case_set']}: metrics across runs")
    ax.set_xticks(runs)
    ax.set_xticklabels([f"{i}\n{h.get('git_commit', '')[:7]}" for i, h in zip(runs, history)], fontsize=7)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="lower left", ncol=2)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def write_reports(run: EvalRun, directory: Path, commit: str, regressions: list[str]) -> dict[str, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    payload = run_payload(run, commit, regressions)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S")
    paths = {"json": directory / f"eval-{stamp}.json", "latest": directory / "latest.json",
             "markdown": directory / "report.md", "plot": directory / "trend.png",
             "history": directory / "history.jsonl"}
    text = json.dumps(payload, indent=1)
    paths["json"].write_text(text)
    paths["latest"].write_text(text)
    paths["markdown"].write_text(markdown(payload))
    summary = {k: payload[k] for k in ("case_set", "answerer", "settings_hash", "git_commit", "finished_at", "metrics")}
    with paths["history"].open("a") as handle:
        handle.write(json.dumps(summary) + "\n")
    history = [json.loads(line) for line in paths["history"].read_text().splitlines() if line.strip()]
    plot_trend(history, paths["plot"])
    return paths

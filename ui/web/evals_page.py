"""The evals page: the latest report's metrics, the per-case table, and the trend across runs."""

from __future__ import annotations

import json
from pathlib import Path

import streamlit as st

from crossbrief.config import Settings


def render(settings: Settings) -> None:
    st.title("Evals")
    root = settings.home / "reports"
    sets = sorted(p.name for p in root.iterdir() if (p / "latest.json").exists()) if root.exists() else []
    if not sets:
        st.info("No eval reports yet: run `crossbrief eval`.")
        return
    chosen = st.selectbox("Case set", sets)
    folder: Path = root / chosen
    latest = json.loads((folder / "latest.json").read_text())
    st.caption(f"answerer {latest['answerer']} · settings {latest['settings_hash']} · commit {latest['git_commit']}"
               f" · {latest['finished_at']}")
    metrics = latest["metrics"]
    columns = st.columns(4)
    for i, name in enumerate(("pass_rate", "figure_accuracy", "citation_precision", "refusal_recall")):
        columns[i].metric(name.replace("_", " "), f"{metrics[name]:.0%}")
    if latest["regressions"]:
        st.error("Regressions: " + "; ".join(latest["regressions"]))
    history_path = folder / "history.jsonl"
    if history_path.exists():
        history = [json.loads(line) for line in history_path.read_text().splitlines() if line.strip()]
        trend = {name: [h["metrics"].get(name, 0) for h in history]
                 for name in ("pass_rate", "figure_accuracy", "citation_precision", "refusal_precision",
                              "refusal_recall", "unsupported_figure_rate")}
        st.subheader("Trend across runs")
        st.line_chart(trend)
    st.subheader("Cases")
    st.dataframe([
        {"id": c["id"], "pass": "✅" if c["passed"] else "❌", "question": c["question"],
         "expected": "refuse" if c["refuse_expected"] else ", ".join(c["expected"]),
         "got": c["error"] or c["answer"], "citations": ", ".join(c["citations"])}
        for c in latest["cases"]
    ], width="stretch", hide_index=True)

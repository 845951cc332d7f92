"""TAT-QA adapter: financial report excerpts (paragraphs + one table) written as files in three formats, round
robin (Markdown with a pipe table, HTML with a `<table>`, or the table as a .csv with the paragraphs in a .txt of
the same name), ingested into a fresh index, and their span questions asked with and without a source filter.

Scored strictly: the answer cites the question's own report, is under 600 characters, and holds every gold span
(normalised: case, spacing, thousands separators, currency signs). Tune on the dev split only; the test split's
gold is never read here.

The arithmetic questions that ask for a change between two years or the average of two years (as
`rag/arithmetic.py` reads the question, not by their gold derivation) are asked too and scored apart (`change_*`,
`average_*`, never in `all`): strict in the same way, and a result the answer states (a signed difference or
percentage, or the average) equals the gold number to its places.
"""

from __future__ import annotations

import csv
import html
import io
import itertools
import json
import random
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crossbrief.config import Settings
from crossbrief.index.embedding import Embedder
from crossbrief.index.factory import build_embedder, build_ingester
from crossbrief.index.ingest import ingest_lock
from crossbrief.rag.arithmetic import asked_average, asked_change, stated_changes
from crossbrief.rag.models import Filters
from crossbrief.rag.service import Crossbrief, build

FORMATS = ("md", "html", "csv")
SPAN_TYPES = ("span", "multi-span")
MAX_ANSWER_CHARS = 600


def normalise(text: str) -> str:
    text = text.lower().replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    text = re.sub(r"[$€£]\s*", "", text)
    return " ".join(re.sub(r"\s+([%.,;:)])", r"\1", text).split())


def holds(answer: str, gold: list[str]) -> bool:
    said = normalise(answer)
    return all(normalise(str(span)) in said for span in gold)


def holds_change(answer: str, gold: float, unsigned: bool = False) -> bool:
    """Whether a change the answer states (its signed difference or percentage) is the gold number, to within the
    gold's own rounding (TAT-QA gives percentages to two places); `unsigned` for a question asking "the
    difference", which TAT-QA's gold gives either way round."""
    tolerance = max(0.0051, abs(gold) * 1e-6)
    return any(abs((abs(value) if unsigned else value) - (abs(gold) if unsigned else gold)) <= tolerance
               for change in stated_changes(answer) for value in change.results)


def _header_rows(table: list[list[str]]) -> int:
    """Leading rows that name columns: their first cell is blank (TAT-QA tables put row labels there)."""
    count = 0
    while count < min(2, len(table) - 1) and not table[count][0].strip():
        count += 1
    return count or 1


def split_table(table: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    heads = _header_rows(table)
    width = max(len(r) for r in table)
    columns = []
    for i in range(width):
        parts = [r[i].strip() for r in table[:heads] if i < len(r) and r[i].strip()]
        columns.append(" ".join(dict.fromkeys(parts)))
    return columns, [[c.strip() for c in r] + [""] * (width - len(r)) for r in table[heads:]]


def write_report(folder: Path, number: int, report: dict[str, Any], fmt: str) -> Path:
    """Writes one report in `fmt`; returns the file its questions should cite."""
    columns, rows = split_table(report["table"]["table"])
    paragraphs = [p["text"] for p in sorted(report["paragraphs"], key=lambda p: p["order"])]
    title = f"Report {number:03d}"
    if fmt == "md":
        cell = lambda c: c.replace("|", "\\|")  # noqa: E731
        lines = [f"# {title}", "", *[f"{p}\n" for p in paragraphs], "## Table", "",
                 "| " + " | ".join(cell(c) for c in columns) + " |", "|" + "---|" * len(columns),
                 *["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]]
        path = folder / f"report-{number:03d}.md"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path
    if fmt == "html":
        head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
        text = (f"<html><head><title>{title}</title></head><body><h1>{title}</h1>"
                + "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
                + f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></body></html>")
        path = folder / f"report-{number:03d}.html"
        path.write_text(text, encoding="utf-8")
        return path
    # csv: the table is the file, the paragraphs a .txt of the same name; both are the report's own sources
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c or f"Column {i + 1}" for i, c in enumerate(columns)])
    writer.writerows(rows)
    path = folder / f"report-{number:03d}.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    (folder / f"report-{number:03d}.txt").write_text(title + "\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


@dataclass
class TatqaResult:
    report: int
    fmt: str
    question: str
    gold: list[str]
    filtered: bool
    answer: str
    cites_own: bool
    short: bool
    holds_gold: bool
    kind: str = "span"  # "span", or "change" / "average": an arithmetic question for a change or an average of two years

    @property
    def passed(self) -> bool:
        return self.cites_own and self.short and self.holds_gold


@dataclass
class TatqaRun:
    results: list[TatqaResult] = field(default_factory=list)
    seconds: float = 0.0

    def metrics(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        spans = [r for r in self.results if r.kind == "span"]
        for fmt in FORMATS:
            for filtered in (True, False):
                chosen = [r for r in spans if r.fmt == fmt and r.filtered == filtered]
                key = f"{fmt}_{'filtered' if filtered else 'unfiltered'}"
                out[key] = round(sum(r.passed for r in chosen) / len(chosen), 3) if chosen else None
                out[f"{key}_n"] = len(chosen)
        out["all"] = round(sum(r.passed for r in spans) / len(spans), 3) if spans else None
        for kind, filtered in itertools.product(("change", "average"), (True, False)):
            chosen = [r for r in self.results if r.kind == kind and r.filtered == filtered]
            key = f"{kind}_{'filtered' if filtered else 'unfiltered'}"
            out[key] = round(sum(r.passed for r in chosen) / len(chosen), 3) if chosen else None
            out[f"{key}_n"] = len(chosen)
        return out


def load_reports(path: Path, limit: int, seed: int = 0) -> list[dict[str, Any]]:
    """`limit` reports with at least one span question, sampled reproducibly."""
    reports = [r for r in json.loads(path.read_text(encoding="utf-8"))
               if any(q["answer_type"] in SPAN_TYPES for q in r["questions"])]
    random.Random(seed).shuffle(reports)
    return reports[:limit]


def prepare(settings: Settings, dataset: Path, workdir: Path, limit: int = 40, seed: int = 0,
            embedder: Embedder | None = None) -> tuple[Crossbrief, list[tuple[int, str, Path, dict[str, Any]]]]:
    """Writes `limit` reports round-robin in md / html / csv under `workdir` and ingests them into `workdir/home`:
    the service over them and (number, format, file, report) per report."""
    corpus = workdir / "reports"
    corpus.mkdir(parents=True, exist_ok=True)
    reports = load_reports(dataset, limit, seed)
    written = [(i, FORMATS[i % len(FORMATS)], write_report(corpus, i, r, FORMATS[i % len(FORMATS)]), r)
               for i, r in enumerate(reports)]
    run_settings = settings.model_copy(update={"home": workdir / "home"})
    embedder = embedder or build_embedder(settings)
    with ingest_lock(run_settings):
        build_ingester(run_settings, embedder).ingest([corpus], prune=True)
    return build(run_settings, embedder), written


def span_questions(report: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """(question, gold answers) of a report's span questions, the ones scored here."""
    return [(q["question"], [str(a) for a in q["answer"]]) for q in report["questions"]
            if q["answer_type"] in SPAN_TYPES]


def change_questions(report: dict[str, Any], operation: str = "change") -> list[tuple[str, float]]:
    """(question, gold number) of a report's arithmetic questions that ask for a change between two years (or, with
    `operation` "average", for the average of two years)."""
    asked = asked_average if operation == "average" else asked_change
    found = []
    for q in report["questions"]:
        if q["answer_type"] == "arithmetic" and asked(q["question"]) is not None:
            try:
                found.append((q["question"], float(q["answer"])))
            except (TypeError, ValueError):
                continue
    return found


def run_tatqa(settings: Settings, dataset: Path, workdir: Path, limit: int = 40, seed: int = 0,
              embedder: Embedder | None = None) -> TatqaRun:
    """Asks every span question, and every arithmetic question for a change or an average of two years, of `limit` reports
    (see prepare) with and without a filter on the report's own file."""
    started = time.perf_counter()
    service, written = prepare(settings, dataset, workdir, limit, seed, embedder)
    run = TatqaRun()
    for number, fmt, path, report in written:
        own = {str(p.resolve()) for p in (path, path.with_suffix(".txt")) if p.exists()}
        asked: list[tuple[str, str, Any]] = [("span", q, gold) for q, gold in span_questions(report)]
        asked += [(kind, q, gold) for kind in ("change", "average") for q, gold in change_questions(report, kind)]
        for kind, question, gold in asked:
            for filtered in (True, False):
                filters = Filters(sources=tuple(sorted(own))) if filtered else None
                answer = service.answer(question, filters=filters)
                cited = {c.source for c in answer.citations}
                right = holds(answer.answer, gold) if kind == "span" else holds_change(
                    answer.answer, gold, unsigned="difference" in question.lower())
                run.results.append(TatqaResult(
                    number, fmt, question, gold if kind == "span" else [str(gold)], filtered, answer.answer,
                    cites_own=bool(cited) and cited <= own, short=len(answer.answer) < MAX_ANSWER_CHARS,
                    holds_gold=not answer.refused and right, kind=kind,
                ))
    run.seconds = round(time.perf_counter() - started, 1)
    return run

"""Plain-text rendering of an Answer for the terminal (CLI `ask` and `chat`)."""

from __future__ import annotations

from pathlib import Path

from crossbrief.rag.service import Answer


def short_source(source: str) -> str:
    try:
        return str(Path(source).relative_to(Path.cwd()))
    except ValueError:
        return source


def render_answer(answer: Answer, show_answer: bool = True) -> str:
    lines: list[str] = []
    if show_answer:
        lines.append(answer.answer)
    if answer.unsupported_figures:
        flagged = ", ".join(f.text for f in answer.unsupported_figures)
        lines.append(f"! Unsupported figures (not found in the cited sources): {flagged}")
    if answer.removed_markers:
        lines.append(f"! Removed citation markers that pointed at no passage: {answer.removed_markers}")
    if answer.refused:
        if answer.passages:
            lines.append("\nClosest passages:")
            for p in answer.passages[:3]:
                excerpt = " ".join(p.text.split())[:160]
                lines.append(f"  [{p.n}] {p.title} ({p.date or 'undated'}): {excerpt}...")
        return "\n".join(lines)
    if answer.citations:
        lines.append("\nSources:")
        for c in answer.citations:
            where = f", page {c.page}" if c.page else ""
            lines.append(f"  [{c.n}] {c.title} ({c.date or 'undated'}{where}) {c.source_url or short_source(c.source)}")
            lines.append(f"      \"{' '.join(c.quote.split())}\"")
    return "\n".join(lines)

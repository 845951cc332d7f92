"""Plain-text rendering of an Answer for the terminal (CLI `ask` and `chat`). Everything that came from a source
or a model passes through `clean`, so escape sequences in a source never reach the terminal."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from crossbrief.text_safety import terminal_safe

if TYPE_CHECKING:  # annotations only: importing the service at startup would cost every command ~0.5 s
    from crossbrief.rag.service import Answer, Citation


def clean(text: str | None) -> str:
    """One line of terminal-safe text: control and escape sequences dropped, whitespace collapsed."""
    return " ".join(terminal_safe(text or "").split())


def flag_note(citation: Citation) -> str:
    """A warning for a citation whose passage carries text written as instructions to an assistant."""
    if "instruction_like" in citation.flags:
        return "  ! this passage holds text addressed to an AI assistant (\"ignore previous instructions\"...)"
    return ""


def short_source(source: str) -> str:
    try:
        return str(Path(source).relative_to(Path.cwd()))
    except ValueError:
        return source


def render_answer(answer: Answer, show_answer: bool = True) -> str:
    lines: list[str] = []
    if show_answer:
        lines.append(terminal_safe(answer.answer))
        if answer.refused and answer.refusal_reason:  # why: "The sources give no figure for 2020; the nearest is 2021."
            lines.append(terminal_safe(answer.refusal_reason))
    if answer.unsupported_figures:
        flagged = ", ".join(clean(f.text) for f in answer.unsupported_figures)
        lines.append(f"! Unsupported figures (not found in the cited sources): {flagged}")
    if answer.computed_figures:
        worked = ", ".join(clean(f.text) for f in answer.computed_figures)
        lines.append(f"= Worked out from the cited figures (re-checked): {worked}")
    if answer.removed_markers:
        lines.append(f"! Removed citation markers that pointed at no passage: {answer.removed_markers}")
    if answer.refused:
        if answer.passages:
            lines.append("\nClosest passages:")
            for p in answer.passages[:3]:
                excerpt = clean(p.text)[:160]
                lines.append(f"  [{p.n}] {clean(p.title)} ({clean(p.date) or 'undated'}): {excerpt}...")
        return "\n".join(lines)
    if answer.citations:
        lines.append("\nSources:")
        for c in answer.citations:
            where = f", page {c.page}" if c.page else ""
            location = clean(c.source_url or short_source(c.source))
            lines.append(f"  [{c.n}] {clean(c.title)} ({clean(c.date) or 'undated'}{where}) {location}")
            lines.append(f"      \"{clean(c.quote)}\"")
            if flag_note(c):
                lines.append(flag_note(c))
    return "\n".join(lines)

"""Markdown for the Streamlit page that shows source text and model output as text: every markdown and HTML
character is escaped, so a passage holding <script> or [x](javascript:...) is shown, never run or linked."""

from __future__ import annotations

from crossbrief.rag.service import Figure, extract_figures
from crossbrief.text_safety import markdown_escape as escape
from crossbrief.text_safety import safe_url

__all__ = ["arrival", "escape", "flag_warning", "highlight_figures", "safe_url"]


def highlight_figures(quote: str, wanted: list[Figure]) -> str:
    """The quote, escaped, with each figure that matches one of `wanted` highlighted."""
    figures = [f for f in extract_figures(quote) if any(w.matches(f) for w in wanted)] if wanted else []
    out, cursor = [], 0
    for figure in figures:
        out.append(escape(quote[cursor:figure.start]))
        out.append(f" :orange-background[**{escape(quote[figure.start:figure.end])}**] ")
        cursor = figure.end
    out.append(escape(quote[cursor:]))
    return "".join(out).strip()


def arrival(provenance: dict[str, str] | None) -> str:
    """How a source arrived, escaped for Markdown: 'upload by ui session 1a2b3c4d · 2025-06-01T10:00:00+00:00'."""
    if not provenance:
        return ""
    via = provenance.get("via", "")
    by = f" by {provenance['by']}" if provenance.get("by") else ""
    at = f" · {provenance['at']}" if provenance.get("at") else ""
    return escape(f"added via {via}{by}{at}")


def flag_warning(flags: tuple[str, ...] | list[str]) -> str:
    """The warning a citation card shows for its flags ('' when none)."""
    if "instruction_like" in flags:
        return ("⚠ This passage contains text addressed to an AI assistant (for example \"ignore previous "
                "instructions\"): treat it with care.")
    return ""

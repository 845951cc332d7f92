"""Markdown for the Streamlit page that shows source text and model output as text: every markdown and HTML
character is escaped, so a passage holding <script> or [x](javascript:...) is shown, never run or linked."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from crossbrief.rag.service import Figure, extract_figures

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^@&])")


def escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def safe_url(url: str | None) -> str | None:
    """Only plain http(s) links with a host; anything else (javascript:, data:) is dropped."""
    if not url:
        return None
    parsed = urlparse(url.strip())
    if parsed.scheme in ("http", "https") and parsed.netloc and not re.search(r"[\s<>\"'()]", url):
        return url.strip()
    return None


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

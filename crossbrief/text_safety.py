"""Making text that came from a source (or from a model) inert in each place it is shown, in one module every
front end shares: Markdown for the Streamlit page, Slack's mrkdwn, and the terminal. Also the check that flags
source text written as instructions to an assistant ("SYSTEM: ignore previous instructions ...").

Every function takes untrusted text and returns text that the renderer shows as-is, never runs, links or
interprets as a control sequence.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^@&])")
# ESC-introduced sequences: CSI (ESC [ ... final byte), OSC (ESC ] ... BEL or ESC \), DCS/SOS/PM/APC strings,
# and two-byte escapes; then the 8-bit C1 forms of CSI and OSC
_TERMINAL_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b[\]PX^_].*?(?:\x07|\x1b\\|\x9c|$)"
    r"|\x1b[ -/]*[0-~]"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|\x9d.*?(?:\x07|\x9c|$)",
    re.DOTALL,
)
# what is left after the sequences: every C0 and C1 control except tab and newline, and DEL
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def markdown_escape(text: str) -> str:
    """Markdown (Streamlit) showing `text` as plain words: whitespace collapsed, every Markdown and HTML
    character backslash-escaped, so `[x](javascript:...)`, `![img](http://...)` and `<script>` stay text."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(terminal_safe(text).split()))


def slack_escape(text: str) -> str:
    """Slack's own escaping: with &, < and > escaped, <!channel>, <@U…> and <url|text> from a source are inert."""
    return " ".join(terminal_safe(text).split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def terminal_safe(text: str) -> str:
    """`text` without ANSI/OSC escape sequences or other control characters (tabs and newlines are kept), so a
    source cannot clear the screen, retitle the window or hide text on a terminal."""
    return _CONTROL.sub("", _TERMINAL_SEQUENCE.sub("", text))


def safe_url(url: str | None) -> str | None:
    """Only plain http(s) links with a host; anything else (javascript:, data:) is dropped."""
    if not url:
        return None
    parsed = urlparse(url.strip())
    if parsed.scheme in ("http", "https") and parsed.netloc and not re.search(r"[\s<>\"'()|\x00-\x1f\x7f]", url.strip()):
        return url.strip()
    return None


# Phrases addressed to an assistant rather than to a reader: a chat-role label opening a line or sentence, an
# order to drop earlier instructions, a new role to play, or chat-template tokens. General prompt-injection
# wording, not the words of any corpus.
_ROLE_LABEL = r"(?:^|(?<=[.!?\"'”]))[ \t]*(?:system|assistant|developer)[ \t]*(?:prompt|message|instructions?)?[ \t]*:"
_OVERRIDE = (
    r"\b(?:ignore|disregard|forget|override|bypass)\s+(?:(?:all|any|the|your|of|these|those)\s+)*"
    r"(?:(?:previous|prior|above|earlier|preceding|former|system)\s+(?:instructions?|prompts?|directions?|rules"
    r"|messages?|context)|instructions|prompts?)\b"
)
_NEW_ROLE = (
    r"\b(?:you\s+are\s+now\s+(?:an?\s+)?(?:ai|assistant|chatbot|language\s+model|in\s+\w+\s+mode)"
    r"|from\s+now\s+on,?\s+(?:you|the\s+assistant)\s+(?:must|will|should)"
    r"|new\s+(?:system\s+)?instructions?\s*:"
    r"|(?:as\s+an?\s+)?(?:ai|language\s+model|assistant),?\s+you\s+(?:must|should|will))"
)
_TEMPLATE_TOKEN = r"<\|(?:im_start|im_end|system|user|assistant|endoftext)\|>|\[/?INST\]|<</?SYS>>"
_INSTRUCTION_LIKE = re.compile(
    "|".join(f"(?:{p})" for p in (_ROLE_LABEL, _OVERRIDE, _NEW_ROLE, _TEMPLATE_TOKEN)), re.IGNORECASE | re.MULTILINE
)

INSTRUCTION_LIKE = "instruction_like"


def instruction_spans(text: str) -> list[tuple[int, int]]:
    """Where `text` speaks to an assistant (see the patterns above): (start, end) of each phrase."""
    return [(m.start(), m.end()) for m in _INSTRUCTION_LIKE.finditer(text)]


def looks_like_instructions(text: str) -> bool:
    """True when `text` holds a phrase addressed to an assistant (a role label, 'ignore previous instructions')."""
    return _INSTRUCTION_LIKE.search(text) is not None

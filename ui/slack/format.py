"""Slack rendering: escaping that keeps source text and answers inert, and the Block Kit answer message."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from crossbrief.rag.service import Answer
from crossbrief.text_safety import safe_url, slack_escape

LOOKING_UP = ":mag: Looking it up in the sources…"
REFUSAL = "The sources don't say."
FEEDBACK_UP, FEEDBACK_DOWN = "feedback_helpful", "feedback_not_helpful"


def escape(text: str) -> str:
    """Slack's own escaping: with &, < and > escaped, <!channel>, <@U…> and <url|text> from a source are inert."""
    return slack_escape(text)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def feedback_value(answer: Answer) -> str:
    """What a button carries back (Slack allows 2,000 characters): enough to store the feedback row."""
    payload = {"q": answer.question[:400], "a": answer.answer[:900], "h": answer.settings_hash,
               "c": [[c.n, Path(c.source).name, c.title[:60]] for c in answer.citations[:6]]}
    text = json.dumps(payload, separators=(",", ":"))
    while len(text) > 2000 and payload["c"]:
        payload["c"] = payload["c"][:-1]
        text = json.dumps(payload, separators=(",", ":"))
    return text


def answer_blocks(answer: Answer) -> tuple[str, list[dict[str, Any]]]:
    """(fallback text, blocks) for chat.update."""
    blocks: list[dict[str, Any]] = []
    if answer.refused:
        text = f":shrug: {REFUSAL}"
        # why, as the answerer found it ("The sources give no figure for 2020; the nearest is 2021.")
        reason = f" {escape(_short(answer.refusal_reason, 600))}" if answer.refusal_reason else ""
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f"*{REFUSAL}*{reason}"}})
        closest = [f"[{p.n}] {escape(_short(p.title, 80))} ({p.date or 'undated'})" for p in answer.passages[:3]]
        if closest:
            blocks.append({"type": "context", "elements": [
                {"type": "mrkdwn", "text": "Closest passages: " + "; ".join(closest)}]})
    else:
        text = escape(answer.answer)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _short(text, 2900)}})
        if answer.unsupported_figures:
            flagged = ", ".join(escape(f.text) for f in answer.unsupported_figures)
            blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text":
                           f":warning: Not found in the cited sources: *{flagged}*. Check before using."}]})
        if answer.computed_figures:
            worked = ", ".join(escape(f.text) for f in answer.computed_figures)
            blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text":
                           f"Worked out from the cited figures and re-checked: {worked}"}]})
        if answer.citations:
            blocks.append({"type": "divider"})
        for c in answer.citations[:8]:
            url = safe_url(c.source_url)
            title = escape(_short(c.title, 120))
            link = f"<{url}|{title}>" if url else f"*{title}*"
            line = f"*[{c.n}]* {link} ({c.date or 'undated'}{f', p. {c.page}' if c.page else ''})\n>{escape(_short(c.quote, 280))}"
            if "instruction_like" in c.flags:
                line += "\n:warning: _This passage contains text addressed to an AI assistant; treat it with care._"
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": line}})
    value = feedback_value(answer)
    blocks.append({"type": "actions", "block_id": "feedback", "elements": [
        {"type": "button", "action_id": FEEDBACK_UP, "text": {"type": "plain_text", "text": "Helpful"}, "value": value},
        {"type": "button", "action_id": FEEDBACK_DOWN, "text": {"type": "plain_text", "text": "Not helpful"},
         "value": value},
    ]})
    return text, blocks

"""Follow-up questions become standalone questions: by the LLM when one is configured, otherwise by a simple
rule that carries the previous question's subject forward."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from crossbrief.rag.models import Question, Turn

_FOLLOW_UP = re.compile(
    r"^(?:and|but|or|also|so|what about|how about|and what about|same for|what of)\b|"
    r"\b(?:that|this|it|they|them|those|these|there|then|its|their)\b",
    re.IGNORECASE,
)


# "were there", "there are": "there" that points at nothing earlier
_EXISTENTIAL = re.compile(r"\b(?:is|are|was|were|be|been)\s+there\b|\bthere\s+(?:is|are|was|were|has|have)\b",
                          re.IGNORECASE)


def looks_like_follow_up(question: str) -> bool:
    words = question.split()
    return len(words) <= 10 and bool(_FOLLOW_UP.search(_EXISTENTIAL.sub(" ", question)))


def condense_offline(question: str, history: Sequence[Turn]) -> Question:
    """`history` is (role, text) pairs, oldest first. A follow-up carries the last standalone user question as its
    context; retrieval then searches with both."""
    asked = Question(text=question, history=tuple(history))
    if not looks_like_follow_up(question):
        return asked
    previous = [text for role, text in history if role == "user"]
    # the last question that stands on its own, else the last one asked
    subject = next((text for text in reversed(previous) if not looks_like_follow_up(text)),
                   previous[-1] if previous else None)
    if subject is None:
        return asked
    return replace(asked, standalone=f"{question.strip()} {subject.strip()}", context=subject.strip())

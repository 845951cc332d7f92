"""Follow-up questions become standalone questions: by the LLM when one is configured, otherwise by simple rules:
"And in 2024?" or "What about from Canada?" is the previous question asked of that year or place, and any other
follow-up carries the previous question forward as its context."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from crossbrief.rag.models import Question, Turn
from crossbrief.rag.places import country_spans

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


# "And in 2024?", "What about from Canada?", "How about Mexico's?": the same question asked of something else
_ASKED_OF_ELSE = re.compile(r"^\W*(?:(?:and|but)\s+)?(?:(?:what|how)\s+about\s+|what\s+of\s+)?(?P<tail>.+?)[\s?.!]*$",
                            re.IGNORECASE)
_STARTS_ELSE = re.compile(r"^\W*(?:and|but|what\s+about|how\s+about|what\s+of)\b", re.IGNORECASE)
_PREPOSITIONS = "in|from|for|on|at|to|by|during|under|with|into|across|against|of"
_LEADING_PREPOSITION = re.compile(rf"^(?P<prep>{_PREPOSITIONS})\s+\S", re.IGNORECASE)
# a prepositional phrase: the preposition and what follows, up to the next preposition, a comma or the end
_PHRASE = r"\b{prep}\s+(?:(?!\b(?:" + _PREPOSITIONS + r")\b)[^,?.;])+"
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_WH_WORD = re.compile(r"\b(?:what|which|who|whom|whose|when|where|why|how)\b", re.IGNORECASE)


def _kind(text: str) -> str:
    """"year" when `text` is a date of a year ("2024", "fiscal 2023"), "country" when it is only a country's name
    ("the US", "Mexico's"), else ""."""
    if _YEAR.search(text) and len(text.split()) <= 3:
        return "year"
    bare = re.sub(r"^the\s+", "", re.sub(r"['’]s$", "", text.strip()), flags=re.IGNORECASE)
    spans = country_spans(bare)
    return "country" if len(spans) == 1 and spans[0] == (0, len(bare)) else ""


def _holds(phrase: str, kind: str) -> list[int]:
    """Where in `phrase` each thing of `kind` ends."""
    if kind == "year":
        return [m.end() for m in _YEAR.finditer(phrase)]
    return [end for _, end in country_spans(phrase)] if kind == "country" else []


def asked_of_else(question: str, subject: str) -> str | None:
    """`subject` asked of what the follow-up `question` names instead, when it only names something else ("And in
    2024?" of "How many deaths were there in the US in 2025?" -> "...in the US in 2024?"): a phrase with the same
    preposition gives way (one holding the same kind of thing, a year for a year, a country for a country, up to
    that thing; else the last, but for a year), or else the last year for a year, the first country for a country.
    None when the follow-up asks more than that, or nothing fits."""
    match = _ASKED_OF_ELSE.match(question)
    if not _STARTS_ELSE.match(question) or match is None or _WH_WORD.search(match.group("tail")):
        return None
    tail = match.group("tail").strip()
    body = subject.strip().rstrip("?.! ")
    leading = _LEADING_PREPOSITION.match(tail)
    named = tail[leading.end("prep"):].strip() if leading else tail
    kind = _kind(named)
    if leading:
        phrases = list(re.finditer(_PHRASE.format(prep=re.escape(leading.group("prep").lower())), body, re.IGNORECASE))
        alike = next((m for m in reversed(phrases) if _holds(m.group(0), kind)), None)
        # a year is the question's time whatever its preposition ("And for 2023?" of "...in 2024?"); a country's
        # role is its preposition's ("from Canada" of "seized in the US comes from the southern border")
        chosen = alike or (phrases[-1] if phrases and kind != "year" else None)
        if chosen is not None:
            phrase = chosen.group(0).rstrip()
            end = chosen.start() + (max(_holds(phrase, kind)) if alike is not None else len(phrase))
            return f"{body[:chosen.start()]}{tail}{body[end:]}?"
    years = list(_YEAR.finditer(body))
    if kind == "year" and years:
        return f"{body[:years[-1].start()]}{_YEAR.findall(named)[-1]}{body[years[-1].end():]}?"
    spans = country_spans(body)
    if kind == "country" and spans:
        start, end = spans[0]
        bare = re.sub(r"['’]s$", "", named)
        # the name as the question wrote its own: "Chile's delegation" -> "Peru's delegation"
        kept = f"{bare}'s" if re.search(r"['’]s$", body[start:end]) else bare
        return f"{body[:start]}{kept}{body[end:]}?"
    return None


def condense_offline(question: str, history: Sequence[Turn]) -> Question:
    """`history` is (role, text) pairs, oldest first. A follow-up that asks the last standalone user question of
    something else becomes that question (`asked_of_else`); any other carries it as its context, and retrieval then
    searches with both."""
    asked = Question(text=question, history=tuple(history))
    if not looks_like_follow_up(question):
        return asked
    previous = [text for role, text in history if role == "user"]
    # the last question that stands on its own, else the last one asked
    subject = next((text for text in reversed(previous) if not looks_like_follow_up(text)),
                   previous[-1] if previous else None)
    if subject is None:
        return asked
    rewritten = asked_of_else(question, subject)
    if rewritten is not None:  # a standalone question in its own right
        return replace(asked, standalone=rewritten)
    return replace(asked, standalone=f"{question.strip()} {subject.strip()}", context=subject.strip())

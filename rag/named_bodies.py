"""Another body of the kind a question names: "How many DTOs did the Northwest HIDTA dismantle?" is not answered by
"South Florida HIDTA initiatives dismantled 54 DTOs". A name of two or more capitalised words ("Northwest HIDTA",
"Biden Administration", "Border Plan") is a head word (its last) qualified by the words before it; a sentence that
gives the same head other qualifiers, and never the question's, speaks of another body of that kind. The words are
the question's own, as written: nothing here knows a word of a corpus."""

from __future__ import annotations

import re

from crossbrief.rag.constraints import FUNCTION_WORDS

# up to four capitalised words before a head word: the qualifiers of a name as a sentence writes it
_QUALIFIERS = r"((?:[A-Z][\w'’&.-]*\s+){1,4})"
_PARTS = re.compile(r"[-–/]")


_POSSESSIVE = re.compile(r"['’]s\b")


def _words(names: list[str]) -> set[str]:
    """The lower-cased words of capitalised names, split at hyphens, possessives dropped ("Biden-Harris" -> biden,
    harris; "Treasury’s" -> treasury)."""
    return {w.lower() for name in names for w in _PARTS.split(_POSSESSIVE.sub("", name)) if w}


def _others(run: tuple[str, ...], text: str) -> str:
    """The first name in `text` with the run's head word and qualifiers none of which the run has ("South Florida
    HIDTA" for "Northwest HIDTA"), "" when `text` names none; None-like "" too when it names the run itself."""
    head = run[-1]
    for match in re.finditer(_QUALIFIERS + re.escape(head) + r"\b", text):
        named = [*(w for w in match.group(1).split() if w.lower() not in FUNCTION_WORDS), head]
        # the words both names end with name the kind ("Harbour Patrol"); what comes before them qualifies it
        shared = 0
        while shared < min(len(run), len(named)) and run[-1 - shared].lower() == named[-1 - shared].lower():
            shared += 1
        asked, other = _words(list(run[:len(run) - shared])), _words(named[:len(named) - shared])
        if asked and other and not asked & other:
            return " ".join(named)
    return ""


def another_of_its_kind(runs: tuple[tuple[str, ...], ...], sentence: str, context: str = "") -> str:
    """"body <asked>|<other>" when the sentence (or, naming no body of that kind, the sentence before it: `context`)
    names a body with the head word of one the question names by a run of capitalised words, qualified otherwise,
    and does not name the question's; else ""."""
    for run in runs:
        if len(run) < 2:
            continue
        asked = " ".join(run)
        head = re.compile(rf"\b{re.escape(run[-1])}\b")
        for text in (_POSSESSIVE.sub("", sentence), _POSSESSIVE.sub("", context)):
            if asked.lower() in text.lower():
                break  # the body asked is named
            other = _others(run, text)
            if other:
                return f"body {asked}|{other}"
            if head.search(text):
                break  # the head is named, qualified as asked or not at all: no other body of that kind
    return ""

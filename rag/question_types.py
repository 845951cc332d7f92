"""What kind of figure a question asks for: "how many" wants a count, "what share" a percentage, and so on."""

from __future__ import annotations

import re

# (pattern, accepted figure kinds), first match wins
_RULES: list[tuple[str, tuple[str, ...]]] = [
    (r"\bhow (?:many|much) (?:tonnes|tons|kilograms|kilos|kg|pounds|lbs|grams)\b|\bhow much (?:weight|mass)\b",
     ("quantity",)),
    (r"\bhow long\b|\bhow many (?:hours|days|weeks|months|years)\b|\bfor how long\b|\bduration\b", ("duration",)),
    (r"\bwhat (?:share|percentage|percent|proportion|fraction|portion)\b|\bhow much of\b|\bwhat rate\b|"
     r"\bwhich rate\b|\bhow high\b.*\b(?:tariff|duty|rate)\b|\b(?:tariff|duty) rate\b|\bby how much\b|"
     r"\bhow big (?:a|was the) (?:fall|drop|decline|increase|rise)\b|\bpercent", ("percent",)),
    (r"\bhow much\b.*\b(?:cost|worth|spend|spent|fund|funding|budget|money|dollars?|pay|paid|invest)|"
     r"\b(?:cost|worth|price|value|budget)\b.*\?$|\bhow much money\b|\bhow big\b.*\b(?:plan|package|budget)\b",
     ("money",)),
    (r"\bhow many\b|\bnumber of\b|\bhow often\b|\bcount\b", ("count", "rate")),
    (r"\bwhat (?:year|date|month|day)\b|\bwhen\b|\bsince when\b|\bwhich year\b|\bin what year\b", ("year", "date")),
    (r"\b(?:tariff|duty|rate)\b", ("percent",)),
]


def expected_kinds(question: str, context: str = "") -> tuple[str, ...]:
    """Figure kinds that would answer `question` (or, failing that, the earlier question it follows up);
    empty when it asks for no particular figure."""
    for text in (question, context):
        lowered = text.lower().strip()
        for pattern, kinds in _RULES:
            if lowered and re.search(pattern, lowered):
                return kinds
    return ()

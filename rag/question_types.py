"""What a question asks for: "how many" wants a count, "what share" a percentage, "who" a name, and so on.

The rules are general English interrogatives and units of measure, never words of a corpus."""

from __future__ import annotations

import re

# words that ask how something changed ("increase", "fall"...): a change question, in tables and in constraints
CHANGE_WORDS = "increase|decrease|change|growth|difference|rise|fall|decline"
ASKS_CHANGE = re.compile(rf"\b(?:{CHANGE_WORDS})[sd]?\b", re.IGNORECASE)
# a word of change in any of its forms, matched against one word: the change words above, and the verbs and nouns of
# a change a figure may stand beside ("fell 14%", "a 13% fall", "lost 18% of its value"); whole words: "surgeons"
# and "fellows" are none (rag/measures.py reads a figure's neighbours with it)
_CHANGE_FORMS = (rf"(?:{CHANGE_WORDS})[sd]?|(?:increas|decreas|chang|declin|reduc|surg|plung|doubl|tripl|trebl|halv|"
                 r"rais)(?:e|es|ed|ing|tion|tions)|rises|rose|risen|rising|falls|fell|fallen|falling|grows?|grew|grown|"
                 r"growing|differences|(?:climb|jump|gain|plummet)(?:s|ed|ing)?|drops?|dropped|dropping|cuts?|cutting|"
                 r"slid|slides?|sliding|los[te]s?|losing|shr[ai]nk|shrinks|shrunk|shrinking|sank|sunk|sinks?")
CHANGE_WORD = re.compile(rf"^(?:{_CHANGE_FORMS})$", re.IGNORECASE)

# the comparatives a multiple is asked with and stated by ("how many times more / as / stronger", "50 times more
# potent"), named: "border", "together" and "either" end in -er too
COMPARATIVES = ("more|less|fewer|as|higher|lower|greater|larger|bigger|smaller|stronger|weaker|deadlier|faster|"
                 "slower|cheaper|costlier|likelier|longer|shorter|heavier|wider|richer|poorer|worse|better|"
                 "more likely|less likely|over")
# (pattern, answer type, accepted figure kinds), first match wins
_RULES: list[tuple[str, str, tuple[str, ...]]] = [
    # "how much weight", "how small an amount / a dose" (of a substance; not "how large an increase", a change)
    (r"\bhow (?:many|much) (?:tonnes|tons|kilograms|kilos|kg|pounds|lbs|grams)\b|\bhow much (?:weight|mass)\b|"
     r"\bhow (?:small|little|tiny) (?:of )?(?:an? )?(?:amount|quantity|dose)\b"
     r"(?! of (?:money|funds?|funding|cash|time|aid|\w+ dollars)\b)",
     "quantity", ("quantity",)),
    (r"\bhow long\b|\bhow many (?:hours|days|weeks|months|years|minutes)\b|\bfor how long\b|\bhow (?:quickly|soon)\b|"
     r"\b(?:within|in) what (?:timeframe|deadline)\b|\bwhat (?:\w+ )?deadline\b", "duration", ("duration",)),
    # "by how much did it grow / exceed", "how steep was the fall", "how large an increase": the size of a change,
    # said as a share or as an amount of what changed
    # "how much did X change between A and B", "how much has spending grown" (the size of the change)
    (rf"\bby how much\b|\bhow much (?:did|does|has|have|had|was|were|is|will)\b(?:\s+[\w',.-]+){{1,8}}?\s+"
     rf"(?:{CHANGE_WORDS}|grow|grown|drop)(?:[sd]|ped)?\s*(?:between|from|since|over|by|during|in (?:19|20)\d\d|\?|$)|"
     r"\bhow (?:big|large|steep|sharp|great|deep) (?:(?:was|is|were|has been) )?"
     rf"(?:(?:the|a|an|this|that) )?(?:\w+ )?(?:{CHANGE_WORDS}|drop|jump|reduction|cut|gain|surge)s?\b",
     "change", ("percent", "money", "count", "quantity", "rate", "duration")),
    # "measured against the harbour's output, how large were the flood losses?", "how big is the debt relative to
    # the budget?": a size as a share of another's (not "how much money ... relative to", a sum)
    (r"\b(?:measured against|relative to|as an? (?:share|percentage|proportion|fraction|portion|part) of|in "
     r"proportion to)\b.*\bhow (?:large|big|high|heavy|great|sizable)\b|\bhow (?:large|big|high|heavy|great|sizable)"
     r"\b.*\b(?:measured against|relative to|as an? (?:share|percentage|proportion|fraction|portion|part) of|in "
     r"proportion to)\b", "percent", ("percent",)),
    # "how much of the cost / of the fentanyl": a part of a whole, as a share or as an amount of the whole's kind
    # ("Crime-related: $63 billion" of a $2.7 trillion cost)
    (r"\bhow much of\b(?!\s+(?:a|an)\b)", "percent", ("percent", "money", "quantity")),
    (r"\bwhat (?:\w+ ){0,2}?(?:share|percentage|percent|proportion|fraction|portion)\b|\bwhat (?:\w+ )?rate\b|"
     r"\bwhich (?:\w+ )?rate\b|\bpercent|\bwhat (?:\w+ )?level\b",
     "percent", ("percent",)),
    (r"\bhow much\b.*\b(?:cost|worth|spend|spent|fund|funding|budget|money|dollars?|pay|paid|invest)|"
     r"\bwhat (?:did|does|do|will|would) .*\b(?:spend|cost|pay|invest|allocate|earmark)\b|\bhow much money\b|\bhow big\b.*\b(?:plan|package|budget|fund)\b|"
     # "what is the annual budget of", "the salary of"; not "what was wage growth" (a change)
     rf"\bwhat (?:[\w'-]+ ){{0,3}}?(?:cost|budget|price|price tag|worth|salary|salaries|wages?|fees?)\b(?!\s+(?:{CHANGE_WORDS})s?\b)|"
     r"\bhow much (?:\w+ )?(?:revenue|profits?|income|sales|funding|money)\b",
     "money", ("money",)),
    # "how much fentanyl did the surge stop", "how much cash was used": an amount of what the noun names, said as a
    # mass, a sum or a number, never a share or a date; not "how much of / more / time", not a comparison ("how much
    # greater / worse / in fines / per kilogram"), nor a rate, a share or something no figure measures ("how much
    # tariff / inflation / influence / progress")
    (r"\bhow much (?!(?:of|more|less|worse|better|further|time|in|per|above|below|over|under|\w+er)\b)"
     r"(?!(?:[\w'-]+ ){0,2}(?:tariffs?|dut(?:y|ies)|levy|levies|taxe?s?|inflation|share|rates?|growth|interest|"
     r"progress|influence|impact|support|damage|attention|risk|coordination|cooperation|pressure|power|control|"
     r"effort|emphasis|trust|confidence|help|say|room|space|leeway|weight|mass)\b)"
     r"(?:[\w'-]+ ){1,3}?(?:did|does|do|was|were|has|have|had|is|are|will|would|can|could)\b",
     "amount", ("quantity", "money", "count")),
    # "by what multiple / factor did it grow", "it rose by what factor", "how many times more / as / stronger than":
    # how many times another a figure is ("50 times more potent", "a 10-fold rise", "twice as many"), not a count
    # ("how many times did it meet", "how many times per year") nor a cause ("driven by what factor?")
    (rf"(?:^\s*|[,;:]\s*|\b(?:{_CHANGE_FORMS}|multiplied|exceeded|outnumbered)\s+)by what (?:multiple|factor)\b|"
     rf"\bhow many(?: times|-fold)\s+(?:{COMPARATIVES})\b", "multiple", ("count",)),
    (r"\bhow many\b|\bnumber of\b|\bhow often\b", "count", ("count", "rate")),
    (r"\bwhat (?:year|date|month|day)\b|\bwhen\b|\bsince when\b|\bwhich year\b|\bin what year\b|"
     r"\b(?:on|from|by) (?:what|which) (?:date|day)\b|\bwhich (?:date|day|month)\b", "date", ("year", "date")),
    # "what tariff / levy / duty did X put on Y", "what was the new tariff": the tariff is what is asked, a rate said
    # as a percentage or as money per unit; not "what products did the tariffs target", "what triggered the tariffs"
    # (a verb or an article before the noun makes it the clause's subject), nor "duties" (often tasks)
    (r"\bwhat (?:(?:is|was|are|were) )?(?:the |an? )?(?:(?!(?:did|does|do|has|have|had|the|an?)\b)\w+ ){0,2}?"
     r"(?:tariffs?|levy|levies|duty|surcharges?)\b", "rate", ("percent", "money")),
    (r"^\s*who\b|\bwhich (?:country|countries|agency|agencies|organi[sz]ations?|person|people|body|bodies)\b",
     "name", ()),
    # "what was the annual tally", "what is the death toll", "what was the city's visitor count": a count named by its
    # noun after a word that qualifies it (not "the count against him")
    (r"^\s*what\b(?:\s+[\w'-]+){0,6}?\s+(?:death toll|(?<!\bthe )(?<!\ba )(?<!\bthis )(?<!\bthat )"
     r"(?:tally|count|headcount))\b(?!\s+(?:as|on|for|towards?|against)\b)", "count", ("count", "rate")),
    (r"\blist\b|\bwhat (?:are|were) the\b|\bwhich\b.*\b(?:are|were)\b|\binclude[ds]?\b|\bmeasures\b", "list", ()),
]


def _match(question: str, context: str) -> tuple[str, tuple[str, ...]]:
    for text in (question, context):
        lowered = text.lower().strip()
        for pattern, kind, kinds in _RULES:
            if lowered and re.search(pattern, lowered):
                return kind, kinds
    return "open", ()


def expected_kinds(question: str, context: str = "") -> tuple[str, ...]:
    """Figure kinds that would answer `question` (or, failing that, the earlier question it follows up);
    empty when it asks for no particular figure."""
    return _match(question, context)[1]


def answer_type(question: str, context: str = "") -> str:
    """count, percent, money, date, duration, quantity, amount, change, multiple, name, list or open."""
    return _match(question, context)[0]


# "what share / proportion / percentage of X ...": a part of a whole, which a change ("fell 13%") is not; a question
# naming a change ("what percentage of the fall ...", "the share of X rose by") asks of one
_ASKS_SHARE = re.compile(r"\b(?:share|proportion|fraction|portion|percentage|percent|per cent)\s+of\b", re.IGNORECASE)


def asks_share(question: str) -> bool:
    """True for a question asking what part of a whole something is ("What proportion of the drug seized is caught at
    the border?"), not how much something changed ("what percentage of its value did the peso lose?")."""
    return _ASKS_SHARE.search(question) is not None and \
        not any(CHANGE_WORD.match(w) for w in re.findall(r"[A-Za-z][A-Za-z'-]*", question))


# "What does the table show?", "What financial information does the table present?", "What is the table about?": a
# question about a table itself, nothing after its verb (not "what rate does the federal table show for 2023?")
_ABOUT_TABLE = re.compile(r"^\s*what\b(?:\s+[\w-]+){0,3}?\s+(?:does|do|did|is|are)\s+(?:the|this)\s+table\s+"
                          r"(?:shows?|represents?|presents?|depicts?|describes?|contains?|summari[sz]es?|provides?|"
                          r"illustrates?|details?|displays?|sets? forth|about)\W*$", re.IGNORECASE)


def asks_about_table(question: str) -> bool:
    """True for a question about what a table shows, which the sentence introducing the table answers."""
    return _ABOUT_TABLE.search(question) is not None

"""Whom a levy falls on (rag/levies.py), and the near miss it makes: a question about the levy on one country's goods
is not answered by a levy on another's."""

from __future__ import annotations

from crossbrief.rag.constraint_check import check
from crossbrief.rag.refusal_reasons import near_miss_reason
from crossbrief.rag.constraints import parse
from crossbrief.rag.figures import extract_figures
from crossbrief.rag.levies import levied_on


def test_the_countries_a_levy_falls_on() -> None:
    assert levied_on("What retaliatory tariff did Norland put on Canadian goods?") == {"CA"}
    assert levied_on("The current tariff on Canada is 35%.") == {"CA"}
    assert levied_on("Most Canadian imports face a 25% tariff.") == {"CA"}
    assert levied_on("Norland put duties of 10% on some US farm goods.") == {"US"}
    assert levied_on("A 25% tariff on imports from Canada and Mexico and a 10% tariff on imports from Japan") == {
        "CA", "MX", "JP"}
    assert levied_on("Parallel orders targeted Mexico and Japan.", about_levy=True) == {"MX", "JP"}
    # no levy named (nor read with one), or a country not where a levy falls
    assert levied_on("Parallel orders targeted Mexico and Japan.") == frozenset()
    assert levied_on("Canada recorded 8,000 deaths; the tariff debate went on.") == frozenset()
    assert levied_on("Deaths in Canada rose.", about_levy=True) == frozenset()
    # "from" is where a levy comes from unless goods come from there; a list may carry its own remarks; a levy
    # does not fall on the country whose tariffs they are
    assert levied_on("US farmers face retaliatory tariffs from China.") == frozenset()
    assert levied_on("Tariffs hit steel imported from Canada.") == {"CA"}
    assert levied_on("Parallel orders put tariffs on Mexico (also 25%) and Japan (an extra 10%).") == {"MX", "JP"}
    assert levied_on("Canada's tariffs on goods worth C$30 billion took effect.") == frozenset()
    # a country's imports come into it; its people's name says where they come from
    assert levied_on("After the tariffs, US imports of steel fell.") == frozenset()
    assert levied_on("After the tariffs, Canadian imports fell.") == {"CA"}


def _contradiction(question: str, sentence: str, context: str = "") -> str:
    return check(parse(question), sentence, tuple(extract_figures(sentence)), context, sentence, None).contradiction


def test_a_levy_on_another_country_s_goods_does_not_answer() -> None:
    asked = "What retaliatory tariff did Canada put on US goods?"
    assert parse(asked).levied == {"US"}
    assert _contradiction(asked, "The current tariff on Canada is 35%.") == "levied CA"
    assert near_miss_reason(parse(asked), "levied CA") == \
        "The closest passages speak of a levy on another country's goods, not on those asked."
    # a sentence naming no country is read with what it follows
    assert _contradiction(asked, "The amendment also raised the duty to 40%.", "The current tariff on Canada is 35%.") \
        == "levied CA"
    assert _contradiction(asked, "Canada put a 25% tariff on C$30 billion of US goods.") == ""
    assert _contradiction(asked, "The rate is 25%.") == ""  # no country: nothing to contradict
    assert _contradiction("What tariff did Canada put on goods?", "The current tariff on Canada is 35%.") == ""
    # a sentence naming a country, if not as a levy's, is not read with what it follows
    assert _contradiction(asked, "Canada responded with a 25% tariff on C$30 billion of goods.",
                          "On March 4, the US imposed a 25% tariff on Canada.") == ""
    # a levy the question names as a cause is not the one it asks
    retaliation = "How did Japan retaliate for the US tariff on Japanese goods?"
    assert not parse(retaliation).levied
    assert _contradiction(retaliation, "Tokyo answered with tariffs of 10% on some US farm goods.") == ""


def test_a_levy_named_by_its_rate_is_the_one_its_passage_levies_at_that_rate() -> None:
    """"Goods routed to evade the 35% tariff ..." names no country: its passage says whose goods bear the 35% tariff,
    and a question about another country's levy is not answered by it."""
    from crossbrief.rag.levies import levied_at_rate
    sentence = "Goods routed to evade the 35% tariff will pay a transit tariff of 40% instead."
    passage = f"Chile and Peru trade under one pact. The order raises the tariff on Peru from 25% to 35%. {sentence}"
    assert levied_at_rate(sentence, passage) == {"PE"}
    figures = tuple(extract_figures(sentence))
    asked = "What transit tariff applies to goods routed to evade the tariff on Chile?"
    assert check(parse(asked), sentence, figures, "", passage, None).contradiction == "levied PE"
    own = "What transit tariff applies to goods routed to evade the tariff on Peru?"
    assert check(parse(own), sentence, figures, "", passage, None).contradiction == ""
    # a rate given to something else than a levy says nothing of whose levy it is; "U.S." does not end a sentence
    assert levied_at_rate(sentence, f"Tariffs on Peru cut its shipments by 35% in a year. {sentence}") == frozenset()
    assert levied_at_rate(sentence, f"The tariff on U.S. goods rises to 35%. {sentence}") == {"US"}
    assert levied_at_rate(sentence, f"The duty on Peru rose to 35.0%. {sentence}") == {"PE"}
    assert levied_at_rate("Goods routed around the tariff pay more.", passage) == frozenset()  # no rate named

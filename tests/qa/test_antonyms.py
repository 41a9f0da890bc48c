"""Opposites read from word formation: gradable pairs and negating prefixes, compared unfolded."""

from __future__ import annotations

from granska.qa.antonyms import opposed, swapped


def test_pairs_and_prefixes_oppose_only_when_the_source_lacks_the_claims_pole():
    assert opposed("måluppfyllelsen är hög", "och att måluppfyllelsen är låg.") == ("hög", "låg")
    assert opposed("måluppfyllelsen är hög", "måluppfyllelsen är hög men kostnaden låg") is None
    assert opposed("kontrollen är otillräcklig", "Den interna kontrollen bedöms vara tillräcklig.") == (
        "otillräcklig",
        "tillräcklig",
    )
    # "olika" is no negated "lika" (stem too short); "lag" (a law) is no folded "låg".
    assert opposed("olika nämnder", "lika nämnder") is None
    assert opposed("en låg nivå", "enligt lag ska nivån vara hög") == ("låg", "hög")


def test_swapped_puts_each_gradable_word_at_its_base_opposite():
    assert swapped("Måluppfyllelsen är hög och kostnaderna ökade.") == "Måluppfyllelsen är låg och kostnaderna minskar."
    assert swapped("Kommunstyrelsen har ansvaret.") is None

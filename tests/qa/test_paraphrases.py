"""Paraphrased questions (session 33, issue #10 items 2 and 6): Swedish particle verbs read as the compounds documents
write ("tas om hand" ~ "omhändertas"), and an audit's stated purpose answering what it "wanted to find out"; on the
bundled corpus and the audits documents."""

from __future__ import annotations

from granska import particle_verbs
from granska.engine import Engine


def test_a_particle_verb_becomes_its_compound():
    assert particle_verbs.joined("Hur ska rekommendationerna tas om hand?") == "Hur ska rekommendationerna omhändertas?"
    assert particle_verbs.joined("Vem ska följa upp insatserna?") == "Vem ska uppfölja insatserna?"
    assert particle_verbs.joined("Har nämnden gått igenom rutinerna?") == "Har nämnden genomgått rutinerna?"
    assert particle_verbs.joined("Vilken nämnd tar hand om mottagandet?") == "Vilken nämnd omhändertar mottagandet?"


def test_a_preposition_a_noun_or_a_name_before_a_particle_is_left_alone():
    # "ansvarar för", "arbetar med": prepositions, never joined; a definite noun or a name is no verb.
    for text in ("Vem ansvarar för uppföljningen?", "Rapporten upp till nämnden", "Hur följs målen upp?"):
        assert particle_verbs.joined(text) == text


def test_the_board_s_ways_of_taking_care_of_the_recommendations_are_listed(bundled_hash_engine: Engine):
    """The answer says "omhänderta rekommendationerna på följande sätt:" and lists the ways; the question says
    "tas om hand" and opens with a preposition ("På vilka sätt"): the introduction and its items answer."""
    a = bundled_hash_engine.ask(
        "På vilka sätt tänker kommunstyrelsen i Borås att revisionens rekommendationer ska tas om hand?"
    )
    assert not a.abstained, a.answer
    assert "redovisa" in a.answer and "bredare analys" in a.answer, a.answer


def test_what_the_audit_wanted_to_find_out_is_its_stated_purpose(both_engine: Engine):
    """ "Vad ville stadsrevisionen ta reda på …" shares few words with "Granskningens syfte har varit att granska
    om …", the missive's own statement of purpose: that statement answers (session 33)."""
    a = both_engine.ask("Vad ville stadsrevisionen ta reda på när den granskade integrationen i Borås?")
    assert not a.abstained and "styrning och samordning" in a.answer, a.answer

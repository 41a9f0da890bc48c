"""Opposites in a claim and its source sentence: gradable antonyms and negating prefixes.

A claim "måluppfyllelsen är hög" against "måluppfyllelsen är låg", or "en decentraliserad process" against "en
centraliserad process", shares nearly all its words with the source and so reads as supported, or, when the
opposite word is what is missing, as not found. Two general means of Swedish (and English) word formation, no
words of any document: pairs of gradable adjectives and their verbs of change (a closed class of the language:
hög/låg, stor/liten, ökar/minskar, positiv/negativ, stark/svag, god/dålig, överskott/underskott, lätt/svår, förbättras/försämras, få/många, äger/hyr, and a body's stance:
delar/avvisar), and the
negating prefixes o-, de-, icke- ("otillräcklig", "decentraliserad") on a stem of at least six letters.
Words are compared lower-cased but not folded ("låg" folded is "lag", a law).
"""

from __future__ import annotations

import re

# Each pair: the inflected forms of one pole, then of the other (Swedish, then the English a claim may use).
_PAIRS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = tuple(
    (tuple(a.split()), tuple(b.split()))
    for a, b in (
        ("hög högt höga högre högsta high higher", "låg lågt låga lägre lägsta low lower"),
        ("stor stort stora större största large larger", "liten litet lilla små minsta small smaller"),
        (
            "ökar ökat ökade ökad ökning ökningen increase increased increasing",
            "minskar minskat minskade minskad minskning minskningen decrease decreased decreasing",
        ),
        ("positiv positivt positiva positive", "negativ negativt negativa negative"),
        ("stark starkt starka starkare strong", "svag svagt svaga svagare weak"),
        ("god gott goda bättre good", "dålig dåligt dåliga sämre bad poor"),
        ("överskott överskottet surplus", "underskott underskottet deficit"),
        # How well a thing is done: "skött … väl", "fungerar bra" against "brustit i", "bristande", "brister".
        ("väl bra well", "brustit brister brast bristande bristfällig bristfälligt bristfälliga"),
        (
            "lätt lätta lättare enkel enkelt enkla enklare easy easier simple straightforward",
            "svår svårt svåra svårare komplicerad komplicerat komplicerade difficult hard harder complicated",
        ),
        (
            "förbättra förbättrar förbättrade förbättrat förbättrats förbättrades förbättras förbättring improved",
            "försämra försämrar försämrade försämrat försämrats försämrades försämras försämring deteriorated",
        ),
        # How many: "få" is also the verb "get" ("ska få"), read as a count only where no verb governs it.
        ("få fåtal fåtalet enstaka few", "många flertalet flertal flera numerous many several"),
        # Who holds a property: its owner or its tenant ("äger sina lokaler" against "hyr lokalerna").
        ("äger ägde ägt äga owns owned own", "hyr hyrde hyrt hyra rents rented rent leases leased"),
        # A board's stance on the auditors' view: it shares it or rejects it ("delar revisionens syn").
        (
            "delar delade instämmer instämde godtar accepterar agrees shares accepts",
            "avvisar avvisade avvisat tillbakavisar bestrider rejects rejected disputes",
        ),
    )
)
_PREFIXES = ("icke-", "icke", "de", "o")
_STEM = 6  # a prefix negates only a stem this long ("olika" is no "not lika")
_WORD = re.compile(r"[a-zåäöéü-]+")


def _words(text: str) -> set[str]:
    found = [w.strip("-") for w in _WORD.findall(text.lower())]
    # "att få", "ska få", "kan få": the verb, not the count
    return {w for i, w in enumerate(found) if w and not (w == "få" and i and found[i - 1] in _GOVERNS)}


_GOVERNS = frozenset(
    ["att", "ska", "skall", "skulle", "kan", "kunde", "bör", "borde", "måste", "vill", "kommer", "får", "fick", "inte"]
)


def _prefixed(word: str, others: set[str]) -> str | None:
    """The word of `others` that is `word` with a negating prefix added or removed, if any, in any inflection
    of an adjective ("tydlig" against "otydliga")."""
    bases = {_base(o): o for o in others}
    w = _base(word)
    for p in _PREFIXES:
        if len(w) >= _STEM and p + w in bases:
            return bases[p + w]
        if w.startswith(p) and len(w) - len(p) >= _STEM and w[len(p) :] in bases:
            return bases[w[len(p) :]]
    return None


def _base(word: str) -> str:
    """An adjective less its inflection ("otydliga" → "otydlig", "tydligt" → "tydlig")."""
    return word[:-1] if len(word) > _STEM and word[-1] in "ate" else word


def opposed(claim: str, source: str) -> tuple[str, str] | None:
    """(the claim's word, the source's opposite) when the source says the opposite pole and not the claim's."""
    mine, theirs = _words(claim), _words(source)
    for a, b in _PAIRS:
        for pole, other in ((a, b), (b, a)):
            said = mine.intersection(pole)
            if said and not theirs.intersection(pole) and theirs.intersection(other):
                return min(said), min(theirs.intersection(other))
    mine_bases, their_bases = {_base(m) for m in mine}, {_base(t) for t in theirs}
    for w in sorted(mine - theirs):
        if _base(w) in their_bases:  # the source says the claim's word too, inflected otherwise
            continue
        if (v := _prefixed(w, theirs)) is not None and _base(v) not in mine_bases:
            return w, v
    return None


def known(word: str) -> bool:
    """The (lower-case) word stands at a pole of a pair: the verifier reads it, in English too ("straightforward")."""
    return any(word in a or word in b for a, b in _PAIRS)


def swapped(claim: str) -> str | None:
    """The claim with each gradable word put at its opposite pole ("hög" → "låg"), or None when it has none."""
    out, changed = [], False
    for token in re.split(r"(\W+)", claim):
        low = token.lower()
        for a, b in _PAIRS:
            pole, other = (a, b) if low in a else (b, a) if low in b else (None, None)
            if pole is not None and other is not None:
                token, changed = other[0], True  # the base form stands first
                break
        out.append(token)
    return "".join(out) if changed else None

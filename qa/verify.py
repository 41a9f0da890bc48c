"""verify(claim, hits) -> Verdict: is a statement supported, contradicted, or not found in the record?

Rule-based and explainable: find the sentences that speak of the same thing (same body, most of the
claim's words), then compare the claim with the best of them clause by clause for negation ("inte",
"ej", "ingen", "saknas"), degree ("delvis" against "helt"), numbers and dates.

Its parts: `claim_subjects` (bodies, names, firms), `claim_degrees`, `claim_numbers` (years as intervals, counts),
`claim_acts` (what a claim says was done) and `antonyms`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from granska.qa import antonyms, claim_acts, claim_numbers
from granska.qa.claim_degrees import (
    ASSESSMENT,
    PARTIAL,
    degree,
    keep_degrees,
    put_back,
    quantity,
    quantity_conflict,
    room_conflict,
    unfold_sub,
    without_degrees,
)
from granska.qa.claim_subjects import (
    BODY,
    FIRMS,
    aligned,
    doc_firms,
    firms_in,
    names_subject,
    naming,
    other_body,
    other_firm,
    subject_first,
    unmentioned,
    unnamed_body,
)
from granska.qa.evidence import Scored, Weights, coverage, match, passage_vocabulary, sentences, text_grams
from granska.qa.lexicon import lexicon
from granska.qa.tracker import mentions_place, places_named

from granska.text import content_words, fold, for_matching, language, untranslated, words
from granska.types import Hit, Span, hit_span

VERDICTS = ("supported", "contradicted", "not_found")
NOT_FOUND_BELOW = 0.5  # coverage of the claim's words by the best aligned sentence
CANDIDATE_SHARE = 0.75  # sentences within this share of the best coverage are weighed too
SWAP_MARGIN = 0.1  # how much better the claim read with its opposites must cover to be taken

_NEGATION = re.compile(r"\b(inte|ej|ingen|inget|inga|icke|aldrig|saknas|saknar|saknat|not|no|never)\b")
_NAMES_SEEN_IN = 20  # passages searched for the claim's subject before it is called unmentioned
_NUMBER = claim_numbers.NUMBER
# Sentences that state what was examined, not what was found.
_NON_ASSERTIVE = re.compile(r"\b(syfte[nt]?|bedoma om|granska om|fragestallning(en)?)\b")
_CLAUSE = re.compile(r",|;|\bsamt\b|\bmen\b|\bdock\b")
_PLACE_NOUNS = frozenset({"kommun", "kommuns", "stad", "stads", "region", "regions"})  # "X stads revisorer"
PREDICATE_BELOW = 0.25  # chosen on the 96 dev claims: silent ones reach 0.07 at most, supported ones 0.41 at least
_SUBJECT_WORDS = re.compile(
    r"(?:\b[a-z]+-(?:,? [a-z]+-)* (?:och|samt|&) )?" + BODY.pattern + r"|" + FIRMS.pattern + r"|\brevisor\w*"
)


@dataclass(frozen=True, slots=True)
class Verdict:
    claim: str
    verdict: str
    explanation: str
    citations: list[Span]
    passages: list[Hit]
    id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {} if self.id is None else {"id": self.id}
        out.update(
            claim=self.claim,
            verdict=self.verdict,
            explanation=self.explanation,
            citations=[c.as_dict() for c in self.citations],
            passages=[{**hit_span(h).as_dict(), "meta": h.meta.as_dict()} for h in self.passages],
        )
        return out


def verify(claim: str, hits: list[Hit], *, qid: str | None = None) -> Verdict:
    if not hits:
        return Verdict(claim, "not_found", "Inga dokument matchar (kontrollera filtren).", [], hits, id=qid)
    vocabulary = passage_vocabulary(hits) if language(claim) == "en" else []
    weights = _english_weighed(claim, vocabulary, Weights([h.chunk.text for h in hits[:20]]))
    matched = _read(claim, hits, weights, vocabulary)
    # An English claim's capitalised title words ("Municipal Executive Board") are terms, not names: its
    # subject is read from its Swedish rendering, where the glossary's terms are plain words.
    missing = unmentioned(re.sub(r"\s+", " ", matched) if language(claim) == "en" else claim, hits[:_NAMES_SEEN_IN])
    if missing:
        return Verdict(
            claim, "not_found", f"Dokumenten nämner inte {missing}, som påståendet handlar om.", [], hits, id=qid
        )
    # What the sentence must say: the claim without the place its documents are about (the passage's context
    # names it, a finding's sentence rarely does) and without its degree words (compared below, not matched).
    # The reading whose best sentence covers more decides (a claim about who did an audit needs its place).
    places = _places(hits)
    focus = _focus(matched, places)
    # "… genomfördes enbart genom en enkät": the sentence stating how it was done is found by the claim without
    # its exclusive means (which that sentence may not name at all: then it gainsays the claim, below).
    plain = [_without_means(focus)] if _exclusive_means(focus) else []
    # A claim about Region X is not borne out by Region Y's sentence: only the named places' documents (and those
    # of no known place) may support or contradict it, and the reading is chosen by what they say.
    named = places_named(matched, hits[:_NAMES_SEEN_IN])
    # A document of no known place stands for a named place only when its passages name it.
    unplaced = {
        h.chunk.doc for h in hits if not h.meta.municipality and any(mentions_place(h.chunk.text, p) for p in named)
    }

    def placed(ranked: list[Scored]) -> list[Scored]:
        if not named:
            return ranked
        return [
            s
            for s in ranked
            if s.hit.meta.municipality in named or (not s.hit.meta.municipality and s.span.doc in unplaced)
        ]

    readings = [placed(sentences(q, hits, weights, passages=8)) for q in dict.fromkeys([focus, matched, *plain])]
    ranked, candidates = max((_aligned_first(matched, r) for r in readings), key=lambda rc: _top(rc[1]))
    if (swapped := antonyms.swapped(focus)) is not None:
        # "måluppfyllelsen är hög" where the source says "låg": the claim read with its opposites finds the
        # sentence that gainsays it; it is taken only when it covers clearly more and states the opposite.
        alt = _aligned_first(matched, placed(sentences(swapped, hits, weights, passages=8)))
        if alt[1] and _top(alt[1]) > _top(candidates) + SWAP_MARGIN and antonyms.opposed(matched, alt[1][0].span.text):
            ranked, candidates = alt
    on_topic = candidates
    candidates = [s for s in candidates if not _asks(s.span.text)] or candidates
    if not candidates or candidates[0].coverage < NOT_FOUND_BELOW:
        return Verdict(claim, "not_found", "Dokumenten säger inget som tydligt rör påståendet.", [], hits, id=qid)
    if plain:  # a claim about the means is judged by a sentence that states means, where one is on topic
        stating = [c for c in candidates if _MEANS.search(fold(c.span.text)) and c.coverage >= NOT_FOUND_BELOW]
        candidates = stating + [c for c in candidates if c not in stating]
    best = _dated_like_the_claim(matched, subject_first(matched, candidates, share=CANDIDATE_SHARE), candidates)
    best = _graded_like_the_claim(matched, best, candidates)
    reason, firms = _reason(claim, matched, best, hits)
    held = predicate_held(focus, weights, places, acts=language(claim) != "en")
    if reason is None and held(best.span.text) < PREDICATE_BELOW:
        # The sentence names who the claim is about but not what it says of them: another sentence on topic
        # (also one stating a purpose in passing, "… i syfte att …", left out above) may say it; when none
        # does, the record is silent on the claim.
        near = [c for c in on_topic if c.coverage >= NOT_FOUND_BELOW] or [best]
        said, best = max(((held(c.span.text), c) for c in near), key=lambda sc: sc[0])
        if said < PREDICATE_BELOW and (elsewhere := _said_of_another_body(matched, ranked, held)) is not None:
            said, best = PREDICATE_BELOW, elsewhere
        if said < PREDICATE_BELOW:
            return Verdict(
                claim, "not_found", "Källan nämner ämnet men inte det påståendet säger om det.", [], hits, id=qid
            )
        reason, firms = _reason(claim, matched, best, hits)
    if reason is None and language(claim) == "en" and not _acts_said(claim, hits):
        # "… has terminated its agreements" where no passage searched says "ända", "avsluta" or the like.
        return Verdict(
            claim, "not_found", "Källan nämner ämnet men inte det påståendet säger om det.", [], hits, id=qid
        )
    if reason is None and firms_in(fold(claim)) and not doc_firms(best, hits):
        # "… gjordes av X" where the source's document names no firm at all: it is silent on who did it.
        return Verdict(claim, "not_found", "Källan nämner ingen revisionsbyrå.", [], hits, id=qid)
    if reason is None and (absent := unnamed_body(matched, hits[:_NAMES_SEEN_IN])):
        return Verdict(
            claim, "not_found", f"Dokumenten nämner inte {absent}, som påståendet handlar om.", [], hits, id=qid
        )
    if firms:  # the verdict rests on where the document names its firm: that sentence is the citation
        best = naming(ranked, best, firms)
    span = Span(best.span.doc, best.span.start, best.span.end, best.span.page, best.span.text, best.coverage)
    if reason:
        return Verdict(claim, "contradicted", f"Källan säger emot påståendet: {reason}.", [span], hits, id=qid)
    return Verdict(claim, "supported", "Källan säger samma sak som påståendet.", [span], hits, id=qid)


def _english_weighed(claim: str, vocabulary: list[str], weights: Weights) -> Weights:
    """The weights an English claim is read with: a word of it that no glossary term or dictionary sense the
    passages use renders ("finance") is found in no Swedish sentence whatever it says, and weighs no more than a
    short absent word (as an English question's does, `Weights.reading`); a Swedish word too ("system") is not
    foreign, nor is a pole of an opposite pair, read as such (`antonyms.swapped`)."""
    if language(claim) != "en":
        return weights
    left = untranslated(unframed(claim), known=lambda w: weights.df(fold(w)), vocabulary=vocabulary)
    lex = lexicon() if left else None
    return weights.reading(frozenset(w for w in left if (lex is None or not lex.known(w)) and not antonyms.known(w)))


def _read(claim: str, hits: list[Hit], weights: Weights, vocabulary: list[str]) -> str:
    """The claim as matched against the Swedish sources. An English word the dictionary renders in several
    senses ("part" → "andel del part") is read in the senses the passages use, when that reading's best sentence
    covers the claim at least as well: each unused sense would count as a word the source lacks. An English
    degree word stays as it is ("full" is no "mätt"): degrees are compared, not matched."""
    if language(claim) != "en":
        return for_matching(claim)
    # "found that" is no "grunda att": the frame's verb goes before the dictionary reads it.
    claim = _prefix_negated(unframed(claim))
    kept, degrees = keep_degrees(claim)
    plain = _unsaid_negation(claim, put_back(for_matching(kept), degrees))
    read = put_back(for_matching(kept, known=lambda w: weights.df(fold(w)), vocabulary=vocabulary), degrees)
    read = _unsaid_negation(claim, read)
    # A name the passages hold is read as their word for it ("Xby" → "xby"): it stays a name, capitalised.
    names = {w.lower(): w for w in re.findall(r"[A-ZÅÄÖ][\wåäöé-]+", claim)}
    read = re.sub(r"[\wåäöé-]+", lambda m: names.get(m.group(), m.group()), read)
    if read == plain:
        return plain
    top = [_top(sentences(q, hits, weights, passages=8)) for q in (plain, read)]
    return read if top[1] >= top[0] else plain


# An English adjective negated by its prefix ("insufficient", "inadequate", "incomplete"): its ending tells an
# adjective ("intake", "inform" are no "not take", "not form").
_PREFIXED = re.compile(r"\b(?:in|im|un)([a-z]{4,}(?:ent|ant|ate|ete|ive|ble|al|ous|ar|ic|id|ct|ful))\b")


def _prefix_negated(claim: str) -> str:
    """An English claim with each prefix-negated adjective the glossary and dictionary lack, though they render
    its base, read as "not" and the base ("insufficient" → "not sufficient" → "inte tillräcklig"): the source's
    "tillräcklig" then holds the word, and the negation is compared as such."""

    def one(m: re.Match[str]) -> str:
        whole, base = m.group(), m.group(1)
        return f"not {base}" if untranslated(f"the {whole}") and not untranslated(f"the {base}") else whole

    return _PREFIXED.sub(one, claim)


_EN_NEGATION = re.compile(r"\b(?:not|no|never|none|neither|nor|without|cannot)\b|n't\b", re.IGNORECASE)
_SV_NEGATION = re.compile(r"\b(?:inte|ej|ingen|inget|inga|icke|aldrig)\b")


def _unsaid_negation(claim: str, read: str) -> str:
    """The Swedish rendering of an English claim without a negation its English does not say (the dictionary
    has read "notes" as "inte"); "saknas" for "lacks" is the claim's own and stays."""
    return read if _EN_NEGATION.search(claim) else _SV_NEGATION.sub(" ", read)


def predicate_words(claim: str, places: frozenset[str] = frozenset()) -> list[str]:
    """The claim's words that say what is claimed, less who it is about: its bodies (with a joined first part,
    "fritids- och kulturnämnden"), the auditors, its capitalised names, the `places` (folded words of the
    municipalities searched, "X stads" opening the claim too), audit firms, numbers and degree words."""
    folded = _SUBJECT_WORDS.sub(" ", fold(without_degrees(claim)))
    names = {fold(w) for w in re.findall(r"(?<=[\w,] )[A-ZÅÄÖ][\wåäöé-]+", claim)}
    names |= {w for w in map(fold, re.findall(r"[A-ZÅÄÖ][\wåäöé-]+", claim)) if w.removesuffix("s") in places}
    return [
        w for w in content_words(folded) if w not in names and w not in _PLACE_NOUNS and not any(c.isdigit() for c in w)
    ]


def predicate_held(
    claim: str, weights: Weights, places: frozenset[str] = frozenset(), *, acts: bool = True
) -> Callable[[str], float]:
    """How much of what the claim says (its `predicate_words`, IDF-weighted) a sentence holds; 1.0 when the
    claim says nothing beyond its subject, 0.0 when the sentence holds none of the claim's acts (`claim_acts`:
    its rare nouns alone do not say what was done; `acts` False: not asked, for a claim rendered from English).
    The words and weights are read once, for every sentence weighed."""
    words = predicate_words(claim, places)
    idf = {w: weights.idf(w) for w in words}
    done = [w for w in claim_acts.acts(claim) if w in idf] if acts else []

    def held(text: str) -> float:
        if not words:
            return 1.0
        if done and not _holds_act(done, text):
            return 0.0
        return coverage(words, idf, text, "")

    return held


def _acts_said(claim: str, hits: list[Hit]) -> bool:
    """Every act of an English claim (`claim_acts.english_acts`) is said somewhere in the passages searched: one
    of its Swedish senses is a word of them, or an inflection of one (not a longer word that begins with it:
    "ända" is not "ändamålsenlig"). Its verb forms lost in translation, the claim is not asked that a sentence
    holds its act, only that the sources say it at all."""
    acts = claim_acts.english_acts(claim, for_matching)
    if not acts:
        return True
    held = {w for h in hits[:_NAMES_SEEN_IN] for w in re.findall(r"[a-zåäöéü]+", h.chunk.text.lower())}
    return all(
        any(w.startswith(a[: max(4, len(a) - 3)]) and len(w) <= len(a) + 4 for a in senses for w in held)
        for senses in acts
    )


def _holds_act(acts: list[str], text: str) -> bool:
    """One of the acts is a word of `text`, in another inflection ("visat" for "visade": the stem less its last
    three letters begins it) or OCR reading (fuzzily), read word by word: a whole sentence's letter n-grams hold
    pieces of any short verb ("behålla" in "behöver … kontrollen")."""
    held = list(dict.fromkeys(words(text)))
    grams = [text_grams(w) for w in held]
    return any(
        w.startswith(a[: max(4, len(a) - 3)]) or match(a, g) > 0 for a in acts for w, g in zip(held, grams, strict=True)
    )


def _said_of_another_body(claim: str, ranked: list[Scored], held: Callable[[str], float]) -> Scored | None:
    """The best-covering sentence that says what the claim says (`held`) of another named body, when no sentence
    of the claim's own body does: "Omsorgsnämnden ansvarar för verksamhet enligt LSS" for a claim that the
    utbildningsnämnd does. Left out of the candidates for naming another body, it is the one that gainsays it."""
    found = [
        s
        for s in ranked
        if s.coverage >= NOT_FOUND_BELOW
        and not _asks(s.span.text)
        and other_body(claim, s) is not None
        and held(s.span.text) >= PREDICATE_BELOW
    ]
    return max(found, key=lambda s: s.coverage, default=None)


def _aligned_first(claim: str, ranked: list[Scored]) -> tuple[list[Scored], list[Scored]]:
    """(every sentence, the candidates: those speaking of the claim's body, else all)."""
    return ranked, [s for s in ranked if aligned(claim, s)] or ranked


def _asks(text: str) -> bool:
    """The sentence states what was examined (its purpose, its question: "Har styrelsen vidtagit …?"), not what
    was found."""
    return bool(_NON_ASSERTIVE.search(fold(text))) or text.rstrip().endswith("?")


def _top(candidates: list[Scored]) -> float:
    return candidates[0].coverage if candidates else 0.0


def _reason(claim: str, matched: str, best: Scored, hits: list[Hit]) -> tuple[str | None, set[str]]:
    """Why the sentence gainsays the claim (another body, negation, degree, number, means, firm) or None; and
    the source's firms when the reason is that it names another firm."""
    reason = other_body(matched, best) or _conflict(matched, best) or _means_conflict(matched, best)
    if reason is None and (firms := other_firm(claim, best, hits)):
        return f"den anger {', '.join(sorted(t.upper() if len(t) <= 4 else t.capitalize() for t in firms))}", firms
    return reason, set()


def _places(hits: list[Hit]) -> frozenset[str]:
    """The folded words of the municipalities of the passages searched."""
    return frozenset(
        p for h in hits[:_NAMES_SEEN_IN] for p in re.split(r"[^a-z0-9]+", fold(h.meta.municipality or "")) if p
    )


def _focus(claim: str, places: frozenset[str]) -> str:
    """The claim's words a source sentence should share: its capitalised words naming the municipality of the
    passages searched (`places`: their context, from the metadata), its degree words, its numbers and its audit
    firms left out (a year, a count, a firm: compared as such in `_reason`; the sentence that gives another one
    is the one sought, and a rare word it does not share would hide it)."""

    def place(m: re.Match[str]) -> str:
        w = fold(m.group())  # "Xby" where the metadata says "Xbys stad", or the reverse
        return "" if {w, w.removesuffix("s"), w + "s"} & places else m.group()

    # "Enligt X, …" / "According to X, …" says whose statement the claim reports, not what it says; so does the
    # verb of "Granskningen visar att …" (its subject stays: the finding's sentence may name it).
    claim = unframed(re.sub(r"^\s*(?:[Ee]nligt|[Aa]ccording to)\s+", "", claim))
    out = without_degrees(re.sub(r"(?<![\w-])[A-ZÅÄÖ][\wåäöé-]+", place, claim))
    out = unfold_sub(claim_numbers.NUMBER_WORD, re.sub(r"[^\s]*\d[^\s]*", " ", out))
    out = unfold_sub(FIRMS, out)  # compared as firms, with the document's (`other_firm`)
    return out if content_words(out) else claim


# The verb of a reporting frame opening a claim: what the audit, the auditors or the board found, showed, judged or
# said (the clause after "att" / "that" is what is claimed). General verbs of stating and finding, not of wanting or
# recommending: "vill att", "rekommenderar att" say what is claimed.
_FRAME = re.compile(
    r"^((?:[\w'’:.-]+\s+){1,6}?)(?:(?:visar|visade|visat|fann|finner|funnit|konstaterar|konstaterade|konstaterat"
    r"|pekar|pekade|bed[öo]mer|bed[öo]mde|anser|ans[åa]g|menar|menade|noterar|noterade|p[åa]talar|p[åa]talade"
    r"|framh[åa]ller|framh[öo]ll|understryker|underströk)(?:\s+(?:p[åa]|fram))?\s+att"
    r"|(?:found|finds|showed|shows|concluded|concludes|noted|notes|states|stated|observed|observes)\s+that)\s+",
    re.IGNORECASE,
)
# "The auditors found internal control to be …": the English frame of a finding without "that".
_FOUND_TO_BE = re.compile(
    r"^((?:[\w'’:.-]+\s+){1,6}?)(?:found|finds|judged|judge|judges|considered|consider|deemed)\s+"
    r"((?:[\w'’-]+\s+){1,5}?)to be\s+",
    re.IGNORECASE,
)


def unframed(claim: str) -> str:
    """The claim without the verb of its reporting frame ("Granskningen visar att X" → "Granskningen X"; "The
    auditors found X to be Y" → "The auditors X Y"): it says who stated the claim, not what it states, and a
    sentence stating the finding seldom repeats it."""
    out = _FRAME.sub(lambda m: m.group(1), claim, count=1)
    return _FOUND_TO_BE.sub(lambda m: m.group(1) + m.group(2), out, count=1)


def _best_clause(claim: str, text: str) -> str:
    """The clause of `text` (lower-cased, not folded: "ingå" is no "inga") that covers most of the claim."""
    words = content_words(claim)
    weights = {w: 1.0 for w in words}
    clauses = [c for c in _CLAUSE.split(text.lower()) if c and c.strip()]
    return max(clauses, key=lambda c: coverage(words, weights, c, ""), default=text.lower())


# "enbart genom en enkät", "only through interviews": the claim says the means were these and no other.
_EXCLUSIVE = re.compile(
    r"\b(?:enbart|endast|bara|uteslutande|only|solely|exclusively)\s+(?:genom|via|med hjalp av|by means of|through|by)"
    r"\s+(?P<means>[^,.;]+)"
)
# A sentence that states the means ("har utförts genom intervjuer, …", "was carried out through …").
_MEANS = re.compile(r"\b(?:genom|via|med hjalp av|by means of|through)\b")


def _exclusive_means(claim: str) -> list[str]:
    """The content words of the means a claim calls the only ones, or [] when it calls none so."""
    m = _EXCLUSIVE.search(fold(claim))
    return content_words(m.group("means")) if m else []


def _without_means(claim: str) -> str:
    """The claim with its exclusive means left out, to find the sentence that says how the thing was done."""
    return _EXCLUSIVE.sub(" ", fold(claim))


def _means_conflict(claim: str, s: Scored) -> str | None:
    """The claim says the thing was done only by some means; the sentence states the means and names none of
    the claim's (stems, so "enkät" ~ "enkäten"): it gainsays the claim."""
    means = _exclusive_means(claim)
    text = fold(s.span.text)
    # Read on the sentence as written (lower-cased, not folded) so the reason quotes it.
    if not means or not _MEANS.search(text) or not (m := _MEANS.search(s.span.text.lower().replace("hjälp", "hjalp"))):
        return None
    if any(w[: max(4, 7 * len(w) // 10)] in text for w in means):
        return None
    stated = re.split(r"[.;]", s.span.text[m.end() :])[0].strip()
    return f"den anger '{stated}', inte enbart '{' '.join(means)}'"


DATED_SHARE = 0.85  # a runner-up that states the claim's kind of number must cover nearly as much as the best


def _dated_like_the_claim(claim: str, best: Scored, candidates: list[Scored]) -> Scored:
    """A claim that gives a year or a number is judged by a sentence that gives one of the same shape, when the
    best states none and a near runner-up does ("sedan dess har styrelsen ansvaret" against "Sedan den 1 januari
    2018 har styrelsen ansvaret" for a claim "since 2016"): the undated sentence can neither bear the number out
    nor gainsay it."""
    shapes = {len(n) for n in _NUMBER.findall(fold(claim))}
    if not shapes or shapes & {len(n) for n in _NUMBER.findall(fold(best.span.text))}:
        return best
    for c in candidates[:_DATED_SEEN]:
        if c.coverage >= DATED_SHARE * best.coverage and shapes & {len(n) for n in _NUMBER.findall(fold(c.span.text))}:
            return c
    return best


_DATED_SEEN = 5


def _graded_like_the_claim(claim: str, best: Scored, candidates: list[Scored]) -> Scored:
    """A claim that grades ("har full styrning", "delvis säkerställt") is judged by a sentence that grades,
    when the best grades nothing and a near runner-up of the claim's body does: the ungraded sentence describes
    the thing and can neither bear the degree out nor gainsay it."""
    if degree(fold(claim)) is None or degree(fold(best.span.text)) is not None:
        return best
    for c in candidates[:_DATED_SEEN]:
        if (
            c.coverage >= DATED_SHARE * best.coverage
            and degree(fold(c.span.text)) is not None
            and names_subject(claim, c) >= names_subject(claim, best)
        ):
            return c
    return best


def _negated(text: str) -> bool:
    """A negation word in `text`, read unfolded: folding makes "ingå" (be part of) the negation "inga"."""
    return bool(_NEGATION.search(text.lower()))


def _conflict(claim: str, s: Scored) -> str | None:
    """Why the sentence contradicts the claim, or None when it does not."""
    c, whole = fold(claim), fold(s.span.text)
    raw_clause = _best_clause(claim, s.span.text)
    clause = fold(raw_clause)
    # "nästan inga avvikelser" against "flertalet avvikelser": the quantity is the reason, not its "inga".
    if counted := quantity_conflict(c, raw_clause if quantity(clause) is not None else s.span.text):
        return counted
    if _negated(claim) != _negated(raw_clause):
        said = "nekar" if _negated(raw_clause) else "bekräftar"
        return f"den {said} det påståendet {'bekräftar' if said == 'nekar' else 'nekar'}"
    if opposed := antonyms.opposed(claim, s.span.text):
        mine, theirs = opposed
        return f"den säger '{theirs}', inte '{mine}'"
    if (
        PARTIAL.search(whole)
        and not PARTIAL.search(c)
        and PARTIAL.search(clause)
        and degree(c) not in ("mostly",)
        or (PARTIAL.search(whole) and degree(c) == "fully")
    ):
        return "den säger 'delvis', inte helt"
    mine, theirs = degree(c), degree(clause) or degree(whole)
    if mine and theirs and mine != theirs:
        return (
            f"den säger '{theirs}', inte '{mine}'".replace("'none'", "'saknas helt'")
            .replace("'fully'", "'helt'")
            .replace("'partly'", "'delvis'")
            .replace("'mostly'", "'i huvudsak'")
        )
    if room := room_conflict(c, s.span.text):
        return room
    if mine == "partly" and theirs is None and ASSESSMENT.search(whole):
        # An auditor's assessment grades on a scale ("delvis", "i huvudsak", "inte"); one stated without a
        # degree word is the top of it: "bedömningen är att nämnden säkerställer …" is not "delvis".
        return "den säger det utan förbehåll, inte 'delvis'"
    return claim_numbers.number_conflict(c, whole, s.hit)

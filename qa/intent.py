"""read(question) -> Intent: what a question asks for, and about what, in Swedish or English.

General interrogative patterns of the audit domain, tried in order ("Hur svarade nämnden på …" asks for a
response before it mentions a recommendation; "Vem undertecknade …" asks for signatories before "vem"
asks for anyone). They run on folded text, so "När"/"nar" and OCR-free spelling variants read alike.
Targets are what the question names: municipality (a capitalised word before kommun/stad/region, or a
place the index knows), body (any nämnd/styrelse/fullmäktige), recommendation number, and the topic words
that are left. The intent chooses where the answer comes from (see granska.qa.answer.route).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from granska.ingest.facts import ROLES
from granska.qa import bodies, intent_learned, place_names
from granska.qa import intent_frames as frames
from granska.qa.asked_type import YEAR_AR

from granska.text import content_words, fold, fold_keep, for_matching

INTENTS = (
    "signed_by",
    "issuer",
    "auditor",
    "responsible",
    "response",
    "status",
    "recommendations",
    "addressee",
    "assessment",
    "findings",
    "purpose",
    "method",
    "reference",
    "period",
    "when",
    "amount",
    "yes_no",
    "definition",
    "other",
)
# Where each intent is answered: a table, the document facts, a section of the outline, or open answering.
PATHS = {
    "signed_by": "facts",
    "issuer": "facts",
    "auditor": "facts",
    "reference": "facts",
    "period": "facts",
    "addressee": "section",
    "responsible": "responsibilities",
    "recommendations": "recommendations",
    "response": "responses",
    "status": "recommendations",
    "assessment": "section",
    "findings": "section",
    "purpose": "section",
    "method": "section",
}
_Q = r"(?:vem|vilka|vilken|vilket|who|whom|which|what|vad)"
_WHO_Q = r"(?:vem|vilka|vilken|vilket|who|whom|which|what|vad heter)"
# A question about the recommendations still without an answer (on folded text; the tracker lists those rows).
OPEN = (
    r"\b(?:inte|ej|not|never)\b(?: \w+){0,3} (?:besvara\w*|svarat|answered|responded to|addressed)\b"
    r"|\b(?:besvara\w*|answered)\b (?:\w+ )?(?:inte|ej|not)\b|\bobesvarad\w*|\bunanswered\b|\b(?:saknar|utan) svar\b"
    r"|\b(?:still|remain(?:s|ing)?) (?:open|outstanding)\b|\bfortfarande (?:oppna|obesvarade)\b"
)
_WHY_AUDIT = r"\b(?:varfor|why)\b.{0,30}\b(?:granskning\w*|initierades|genomfordes|audit\w*)\b"
# (intent, pattern on the folded question), first match wins.
_RULES: list[tuple[str, str]] = [
    (
        "signed_by",
        (
            r"\b(?:undertecknade?|undertecknat|signerade?|signed|signatur\w*|star angivna?|angivna? pa|named on|listed on"
            r"|skrivit under|skrev under|skrivs under|signerat)\b"
        ),
    ),
    # "Who chairs the auditors?", "Vem är ordförande för revisorerna?": a role on the document's signature.
    ("signed_by", r"\b(?:who|vem)\b.{0,12}\b(?:chairs?|chaired|is (?:the )?chair\w*|ar ordforande|var ordforande)\b"),
    ("signed_by", r"\b(?:vem|vilka|who)\b.{0,25}\b(?:godkant|godkande|approved|approval)\b"),  # "Godkänt av:" signs
    # "Vem är vice ordförande för …", "Vem var revisionskonsult …", "Who is the deputy chair …": a role of the
    # ingest's vocabulary asked right after "is/was" names a person on the document.
    (
        "signed_by",
        (
            rf"\b(?:vem|vilka|who)\b (?:ar|var|is|was|are|were) (?:the )?(?:(?:second|2nd|andre|forste|first) )?"
            rf"(?:{ROLES}|(?:vice|deputy)[- ]chair\w*)\b"
        ),
    ),
    (
        "signed_by",
        (
            r"\b(?:uppdragsansvarig|uppdragsledare|projektledare|kontaktperson|handlaggare"
            r"|engagement (?:lead|leader|manager|partner)|project (?:lead|leader|manager)|contact person|case officer)\b"
        ),
    ),
    # "Vilka personer …", "Vem är revisor …": the question word asks for the person. "Vad ska LSS ge personer med
    # funktionshinder?" asks for a thing given to persons; only "vad heter" asks a name with "vad".
    ("signed_by", rf"\b{_WHO_Q}\b.{{0,30}}\b(?:revisor|person(?:er)?|persons?|people)\b(?!\w*byr)"),
    (
        "signed_by",
        r"\b(?:vem|who)\b.{0,20}\b(?:genomforde|utforde|skrev|skrivit|forfattat|carried out|conducted|wrote|written|authored|performed)\b",
    ),
    # "konsultföretag" in English too: "consultancy firm", "consulting company".
    (
        "auditor",
        (
            r"\b(?:revisionsbyra\w*|revisionsforetag\w*|konsultforetag|audit(?:ing)? firms?|accounting firms?"
            r"|consult\w* (?:firms?|compan(?:y|ies)))\b"
        ),
    ),
    ("auditor", r"\b(?:vilket foretag|which (?:firm|company))\b"),
    ("auditor", r"^\W*(?:vem|vilka|who)\b (?:har |has )?(?:granskade|granskat|audited|reviewed)\b"),
    (
        "issuer",
        r"\b(?:vem|vilka|who)\b.{0,20}\b(?:gav|ger|har gett)\b.{0,40}\buppdrag\b|\bcommissioned\b|pa uppdrag av vem",
    ),
    ("reference", r"\b(?:diarienummer|diarienr|dnr|arendenummer|reference number|case number|registration number)\b"),
    ("status", r"\bforeslas\b.{0,60}\bbesluta\b"),
    # A question that opens with "När"/"When" asks for a time, whatever else it names ("När beslutade nämnden …");
    # "Sedan när har X ansvaret …" stays with the responsibilities, whose rows carry the date since.
    ("when", r"^\W*(?:nar|senast nar|when)\b"),
    # "… har inte besvarat", "besvaras inte", "saknar svar", "not been answered": which are still open (status).
    ("status", OPEN),
    # "Har nämnden besvarat rekommendationerna?", "Has the board answered …?": whether they were answered.
    ("status", r"^\W*(?:har|has|have)\b.{0,60}\b(?:besvarat|answered|responded to)\b"),
    # "Hur långt har man kommit med åtgärderna?", "Has the board acted on …?", "taken action": how far it got.
    (
        "status",
        r"\bhur langt\b|\bhow far\b|\bacted on\b|\btaken (?:any )?(?:action|measures|steps)\b|\bbeen (?:implemented|acted on)\b",
    ),
    # "Vilken månad …", "In which month …": a time is asked as surely as by "vilket datum".
    (
        "when",
        (
            r"\b(?:by (?:what|which) date|senast vilket datum|senast nar|what date|which date|vilket datum"
            r"|vilken manad|(?:what|which) month)\b"
        ),
    ),
    # "Vilken fråga ville revisorerna ha styrelsens svar på?" asks for the question put, not for the answer.
    ("purpose", r"^\W*(?:vilken|vilka|which|what)\s+(?:\w+\s+){0,4}(?:fraga|fragor|questions?)\b"),
    # The auditors' answer to an audit question is their assessment; before the frames, whose "audit question"
    # alone reads as the purpose.
    (
        "assessment",
        r"\bvad svarade revisor\w* pa revisionsfrag|\b(?:how|what) did the auditors answer\b.{0,20}\baudit question",
    ),
    *frames.RULES,  # addressee, method and kontrollmål forms (granska.qa.intent_frames)
    # "Varför ska svaret … skickas till X?", "Why does the board think …?": a reason is asked, wherever it stands;
    # a response word in it names what the reason is about, not the asked thing. (Why an audit was made is its
    # purpose, below.)
    ("purpose", _WHY_AUDIT),
    ("other", r"^\W*(?:varfor|why)\b"),
    # "Har något förslag till förklaring tagits fram?", "Has an answer been sent?": a polar question whose
    # response word is its subject asks whether, not how the answer reads.
    (
        "yes_no",
        (
            r"^\W*(?:har|hade|finns|fanns|has|have|had|is|was)\b.{0,80}\b(?:tagits fram|tagit fram|lamnats|upprattats"
            r"|inkommit|skickats|been (?:drawn up|prepared|submitted|sent|given))\b"
        ),
    ),
    (
        "response",
        r"\b(?:hur|vad)\b.{0,50}\b(?:svarade|svarar|svarat|besvarade|besvara[rs]?)\b(?!.{0,60}\brevisionsfrag)",
    ),
    (
        "response",
        (
            r"\b(?:yttrande|svaret|svar pa|forklaring|explanation)\b"
            r"|\bhow (?:did|does|has)\b.{0,90}\b(?:answer|respond|reply)\b(?!.{0,60}\baudit questions?\b)"
        ),
    ),
    (
        "response",
        (
            r"\b(?:vad|hur)\b (?:\w+ )?(?:sager|tycker|skriver)\b (?:\w+ ){0,2}\w*(?:styrelse\w*|n[a-z]{1,3}mnd\w*|fullm\w*)\b"
            r"|\bwhat (?:does|did) the (?:\w+ ){0,3}(?:board|committee|council|executive)\b.{0,20}\b(?:say|think|write)\b"
            r"|\b(?:hur|how)\b.{0,40}\b(?:hanterat|hanterar|hanterade|omhandertagit|handled|dealt with)\b.{0,40}\b(?:recommend|rekommend)"
        ),
    ),
    ("response", r"\bhur staller sig\b|\bwhat (?:is|was) (?:the )?\w+(?: \w+)?'?s? (?:position|stance)\b"),
    # "What did the board say …" asks its answer; "What did KPMG / the auditors say …" what the audit found.
    (
        "response",
        (
            r"\bwhat did (?!(?:the )?(?:\w+'s )?(?:auditors?|kpmg|pwc|ey|deloitte|audit)\b).{0,40}\b(?:answer|respond|reply|say)\b"
            r"|\b(?:response|reply|answer) to\b"
        ),
    ),
    ("response", r"\bvad anser (?:\w+ ){0,2}\w*(?:styrelse\w*|n[a-z]{1,3}mnd\w*|fullm\w*)\b"),
    # "På vilket sätt tänker kommunstyrelsen omhänderta …", "Hur avser nämnden …", "How will the board …": the
    # answer's actions. "Hur ser nämnden på …" is its view; "Hur ser revisorerna på …" their assessment (below).
    (
        "response",
        (
            r"\b(?:hur|pa vilket satt)\b.{0,40}\b(?:tanker|avser|planerar)\b(?! \w*revisor)"
            r"|\bhur ser (?:\w+ ){0,2}\w*(?:styrelse\w*|n[a-z]{1,3}mnd\w*|fullm\w*)\b.{0,30}\bpa\b"
            r"|\bhow (?:will|does|do|did)\b.{0,60}\b(?:intend|plan)\b"
        ),
    ),
    # "Vilka delar vill kommunstyrelsen ska omhändertas i programmet?", "What does the board want handled …": what
    # a board means to do with the findings is its answer, though the question opens with "vilka".
    (
        "response",
        (
            r"\b(?:vill|avser|ska|tanker)\b (?:\w+ ){0,2}\w*(?:styrelse\w*|n[a-z]{1,3}mnd\w*|fullm\w*)\b.{0,80}"
            r"\b(?:omhandertas|hanteras|tas om hand)\b"
            r"|\b(?:board|committee|council)\b.{0,30}\b(?:wants?|intends?|plans?)\b.{0,80}"
            r"\b(?:handled|dealt with|taken care of)\b"
        ),
    ),
    (
        "assessment",
        r"\bhur ser (?:\w+ ){0,2}\w*(?:revisor\w*|granskning\w*)\b.{0,30}\bpa\b|\bhow do the auditors (?:view|see)\b",
    ),
    ("responsible", r"\b(?:ansvar(?:et|ar|ig|iga)?|huvudansvar\w*|responsib\w*|in charge)\b"),
    (
        "responsible",
        (
            r"\b(?:vem|vilken|vilka|who|which)\b.{0,40}\b(?:tar hand om|skoter|takes care of|handles"
            r"|se till att|ser till att|sakerstall\w*|make sure|makes sure|ensures?)\b"
        ),
    ),
    ("other", r"^\W*where\b"),  # "Where will the review be reported?" asks a place, whatever nouns follow
    # ("Where does the responsibility lie?" is read as such above)
    (
        "status",
        (
            r"\b(?:vidtagit|vidtagits|genomfort[s]?|genomforandet|implementer\w*|implemented|atgardat\w*|status"
            r"|obesvarade|unanswered|besvarats|not been answered|har (?:inte )?(?:atgardats|genomforts))\b"
        ),
    ),
    # "Vilka rekommendationer riktade revisorerna till nämnden?": the question word asks the recommendations; the
    # addressee is named, not asked.
    ("recommendations", r"^\W*(?:vilka|vilken|which|what)\s+(?:\w+\s+)?(?:rekommendation\w*|recommendations?)\b"),
    ("addressee", r"\b(?:till vilken|till vilka|till vem|riktas|riktades|riktade|addressed to|to whom|directed to)\b"),
    (
        "recommendations",
        r"\b(?:rekommend\w*|recommend\w*|forbattringsomrad\w*|(?:vad|vilka(?: \w+){1,2}) bor\b|what should)",
    ),
    # A recommendation in everyday words: "Vad uppmanas nämnden att göra", "What is the board asked to do". ("What did
    # the auditors suggest X do so that …" asks one of them: the open path quotes it, where this route lists all.)
    (
        "recommendations",
        (r"\buppmana(?:s|r|de|t)?\b|\b(?:is|are|was|were) (?:\w+ ){0,4}(?:asked|urged|advised) to\b"),
    ),
    # "omdöme" is the everyday word for the auditors' "bedömning" ("vad blev revisorernas samlade omdöme").
    ("assessment", r"\b(?:bedomning\w*|bedom(?:er|de|t)|omdome\w*|slutsats\w*|assess\w*|conclu\w*|verdict)\b"),
    (
        "purpose",
        r"\b(?:syfte[tn]?|syfta(?:r|de|t)?|revisionsfrag\w*|fragestallning\w*|purpose|aim|objective|mot vilken bakgrund)\b",
    ),
    ("purpose", _WHY_AUDIT + r"|\bvilka granskningar\b.{0,40}\bingick\b"),
    # What an audit wanted to find out, in everyday words: "Vad ville revisionen ta reda på …", "What was the point
    # of the audit", "What did the auditors want to find out".
    (
        "purpose",
        (
            r"\bvad ville\b.{0,50}\b(?:ta reda pa|fa veta|fa svar pa|undersoka|granska)\b"
            r"|\bwhat was the (?:point|idea|aim|goal) of\b"
            r"|\bwhat did\b.{0,50}\b(?:want|wish|seek|set out) to (?:find out|know|learn|examine|look into)\b"
        ),
    ),
    (
        "findings",
        (
            r"\b(?:visade|visar|framkom|framgar|konstater\w*|kritiser\w*|iakttag\w*|brister|findings?|found|criticis\w*"
            r"|anmarkning\w*|vad anser|find|fann|funnit|hittade|shortcomings?|deficienc\w*|weakness\w*|identif\w*)\b|\bkom\w* (?:\w+ )?fram till\b"
            r"|\bbehover\b.{0,40}\b(?:forstarkas|forbattras|utvecklas|atgardas)\b"
        ),
    ),
    (
        "period",
        rf"\b(?:vilken period|vilket ar avsag|vilka {YEAR_AR}|vilken tid (?:omfatta\w*|avs[ae]g?\w*|gall\w*|tack\w*)|(?:tids)?period\w*|rakenskapsar\w*|which years?|what period|(?:financial|fiscal) year)\b",
    ),
    (
        "when",
        (
            r"^\W*(?:nar|sedan nar|senast nar|when|since when|by when)\b"
            r"|\b(?:vilket datum|datum|what date|which date|by what date|by when|deadline|the date)\b"
        ),
    ),
    ("when", rf"\bvilket {YEAR_AR}|\bwhich year\b"),
    (
        "amount",
        # "How much of the region's work …" asks how far, not an amount; "the instructions for recording consultancy
        # costs" names a topic: an English "cost" asks an amount only as "what did X cost", "how much".
        (
            r"\b(?:hur (?:manga|mycket(?! av)|stor\w*)|kostade|kostar|kostnad\w*|belopp\w*|antal\w*|how many"
            r"|how much(?! of)(?= (?:money|funding|did|does|do|was|were|is|are|will|would|has|have|had)\b|\W*$)|what (?:did|does|do|will|would)\b[^?]*\bcost|what (?:was|were|is|are) the (?:\w+ )?costs?)\b"
        ),
    ),
    (
        "definition",
        r"^\W*(?:vad (?:ar|betyder|innebar|menas med)|what (?:is|are|does)\b.{0,40}\bmean|define|definiera)\b",
    ),
    (
        "yes_no",
        (
            r"^\W*(?:har|ar|finns|fanns|kan|ska|skall|blev|gjorde|fick|ingick|ingar|omfattade|omfattar"
            r"|did|does|do|is|are|has|have|was|were|can)\b"
        ),
    ),
    ("other", r"\b(?:vem|vilken|vilka|vilket|vad|hur|var|who|which|what|how|where)\b"),
]
_RULE_RES = [(k, re.compile(p)) for k, p in _RULES]
_NUMBERED = re.compile(
    r"\b(?:rekommendation(?:en)?|recommendation)\s*(?:nr\.?|nummer|number|no\.?)?\s*(\d{1,2}|[a-h]\))"
)
_ORDINAL = re.compile(
    r"\b(\d{1,2})(?::?[ae])? rekommendationen\b|\b(forsta|andra|tredje|fjarde|femte|sjatte)\b rekommendation"
)
_ORDINALS = {"forsta": "1", "andra": "2", "tredje": "3", "fjarde": "4", "femte": "5", "sjatte": "6"}
_PLACE = re.compile(
    r"\b([A-ZÅÄÖ][\wåäöé-]+) (?:kommun|[Ss]tad|[Rr]egion|landsting)\b|\b(?:Region|region) ([A-ZÅÄÖ][\wåäöé-]+)"
)
_INTENT_WORDS = frozenset(
    """vem vilka vilken vilket vad hur nar who which what how when rekommendation rekommendationer rekommenderade
    rekommenderas svar svarade svara besvarade granskning granskningen granskningens revisorerna revisorer
    revisionen kommun kommunen stad region rekommendationen rekommendationerna sager tycker anser hanterat hanterade
    omhandertagit svarat besvarat""".split()  # noqa: SIM905 - a word list reads best as words
)


@dataclass(frozen=True, slots=True)
class Intent:
    kind: str
    path: str  # facts | responsibilities | recommendations | responses | section | open
    municipality: str | None = None
    bodies: tuple[str, ...] = ()
    number: str | None = None
    topic: tuple[str, ...] = field(default_factory=tuple)
    plural: bool = False  # "vilka …" / "which firms": a list is asked for

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "path": self.path,
            "municipality": self.municipality,
            "bodies": list(self.bodies),
            "number": self.number,
            "topic": list(self.topic),
        }


# The words that only say how a question asks about progress, not about what ("Hur långt har man kommit med …",
# "How far has the board got with …", "I vilken utsträckning …", "To what extent …"): an answering sentence
# states the progress in its own words ("är på väg att genomföras"), so these count neither as matched nor missing.
_FRAME = re.compile(
    r"\b(hur langt)\b(?: \w+){0,3}? (kommit|natt|gatt)\b"
    r"|\b(how far)\b(?: \w+){0,4}? (come|got|gotten|progressed|advanced|gone)\b"
    r"|\b(i vilken (?:utstrackning|grad)|to what (?:extent|degree))\b"
)


def without_frame(question: str) -> str:
    """The question less the words that only frame it (see _FRAME; the subject between them stays) and less a
    polite request frame: what an answer's coverage is read on."""
    folded = fold_keep(question)
    spans = [m.span(g) for m in _FRAME.finditer(folded) for g in range(1, 6) if m.start(g) >= 0]
    for a, b in sorted(spans, reverse=True):
        question = question[:a] + " " + question[b:]
    # A polite request ("Skulle ni kunna berätta vad …") asks nothing itself: its words are neither matched nor
    # missing (fold_keep keeps offsets, and the frames above never stand in it).
    return question[frames.polite_end(fold_keep(question)) :]


def asks_open(question: str) -> bool:
    """The question asks which recommendations are still without an answer."""
    return bool(_OPEN_RE.search(fold(question)))


_OPEN_RE = re.compile(OPEN)


def rule_kind(question: str) -> str:
    """The intent by the rules alone: the first pattern that matches (a polite frame read past)."""
    q = frames.unframed(fold(question))
    return next((k for k, p in _RULE_RES if p.search(q)), "other")


def kind(question: str) -> str:
    """The intent: the rules, backed by the fitted classifier as its fit chose (granska.qa.intent_learned)."""
    return intent_learned.combined(rule_kind(question), question)


def read(question: str, *, places: list[str] | None = None) -> Intent:
    """Intent and targets of one question; `places` are municipality names the index knows."""
    q = fold(question)
    k = kind(question)
    named = tuple(dict.fromkeys(bodies.display(m) for m in re.findall(bodies.BODY, q)))
    number = None
    if m := _NUMBERED.search(q):
        number = m.group(1).rstrip(")")
    elif m := _ORDINAL.search(q):
        number = m.group(1) or _ORDINALS[m.group(2)]
    municipality = _municipality(question, places or [])
    skip = set(_INTENT_WORDS) | {fold(b) for b in named}
    if municipality:
        skip |= set(content_words(municipality))
    topic = tuple(w for w in content_words(for_matching(without_frame(question))) if w not in skip and not w.isdigit())
    # "Vilka …", and with a preposition before it ("På vilka sätt …", "Inom vilka områden …", "In what ways …").
    plural = bool(
        re.match(
            rf"^\W*(?:{frames.LIST_PREP}\s+)?(?:vilka|which \w+s\b|what are|list)|{frames.LIST_PREP} what \w+s\b", q
        )
    )
    return Intent(k, PATHS.get(k, "open"), municipality, named, number, topic, plural)


# An English question names the kind of place in English: "the Xby municipality" names "Xby kommun" as fully as
# the Swedish does, not "Region Xby".
_PLACE_KINDS_EN = {"municipality": "kommun", "municipal": "kommun", "city": "stad", "county": "region"}


def places_in(text: str, names: Iterable[str]) -> set[str]:
    """The names of `names` the text names: each distinctive word of the name ("x" of "Region X") in the text,
    genitive or not; the fullest names win ("Region Xs" names Region X, not X kommun; "Region Y" names Region Y,
    not another region)."""
    said = {_PLACE_KINDS_EN.get(w, w).removesuffix("s") for w in re.findall(r"[a-z0-9]+", fold(text))}
    scored: dict[str, int] = {}
    for place in set(names):
        words = [w.removesuffix("s") for w in re.findall(r"[a-z0-9]+", fold(place))]
        distinctive = [w for w in words if w not in place_names.PLACE_WORDS]
        if distinctive and all(w in said for w in distinctive):
            scored[place] = sum(w in said for w in words)
        elif place_names.says_initialism(text, place):  # "NSR" names the whole of "Norra Skogslandsregionen"
            scored[place] = len(words)
    best = max(scored.values(), default=0)
    return {p for p, n in scored.items() if n == best}


def _municipality(question: str, places: list[str]) -> str | None:
    """The municipality the question names: the one it names most fully (`places_in`), else the first whose
    first word begins a word of the question, else a capitalised name before kommun/stad/region."""
    if named := places_in(question, places):
        return min(named, key=lambda p: (not _head_named(question, p), places.index(p)))
    q = fold(question)
    said: dict[str, int] = {}
    for p in places:
        words = [w.rstrip("s") for w in re.findall(r"[a-z]+", fold(p))]
        # (an initialism, "NSR", is read by `places_in` above.) "Region X Y" is named by "X" and "Y" beside "region", not by "region" alone, which "regionstyrelsen" starts.
        heads = words if place_names.opens_with_place_word(p) else words[:1]
        if heads and all(h.rstrip("s") and re.search(rf"\b{re.escape(h.rstrip('s'))}", q) for h in heads):
            said[p] = sum(bool(re.search(rf"\b{re.escape(w)}s?\b", q)) for w in words if w)  # whole words
    if said:  # the place named most fully ("Xby kommun" over "Region Xby" for "i Xby kommun")
        best = max(said.values())
        return next(p for p in places if said.get(p) == best)
    m = _PLACE.search(question)
    if m:
        return m.group(1) or m.group(2)
    return None


def _head_named(question: str, place: str) -> bool:
    head = fold(place.split()[0]).rstrip("s")
    return bool(head) and bool(re.search(rf"\b{re.escape(head)}", fold(question)))

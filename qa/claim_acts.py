"""What a Swedish claim says was done: its verbs, told by their form and place, no word list of any document.

"Kommunstyrelsen har beslutat att byta ut lönesystemet" claims a decision and a change; a sentence that only
names the system ("lönesystemet (X)") holds its rarest word but says neither. "Revisorerna riktade anmärkning
mot nämnden för räkenskapsåret 2020" claims a remark; the sentence saying the auditors examined the accounts of
that year holds the year's frame, not the remark. So a sentence bears a claim out only when it holds one of the
claim's acts (when the claim has any that can be told by its form):

- the word after an auxiliary ("har beslutat", "ska ge", "har inte säkerställt"),
- an infinitive after "att" ("att byta"),
- a past tense or participle in -ade ("riktade"),
- a present tense after the body opening the "att" clause of a recommendation ("rekommenderar att kommunstyrelsen
  inför …"; not of a finding: "bedömer att nämnden säkerställer …" states how things are).

Light verbs ("gjorts", "haft", "fått") say that, not what: they are no acts; nor is a verb framing a clause
("konstaterade att …", "har beslutat att byta …": the act is "byta"). Nominalisations are left out: "anmärkning" is an act, "årsredovisning" or "PwC:s uppföljning" a thing named.

An English claim's Swedish rendering has lost the forms these are told by: its acts are not read.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from granska.qa.claim_subjects import BODY

from granska.text import fold

_AUXILIARIES = frozenset(
    [
        "har",
        "hade",
        "ska",
        "skall",
        "skulle",
        "kan",
        "kunde",
        "bor",
        "borde",
        "maste",
        "kommer",
        "avser",
        "vill",
        "far",
        "fick",
    ]
)
_ADVERBS = frozenset(
    ["inte", "ej", "aldrig", "ocksa", "aven", "redan", "nu", "tidigare", "aterigen"]
)  # "har inte beslutat"
# Light verbs say that something is, was done or happened, not what: "har gjorts" where the source "har skett".
_LIGHT = frozenset(
    [
        "gor",
        "gora",
        "gors",
        "gjorde",
        "gjordes",
        "gjort",
        "gjorts",
        "ske",
        "sker",
        "skedde",
        "skett",
        "ha",
        "haft",
        "varit",
        "vara",
        "bli",
        "blir",
        "blev",
        "blivit",
        "finns",
        "fanns",
        "funnits",
        "finnas",
        "fa",
        "far",
        "fick",
        "fatt",
        "ge",
        "ger",
        "gav",
        "gett",
        "getts",
        "ta",
        "tar",
        "tog",
        "tagit",
    ]
)
# Who or how many, after an auxiliary in inverted order ("har samtliga åtgärder redan genomförts"): no act;
# the clause's act is its supine further on.
_SUBJECTS = frozenset(
    [
        "samtliga",
        "alla",
        "de",
        "det",
        "den",
        "denna",
        "detta",
        "dessa",
        "man",
        "vi",
        "ni",
        "han",
        "hon",
        "nagon",
        "nagot",
        "nagra",
        "ingen",
        "inget",
        "inga",
        "manga",
        "flera",
        "vissa",
        "bada",
        "varje",
    ]
)
# Verbs of recommending and wanting, whose "att" clause says what someone is to do.
_RECOMMENDING = frozenset(
    [
        "rekommenderar",
        "rekommenderade",
        "foreslar",
        "foreslog",
        "vill",
        "ville",
        "onskar",
        "onskade",
        "uppmanar",
        "uppmanade",
        "begar",
        "begarde",
    ]
)
_SUPINE = re.compile(r"[a-z]{3,}(?:ats|its|tts|ts|at|it|tt)$")
_INVERTED_REACH = 8  # words after the auxiliary in which its supine is looked for
_WORD = re.compile(r"[a-z]+")
_PAST = re.compile(r"[a-z]{3,}ade[s]?$")


def acts(claim: str) -> list[str]:
    """The folded words of `claim` that tell by form what it says was done (see the module's doc)."""
    words = _WORD.findall(fold(claim))
    out: list[str] = []
    inverted = -1  # where an auxiliary was followed by its subject
    for i, w in enumerate(words):
        j = i - 1
        while j >= 0 and words[j] in _ADVERBS:
            j -= 1
        after_aux = j >= 0 and words[j] in _AUXILIARIES
        if after_aux and w in _SUBJECTS:
            inverted = j
            continue
        if inverted >= 0 and i - inverted <= _INVERTED_REACH and _SUPINE.match(w):
            after_aux, inverted = True, -1
        infinitive = i > 0 and words[i - 1] == "att" and w.endswith("a") and len(w) >= 3
        framing = i + 1 < len(words) and words[i + 1] == "att"  # "konstaterade att …", "har beslutat att …"
        # "… rekommenderar att kommunstyrelsen inför …": the present tense after the body opening the "att" clause
        # of a recommendation names what is to be done; that of a finding ("bedömer att nämnden säkerställer …",
        # "konstaterade att nämnden saknar …") states how things are.
        present = (
            i >= 3
            and words[i - 3] in _RECOMMENDING
            and words[i - 2] == "att"
            and bool(BODY.fullmatch(words[i - 1]))
            and w.endswith("r")
        )
        if (
            len(w) >= 4
            and w not in _ADVERBS | _LIGHT | {"att"}
            and not framing
            and (after_aux or infinitive or present or _PAST.match(w))
        ):
            out.append(w)
    return list(dict.fromkeys(out))


# English: the word after an auxiliary (past adverbs and "been") is the act; light verbs say that, not what.
_EN_AUXILIARIES = frozenset(
    [
        "has",
        "have",
        "had",
        "is",
        "are",
        "was",
        "were",
        "will",
        "would",
        "shall",
        "should",
        "must",
        "can",
        "could",
        "may",
        "might",
        "does",
        "did",
    ]
)
_EN_SKIP = frozenset(
    [
        "not",
        "also",
        "yet",
        "already",
        "still",
        "now",
        "recently",
        "never",
        "ever",
        "be",
        "been",
        "being",
        "only",
        "fully",
        "partly",
        "largely",
        "essentially",
        "mostly",
        "substantially",
        "just",
    ]
)
_EN_LIGHT = frozenset(["had", "have", "has", "done", "made", "got", "given", "taken", "become", "gone", "put"])
_EN_WORD = re.compile(r"[A-Za-z]+")
_LOWER = re.compile(r"[a-zåäöéü]+")  # unfolded: "ända" (end) is no "ändå" (still)


def english_acts(claim: str, render: Callable[[str], str]) -> list[list[str]]:
    """The Swedish senses (lower-cased, not folded) of each act of an English claim: the word after an auxiliary, read as what
    `render` (the claim's translation) gives the claim that the claim without the word lacks ("carried out" →
    "genomförts"; "terminated" → "fullborda ända"). An act left in English, or a light verb, is not read."""
    tokens = list(_EN_WORD.finditer(claim))
    whole = Counter(_LOWER.findall(render(claim).lower()))
    out: list[list[str]] = []
    for i, m in enumerate(tokens):
        j = i - 1
        while j >= 0 and tokens[j].group().lower() in _EN_SKIP:
            j -= 1
        word = m.group().lower()
        if j < 0 or tokens[j].group().lower() not in _EN_AUXILIARIES or word in _EN_SKIP | _EN_LIGHT | _EN_AUXILIARIES:
            continue
        without = Counter(_LOWER.findall(render(claim[: m.start()] + claim[m.end() :]).lower()))
        senses = [w for w in (whole - without) if len(w) >= 3]
        if senses and senses != [word]:
            out.append(senses)
    return out

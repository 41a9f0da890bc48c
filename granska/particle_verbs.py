"""Swedish particle verbs read as the compounds that documents write for them.

A question says "följs upp", "tas fram", "lämna in", "tas om hand"; an audit report says "uppföljning",
"framtagande", "inlämnad", "omhändertas". Swedish forms those compounds regularly: the stressed particle goes
in front of the verb (följa upp -> uppfölja, ta fram -> framta, gå igenom -> genomgå, ta emot -> motta, ta
om hand -> omhänderta). The particle alone is a stopword and counts for nothing, so without this the question
matches only the bare verb. Joining the particle onto the verb keeps every character gram of the verb and adds
the compound's, so a sentence with the particle verb still matches and one with the compound now does too.

Only particles that after a verb are nearly always particles (not prepositions opening a phrase) are read:
"på", "till", "för", "med", "om" are left alone ("ansvarar för", "arbetar med").
"""

from __future__ import annotations

import re

from granska.text import STOPWORDS, fold

# particle as written -> the compound's first part (igenom/emot lose their i-/e-, "om hand" takes "händer")
_PARTICLES = {
    "upp": "upp",
    "fram": "fram",
    "ut": "ut",
    "in": "in",
    "bort": "bort",
    "igenom": "genom",
    "emot": "mot",
    "ned": "ned",
    "ner": "ned",
    "tillbaka": "tillbaka",
    "om hand": "omhänder",
}
_WORD = r"[A-Za-zÅÄÖåäöÉé]+"
# A verb directly before its particle ("följs upp", "tas om hand", "lämna in"); "ta hand om" is the same verb.
_PAIR = re.compile(
    rf"(?<![\w-])({_WORD}) (?:(om hand|{'|'.join(p for p in _PARTICLES if ' ' not in p)})|(hand om))(?![\w-])",
    re.IGNORECASE,
)
# A verb form: no capital (a name), not a stopword, and ending as Swedish verbs end (infinitive, present,
# passive, supine, past); "Rapporten upp…" or "nämnden in" are no verb.
_VERB_END = re.compile(r"(?:a|ar|er|r|s|as|es|ts|ds|it|at|tt|t|de|te|dde|des|tes|g|å|e)$")
_NOT_VERB = re.compile(r"(?:en|et|erna|arna|orna|ning|ingen|ingar|het|heten|else|ion|ioner)$")


def _verb_like(word: str) -> bool:
    low = word.lower()
    return (
        word[:1].islower()
        and fold(low) not in STOPWORDS
        and len(low) >= 2
        and bool(_VERB_END.search(low))
        and not _NOT_VERB.search(low)
    )


def joined(text: str) -> str:
    """The text with each particle verb written as its compound: "Hur följs målen upp?" keeps its word order
    (the particle stands apart there: not read), "ska tas om hand" -> "ska omhändertas", "följa upp" ->
    "uppfölja"."""

    def one(m: re.Match[str]) -> str:
        verb = m.group(1)
        if not _verb_like(verb):
            return m.group(0)
        particle = "om hand" if m.group(3) else m.group(2).lower()
        return _PARTICLES[particle] + verb.lower()

    return _PAIR.sub(one, text)

"""Question forms the first intent rules missed (issue #10, kinds2), as general Swedish and English grammar.

- A polite request frame ("Kan du sammanfatta vad …", "Kan du kort beskriva …", "Could you summarise …") is a
  request, not a yes/no question: the intent is read from what follows the frame.
- "Till vem/vilka …", "To whom …", "… för kännedom": the addressee, even when the question also names a
  response or an explanation ("To whom does the board submit its explanation …").
- "Hur gick granskningen till?", "Hur genomfördes granskningen?", "How was the audit carried out?": the method.
- "kontrollmål", "audit question(s)": what the audit set out to answer (its purpose), as "revisionsfrågor".

The patterns run on folded text (å/ä/ö folded) and are tried before the response rules of granska.qa.intent.
"""

from __future__ import annotations

import re

_POLITE = re.compile(
    r"^\W*(?:(?:kan|kunde|skulle) (?:du|ni)(?: kunna)?(?: vara snall(?:a)? och)?|var snall(?:a)? och|snalla,?)\s+"
    r"(?:(?:kort|kortfattat|snabbt|garna)\s+)?"
    r"(?:sammanfatta|beskriva|beratta(?: om)?|forklara|redogora for|ange|tala om|saga|lista|namna|summera)\b\s*"
    r"|^\W*(?:(?:can|could|would) you(?: please)?|please)\s+(?:(?:briefly|quickly)\s+)?"
    r"(?:summari[sz]e|describe|tell(?: me)?(?: about)?|explain|list|outline|state|say)\b\s*"
)

RULES: list[tuple[str, str]] = [
    (
        "addressee",
        r"^\W*(?:to whom|till vem|till vilka|till vilken)\b|\bfor kannedom\b",
    ),
    (
        "method",
        (
            r"^\W*hur (?:gick|har)\b(?=.*\b(?:granskning|revision)).{0,80}\b(?:till|genomforts|utforts)\W*$"
            r"|^\W*hur (?:genomfordes|utfordes|gjordes)\b (?:\w+ )?(?:granskning|revision)\w*"
            r"|^\W*(?:vilken|vilka|vad for|what|which) (?:\w+ ){0,2}(?:metod\w*|methods?)\b"
            r"|\bhow (?:was|were)\b (?:the )?(?:\w+ ){0,3}(?:audit|review|examination)\w*\b.{0,60}\b(?:carried out|conducted|done|performed)\b"
        ),
    ),
    # "Vad grundar sig bedömningarna på?", "What are the assessments based on?": the audit's basis, its method.
    (
        "method",
        r"\b(?:(?:is|are|was|were) (?:\S+ ){0,8}based on|(?:grundar|grundas|baseras)(?: sig)? (?:\S+ ){0,4}pa)\b",
    ),
    ("purpose", r"\b(?:kontrollmal\w*|audit questions?|control objectives?)\b"),
]


# "Apart from reviewing who is responsible for what, what else …?", "Utöver X, vad …?": the leading clause names
# what is not asked; the question proper follows its comma.
# A preposition before a list question's "vilka" / "which" ("På vilka sätt …", "Inom vilka områden …", "In what
# ways …"): the question still asks for a list.
LIST_PREP = r"(?:pa|i|inom|till|for|av|med|enligt|in|on|to|by)"
_APART = re.compile(r"^\W*(?:apart from|aside from|besides|other than|utover|forutom|bortsett fran)\b[^,?]{3,120},\s*")


def polite_end(folded: str) -> int:
    """Where a polite request frame ends ("skulle ni kunna berätta " …), 0 when there is none."""
    m = _POLITE.match(folded)
    return m.end() if m and m.end() < len(folded) else 0


def unframed(folded: str) -> str:
    """The folded question without a polite request frame ("kan du sammanfatta vad x ville" -> "vad x ville") or
    a leading clause of what it does not ask ("apart from x, what else …" -> "what else …")."""
    if (a := _APART.match(folded)) and a.end() < len(folded):
        folded = folded[a.end() :]
    return folded[polite_end(folded) :]

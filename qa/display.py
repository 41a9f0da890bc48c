"""Readable text for display: OCR repair of quotes, never of what is cited or matched.

A citation keeps `text == document[start:end]`; this module makes the *shown* quote readable next to it
(`display`). It undoes what scanners do to Swedish text, with a word-frequency list built from clean
Swedish prose (`python -m granska.eval.wordfreq` rebuilds it) for ranking, the Swedish Hunspell dictionary
(`hunspell-sv`, read by `granska.qa.lexicon`) for what is a word, and no word lists of our own:

- å/ä/ö read as other letters or digits ("nimnden" → "nämnden", "f6r" → "för", "stadsGvergripande");
  an unknown word becomes the known word reachable by the cheapest such substitutions (compounds count
  as known when both halves are), and in a text that has lost most of its å/ä/ö, a known word becomes a
  far more frequent variant ("for" → "för");
- words hyphenated across lines are joined ("uppfölj-\\nningen"), suspended compounds kept
  ("integrations- och etableringsarbete"); a word broken by a stray space is joined when only the joined
  form is a word;
- bullet debris at the start of a line ("e ", "o ", "«") becomes "• ".
"""

from __future__ import annotations

import gzip
import itertools
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from granska.qa.lexicon import lexicon

FREQ_FILE = Path(__file__).resolve().parent / "data" / "sv_wordfreq.json.gz"
# What OCR puts where Swedish has å/ä/ö (and accented look-alikes), with a cost per substitution.
_SUBS: dict[str, tuple[tuple[str, int], ...]] = {
    "a": (("ä", 1), ("å", 1)),
    "i": (("ä", 1),),
    "o": (("ö", 1),),
    "6": (("ö", 1), ("o", 2)),
    "0": (("ö", 2), ("o", 2)),
    "é": (("ö", 1), ("ä", 1), ("e", 1)),
    "è": (("ö", 1), ("e", 1)),
    "á": (("å", 1), ("ä", 1)),
    "à": (("å", 1), ("ä", 1)),
    "â": (("å", 1), ("ä", 1)),
    "ó": (("ö", 1),),
    "ò": (("ö", 1),),
    "ô": (("ö", 1),),
    "g": (("ö", 2),),  # a capital G inside a word ("stadsGvergripande"), lowercased before lookup
    "b": (("ö", 2), ("ä", 2)),
    "d": (("ö", 3),),
}
_PAIRS: dict[str, tuple[tuple[str, int], ...]] = {"ai": (("ä", 2), ("å", 2)), "bd": (("ä", 2),), "ii": (("ä", 2),)}
MAX_COST = 3
MAX_SITES = 7  # more suspect letters than this: try only the cheapest substitutions
PREFER_RATIO = 20.0  # in a damaged text a known word yields to a variant this much more frequent
DAMAGED_BELOW = 0.02  # share of å/ä/ö among letters under which a Swedish text has lost its diacritics
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_BULLET = re.compile(r"(?m)^([ \t]*)(?:[eo«»©°*❖]|-[ \t]*❖)[ \t]+(?=\S)")
_HYPHEN_BREAK = re.compile(r"([^\W\d_]+)-[ \t]*\r?\n[ \t]*([^\W\d_]+)")
# A hyphen before these ends a suspended compound ("integrations- och etableringsarbete"): keep it.
_CONJUNCTIONS = frozenset({"och", "eller", "samt", "respektive", "resp", "som", "till", "men"})


@lru_cache(maxsize=1)
def frequencies() -> dict[str, int]:
    """Lowercased word -> count in clean Swedish text (empty when the packaged list is missing)."""
    if not FREQ_FILE.is_file():
        return {}
    with gzip.open(FREQ_FILE, "rt", encoding="utf-8") as fh:
        data: dict[str, int] = json.load(fh)
    return data


def _freq(word: str) -> int:
    return frequencies().get(word, 0)


def _word(word: str) -> bool:
    """In the frequency list, or a form of a word of the Swedish Hunspell dictionary."""
    if word in frequencies():
        return True
    lex = lexicon()
    return lex is not None and lex.known(word)


@lru_cache(maxsize=200_000)
def known(word: str) -> bool:
    """A word, or a compound of two words (the first with or without a linking s)."""
    if _word(word):
        return True
    for i in range(3, len(word) - 2):
        head, tail = word[:i], word[i:]
        if _word(tail) and (_word(head) or (head.endswith("s") and _word(head[:-1]))):
            return True
    return False


def _score(word: str) -> int:
    """How common a word is: its count, else that of its longest counted start ("årligen" by "årlig"),
    else its last part's (for a compound)."""
    if (f := _freq(word)) > 0:
        return f
    for k in range(len(word) - 1, 3, -1):
        if (f := _freq(word[:k])) > 0:
            return f
    tails = [_freq(word[i:]) for i in range(3, len(word) - 2)]
    return max([*tails, 1])


@lru_cache(maxsize=100_000)
def _best_variant(word: str) -> tuple[str, int] | None:
    """The known word reachable from `word` (lowercase) by the cheapest OCR substitutions, and its cost."""
    sites: list[tuple[int, int, tuple[tuple[str, int], ...]]] = []
    for i, ch in enumerate(word):
        if ch in _SUBS and not (ch == "g" and i == 0):
            sites.append((i, 1, _SUBS[ch]))
        if word[i : i + 2] in _PAIRS:
            sites.append((i, 2, _PAIRS[word[i : i + 2]]))
    if len(sites) > MAX_SITES:
        sites = [s for s in sites if min(c for _, c in s[2]) == 1][:MAX_SITES]
    best: tuple[bool, int, int, str] | None = None  # (only as a compound, cost, -score, word)
    for n in range(1, min(3, len(sites)) + 1):
        for chosen in itertools.combinations(sites, n):
            if any(a[0] + a[1] > b[0] for a, b in itertools.pairwise(chosen)):
                continue  # overlapping sites
            for options in itertools.product(*(s[2] for s in chosen)):
                cost = sum(c for _, c in options)
                if cost > MAX_COST:
                    continue
                out, last = [], 0
                for (i, width, _), (rep, _) in zip(chosen, options, strict=True):
                    out.append(word[last:i] + rep)
                    last = i + width
                cand = "".join(out) + word[last:]
                if known(cand):
                    key = (not _word(cand), cost, -_score(cand), cand)
                    if best is None or key < best:
                        best = key
    return (best[3], best[1]) if best else None


def _case_like(model: str, word: str) -> str:
    if len(model) > 1 and model.isupper():
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def repair_word(word: str, *, damaged: bool = False) -> str:
    """One token: unchanged when it is a word (unless `damaged` and a variant is far more common)."""
    if not frequencies() or not any(ch.isalpha() for ch in word) or word.isdigit():
        return word
    low = word.lower()
    if len(low) < 2:
        return word
    if known(low):
        if not damaged:
            return word
        found = _best_variant(low)
        # A damaged text's "word" that is only a compound ("forslag" = fors+lag) yields to a real word
        # ("förslag"); a real word yields only to a far more common one ("for" -> "för").
        if (
            found
            and found[1] <= 2
            and ((not _word(low) and _word(found[0])) or _freq(found[0]) >= PREFER_RATIO * max(_freq(low), 1))
        ):
            return _case_like(word, found[0])
        return word
    found = _best_variant(low)
    return _case_like(word, found[0]) if found else word


def is_damaged(text: str) -> bool:
    """True when a Swedish text shows too few å/ä/ö for its length (a scan that lost its diacritics)."""
    letters = [ch for ch in text.lower() if ch.isalpha()]
    if len(letters) < 200:
        return False
    return sum(ch in "åäö" for ch in letters) / len(letters) < DAMAGED_BELOW


def _join_hyphenated(match: re.Match[str]) -> str:
    head, tail = match.group(1), match.group(2)
    if tail.lower() in _CONJUNCTIONS or tail[:1].isupper():
        return f"{head}- {tail}"
    return head + tail


def _join_broken(tokens: list[str], seps: list[str]) -> tuple[list[str], list[str]]:
    """Join `a b` where neither half is a word and `ab` is (a word split by a stray space)."""
    out_t, out_s = [tokens[0]], []
    for sep, tok in zip(seps, tokens[1:], strict=True):
        prev = out_t[-1]
        joined = (prev + tok).lower()
        if (
            sep in (" ", "\n")
            and prev.isalpha()
            and tok.isalpha()
            and tok[:1].islower()
            and len(joined) >= 6
            and not known(prev.lower())
            and not known(tok.lower())
            and known(joined)
        ):
            out_t[-1] = prev + tok
            continue
        out_s.append(sep)
        out_t.append(tok)
    return out_t, out_s


def repair(text: str, *, damaged: bool | None = None) -> str:
    """The text as a reader should see it. `damaged`: whether its document lost its å/ä/ö (None: judge
    from `text` itself; pass the document's verdict for short quotes)."""
    if not text:
        return text
    if damaged is None:
        damaged = is_damaged(text)
    text = _BULLET.sub(lambda m: f"{m.group(1)}• ", text)
    text = _HYPHEN_BREAK.sub(_join_hyphenated, text)
    tokens: list[str] = []
    seps: list[str] = []
    last = 0
    lead = ""
    for m in _TOKEN.finditer(text):
        if not tokens:
            lead = text[: m.start()]
        else:
            seps.append(text[last : m.start()])
        tokens.append(m.group(0))
        last = m.end()
    if not tokens:
        return text
    tail = text[last:]
    tokens, seps = _join_broken(tokens, seps)
    fixed = [repair_word(t, damaged=damaged) for t in tokens]
    return lead + "".join(t + s for t, s in zip(fixed, [*seps, ""], strict=True)) + tail


def add_display(obj: dict[str, Any], damaged_docs: dict[str, bool] | None = None) -> dict[str, Any]:
    """An answer or verdict as JSON, each citation extended with `display` (its repaired text).

    `damaged_docs`: doc name -> `is_damaged(document text)`, so a short quote is judged by its document."""
    damaged_docs = damaged_docs or {}
    for c in obj.get("citations", []):
        c["display"] = repair(c["text"], damaged=damaged_docs.get(c["doc"]))
    return obj

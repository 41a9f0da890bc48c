"""facts(text) -> [Fact]: what an audit document says about itself, each with the span that says it.

Issuer, addressees, auditor firm, report date, decision date and § number, diarienummer, period audited,
signatories with their roles, and contact persons (a name beside its own e-mail address). Read from general layout and wording of Swedish municipal documents
("För kommunens revisorer", "Till:", "Dnr", "§ 33", "räkenskapsåret 2020", a name beside "Ordförande" or
"Cert. kommunal revisor"); matching runs on fold_keep() text so OCR damage and diacritics do not matter,
and every span points into the original text.
"""

from __future__ import annotations

import re

from granska.text import fold_keep
from granska.types import Fact

FRONT = 1500  # characters of front matter where a report's date and names stand
# Audit firms of the Swedish public sector (the trade, not any one document).
FIRMS = ("PwC", "EY", "Ernst & Young", "KPMG", "Deloitte", "Grant Thornton", "BDO", "Revisionskontoret")
_MONTHS = "januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december"
_DATE = (
    rf"(?:\b(?:19|20)\d\d-[01]\d-[0-3]\d\b|\b\d{{1,2}}(?::[ae])? (?:{_MONTHS}) (?:19|20)\d\d\b"
    rf"|\b(?:{_MONTHS}) (?:19|20)\d\d\b)"
)
_DATE_RE = re.compile(_DATE)
_FULL_DATE = re.compile(rf"\b(?:19|20)\d\d-[01]\d-[0-3]\d\b|\b\d{{1,2}}(?::[ae])? (?:{_MONTHS}) (?:19|20)\d\d\b")
_DNR = re.compile(
    r"\b(?:dnr|d\.nr|diarienr|diarienummer|arendenr|arendenummer|var beteckning)\.?:?\s*"
    r"(?P<v>[a-z0-9][a-z0-9./-]*(?: [a-z0-9./-]*\d[a-z0-9./-]*)?)"
    r"|(?P<code>\b[a-z]{2,4}[- ]\d{4}/\d{1,5}(?:[.:]\d+)?\b|\b\d{2}/[a-z]{2,4} \d{3,5}\b)"
)
_PARAGRAPH = re.compile(r"§\s*\d{1,4}\b")
# A letter's running page header: "<sender> <date> <page>(<pages>)" on a line of its own ("Bords Stad 2021-11-12
# 3(3)"). When the front matter (lost pages, an OCR'd first page) carries no date, it is the document's date.
_PAGE_HEADER_DATE = re.compile(
    r"^[^\n]{0,60}?(?P<d>\b(?:19|20)\d\d-[01]\d-[0-3]\d)\s+\d{1,3}\s*\(\s*\d{1,3}\s*\)[ \t]*$", re.MULTILINE
)
_PERIOD = re.compile(
    r"\b(?:rakenskapsaret|verksamhetsaret|budgetaret|for aret|for ar|under ar|avseende ar|aret)\s+(?:19|20)\d\d\b"
    r"|\bper (?:19|20)\d\d-12-31\b|\b(?:perioden|aren)\s+(?:19|20)\d\d\s*(?:[-–]|till|och)\s*(?:19|20)\d\d\b"
    r"|\bgranskningar\w* (?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d\b"
)
# Roles that stand beside a signatory's name. The longest forms first, so "Vice ordförande" wins over "Ordförande".
# "ordförande" as OCR reads it too ("ordférande", "ordforande"), after the body it chairs ("Kommunstyrelsens
# ordförande": a genitive word before the role).
_CHAIR = r"(?:[a-z]+(?:ens|ets|nas|ges|des|tes) )?(?:(?:2:a |andre |forste |1:e |2:e )?vice )?ord[a-z]{1,2}rande"
ROLES = (  # the role vocabulary; also read by the questions that ask for a role (granska.qa.routes)
    rf"{_CHAIR}|"
    r"(?:cert(?:ifierad)?\.? )?(?:kommunal )?revisor|auktoriserad revisor|revisionskonsult|revisionsdirektor|"
    r"(?:projekt- och )?uppdragsledare|projektledare|uppdragsansvarig|kundansvarig|handlaggare|kommundirektor|"
    r"stadsdirektor|regiondirektor|forvaltningschef|sekreterare|nämndsekreterare|kommunalrad|controller|utredare|"
    r"sakkunnig|revisionschef|ekonomichef|kanslichef"
)
# "Genomförd av: Revisionsenheten Kari Aartojärvi": who did the work, named after the phrase (and a unit).
_DONE_BY = r"(?:genomford|utford|upprattad|granskad|skriven) av:?(?: [a-z]+(?:enheten|kontoret|revisionen))?"
_ROLE_RE = re.compile(rf"\b(?:{ROLES})\b")
_CAP = r"[A-ZÅÄÖÉ][a-zåäöéü]+(?:-\s?[A-ZÅÄÖ]?[a-zåäöé]+)?"
_NAME = re.compile(rf"(?<![\w-])({_CAP} {_CAP})(?![\w-])(?! (?:kommun|stad|region|landsting|l[aä]n)\b)")
# Capitalised words that are not parts of a person's name (general Swedish public-sector words): contained in a word…
_NOT_NAME_PART = re.compile(
    r"kommun|stad|region|landsting|revision|rapport|gransk|pwc|kpmg|deloitte|thornton|n[a-z]{1,3}mnd|styrelse|fullm[a-z]{1,2}ktig|"
    r"forvaltning|enhet|kontor|sammanfatt|inledning|innehall|bilaga|yttrande|beslut|datum|tjanste|handlaggare|"
    r"ordforande|revisor|konsult|ledare|projekt|uppdrag|protokoll|telefon|adress|e-?post|sektor|ekonomi|"
    r"policy|program|plan|system|avdelning|bolag|verksamhet|arbete|utveckl|uppfolj"
)
# … or the whole word.
_NOT_NAME_WORD = frozenset(
    f"{_MONTHS.replace('|', ' ')} till for fran med och den det har vid pa av dnr svar sida cert vice mote "
    "ansvar kapitel lag tabell figur ar nr enligt inom under efter de dem vi ni som att en ett".split()
)


def facts(text: str) -> list[Fact]:
    folded = fold_keep(text)
    out: list[Fact] = []
    out += _auditor(text, folded)
    out += _issuer(text, folded)
    out += _addressees(text, folded)
    out += _dates(text, folded)
    out += _diarienummer(text, folded)
    out += _periods(text, folded)
    out += signatories(text, folded)
    out += contacts(text, folded)
    return sorted(out, key=lambda f: (f.start, f.kind))


def _fact(kind: str, text: str, start: int, end: int, role: str | None = None) -> Fact:
    return Fact(kind, re.sub(r"\s+", " ", text[start:end]).strip(), start, end, role)


def auditor_names(text: str) -> list[str]:
    """The audit firms a text names (as facts reads them)."""
    return [f.value for f in _auditor(text, fold_keep(text))]


def _auditor(text: str, folded: str) -> list[Fact]:
    """The firm that did the audit: the first firm named, and every other firm named as doing it."""
    out: list[Fact] = []
    seen: set[str] = set()
    for firm in FIRMS:
        for m in re.finditer(rf"(?<![\w@.]){re.escape(firm)}(?:s|:s)?(?: AB)?(?![\w@])", text):
            if firm in seen:
                break
            seen.add(firm)
            out.append(Fact("auditor", firm, m.start(), m.start() + len(firm)))
    return out


def _issuer(text: str, folded: str) -> list[Fact]:
    pats = [
        r"^(?:for|pa uppdrag av) (?P<v>[^\n]{3,70}?(?:revisorer(?:na)?|revisionen|styrelse\w*|n[a-z]{1,3}mnd\w*))\s*$",
        r"\b(?:genomford|utford|upprattad) av:?\s+(?P<v>[a-z]+(?:enheten|kontoret|revisionen))",
        r"^(?P<v>[a-z ]{0,30}(?:kommunrevisionen|stadsrevisionen|revisionskontoret|kommuns revisorer|regionens revisorer))\s*$",
        r"(?P<v>\b[a-z]+s? (?:kommuns|regionens|stads|landstings) (?:fortroendevalda )?revisorer)\b",
        r"(?P<v>\b(?:kommunrevisionen|stadsrevisionen|revisorerna)(?: i [a-z]+(?: [a-z]+)?)?) har (?:gett|gjort|genomfort|lat)",
        r"pa uppdrag av (?P<v>(?:de )?(?:fortroendevalda |kommunens |regionens )?revisorerna?(?: i [a-z]+(?: [a-z]+)?)?)",
    ]
    for p in pats:
        for m in re.finditer(p, folded, re.MULTILINE):
            if text[m.start("v")].isupper() or "uppdrag" in p:  # a name, not "att regionens revisorer"
                return [_fact("issuer", text, m.start("v"), m.end("v"))]
    return []


def _addressees(text: str, folded: str) -> list[Fact]:
    m = re.search(r"^till:?[ \t]*(?:for kannedom:?)?[ \t]*(?P<v>[^\n]*)$", folded[: FRONT * 2], re.MULTILINE)
    if not m:
        return []
    start, end = m.start("v"), m.end("v")
    if end - start < 3:  # "Till" alone: the addressees stand on the next line
        nxt = re.search(r"\S[^\n]*", text[end:])
        if nxt is None:
            return []
        start, end = end + nxt.start(), end + nxt.end()
    if end - start > 120:
        return []
    return [_fact("addressee", text, start, end)]


def _dates(text: str, folded: str) -> list[Fact]:
    out: list[Fact] = []
    front = folded[:FRONT]
    full = _FULL_DATE.search(front) or _DATE_RE.search(front) or _PAGE_HEADER_DATE.search(folded)
    if full:
        at = full.start("d") if full.re is _PAGE_HEADER_DATE else full.start()
        end = full.end("d") if full.re is _PAGE_HEADER_DATE else full.end()
        out.append(_fact("report_date", text, at, end))
    for m in _PARAGRAPH.finditer(text):
        out.append(_fact("paragraph", text, m.start(), m.end()))
        window = folded[max(0, m.start() - 80) : m.end() + 80]
        dates = list(_FULL_DATE.finditer(window))
        if dates:
            base = max(0, m.start() - 80)
            d = min(dates, key=lambda d: abs(base + d.start() - m.start()))
            out.append(_fact("decision_date", text, base + d.start(), base + d.end()))
    return out


def _diarienummer(text: str, folded: str) -> list[Fact]:
    out: list[Fact] = []
    seen: set[str] = set()
    for m in _DNR.finditer(folded):
        group = "v" if m.group("v") else "code"
        s, e = m.start(group), m.end(group)
        value = re.sub(r"\s+", " ", text[s:e]).strip(" .")
        if re.search(r"\d", value) and value.lower() not in seen:
            seen.add(value.lower())
            out.append(Fact("diarienummer", value, s, s + len(text[s:e].rstrip(" ."))))
    return out


def _periods(text: str, folded: str) -> list[Fact]:
    return [_fact("period", text, m.start(), m.end()) for m in _PERIOD.finditer(folded)][:3]


def signatories(text: str, folded: str) -> list[Fact]:
    """People named beside a role ("Bo Rehnberg Cert. kommunal revisor", "Handläggare Åsa Brunkvist"), in
    columns (a line of names above a line of roles), or on the cover before or after the report's date."""
    out: dict[int, Fact] = {}
    chain: Fact | None = None  # "Handläggare Åsa Brunkvist Pia Nordeman": the role covers the names that follow
    taken = -1
    for m in _names(text):
        if m.start() < taken:
            continue
        after = folded[m.end() : m.end() + 45]
        before = folded[max(0, m.start() - 60) : m.start()]
        role = re.match(rf"[ \t,]*\n?[ \t]*(?P<r>{ROLES})\b", after)
        lead = re.search(rf"(?P<r>{ROLES}|{_DONE_BY})[:\s]*$", before)
        if role:
            r0 = m.end() + role.start("r")
            fact = _fact("signatory", text, m.start(), m.end(), role=_clean(text[r0 : m.end() + role.end("r")]))
        elif lead:
            r0 = max(0, m.start() - 60) + lead.start("r")
            fact = _fact("signatory", text, m.start(), m.end(), role=_clean(text[r0 : r0 + len(lead.group("r"))]))
        elif chain is not None and re.fullmatch(r"[\s,]*(?:och )?", folded[chain.end : m.start()]):
            fact = _fact("signatory", text, m.start(), m.end(), role=chain.role)
        else:
            chain = None
            continue
        chain = out[m.start()] = fact
        taken = m.end()
    _columns(text, folded, out)
    if not out:
        _cover(text, folded, out)
    unique: dict[tuple[str, str | None], Fact] = {}
    for f in sorted(out.values(), key=lambda f: f.start):
        unique.setdefault((f.value, f.role), f)
    return list(unique.values())


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
CONTACT_WINDOW = 60  # characters before an e-mail address where its owner's name stands


def contacts(text: str, folded: str) -> list[Fact]:
    """A person named right before their own e-mail address ("Kommunstyrelsen Mats Svedberg
    Mats.Svedberg@x.se", "Lena Medin, KPMG (mailadress lena.medin@kpmg.se)"): a letterhead's or a cover letter's
    contact person. The address's local part carries the surname, so a name beside someone else's address (or a
    shared mailbox) is none."""
    out: list[Fact] = []
    for e in _EMAIL.finditer(text):
        local = folded[e.start() : e.start() + e.group().index("@")]
        before = max(0, text.rfind("\n\n", 0, e.start()) + 1, e.start() - CONTACT_WINDOW)
        for m in reversed(_names(text, before, e.start())):
            surname = fold_keep(m.group(1)).split()[-1]
            if len(surname) >= 3 and surname in local:
                out.append(_fact("contact", text, m.start(), m.end()))
                break
    return out


def person_names(text: str) -> list[str]:
    """The two-word personal names in a text ("Sigge Tjernlund"), by the signatories' name shape."""
    return [m.group(1) for m in _names(text)]


def _names(text: str, start: int = 0, end: int | None = None) -> list[re.Match[str]]:
    """Every two-word name candidate, overlapping ("Revisionsenheten Kari Aartojärvi" yields "Kari Aartojärvi")."""
    end = len(text) if end is None else end
    out = []
    for w in re.finditer(r"(?<![\w-])[A-ZÅÄÖÉ]", text[start:end]):
        m = _NAME.match(text, start + w.start(), end)
        if m and _is_name(m.group(1)):
            out.append(m)
    return out


def _columns(text: str, folded: str, out: dict[int, Fact]) -> None:
    """ "Sigge Tjernlund Ingrid Flodin" over "Ordförande Vice ordförande": the k-th name has the k-th role."""
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    for i, (s, e) in enumerate(lines[1:], 1):
        roles = list(_ROLE_RE.finditer(folded, s, e))
        if not roles or re.sub(_ROLE_RE, "", folded[s:e]).strip(" ,"):
            continue
        ps, pe = lines[i - 1]
        names = _non_overlapping(_names(text, ps, pe))
        tokens = text[ps:pe].split()
        if len(roles) > 1 and len(tokens) == 2 * len(roles):
            spans = [m for m in re.finditer(r"\S+ \S+", text[ps:pe])]
            names_ = [(ps + m.start(), ps + m.end()) for m in spans]
        elif len(names) == len(roles):
            names_ = [(m.start(), m.end()) for m in names]
        else:
            continue
        for (ns, ne), r in zip(names_, roles, strict=False):
            out[ns] = _fact("signatory", text, ns, ne, role=_clean(text[r.start() : r.end()]))


def _cover(text: str, folded: str, out: dict[int, Fact]) -> None:
    """Names on a cover line, right before or after the report's month and year, with no role beside them."""
    for d in _DATE_RE.finditer(folded[:FRONT]):
        line_start = text.rfind("\n", 0, d.start()) + 1
        line_end = text.find("\n", d.end())
        line_end = len(text) if line_end == -1 else line_end
        for m in _non_overlapping(_names(text, line_start, line_end)):
            if abs(m.end() - d.start()) < 80 or abs(m.start() - d.end()) < 80:
                out.setdefault(m.start(), _fact("signatory", text, m.start(), m.end()))
        if out:
            return


def _non_overlapping(found: list[re.Match[str]]) -> list[re.Match[str]]:
    out: list[re.Match[str]] = []
    for m in found:
        if not out or m.start() >= out[-1].end():
            out.append(m)
    return out


def _is_name(candidate: str) -> bool:
    parts = re.split(r"[\s-]+", fold_keep(candidate))
    return all(
        len(p) >= 2
        and p not in _NOT_NAME_WORD
        and not _NOT_NAME_PART.search(p)
        and not (len(p) >= 10 and re.search(r"(?:en|et|arna|erna)$", p))  # a definite noun, not a surname
        for p in parts
        if p
    )


def _clean(role: str) -> str:
    role = re.sub(r"\s+", " ", role).strip()
    return role[:1].upper() + role[1:]

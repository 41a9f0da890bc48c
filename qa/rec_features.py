"""Features of one candidate unit for the recommendation classifier: general Swedish directive grammar and layout.

Nothing here names a municipality, body or phrase of the development documents: directive and modal verbs
("bör", "säkerställa", "tillse", "överväga"), the list and its introduction, the section heading, whether a
body is named, where the unit stands in the document and what kind of document it is.
"""

from __future__ import annotations

import re

from granska.qa import bodies
from granska.qa.rec_units import Unit

from granska.text import fold
from granska.types import Document

# Verbs that open a directive ("Säkerställa att …", "Se över …"), in infinitive/imperative and present form.
_DIRECTIVE = re.compile(
    r"^(?:att\s+)?(?:sakerst[a-z]*|tillse[a-z]*|overv[a-z]*g[a-z]*|inf[o]r[a-z]*|utveckla[a-z]*|vidareutveckla[a-z]*"
    r"|ta fram|tar fram|se over|ser over|tydligg[a-z]*|fortydlig[a-z]*|utred[a-z]*|informer[a-z]*|dokumenter[a-z]*"
    r"|undersok[a-z]*|uppdater[a-z]*|utbilda[a-z]*|intervju[a-z]*|analyser[a-z]*|hitta[a-z]*|ge |ger |stark[a-z]*"
    r"|implementer[a-z]*|uppratta[a-z]*|faststall[a-z]*|besluta[a-z]*|vidta[a-z]*|verka[a-z]* for|skapa[a-z]*"
    r"|folj[a-z]* upp|prioriter[a-z]*|revider[a-z]*|utforma[a-z]*|gora |gor |genomfor[a-z]*|sakra[a-z]*|kartlagg[a-z]*"
    r"|formaliser[a-z]*|komplettera[a-z]*|tillskapa[a-z]*|inratta[a-z]*|anta[a-z]* |diskutera[a-z]*|innan )"
)
_SHOULD = re.compile(r"\b(bor|borde|behover|maste)\b")  # "ought to": the auditors' directive modal
_MODAL = re.compile(r"\b(ska|skall)\b")  # "shall": as often the answer's commitment as a directive
_RECOMMEND = re.compile(r"\b(rekommenderar|rekommenderas|rekommendera|foreslar|foreslas|uppmanar)\b")
_REC_NOUN = re.compile(r"\brekommendation(?:en|er|erna)?\b")
_INTRO_WORDS = re.compile(r"\b(foljande|nedan|att\s*:|bland annat)\b")
_STANCE = re.compile(
    r"\b(delar|instammer|anser|avser|valkomnar|ser positivt|har for avsikt|kommer att|beslutat|pagar)\b"
)
_FINDING = re.compile(r"\b(bedomer|bedomning|konstaterar|framkommer|visar|iakttagelse|saknas|brister)\b")
# "… bör ses över", "rekommenderas att ses över", "det bör säkerställas": a directive without a subject.
_PASSIVE = re.compile(r"\b(?:bor|behover|rekommenderas att|maste)\s+(?:[a-z]+\s+){0,3}?[a-z]{3,}(?:as|s over|s fram)\b")
# "lämnar rekommendationer om …", "rekommendationer, bland annat att …": the recommendation follows the noun.
_REC_CONTENT = re.compile(r"\brekommendation(?:er|erna)?\s*,?\s+(?:om|att|bland annat|avseende|kring)\b")
# "Vi anser att X ska …": an auditors' opinion that something must change.
_OPINION = re.compile(
    r"\b(?:vi|revisorerna|revisionen)\s+(?:anser|bedomer|menar)\s+att\b[^.]*\b(?:ska|bor|behover|maste)\b"
)
# "rekommenderas kommunstyrelsen att göra …", "lämnar rekommendationer om bland annat …": a recommendation reported
# with its content in the same sentence (a response or news text retelling the report), not an introduction.
_REPORTED = re.compile(
    r"\brekommend[a-z]*[\s,]+(?:(?!(?:ar|har|for|och)\s)[a-z]+\s+){0,3}?(?:att|om|avseende|kring|bland annat)\s+"
    r"(?:[a-z]+\s+){2,}"
)
_QUESTION = re.compile(r"\?\s*$")
_WE = re.compile(r"^(vi|revisorerna|revisionen|granskningen)\b")
_SECTION_REC = re.compile(r"rekommend|atgard|forbattring|utvecklingsomrade")
_SECTION_ANSWER = re.compile(r"\bsvar|yttrande|synpunkter|kommentar")
_SECTION_FINDING = re.compile(r"iakttagelse|resultat|inledning|bakgrund|syfte|metod|innehall")
_BODY_LEAD = re.compile(rf"[\W\d]*{bodies.BODY}\s+")
WINDOW = 300  # characters before a unit read for its context ("Rekommendationer", "svar")


def _after_body(f: str) -> str:
    """The unit's text after a body that opens it ("kommunstyrelsen vidareutvecklar …" -> "vidareutvecklar …")."""
    m = _BODY_LEAD.match(f)
    return f[m.end() :] if m and not f.rstrip().endswith(":") else ""  # "X ger följande svar:" introduces


def _bucket(n: int, edges: tuple[int, ...]) -> str:
    return str(next((i for i, x in enumerate(edges) if n < x), len(edges)))


def _shared(out: dict[str, float], f: str, doc: Document) -> None:
    """Forms of one act share a feature, so an example of one teaches the others (no form is seen only once).

    "X bör", "det bör säkerställas", "Vi anser att X ska": a directive clause; "rekommenderas X att …",
    "rekommendationer om bland annat …": a recommendation stated with its content. The auditors' own "Vi anser"
    in their report is an opinion, not a body's stance."""
    auditors_speak = bool(_WE.match(f)) and doc.meta.role != "response"
    if auditors_speak and out.get("stance"):
        out["stance"] = 0.0
    directive = out.get("should") or out.get("opinion_directive") or out.get("passive_directive")
    out["deontic"] = float(bool(directive) and not f.rstrip().endswith(":"))
    out["reported_recommendation"] = float(bool(_REPORTED.search(f)) and not f.rstrip().endswith(":"))


def _siblings(folded: str, units: list[Unit], i: int) -> int:
    """How many of the unit's list neighbours (same introduction, next to it) open with a directive verb."""
    u = units[i]
    if u.intro is None:
        return 0
    near = [units[j] for j in (i - 1, i + 1) if 0 <= j < len(units) and units[j].intro == u.intro]
    return sum(bool(_DIRECTIVE.match(folded[v.start : v.end].strip(" \"”“'"))) for v in near)


def features(doc: Document, folded: str, units: list[Unit], i: int, rule_hit: bool) -> dict[str, float]:
    """The feature dict of unit i (DictVectorizer style: name -> value)."""
    u = units[i]
    f = folded[u.start : u.end].strip(" \"”“'")
    words = f.split()
    first = words[0] if words else ""
    out: dict[str, float] = {
        "bias": 1.0,
        "rule_hit": float(rule_hit),
        # "Säkerställa att …", "säkerställer att …" after "rekommenderar vi X att:", or the same clause with its
        # subject in the item ("Kommunstyrelsen vidareutvecklar anvisningar …"): one directive act, one feature.
        "directive_first": float(bool(_DIRECTIVE.match(f) or _DIRECTIVE.match(_after_body(f)))),
        "modal": float(bool(_MODAL.search(f))),
        "should": float(bool(_SHOULD.search(f))),
        "should_recommend": float(bool(_SHOULD.search(f)) and bool(_REC_NOUN.search(f) or _RECOMMEND.search(f))),
        "recommend_verb": float(bool(_RECOMMEND.search(f))),
        "recommend_noun": float(bool(_REC_NOUN.search(f))),
        "stance": float(bool(_STANCE.search(f))),
        "passive_directive": float(bool(_PASSIVE.search(f))),
        "recommend_content": float(bool(_REC_CONTENT.search(f))),
        "opinion_directive": float(bool(_OPINION.search(f))),
        "finding": float(bool(_FINDING.search(f))),
        "question": float(bool(_QUESTION.search(f))),
        "we_first": float(bool(_WE.match(f))),
        "body_here": float(bool(re.search(bodies.BODY, f))),
        "body_first": float(bool(re.match(rf"[\W\d]*{bodies.BODY}\s", f))),
        # "Kommunstyrelsen anser att …", "Nämnden delar …": a body speaking for itself answers, it is not told.
        "body_stance": float(
            bool(re.match(rf"[\W\d]*(?:{bodies.BODY}|namnden|styrelsen)\s+(?:[a-z]+\s+)?{_STANCE.pattern}", f))
        ),
        "ends_colon": float(f.rstrip().endswith(":")),
        "capital_first": float(doc.text[u.start : u.start + 1].isupper()),
        f"marker={u.marker or 'none'}": 1.0,
        f"index={min(u.index, 3)}": 1.0,
        f"len={_bucket(len(f), (20, 40, 80, 200, 400))}": 1.0,
        f"pos={_bucket(int(10 * u.start / max(1, len(doc.text))), (2, 5, 8))}": 1.0,
        f"role={doc.meta.role or 'other'}": 1.0,
        "digits": float(sum(c.isdigit() for c in f) > 0.15 * max(1, len(f))),
        f"suffix={first[-2:]}": 1.0 if first.isalpha() else 0.0,
    }
    if u.intro is not None:
        intro = folded[u.intro[0] : u.intro[1]]
        out.update(
            {
                "intro": 1.0,
                "intro_recommend": float(bool(_RECOMMEND.search(intro) or _REC_NOUN.search(intro))),
                "intro_modal": float(bool(_MODAL.search(intro) or _SHOULD.search(intro))),
                "intro_words": float(bool(_INTRO_WORDS.search(intro))),
                "intro_colon": float(intro.rstrip().endswith(":")),
                "intro_body": float(bool(re.search(bodies.BODY, intro))),
                "intro_stance": float(bool(_STANCE.search(intro) or _SECTION_ANSWER.search(intro))),
                f"intro_distance={min(u.intro_distance, 4)}": 1.0,
            }
        )
        # An item of a list its introduction announces as recommendations ("bör följande rekommendationer
        # prioriteras:", "rekommenderar vi nämnden att:"), whatever the item's own form.
        # Not an answer's own decision list ("… anser X att omhänderta rekommendationerna på följande sätt:").
        announced = out["intro_recommend"] and out["intro_colon"] and not out["intro_stance"]
        out["announced_item"] = float(bool(announced))
        out["announced_first"] = float(bool(announced) and (u.index == 0 or u.intro_distance == 1))
    _shared(out, f, doc)
    sib = _siblings(folded, units, i)
    out["sibling_directive"] = float(sib > 0)
    out["directive_in_directive_list"] = float(sib > 0 and out.get("directive_first", 0.0) > 0)
    before = folded[max(0, u.start - WINDOW) : u.start]
    out["window_recommend"] = float(bool(_RECOMMEND.search(before) or _REC_NOUN.search(before)))
    out["window_answer"] = float(bool(_SECTION_ANSWER.search(before)))
    section = fold(u.section or "")
    out["section_recommend"] = float(bool(_SECTION_REC.search(section)))
    out["section_answer"] = float(bool(_SECTION_ANSWER.search(section)))
    out["section_finding"] = float(bool(_SECTION_FINDING.search(section)))
    prev = folded[units[i - 1].start : units[i - 1].end] if i else ""
    out["prev_recommend"] = float(bool(_RECOMMEND.search(prev)))
    return {k: v for k, v in out.items() if v}

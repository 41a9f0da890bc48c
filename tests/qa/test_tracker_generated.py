"""The tracker on real files made in the test: a DOCX audit report with numbered recommendations ("1. ta fram …,")
and an inline "Vi rekommenderar att …", a PDF answer going through them by number, and a DOCX follow-up two years
later whose verdicts become each row's dated status_history. No development document numbers its recommendations
or has an inline one (their numbered lines are chapter headings), so these forms are tested on text written here."""

from __future__ import annotations

from pathlib import Path

import pytest
from granska.qa.recommendations import Recommendation

from granska.engine import Engine
from tests.conftest import hash_settings, make_docx, make_pdf

REPORT = [
    "Revisionsrapport",
    "Granskning av hemtjänstens planering i Nordviks kommun",
    "1. Inledning",
    "Revisorerna har gett EY i uppdrag att granska hur vård- och omsorgsnämnden planerar och följer upp hemtjänsten.",
    "2. Iakttagelser",
    (
        "Nämnden har ingen dokumenterad rutin för hur besöken planeras. Uppföljningen av beviljad tid sker inte "
        "regelbundet."
    ),
    "3. Rekommendationer",
    "Utifrån granskningens resultat rekommenderar vi vård- och omsorgsnämnden att:",
    "1. ta fram en dokumenterad rutin för planering av besöken i hemtjänsten,",
    "2. säkerställa att beviljad tid följs upp minst två gånger per år,",
    "3. tydliggöra ansvaret mellan enhetschefer och planerare.",
    "Vi rekommenderar att kommunstyrelsen i sin uppsikt följer upp att nämnden vidtar åtgärder.",
    "Nordvik den 12 mars 2023",
]
ANSWER = [
    "Svar på revisionsrapport om hemtjänstens planering",
    "Vård- och omsorgsnämnden har tagit del av revisorernas granskning och lämnar följande svar.",
    (
        "Rekommendation 1: Nämnden delar revisorernas bedömning. En dokumenterad rutin för planering av besöken tas "
        "fram under hösten 2023."
    ),
    (
        "Rekommendation 2: Nämnden instämmer. Uppföljning av beviljad tid kommer att ske två gånger per år från och med "
        "2024."
    ),
    "Rekommendation 3: Nämnden anser att ansvaret redan är tydligt beskrivet i delegationsordningen.",
]
FOLLOW_UP = [
    "Uppföljning av tidigare granskningar 2025",
    "Revisorerna har följt upp granskningen av hemtjänstens planering från 2023.",
    "Rutin för planering av besöken i hemtjänsten: åtgärdad. En rutin antogs av nämnden i november 2023.",
    "Säkerställa att beviljad tid följs upp minst två gånger per år: delvis åtgärdad. Uppföljning sker en gång per år.",
    "Ansvaret mellan enhetschefer och planerare: ej åtgärdad.",
]
META = (
    "file\tmunicipality\tdoc_type\tissuer\tauditor\tdate\ttitle\n"
    "rapport.docx\tNordviks kommun\taudit_report\tKommunens revisorer\tEY\t2023-03-12\tHemtjänstens planering\n"
    "svar.pdf\tNordviks kommun\tresponse\tVård- och omsorgsnämnden\t\t2023-05-20\tSvar om hemtjänsten\n"
    "uppfoljning.docx\tNordviks kommun\tfollow_up\tKommunens revisorer\tEY\t2025-02-01\tUppföljning 2025\n"
)
NUMBERED = (
    "ta fram en dokumenterad rutin för planering av besöken i hemtjänsten",
    "säkerställa att beviljad tid följs upp minst två gånger per år",
    "tydliggöra ansvaret mellan enhetschefer och planerare.",
)
INLINE = "Vi rekommenderar att kommunstyrelsen i sin uppsikt följer upp att nämnden vidtar åtgärder."


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    folder = tmp_path_factory.mktemp("nordvik") / "docs"
    folder.mkdir()
    make_docx(folder / "rapport.docx", REPORT)
    make_pdf(folder / "svar.pdf", ["\n".join(ANSWER)])
    make_docx(folder / "uppfoljning.docx", FOLLOW_UP)
    (folder / "metadata.tsv").write_text(META, encoding="utf-8")
    engine = Engine(hash_settings(folder.parent / "idx"))
    report = engine.ingest([folder])
    assert len(report.added) == 3 and not report.skipped
    return engine


@pytest.fixture(scope="module")
def rows(engine: Engine) -> dict[str, Recommendation]:
    return {r.recommendation.text: r for r in engine.recommendations()}


def _doc(span: object) -> str:
    return Path(span["doc"] if isinstance(span, dict) else span.doc).name  # type: ignore[index, attr-defined]


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_numbered_items_and_an_inline_recommendation_are_one_row_each(engine: Engine, rows: dict):
    # Each numbered line is its own row, without its number or the comma that continues the list; the chapter
    # headings "1. Inledning", "3. Rekommendationer" and the introduction ending in "att:" are not rows.
    assert set(rows) == {*NUMBERED, INLINE}
    docs = engine.documents()
    for r in rows.values():
        s = r.recommendation
        assert docs[s.doc].text[s.start : s.end] == s.text and _doc(s) == "rapport.docx"
    assert {rows[t].addressee for t in NUMBERED} == {"Vård- och omsorgsnämnden"}  # from the list's introduction
    assert rows[INLINE].addressee == "Kommunstyrelsen"  # named in the sentence itself


def test_answers_by_number_and_follow_up_verdicts_make_a_dated_history(engine: Engine, rows: dict):
    docs = engine.documents()
    first, second, third = (rows[t] for t in NUMBERED)
    # The PDF wraps its lines: compare the answers' words, not their line breaks.
    assert first.response is not None and "rutin för planering av besöken" in _flat(first.response.text)
    assert second.response is not None and "beviljad tid" in _flat(second.response.text)
    assert third.response is not None and "ansvaret" in _flat(third.response.text)
    for r in (first, second, third):
        history = r.status_history
        # Oldest first: the answer (2023) then the follow-up's verdict (2025), each cited in its own file.
        assert [h["date"] for h in history] == ["2023-05-20", "2025-02-01"]
        assert [_doc(h["span"]) for h in history] == ["svar.pdf", "uppfoljning.docx"]
        assert r.status == history[-1]["status"]  # the latest entry is the row's status
        for h in history:
            span = h["span"]
            text = span["text"] if isinstance(span, dict) else span.text
            start = span["start"] if isinstance(span, dict) else span.start
            doc = next(d for n, d in docs.items() if Path(n).name == _doc(span))
            assert doc.text[start : start + len(text)] == text
    assert [r.status for r in (first, second, third)] == ["implemented", "partly_implemented", "not_implemented"]
    # The answer's own verdicts: agreed twice, then "anser att ansvaret redan är tydligt" — a rebuttal.
    assert [r.status_history[0]["status"] for r in (first, second, third)] == ["answered", "answered", "rejected"]


def test_a_follow_up_lends_no_other_recommendations_verdict(rows: dict):
    # The follow-up rules on the three numbered recommendations; the audit's title shares words with every verdict
    # line, but the inline recommendation to the executive board gets none of theirs.
    inline = rows[INLINE]
    assert not any(_doc(h["span"]) == "uppfoljning.docx" for h in inline.status_history)
    assert inline.status not in ("implemented", "partly_implemented", "not_implemented", "in_progress")


def test_the_cross_municipality_answer_quotes_the_history(engine: Engine):
    a = engine.ask("Vilka kommuner har fått rekommendationer om hemtjänsten, och vad svarade de?")
    assert a.notes["intent"] == "recommendations" and "Nordviks kommun" in a.answer
    assert [Path(c.doc).name for c in a.citations] == ["rapport.docx", "svar.pdf", "uppfoljning.docx"]
    assert "åtgärdad enligt uppföljning" in a.answer

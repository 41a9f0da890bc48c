"""The intent classifier that may back the rules: a quick refit, its JSON round trip, and how it combines."""

from __future__ import annotations

import json

from granska.eval import fit_intent
from granska.qa import intent_learned
from granska.qa.intent import INTENTS, kind, rule_kind


def _rows(name: str) -> list[dict[str, str]]:
    return fit_intent.read(fit_intent.DATA / name)


def test_labels_name_only_intents():
    rows = _rows("intent_labels.jsonl") + _rows("intent_extra.jsonl")
    assert len(rows) >= 180 and {r["intent"] for r in rows} <= set(INTENTS)


def test_without_a_shipped_model_the_rules_decide():
    if intent_learned.shipped() is None:
        for r in _rows("intent_extra.jsonl"):
            assert kind(r["question"]) == rule_kind(r["question"])


def test_refit_on_the_first_file_backs_the_rules_on_the_held_out_questions():
    first, extra = _rows("intent_labels.jsonl"), _rows("intent_extra.jsonl")
    model = fit_intent.fit_model(first, 10.0, "rules-first")
    back = intent_learned.IntentModel.from_dict(json.loads(json.dumps(fit_intent.as_dict(model, {}))))
    for r in extra[:10]:  # the JSON round trip predicts as the fitted model
        assert back.predict(r["question"])[0] == model.predict(r["question"])[0]
    # where the rules name an intent, "rules-first" keeps it; it fills in only where they say "other"
    for r in extra:
        rule = rule_kind(r["question"])
        if rule != "other":
            assert intent_learned.combined(rule, r["question"], model) == rule
    assert fit_intent.accuracy(model, extra) >= fit_intent.accuracy(fit_intent._rules(), extra)

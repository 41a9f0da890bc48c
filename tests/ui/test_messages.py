"""One message catalogue: every key in both languages, and no English left in the Swedish strings."""

from __future__ import annotations

from granska.ui.messages import CATALOGUE, msg, status_label


def test_both_languages_have_the_same_keys_and_fields():
    sv, en = CATALOGUE["sv"], CATALOGUE["en"]
    assert sv.keys() == en.keys()
    for key in sv:
        assert sorted(_fields(sv[key])) == sorted(_fields(en[key])), key


def test_statuses_read_as_words():
    assert status_label("not_answered") == "Ej besvarad" and status_label("answered", "en") == "Answered"
    assert msg("counts", "sv", docs=2, recs=3, resps=4) == "2 dokument · 3 rekommendationer · 4 ansvarsuppgifter"


def _fields(text: str) -> list[str]:
    import string

    return [name for _, name, _, _ in string.Formatter().parse(text) if name]

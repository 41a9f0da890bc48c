"""Municipality names of more than one word are kept whole (a rule on the text, not a list of names)."""

from __future__ import annotations

import pytest
from granska.ingest.metadata import infer


@pytest.mark.parametrize("name", ["Östra Göinge", "Upplands Väsby", "Norra Exempelås"])
def test_multi_word_municipality_kept_whole(name: str):
    text = (
        f"Granskning av hemtjänsten\n\nRevisorerna i {name} kommun har granskat hemtjänsten. "
        f"Kommunstyrelsen i {name} kommun ansvarar för uppföljningen, och {name} har svarat."
    )
    assert infer(text).municipality == f"{name} kommun"


def test_a_sentence_initial_word_is_not_taken_for_part_of_the_name():
    text = "Granskning av skolan\n\nEnligt Exempelby kommun är skolan bra. Vi har granskat Exempelby kommun i år."
    assert infer(text).municipality == "Exempelby kommun"

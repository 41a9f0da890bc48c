"""A question for an e-mail address or a telephone number (issue #10, kinds7's first run) is answered by the
letterhead's, footer's or address block's line that carries one, which answers nothing else; a question that
only mentions an e-mail is no such question."""

from __future__ import annotations

from granska.eval.metrics import key_found
from granska.qa import asked_type

from granska.engine import Engine


def test_which_questions_ask_for_a_contact_detail():
    assert asked_type.asks_contact("Vilken e-postadress har revisionskontoret?")
    assert asked_type.asks_contact("Vilket telefonnummer står på svaret?")
    assert asked_type.asks_contact("What is the e-mail address of the audit office?")
    assert not asked_type.asks_contact("Vilka får ett mejl med en bekräftelse på att ansökan är inskickad?")
    assert not asked_type.asks_contact("Who sent the email to the board?")


def test_a_letterheads_phone_and_e_mail_answer_for_them(both_engine: Engine):
    a = both_engine.ask(
        "Vilket telefonnummer och vilken e-postadress står på kommunstyrelsens synpunkter om "
        "integrationsgranskningen i Motala?"
    )
    assert not a.abstained, a.answer
    assert key_found("0141-22 5155", a.answer) and key_found("henricson", a.answer), a.answer


def test_an_address_block_beside_the_contents_answers_for_its_e_mail(both_engine: Engine):
    a = both_engine.ask("Vilken e-postadress har revisionskontoret i Norrköping?")
    assert not a.abstained and "revisionskontoret@norrkoping.se" in a.answer, a.answer
    # The same block answers no content question.
    a = both_engine.ask("Vad granskade revisionskontoret i Norrköping?")
    assert "@" not in a.answer, a.answer

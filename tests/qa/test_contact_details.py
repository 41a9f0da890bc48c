"""A question for an e-mail address or a telephone number (issue #10, kinds7's first run) is answered by the
letterhead's, footer's or address block's line that carries one, which answers nothing else; a question that
only mentions an e-mail is no such question. An appendix names its own authors; the question proper (past a leading
"Apart from …," clause) decides the intent; "based on" asks the method, "Vem ska se till att …" who is
responsible. A page count is read from the first page's mark ("1 av 39", "1(18)")."""

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


def test_an_appendix_names_its_own_authors(both_engine: Engine):
    a = both_engine.ask("Who wrote the appendix on integration work attached to Motala's paper on the audit?")
    assert not a.abstained and key_found("Revsul Dedic", a.answer), a.answer


def test_the_question_proper_decides_the_intent():
    from granska.qa import intent

    # A leading clause names what is not asked; "based on" asks the basis (method), not the assessment.
    assert intent.rule_kind("Apart from reviewing who is responsible for what, what else is it meant to do?") != (
        "responsible"
    )
    assert intent.rule_kind("Utöver uppföljningen, vad ska nämnden göra?") == intent.rule_kind("Vad ska nämnden göra?")
    assert intent.rule_kind("What are the auditors' assessments in the review based on?") == "method"
    assert intent.rule_kind("Vad grundar sig revisorernas bedömningar på?") == "method"
    assert intent.rule_kind("Vem ska se till att nämnden följer upp insatserna?") == "responsible"
    assert intent.rule_kind("Who should make sure that the board follows up?") == "responsible"


def test_a_page_count_is_read_from_the_first_pages_mark(both_engine: Engine):
    a = both_engine.ask("Hur många sidor är Botkyrkas revisionsrapport om ekonomistyrning?")
    assert not a.abstained and a.answer.startswith("39 sidor"), a.answer
    assert a.citations[0].text.strip() == "1 av 39"
    a = both_engine.ask("How many pages is Norrköping's audit report on the executive board's oversight?")
    assert not a.abstained and a.answer.startswith("18 pages"), a.answer


def test_a_decisions_distribution_list_says_to_whom_it_is_sent(both_engine: Engine):
    # "Beslutsexpediering: Kommunens revisorer och kommunfullmäktige för kännedom" answers "Till vilka expedieras …".
    a = both_engine.ask(
        "Till vilka expedieras Motala kommunstyrelses beslut om synpunkterna på integrationsgranskningen?"
    )
    assert not a.abstained and "för kännedom" in a.answer and key_found("kommunfullmäktige", a.answer), a.answer


def test_an_approval_block_dates_the_approval_of_the_approver_named(both_engine: Engine):
    a = both_engine.ask(
        "Vilket datum godkände kommundirektören Peter Ingesson Motalas synpunkter på integrationsgranskningen?"
    )
    assert not a.abstained and a.answer.startswith("2019-01-08"), a.answer
    a = both_engine.ask("Vilket datum godkände Jimmy Szigeti synpunkterna i Motala?")
    assert a.answer.startswith("2019-01-07"), a.answer


def test_the_final_approval_is_the_last_dated_block_and_names_its_approver(both_engine: Engine):
    """Two approval blocks (2019-01-07, 2019-01-08): "the final approval" is the later one, named and dated."""
    a = both_engine.ask("Who gave the final approval of Motala's statement on the integration audit, and on what date?")
    assert not a.abstained and "Peter Ingesson" in a.answer and "2019-01-08" in a.answer, a.answer
    # Asked without "final", both approvers are named (the signatories), as before.
    a = both_engine.ask("Vilka har godkänt Motala kommunstyrelses synpunkter på integrationsgranskningen?")
    assert "Peter Ingesson" in a.answer and "Jimmy Szigeti" in a.answer, a.answer


def test_a_cover_page_run_into_its_contents_answers_who_wrote_it_not_what_was_audited(both_engine: Engine):
    a = both_engine.ask("Vad var det PwC granskade i Skellefteå kommun?")
    assert "www.pwc.se" not in a.answer and "Innehåll" not in a.answer, a.answer
    a = both_engine.ask("Vilka har skrivit PwC:s rapport om intern kontroll i Skellefteå, och vad har de för roller?")
    assert key_found("Susanna Huber", a.answer), a.answer

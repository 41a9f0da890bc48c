"""answer(question, hits) -> Answer: quote the sentence(s) that answer, cite them, or abstain."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from granska.ingest.outline import page_header
from granska.qa import abstain, asked_type, claim_numbers, scorer
from granska.qa.answer_items import THEREFORE, consequence_first, question_items, says_which
from granska.qa.answer_lists import (
    LIST_INTRO_FLOOR,
    LIST_REACH,
    bullets,
    enumeration_rest,
    line_items,
    list_intro_of_asked,
    naming_the_asked_first,
    opens_enumeration,
    paragraph,
)
from granska.qa.answer_quantity import (
    about_the_asked,
    asked_terms,
    asks_deadline,
    asks_only_when,
    asks_other_event,
    cover_line,
    tells_of_the_event,
)
from granska.qa.appendix import asked_appendix, names_appendix
from granska.qa.claim_numbers import Interval
from granska.qa.evidence import (
    TIME_OF_DAY,
    Scored,
    Weights,
    answer_type,
    answerable,
    asks_date,
    candidates,
    gives_answer_type,
    passage_vocabulary,
    sentences,
)
from granska.qa.intent import without_frame
from granska.qa.layout_lines import not_layout
from granska.qa.lexicon import lexicon
from granska.qa.statement import cover_block, fragment, junk, letterhead, title_line
from granska.qa.title_question import STEM, beyond_frame, frame_after_content, repeats_frame, title_after_content

from granska import particle_verbs
from granska.settings import AnswerSettings
from granska.text import content_words, fold, for_matching, language, untranslated
from granska.types import Answer, Hit, Outline, Span

ABSTAIN_SV = "Det framgår inte av dokumenten."
ABSTAIN_EN = "The documents do not say."
_LIST_INTRO = re.compile(r"(:|att)\s*$")
_ASKS_WHY = re.compile(r"\b(?:varfor|why|av vilken anledning|how come)\b")
# What gives a cause or a purpose: the answer to "varför / why" (folded).
_BECAUSE = re.compile(
    r"\b(?:eftersom|med anledning av|pa grund av|darfor att|mot bakgrund av|beroende pa|i syfte att|for att"
    r"|because|due to|owing to|in order to|as a result of)\b"
)
PURPOSE_OPENING = 4  # "Syftet med granskningen …", "Granskningens syfte har …": the purpose word among the first words
WHY_SHARE = 0.8  # a causal sentence leads when it covers this share of the best's coverage
# "Vad innebar ändringen för kommunstyrelsen?", "What did the change mean for …": what something brought about.
_ASKS_IMPLICATION = re.compile(
    r"\bvad (?:innebar|medfor\w*|betydde|betyder|ledde\b.{0,30}\btill)\b.{0,80}\bfor\b"
    r"|\bwhat (?:did|does|will)\b.{0,60}\b(?:mean|imply|entail|lead to)\b.{0,40}\bfor\b"
)
# A sentence that opens by saying what the one before brought ("Ändringen medför …", "Detta innebär att …").
_IMPLIES = re.compile(r"\W*(?:\w+\W+){0,2}(?:medfor|medforde|innebar|leder till|ledde till|betyder|betydde)\b")
_ASKS_PERIOD = re.compile(
    rf"\b(?:vilken (?:tidsperiod|period)|vilka {asked_type.YEAR_AR}|(?:which|what) (?:period|years))"
)
# "… Ta med alla punkter.", "List all of them": a list is asked, whatever the question word.
_ASKS_ALL = re.compile(r"\b(?:alla|samtliga|all|every|punkter(?:na)?|points)\b")
RUNNER_UP = 0.9  # a second sentence is quoted only when nearly as good as the best
CUE_BONUS = 0.08  # a sentence with the intent's cue words (an assessment's "bedömning") wins near-ties
SECTION_BONUS = 0.05  # … and one in the section the intent points to
# A question for an e-mail address or a telephone number whose first passages hold no line giving one reads this
# many: the address block stands wherever the layout put it. (Reading deeper for every typed question, "Hur många
# …", "När …", gained two audit rows but lost a SweQUAD-MC train row to a wrong figure: not done.)
DEEPER = 10
PASSAGES_READ = 5  # the passages an answer reads first (as the selector and the abstainer were fitted)


def abstention(question: str) -> str:
    return ABSTAIN_EN if language(question) == "en" else ABSTAIN_SV


def answer(
    question: str,
    hits: list[Hit],
    settings: AnswerSettings,
    *,
    qid: str | None = None,
    cue: re.Pattern[str] | None = None,
    sections: set[str] | frozenset[str] = frozenset(),
    lists: bool = False,
    outlines: Mapping[str, Outline] | None = None,
    roles: set[str] | frozenset[str] = frozenset(),
    cue_share: float = 0.6,
    follow_cue: bool = False,
    purpose: bool = False,
    confined: bool = False,
    place: Callable[[Hit], bool] | None = None,
) -> Answer:
    """Extractive answer from the retrieved passages; abstains when the best evidence covers too little.

    cue / sections: the question's intent prefers sentences with these words, or in sections of these kinds
    (a near-tie breaker, never a reason to answer). lists: a list question, whose items may be plain
    sentences after an introduction ending in ':' (flattened text has no bullets). outlines: the documents'
    outlines, so each sentence is judged by the section it stands in (a TOC line never answers). purpose: the
    question asks what an audit set out to answer, which reports state as questions; otherwise a sentence that
    asks ("Har nämnden säkerställt …?") never stands as the answer. confined: only a sentence of a document of
    `roles` or in a section of `sections` may answer, else the answer abstains (a board's answer is in its
    answer document or answer section; the audit report's finding is no answer of the board's). place: which
    passages may be quoted (the named municipality's); every passage still weighs the words and the abstainer.
    """
    outlines = outlines or {}
    if not hits:
        return Answer(question, abstention(question), True, [], hits, id=qid)
    weights = Weights([h.chunk.text for h in hits[:20]])
    model = scorer.shipped() if settings.scorer == "learned" else None
    matched, everything = _read_as(without_frame(question), hits, weights, model)
    ranked = admissible(question, everything, outlines, purpose=purpose)
    contact = asked_type.asks_contact(question)
    if contact and not _leading(ranked) and len(hits) > PASSAGES_READ:
        matched, everything = _read_as(without_frame(question), hits, weights, model, passages=DEEPER)
        ranked = admissible(question, everything, outlines, purpose=purpose)
    silent = False
    p_answer: float | None = None
    if model is not None and settings.abstainer == "learned":
        if abstain.available():
            row = abstain.features(matched, everything, _leading(ranked), hits, weights, question_asked=question)
            p_answer = abstain.shipped().probability(row)
            silent = p_answer < abstain.threshold(settings.abstain_prob)
        else:  # no refitted abstainer in the package: the selector-based one of qa/models/answer.json
            silent = answerable(matched, everything, hits, weights, model) < scorer.threshold(settings)
    if place is not None:  # after the abstainer, which reads every passage as it was fitted to
        ranked = [s for s in ranked if place(s.hit)]
    ranked = _under_named_headings(question, ranked, outlines)
    if cue is not None or sections or roles:
        ranked = _preferring(ranked, cue, sections, outlines, roles)
    if cue is not None:
        ranked = _cued_first(ranked, cue, settings.abstain_below, share=cue_share)
    elif _ASKS_WHY.search(fold(question)):  # a sentence giving a cause ("med anledning av att …") leads a "why"
        ranked = _cued_first(ranked, _BECAUSE, settings.abstain_below, share=WHY_SHARE)
    elif asks_date(question) and not asks_deadline(question):
        ranked = _dated_first(question, ranked, settings.abstain_below)
    elif _ASKS_PERIOD.search(fold(question)):
        ranked = _period_first(question, ranked, settings.abstain_below)
    ranked = naming_the_asked_first(question, ranked, settings.abstain_below)
    ranked = consequence_first(question, ranked)
    ranked = title_after_content(ranked, matched, weights)
    beyond = beyond_frame(matched, weights)
    ranked = frame_after_content(
        question,
        ranked,
        beyond,
        typed=lambda text: (
            answer_type(question) is not None and gives_answer_type(question, _counted_text(question, text))
        ),
    )
    layout = not_layout(question, outlines)
    entry = _appendix_entries(question, ranked)
    if contact:  # the letterhead's or footer's line holds the address asked
        entry |= {id(s) for s in ranked if asked_type.gives_contact(question, s.span.text)}
    ranked = [s for s in ranked if id(s) in entry or layout(s)]  # no cover line for a content question
    if entry:  # "Vad innehåller bilaga 4?": the contents' entry naming it leads, though a short line
        ranked = [*(s for s in ranked if id(s) in entry), *(s for s in ranked if id(s) not in entry)]
    # A cover line or heading fragment ("Xs kommun", "Oktober 2014") never leads an answer; it may
    # still be an item of a list that a full sentence introduces.
    leads = [s for s in ranked if id(s) in entry or not fragment(s.span.text)]
    intro = list_intro_of_asked(question, leads, hits) if lists else None
    if intro is not None:  # "Vilka granskningar …?" — "De granskningar som följts upp är:" and its items
        leads = [intro, *(s for s in leads if s is not intro)]
        ranked = [intro, *(s for s in ranked if s is not intro)]
    if confined:
        leads = [s for s in leads if s.hit.meta.role in roles or _kind_at(outlines, s) in sections]
    # The coverage rule reads the best coverage (the learned selector may rank a less-covering sentence first).
    best = (leads[0].coverage if model is None else max(s.coverage for s in leads)) if leads else 0.0
    if intro is not None and intro.coverage >= LIST_INTRO_FLOOR * settings.abstain_below:
        best = max(best, settings.abstain_below)  # the list the question names is the evidence, not its wording
        silent = False  # (the abstainer reads sentences, not the list an introduction announces)
    if purpose and cue is not None and leads and _states_purpose(leads[0], cue, sections, outlines, settings):
        # "Vad ville revisionen ta reda på …": the audit's own statement of its purpose is the evidence though the
        # question words it otherwise (each audit states one; the words weigh only which sentence leads).
        best = max(best, settings.abstain_below)
    if contact and leads and id(leads[0]) in entry and leads[0].rank == 0:
        # A letterhead's "Mobiltelefon 072-…" shares no word of "… på skrivelsen om X" but the passage ranked
        # first for the question carries the detail asked: the document is the evidence, not the line's wording.
        best, silent = max(best, settings.abstain_below), False
    if leads and not _role_in_document(question, leads[0], hits):
        silent = True  # "Vem är socialchef …?": no passage of the answer's document names the role
    # How the decision was made, for the JSON's notes: the coverage rule's figure and the learned P(answered).
    evidence = {"coverage": round(best, 3), **({} if p_answer is None else {"p_answered": round(p_answer, 3)})}
    if silent or not leads or best < settings.abstain_below:
        return Answer(question, abstention(question), True, [], hits, id=qid, notes={"evidence": evidence})
    ranked = [leads[0], *(s for s in ranked if s is not leads[0])]
    # When the best sentence gives what a typed question asks for (a date for "när"), a runner-up must too.
    chosen = _choose(
        ranked,
        1 if follow_cue else settings.max_sentences,
        lists=lists or bool(_ASKS_ALL.search(fold(question))),
        typed=lambda text: gives_answer_type(question, _counted_text(question, text)),
        pool=_later_sentences(matched, hits, weights, leads[0]),
        repeats=lambda best, s: repeats_frame(question, best, s, beyond),
        contact=contact,  # "Vilket telefonnummer och vilken e-postadress …": both lines
    )
    if follow_cue and cue is not None and len(chosen) == 1 and not cue.search(fold(chosen[0].span.text)):
        # "Nämnden har svarat på rapporten." is followed by what it answered: quote the next cued sentence too.
        best = chosen[0]
        nxt = sorted(
            (s for s in ranked if s.span.doc == best.span.doc and 0 < s.span.start - best.span.end < LIST_REACH),
            key=lambda s: s.span.start,
        )
        chosen += [s for s in nxt if cue.search(fold(s.span.text)) and not fragment(s.span.text)][:1]
    if _ASKS_WHY.search(fold(question)) and (reason := _reason_before(chosen[0], everything)) is not None:
        chosen = [reason, *chosen][: max(2, len(chosen))]
    elif _ASKS_IMPLICATION.search(fold(question)) and (effect := _effect_after(chosen[0], everything)) is not None:
        chosen = [chosen[0], effect, *(s for s in chosen[1:] if s is not effect)][: max(2, len(chosen))]
    citations = [_as_cited(s) for s in chosen]
    text = " ".join(f"”{_display(c.text)}” [{i}]" for i, c in enumerate(citations, 1))
    return Answer(question, text, False, citations, hits, id=qid, notes={"evidence": evidence})


def _states_purpose(
    s: Scored,
    cue: re.Pattern[str],
    sections: set[str] | frozenset[str],
    outlines: Mapping[str, Outline],
    settings: AnswerSettings,
) -> bool:
    """The sentence states the audit's purpose: its purpose word opens it ("Granskningens syfte har varit …", as a
    missive with no headings says it) or it stands in a section of the purpose's kinds; and it covers at least
    what a list's introduction must."""
    opens = cue.search(fold(" ".join(s.span.text.split()[:PURPOSE_OPENING])))
    in_section = cue.search(fold(s.span.text)) and _kind_at(outlines, s) in sections
    return bool(opens or in_section) and s.coverage >= LIST_INTRO_FLOOR * settings.abstain_below


def abstain_row(
    question: str, hits: list[Hit], outlines: Mapping[str, Outline], *, purpose: bool = False
) -> dict[str, float]:
    """The learned abstainer's features for these passages, exactly as `answer` computes them (the fit script
    reads them here, so the fitted rows and the answering rows cannot drift apart)."""
    weights = Weights([h.chunk.text for h in hits[:20]])
    matched, everything = _read_as(without_frame(question), hits, weights, scorer.shipped())
    ranked = admissible(question, everything, outlines, purpose=purpose)
    return abstain.features(matched, everything, _leading(ranked), hits, weights, question_asked=question)


_WHO_HOLDS = re.compile(r"^\W*vem (?:ar|var) (\w{4,})")


def _role_in_document(question: str, best: Scored, hits: list[Hit]) -> bool:
    """ "Vem är/var <roll> …?" asks who holds a role: the role's word must stand in some retrieved passage of the
    answer's document, or that document says nothing of who holds it ("socialchef" is not "Enhetschefen", though
    character grams match them). Swedish questions only: an English role is read through the glossary."""
    m = _WHO_HOLDS.match(fold(question))
    if m is None or language(question) == "en":
        return True
    mine = " ".join(h.chunk.text for h in hits if h.chunk.doc == best.span.doc)
    return abstain.as_word(m.group(1), f"{best.span.text} {mine}")


def _leading(ranked: list[Scored]) -> list[Scored]:
    """The candidates that may lead an answer as the abstainer reads them: no cover or heading fragment."""
    return [s for s in ranked if not fragment(s.span.text)]


def _read_as(
    question: str,
    hits: list[Hit],
    weights: Weights,
    model: scorer.AnswerModel | None,
    *,
    passages: int = PASSAGES_READ,
) -> tuple[str, list[Scored]]:
    """The question as matched, and its sentences scored. An English word the glossary lacks may be read in the
    general dictionary's Swedish (only senses the passages use); the dictionary's guess is kept only where a
    sentence covers the question better with it than without (a wrong sense must not cost an answer); so is a
    Swedish particle verb read as its compound."""

    def used(w: str) -> int:
        return weights.df(fold(w))

    plain = for_matching(question, known=lambda w: False)
    lang = language(question)
    # the passages' own words (those `weights` counts), for the cognates of English words no sense renders
    vocabulary = passage_vocabulary(hits) if lang == "en" else ()
    read = for_matching(question, known=used, vocabulary=vocabulary)
    if lang == "sv":
        # A particle verb read as the compound documents write ("tas om hand" ~ "omhändertas"), kept only where it
        # covers better: a passage may say "komma in" as the question does (joining in retrieval lost SweQUAD-MC
        # rows, and replacing the verb here lost one: docs/answers.md, Session 33).
        read = particle_verbs.joined(read)
    found = sentences(plain, hits, weights.reading(_foreign(question, lambda w: False)), passages=passages, model=model)
    if read == plain:
        return plain, found
    guessed = sentences(
        read, hits, weights.reading(_foreign(question, used, vocabulary)), passages=passages, model=model
    )
    if max((s.coverage for s in guessed), default=0.0) > max((s.coverage for s in found), default=0.0):
        return read, guessed
    return plain, found


def _foreign(question: str, known: Callable[[str], float], vocabulary: Sequence[str] = ()) -> frozenset[str]:
    """The words an English question keeps in English, less those that are Swedish words too ("system",
    "pension", "budget"): a Swedish passage may hold these."""
    left = untranslated(question, known=known, vocabulary=vocabulary)
    if not left:  # a Swedish question: the Swedish lexicon (a second to load) is not needed
        return left
    lex = lexicon()
    return frozenset(w for w in left if lex is None or not lex.known(w))


# Numbers that are layout or references, not quantities: a heading's number ("3 Sammanfattning"), a statute's
# or document's number ("1982:763", "(2010:656)", "§ 12", "KS-2014/742"), a page mark ("1 (11)").
_NOT_A_QUANTITY = re.compile(
    r"(?:^|\n)\s*\d{1,2}(?:\.\d{1,2})*\s+(?=[A-ZÅÄÖ])|\d+\s*[:/]\s*\d+|[:/§]\s*\d+|\d+\s*\(\d+\)|\b[A-ZÅÄÖ]{2,}-\S*\d"
)


def _counted_text(question: str, text: str) -> str:
    """The sentence as read for the counts and amounts it gives: layout and reference numbers removed, so a
    "how many" question is not answered by a heading's number or a statute's."""
    if answer_type(question) in (None, TIME_OF_DAY):  # a time of day ("13:00") is what such a question asks
        return text
    return _NOT_A_QUANTITY.sub(" ", text)


def _is_question(text: str) -> bool:
    """The sentence asks rather than states ("… och hur avser Ni att förbättra den?"): quoting the question that
    was put to a board is no answer of the board's."""
    return text.rstrip(' "”’)').endswith("?")


_ASKS_QUESTIONS = re.compile(r"^\W*(?:vilken|vilka|vilket|which|what)\s+(?:\w+\s+)?\w*(?:frag|question)")


def _asks_for_questions(question: str) -> bool:
    """ "Vilken fråga ville revisorerna ha svar på?": the answer is itself a question."""
    return bool(_ASKS_QUESTIONS.search(fold(question)))


def admissible(
    question: str, ranked: list[Scored], outlines: Mapping[str, Outline], *, purpose: bool = False
) -> list[Scored]:
    """The candidates that may stand in an answer at all, in their order: no contact line, title line or TOC
    line; for a "how many / how much" question only sentences with a real quantity of the thing asked (a cost
    for "vad kostade", the counted noun for "hur många"); no sentence that asks,
    unless the question asks for questions (an audit's questions, its purpose)."""
    terms, deadline = asked_terms(question), asks_deadline(question)
    # "Vilket år gjorde kommunrevisionen sin granskning av X?": the statement that dates what the title names
    # answers, though it repeats the title's words (a deadline is never stated so).
    dated = asks_date(question) and not deadline
    # A cover's date dates the document: no answer to when a deadline falls or another event happened.
    event = asks_date(question) and asks_other_event(question)
    not_the_document = deadline or event
    dates_only = event and asks_only_when(question)  # a second question may be answered without a date
    denies = asked_type.denial(question)
    appendix = asked_appendix(question) is not None
    contact = asked_type.asks_contact(question)
    return [
        s
        for s in ranked
        if gives_answer_type(question, counted := _counted_text(question, s.span.text), strict=True)
        and about_the_asked(question, counted, terms=terms)
        and asked_type.meets(question, s.span.text)  # a year for "vilket år", a place for "vilken kommun"
        and not (denies is not None and denies(s.span.text))  # "inte helt vidtagit" for "vilka … vidtagit"
        and not asked_type.states_only_status(question, s.span.text)
        and not (junk(s.span.text) and not contact)  # a contact line answers only for its contact detail
        and not page_header(s.span.text)
        and not (not_the_document and (cover_line(s.span.text) or cover_block(s.span.text)))
        and (not dates_only or tells_of_the_event(question, s.span.text))
        and not title_line(s, statements=dated)
        and not (_is_question(s.span.text) and not _asks_for_questions(question) and not purpose)
        and (
            _kind_at(outlines, s) not in ("toc",)
            or appendix
            and names_appendix(question, s.span.text, _before(s, ranked))
            or contact  # (the address block may stand beside the contents list)
        )
    ]


def _appendix_entries(question: str, ranked: list[Scored]) -> set[int]:
    """The candidates that name the appendix the question asks about (ids; none when it asks no appendix)."""
    if asked_appendix(question) is None:
        return set()
    return {id(s) for s in ranked if names_appendix(question, s.span.text, _before(s, ranked))}


def _before(s: Scored, ranked: list[Scored], reach: int = 12) -> str:
    """The last few characters before the sentence (where a split left a TOC entry's word): from its passage,
    or, when the passage starts there, from the candidate sentence ending just before it."""
    at = s.span.start - s.hit.chunk.start
    if at > 0:
        return s.hit.chunk.text[max(0, at - reach) : at]
    prior = (t for t in ranked if t.span.doc == s.span.doc and 0 <= s.span.start - t.span.end <= 2)
    return next((t.span.text[-reach:] for t in prior), "")


def _reason_before(best: Scored, sentences: list[Scored]) -> Scored | None:
    """The sentence just before `best` in its document when `best` draws a consequence from it ("Kommunstyrelsen
    behöver därför …"): for a "why" question that sentence holds the reason."""
    if not THEREFORE.search(fold(best.span.text)):
        return None
    before = (
        t for t in sentences if t.span.doc == best.span.doc and 0 <= best.span.start - t.span.end <= 3 and t is not best
    )
    return next((t for t in before if not fragment(t.span.text) and not junk(t.span.text)), None)


def _effect_after(best: Scored, sentences: list[Scored]) -> Scored | None:
    """The sentence right after `best` that says what it brought ("Ändringen medför bland annat att …"): for
    "Vad innebar X för Y?" the best names X, that sentence holds the answer."""
    after = (t for t in sentences if t.span.doc == best.span.doc and 0 <= t.span.start - best.span.end <= 3)
    return next((t for t in after if _IMPLIES.match(fold(t.span.text)) and not fragment(t.span.text)), None)


def _later_sentences(question: str, hits: list[Hit], weights: Weights, best: Scored) -> list[Scored]:
    """The sentences of the best one's document in every retrieved passage (not only the top ones scored), so a
    list that runs on past a passage's end or over a page break is quoted whole; contact lines left out."""
    if not _LIST_INTRO.search(best.span.text) and not opens_enumeration(best.span.text):
        return []
    mine = [h for h in hits if h.chunk.doc == best.span.doc]
    return [s for s in candidates(question, mine, weights, passages=len(mine)) if not junk(s.span.text)]


def _choose(
    ranked: list[Scored],
    limit: int,
    *,
    lists: bool = False,
    typed: Callable[[str], bool] | None = None,
    pool: list[Scored] | None = None,
    repeats: Callable[[Scored, Scored], bool] | None = None,
    contact: bool = False,
) -> list[Scored]:
    """The best sentence first; then the items of a list it introduces, or a close runner-up (one that gives
    the asked answer type, when `typed` says the best one gives it). pool: more sentences of the document, for
    the bulleted items only. repeats: whether a runner-up, quoted after the best, would only repeat the
    document's frame (title_question.repeats_frame)."""
    best = ranked[0]
    after = sorted(
        (s for s in ranked if s.span.doc == best.span.doc and 0 < s.span.start - best.span.end < LIST_REACH),
        key=lambda s: s.span.start,
    )
    seen = {s.span.start for s in after}
    near = (s for s in pool or [] if s.span.doc == best.span.doc and 0 < s.span.start - best.span.end < LIST_REACH)
    bulleted = sorted([*after, *(s for s in near if s.span.start not in seen)], key=lambda s: s.span.start)
    if questions := question_items(best, after):  # "Följande revisionsfrågor …: Hur …? Vilka …? Hur …?"
        return [best, *questions]
    if _LIST_INTRO.search(best.span.text) and (items := bullets(bulleted) or line_items(best, after)):
        # "rekommenderar vi kommunstyrelsen att:" — the answer is the list that follows, in order.
        return [best, *items]
    if lists and _LIST_INTRO.search(best.span.text) and (items := paragraph(best, after)):
        # Flattened text: "… rekommenderar vi nämnden att: Införa … Informera …" — the sentences that follow.
        return [best, *items]
    leads_in = bool(after) and after[0].span.start - best.span.end <= 3 and _LIST_INTRO.search(after[0].span.text)
    if leads_in and (items := bullets(after[1:])):
        # The best sentence leads into a list ("… Kommunstyrelsen bör i detta avseende:"): quote the list too.
        return [best, after[0], *items]
    if lists and (rest := enumeration_rest(best, bulleted)):  # "…: a) … b) …" then "c) … d) …": all of it
        return [best, *rest]
    if (which := says_which(best, after)) is not None:  # "Inom flera områden …" + "Det gäller bland annat …"
        return [best, which]
    chosen = [best]
    typed = typed if typed is not None and typed(best.span.text) else None
    for s in ranked[1:]:
        if len(chosen) >= limit or s.coverage < RUNNER_UP * best.coverage:
            break
        if fragment(s.span.text):  # a heading or cover fragment is no runner-up ("Xs kommuns revisorer")
            continue
        if letterhead(s.span.text) and not contact:  # nor a letterhead's block run into the text after it
            continue
        if repeats is not None and repeats(best, s):  # only the document's frame, behind a sentence saying more
            continue
        if fold(s.span.text) != fold(best.span.text) and (typed is None or typed(s.span.text)):
            chosen.append(s)
    return chosen


def _cued_first(ranked: list[Scored], cue: re.Pattern[str], floor: float, *, share: float) -> list[Scored]:
    """The intent says where the answer is (an assessment states 'bedömning'): cued sentences lead whenever
    the best of them covers the question about as well as it must to be an answer at all."""
    if not ranked:
        return ranked
    home = ranked[0].span.doc  # where in the document the retrieval points; the cue never changes the document
    cued = [s for s in ranked if s.span.doc == home and cue.search(fold(s.span.text)) and not fragment(s.span.text)]
    if not cued or not ranked or cued[0].coverage < max(floor, share * ranked[0].coverage):
        return ranked
    return [*cued, *(s for s in ranked if s not in cued)]


def _under_named_headings(question: str, ranked: list[Scored], outlines: Mapping[str, Outline]) -> list[Scored]:
    """ "Förslag till beslut i X:s ärende?": the question names a section by its whole heading (two content words
    or more), whose line is a fragment that never answers; the first sentence under it stands in its place, as
    well covered as the heading (its words are the heading's, not the sentence's), and first when no sentence
    covers the question better than the heading does."""
    asked = {w[:STEM] for w in content_words(fold(question))}
    out = list(ranked)
    for i, s in enumerate(ranked):
        o = outlines.get(s.span.doc)
        sec = o.section_at(s.span.start) if o is not None else None
        if sec is None or not sec.heading or fold(s.span.text).strip() != fold(sec.heading).strip():
            continue
        named = {w[:STEM] for w in content_words(fold(sec.heading))}
        if len(named) < 2 or not named <= asked:
            continue
        below = [
            t
            for t in ranked
            if t.span.doc == s.span.doc
            and s.span.end <= t.span.start < sec.end
            and len(t.span.text.split()) >= 3  # not an item's number ("1.") split off its sentence
        ]
        first = min(below, key=lambda t: t.span.start, default=None)
        if first is None or fragment(first.span.text) or first.coverage >= s.coverage:
            continue
        lead = max((t.coverage for t in ranked if not fragment(t.span.text)), default=0.0)
        out = [t for t in out if t is not first]
        # It leads when the heading covers the question at least as well as any sentence does.
        out.insert(0 if s.coverage >= lead else out.index(s), replace(first, coverage=s.coverage))
    return out


DATED_SHARE = 0.6  # as a cue's share: a dated sentence leads a "när" answer when it covers this much of the best


# "When does X follow up …", "När sker / görs / följer …": a habit is asked, answered by an occasion ("vid
# delårsbokslut") more often than by a date; past and future forms ("skapades", "ska", "did") ask for a date.
_HABIT = re.compile(r"^\W*(?:when (?:does|do|is|are)\b|nar (?!ar\b)\w+(?:ar|er|(?<!de)(?<!te)s)\b)")


def asks_habit(question: str) -> bool:
    """ "When does …", "När följer / sker / görs …": the question asks when something is done as a rule."""
    return bool(_HABIT.search(fold(question)))


def _dated_first(question: str, ranked: list[Scored], floor: float) -> list[Scored]:
    """ "När / when …": the sentences of the retrieval's document that give a date (one the question does not name)
    and share a word with the question lead when the best of them covers it about as well as a cued sentence must;
    an English question's verb often has no Swedish word in the dated sentence ("set up" for "skapades"), while an
    undated sentence repeats its nouns. A sentence sharing no word of the question (only its passage's context
    covers it: "Uppdraget ingår i revisionsplanen för 2019.") never leads."""
    if not ranked or asks_habit(question):
        return ranked
    asked = {w[:STEM] for w in content_words(for_matching(question))}
    home, at_least = ranked[0].span.doc, max(floor, DATED_SHARE * ranked[0].coverage)
    dated = [
        s
        for s in ranked
        if s.span.doc == home
        and s.coverage >= at_least
        and not fragment(s.span.text)
        and gives_answer_type(question, _counted_text(question, s.span.text))
        and asked & _own_words(s)
    ]
    if not dated or dated[0] is ranked[0]:
        return ranked
    return [*dated, *(s for s in ranked if s not in dated)]


def _periods(text: str) -> set[Interval]:
    return {(a, b) for a, b in claim_numbers.years(text)[0] if a < b}


def _period_first(question: str, ranked: list[Scored], floor: float) -> list[Scored]:
    """ "Vilken period gäller programmet?": a sentence of the retrieval's document stating a period ("2018-2027")
    the question does not name leads, when it covers the question about as well as a dated sentence must."""
    if not ranked:
        return ranked
    named = _periods(question)
    home, at_least = ranked[0].span.doc, max(floor, DATED_SHARE * ranked[0].coverage)
    stated = [
        s
        for s in ranked
        if s.span.doc == home and s.coverage >= at_least and not fragment(s.span.text) and _periods(s.span.text) - named
    ]
    if not stated or stated[0] is ranked[0]:
        return ranked
    return [*stated, *(s for s in ranked if s not in stated)]


def _own_words(s: Scored) -> set[str]:
    """The sentence's own content words (stems), less those of its document's place (which its context gives)."""
    place = set(content_words(fold(s.hit.meta.municipality or "")))  # whole words: "kommun" is no "kommunstyrelsen"
    return {w[:STEM] for w in content_words(fold(s.span.text)) if w not in place}


def _kind_at(outlines: Mapping[str, Outline], s: Scored) -> str | None:
    o = outlines.get(s.span.doc)
    return o.kind_at(s.span.start) if o is not None else s.hit.section


def _preferring(
    ranked: list[Scored],
    cue: re.Pattern[str] | None,
    sections: set[str] | frozenset[str],
    outlines: Mapping[str, Outline],
    roles: set[str] | frozenset[str] = frozenset(),
) -> list[Scored]:
    """Re-rank with the intent's preferences as tie-breakers: cue words in the sentence, the section's kind."""

    def key(s: Scored) -> float:
        bonus = CUE_BONUS if cue is not None and cue.search(fold(s.span.text)) else 0.0
        if s.hit.meta.role in roles:
            bonus += SECTION_BONUS
        if _kind_at(outlines, s) in sections:
            bonus += SECTION_BONUS
        return s.coverage + s.prior + bonus

    return sorted(ranked, key=lambda s: -key(s))


def _as_cited(s: Scored) -> Span:
    return Span(s.span.doc, s.span.start, s.span.end, s.span.page, s.span.text, s.coverage)


def _display(text: str) -> str:
    """Readable quote: hyphenated line breaks joined, whitespace collapsed. Citations keep the original."""
    text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", text)
    return re.sub(r"\s+", " ", text).strip()

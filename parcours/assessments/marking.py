"""Marking one response to one question: pure functions, no writes.

What a response is, per kind of question (the same in forms, the API and `Answer.response`):

- single: the id of one choice; right when that choice is flagged correct.
- true_false: the id of one of its two choices, "True" and "False", which the service
  creates (so that each answer has its feedback, as any choice); marked as single.
- multiple: a list of choice ids; right when exactly the choices flagged correct.
- short: text; right when equal to one of `accepted_answers` ignoring case and repeated
  spaces, or, when `answer_is_pattern`, when the whole text matches one of them as a
  regular expression, ignoring case.
- numeric: a number, or text such as "3,5" (a lone comma is a decimal comma, "1 000,5"
  reads too); right within `numeric_answer` ± `tolerance`, bounds included.
- ordering: the list of all its choice ids in the learner's order; right in the order of
  the choices' positions.

Accents count: language learners are marked on spelling, so "ete" is not "été". An author
who accepts both lists both, or writes a pattern. There is no partial credit.

Regular expressions cannot be interrupted in the standard library, so catastrophic
backtracking is kept out on both sides: patterns are checked when authored
(`check_pattern`: compiles, at most PATTERN_MAX_LENGTH characters, no nested repetition)
and text longer than SHORT_ANSWER_MAX_LENGTH is wrong without being matched.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from parcours.assessments.models import Choice, Question, QuestionKind
from parcours.core.errors import DomainError

SHORT_ANSWER_MAX_LENGTH = 200
PATTERN_MAX_LENGTH = 200

CHOICE_KINDS = {QuestionKind.SINGLE_CHOICE, QuestionKind.TRUE_FALSE}

# A group that is repeated and itself holds a repetition: "(a+)+", "(\w*)*", "(x{2,})+".
_NESTED_REPETITION = re.compile(r"\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*[+*{]")


class InvalidPattern(DomainError):
    default_message = _("This pattern is not a valid regular expression.")


class InvalidResponse(DomainError):
    default_message = _("This answer does not fit the question.")


@dataclass(frozen=True)
class Marking:
    is_correct: bool
    points: int
    feedback: str


def check_pattern(pattern: str) -> str:
    """The pattern, if it may be used to mark answers; refuse it with a reason otherwise."""
    if len(pattern) > PATTERN_MAX_LENGTH:
        raise InvalidPattern(
            _("A pattern has at most %(max)d characters.") % {"max": PATTERN_MAX_LENGTH})
    if _NESTED_REPETITION.search(pattern):
        raise InvalidPattern(_(
            "A repeated group cannot itself contain a repetition, such as (a+)+: matching "
            "it can take forever. Write the pattern another way."))
    try:
        re.compile(pattern)
    except re.error as error:
        raise InvalidPattern(
            _("This pattern is not a valid regular expression: %(reason)s.")
            % {"reason": error.msg}) from error
    return pattern


def parse_number(value: Any) -> Decimal | None:
    """A number typed by a person, or None: "3.5", "3,5", "1 000,5", "-2" all read."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    if not isinstance(value, str):
        return None
    text = "".join(value.split()).replace("\u2212", "-")  # spaces, incl. no-break ones
    # "1,000.5": with a point, a comma groups thousands; alone, it is a decimal comma.
    text = text.replace(",", "") if "." in text else text.replace(",", ".")
    if not text or len(text) > 40:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def normalise_text(text: str) -> str:
    """Text compared without case, surrounding or repeated spaces, accents kept."""
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def _as_id(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _as_ids(value: Any) -> list[int] | None:
    if not isinstance(value, list | tuple):
        return None
    ids = [_as_id(item) for item in value]
    return None if any(item is None for item in ids) else ids


def _choices(question: Question) -> list[Choice]:
    return sorted(question.choices.all(), key=lambda choice: (choice.position, choice.id))


def clean_response(question: Question, response: Any) -> Any:
    """The response in its stored shape, or None for "not answered".

    Refuses (InvalidResponse, with a reason) a response that cannot be an answer to this
    question: a choice of another question, text where a list is expected, and so on.
    """
    if response is None or response == "" or response == []:
        return None
    kind = question.kind
    known = {choice.id for choice in question.choices.all()}
    if kind in CHOICE_KINDS:
        choice_id = _as_id(response)
        if choice_id not in known:
            raise InvalidResponse(_("Pick one of the question's choices."))
        return choice_id
    if kind == QuestionKind.MULTIPLE_CHOICE:
        ids = _as_ids(response)
        if ids is None or not set(ids) <= known:
            raise InvalidResponse(_("Pick choices of the question, as a list."))
        return sorted(set(ids))
    if kind == QuestionKind.ORDERING:
        ids = _as_ids(response)
        if ids is None or sorted(ids) != sorted(known):
            raise InvalidResponse(_("Put every item of the question in order, once each."))
        return ids
    if kind == QuestionKind.SHORT_ANSWER:
        if not isinstance(response, str):
            raise InvalidResponse(_("Answer with some text."))
        if len(response) > SHORT_ANSWER_MAX_LENGTH:
            raise InvalidResponse(_("Answer in at most %(max)d characters.")
                                  % {"max": SHORT_ANSWER_MAX_LENGTH})
        return response.strip() or None
    if kind == QuestionKind.NUMERIC:
        if parse_number(response) is None:
            raise InvalidResponse(_("Answer with a number, such as 3,5."))
        return str(response).strip()
    raise InvalidResponse()


def mark_response(question: Question, response: Any) -> Marking:
    """Mark a response (in the shape above; anything else, or None, is wrong).

    Feedback: what the author wrote for the choices picked, then their feedback for a
    right or a wrong answer.
    """
    choices = _choices(question)
    picked: list[Choice] = []
    kind = question.kind
    if kind in CHOICE_KINDS:
        picked = [choice for choice in choices if choice.id == _as_id(response)]
        is_correct = bool(picked) and picked[0].is_correct
    elif kind == QuestionKind.MULTIPLE_CHOICE:
        ids = set(_as_ids(response) or ())
        picked = [choice for choice in choices if choice.id in ids]
        is_correct = bool(ids) and ids == {choice.id for choice in choices if choice.is_correct}
    elif kind == QuestionKind.ORDERING:
        is_correct = bool(choices) and _as_ids(response) == [choice.id for choice in choices]
    elif kind == QuestionKind.SHORT_ANSWER:
        is_correct = _short_answer_is_right(question, response)
    elif kind == QuestionKind.NUMERIC:
        number = parse_number(response)
        is_correct = (number is not None and question.numeric_answer is not None
                      and abs(number - question.numeric_answer) <= question.tolerance)
    else:
        is_correct = False
    return Marking(
        is_correct=is_correct,
        points=question.points if is_correct else 0,
        feedback=_feedback(question, picked, is_correct),
    )


def _short_answer_is_right(question: Question, response: Any) -> bool:
    if not isinstance(response, str) or len(response) > SHORT_ANSWER_MAX_LENGTH:
        return False
    accepted: Iterable[str] = question.accepted_answers or ()
    if question.answer_is_pattern:
        text = unicodedata.normalize("NFC", response.strip())
        return any(
            re.fullmatch(pattern, text, flags=re.IGNORECASE) is not None
            for pattern in accepted
            if _is_safe(pattern)
        )
    given = normalise_text(response)
    return any(given == normalise_text(answer) for answer in accepted)


def _is_safe(pattern: str) -> bool:
    # Patterns are checked when authored; one that slipped in another way (the admin,
    # an import) is ignored rather than run.
    try:
        check_pattern(pattern)
    except InvalidPattern:
        return False
    return True


def _feedback(question: Question, picked: list[Choice], is_correct: bool) -> str:
    parts = [choice.feedback for choice in picked]
    parts.append(question.feedback_correct if is_correct else question.feedback_incorrect)
    return "\n\n".join(part.strip() for part in parts if part and part.strip())

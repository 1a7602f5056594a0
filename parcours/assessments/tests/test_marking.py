"""Marking one response, for every kind of question Sophie can write."""

import pytest
from django.utils import translation

from parcours.assessments.marking import (
    SHORT_ANSWER_MAX_LENGTH,
    InvalidPattern,
    InvalidResponse,
    check_pattern,
    clean_response,
    mark_response,
    parse_number,
)
from parcours.assessments.tests import factories as make

pytestmark = pytest.mark.django_db


def choice(question, text):
    return question.choices.get(text=text).pk


def test_the_right_single_choice_earns_the_points_and_its_feedback(bank, sophie):
    question = make.single(bank, sophie, points=2, feedback_correct="Bravo.",
                           choices=make.choices("Paris", "Lyon", correct={"Paris"},
                                                feedback={"Paris": "La capitale, oui."}))

    marking = mark_response(question, choice(question, "Paris"))

    assert marking.is_correct
    assert marking.points == 2
    assert marking.feedback == "La capitale, oui.\n\nBravo."


def test_a_wrong_single_choice_gets_its_own_feedback_and_no_points(bank, sophie):
    question = make.single(bank, sophie, feedback_incorrect="Relisez la leçon 1.",
                           choices=make.choices("Paris", "Lyon", correct={"Paris"},
                                                feedback={"Lyon": "Lyon est la 3e ville."}))

    marking = mark_response(question, str(choice(question, "Lyon")))

    assert not marking.is_correct
    assert marking.points == 0
    assert marking.feedback == "Lyon est la 3e ville.\n\nRelisez la leçon 1."


def test_multiple_choice_needs_exactly_the_right_set(bank, sophie):
    question = make.multiple(bank, sophie)
    manger, table, courir = (choice(question, t) for t in ("manger", "table", "courir"))

    assert mark_response(question, [courir, manger]).is_correct
    assert not mark_response(question, [manger]).is_correct
    assert not mark_response(question, [manger, courir, table]).is_correct
    assert not mark_response(question, []).is_correct


def test_true_or_false_has_two_choices_each_with_its_feedback(bank, sophie):
    with translation.override("en"):
        question = make.true_false(bank, sophie, statement_is_true=False,
                                   feedback_if_true="Non : c'est une planète.")
    true, false = question.choices.order_by("position")

    assert [true.text, false.text] == ["True", "False"]
    assert mark_response(question, false.pk).is_correct
    wrong = mark_response(question, true.pk)
    assert not wrong.is_correct
    assert wrong.feedback == "Non : c'est une planète."


@pytest.mark.parametrize("typed", ["été", " Été ", "ÉTÉ", "e\u0301te\u0301"])
def test_a_short_answer_ignores_case_and_spaces(bank, sophie, typed):
    question = make.short(bank, sophie, accepted=("été", "l'été"))

    assert mark_response(question, typed).is_correct


def test_a_short_answer_keeps_accents_because_spelling_is_what_is_learnt(bank, sophie):
    question = make.short(bank, sophie, accepted=("été",))

    assert not mark_response(question, "ete").is_correct


def test_repeated_spaces_inside_a_short_answer_do_not_count(bank, sophie):
    question = make.short(bank, sophie, accepted=("pomme de terre",))

    assert mark_response(question, "pomme   de  terre").is_correct


def test_a_pattern_must_match_the_whole_answer_whatever_the_case(bank, sophie):
    question = make.short(bank, sophie, accepted=(r"(il|elle) mange",), answer_is_pattern=True)

    assert mark_response(question, "Elle mange").is_correct
    assert mark_response(question, "il mange").is_correct
    assert not mark_response(question, "il mange une pomme").is_correct


def test_an_overlong_short_answer_is_wrong_without_being_matched(bank, sophie):
    question = make.short(bank, sophie, accepted=(r"a+",), answer_is_pattern=True)

    assert not mark_response(question, "a" * (SHORT_ANSWER_MAX_LENGTH + 1)).is_correct


@pytest.mark.parametrize("pattern", [r"(a+)+", r"(\w*)*b", "x" * 201, "(unclosed"])
def test_dangerous_or_broken_patterns_are_refused_when_written(pattern):
    with pytest.raises(InvalidPattern):
        check_pattern(pattern)


def test_a_pattern_that_slipped_in_unchecked_is_ignored_not_run(bank, sophie):
    question = make.short(bank, sophie, accepted=("x",), answer_is_pattern=True)
    question.accepted_answers = [r"(a+)+$", "x"]

    assert not mark_response(question, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!").is_correct
    assert mark_response(question, "x").is_correct


@pytest.mark.parametrize("typed", ["3,5", "3.5", " 3,50 ", 3.5, "3,6", "3,4"])
def test_a_number_within_the_tolerance_is_right_with_a_decimal_comma_or_point(
    bank, sophie, typed
):
    question = make.numeric(bank, sophie, answer="3.5", tolerance="0.1")

    assert mark_response(question, typed).is_correct


@pytest.mark.parametrize("typed", ["3,61", "-3,5", "trois", "", None, "NaN", "Infinity"])
def test_a_number_outside_the_tolerance_or_not_a_number_is_wrong(bank, sophie, typed):
    question = make.numeric(bank, sophie, answer="3.5", tolerance="0.1")

    assert not mark_response(question, typed).is_correct


def test_numbers_with_thousands_separators_read_as_people_type_them():
    assert parse_number("1 000,5") == parse_number("1,000.5") == parse_number("1000.5")
    assert parse_number("1\u202f000") == 1000


def test_ordering_is_right_only_in_the_order_of_the_positions(bank, sophie):
    question = make.ordering(bank, sophie)
    matin, midi, soir = (choice(question, t) for t in ("matin", "midi", "soir"))

    assert mark_response(question, [matin, midi, soir]).is_correct
    assert not mark_response(question, [midi, matin, soir]).is_correct
    assert not mark_response(question, [matin, midi]).is_correct


def test_no_answer_is_wrong_with_the_feedback_for_a_wrong_answer(bank, sophie):
    question = make.single(bank, sophie, feedback_incorrect="Voir la leçon.")

    marking = mark_response(question, None)

    assert (marking.is_correct, marking.points, marking.feedback) == (False, 0, "Voir la leçon.")


def test_a_choice_of_another_question_is_refused_as_a_response(bank, sophie):
    question = make.single(bank, sophie)
    other = make.single(bank, sophie, prompt="Autre")

    with pytest.raises(InvalidResponse):
        clean_response(question, other.choices.first().pk)


@pytest.mark.parametrize("kind, response", [
    ("multiple", "not a list"), ("ordering", [1]), ("short", 12), ("numeric", "douze"),
])
def test_responses_of_the_wrong_shape_are_refused_with_a_reason(bank, sophie, kind, response):
    question = {"multiple": make.multiple, "ordering": make.ordering, "short": make.short,
                "numeric": make.numeric}[kind](bank, sophie)

    with pytest.raises(InvalidResponse) as refused:
        clean_response(question, response)

    assert str(refused.value.message)

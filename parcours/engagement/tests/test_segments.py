"""Segments: each rule, its validation, and evaluation in one query."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from parcours.accounts.tests.factories import member
from parcours.assessments.models import Attempt, QuestionBank, Quiz
from parcours.catalog.models import Programme, Tag
from parcours.core.events import record_event
from parcours.engagement import segments
from parcours.engagement.models import Segment
from parcours.engagement.segments import InvalidRules, clean_rules
from parcours.journeys.models import Enrolment, PathStep

TODAY = date(2026, 11, 27)


def names(organisation, rules) -> set[str]:
    rules = clean_rules(organisation, rules)
    return set(segments.matching_people(organisation, rules, today=TODAY)
               .values_list("display_name", flat=True))


def enrol(organisation, learner, programme, *, steps=(), start_on=date(2026, 11, 1)):
    enrolment = Enrolment.objects.create(organisation=organisation, programme=programme,
                                         learner=learner, start_on=start_on,
                                         minutes_per_week=120)
    for position, (status, due_on) in enumerate(steps, 1):
        PathStep.objects.create(
            enrolment=enrolment, kind="lesson", title=f"Étape {position}", position=position,
            status=status, due_on=due_on,
            completed_at=timezone.now() if status == "done" else None)
    return enrolment


@pytest.fixture
def cast(organisation, lea, karim, sophie, oscar):
    bruno = member(organisation, "learner", display_name="Bruno Petit", locale="en")
    return {"lea": lea, "karim": karim, "sophie": sophie, "oscar": oscar, "bruno": bruno}


def test_no_rule_matches_every_active_member_of_the_organisation_only(organisation, cast):
    cast["bruno"].is_active = False
    cast["bruno"].save()
    assert names(organisation, {}) == {"Léa Martin", "Karim Benali", "Sophie Laurent"}


def test_roles_pick_the_people_holding_one_of_them(organisation, cast):
    assert names(organisation, {"roles": ["learner"]}) == {"Léa Martin", "Bruno Petit"}
    assert names(organisation, {"roles": ["coach", "manager"]}) == {"Karim Benali",
                                                                    "Sophie Laurent"}


def test_languages_read_each_persons_own_language(organisation, cast):
    assert names(organisation, {"languages": ["en"]}) == {"Bruno Petit"}


def test_programmes_tags_and_skills_come_from_what_people_are_enrolled_in(organisation, cast):
    excel = Programme.objects.create(organisation=organisation, title="Excel")
    safety = Programme.objects.create(organisation=organisation, title="Sécurité")
    office = Tag.objects.create(organisation=organisation, name="Bureautique", kind="theme")
    formulas = Tag.objects.create(organisation=organisation, name="Formules", kind="skill")
    excel.tags.add(office, formulas)
    enrol(organisation, cast["lea"], excel)
    enrol(organisation, cast["bruno"], safety)

    assert names(organisation, {"programmes": [safety.pk]}) == {"Bruno Petit"}
    assert names(organisation, {"tags": [office.pk]}) == {"Léa Martin"}
    assert names(organisation, {"skills": [formulas.pk]}) == {"Léa Martin"}


def test_status_uses_the_journeys_definitions(organisation, cast):
    programme = Programme.objects.create(organisation=organisation, title="Excel")
    late = TODAY - timedelta(days=3)
    # Léa is behind (a step past due) and has been away for weeks: at risk.
    old = enrol(organisation, cast["lea"], programme, steps=[("todo", late)])
    Enrolment.objects.filter(pk=old.pk).update(
        created_at=datetime(2026, 10, 1, tzinfo=UTC), last_activity_at=None)
    # Bruno is on track: his step is due next week.
    enrol(organisation, cast["bruno"], programme, steps=[("todo", TODAY + timedelta(days=7))])
    karim_path = enrol(organisation, cast["karim"], programme, steps=[("done", late)])

    assert names(organisation, {"status": ["at_risk"]}) == {"Léa Martin"}
    assert names(organisation, {"status": ["on_track"]}) == {"Bruno Petit"}
    assert names(organisation, {"status": ["completed"]}) == {"Karim Benali"}
    assert karim_path.pk


def test_last_activity_counts_learning_events_in_this_organisation(
        organisation, other_organisation, cast):
    record_event(cast["lea"], "launched", ("step", 1), organisation=organisation)
    record_event(cast["bruno"], "launched", ("step", 2), organisation=other_organisation)

    with timezone.override("Europe/Paris"):
        assert names(organisation, {"roles": ["learner"], "active_within_days": 7}) == {
            "Léa Martin"}
        assert names(organisation, {"roles": ["learner"], "inactive_for_days": 7}) == {
            "Bruno Petit"}


def test_levels_follow_quiz_scores_and_progress(organisation, cast):
    bank = QuestionBank.objects.create(organisation=organisation, title="Banque")
    quiz = Quiz.objects.create(organisation=organisation, title="Quiz", bank=bank)
    programme = Programme.objects.create(organisation=organisation, title="Excel")
    # Léa: 90 % and 2 of 3 steps done: advanced.
    enrol(organisation, cast["lea"], programme,
          steps=[("done", None), ("done", None), ("todo", None)])
    Attempt.objects.create(quiz=quiz, learner=cast["lea"], started_at=timezone.now(),
                           submitted_at=timezone.now(), score_percent=Decimal("90"))
    # Bruno: never tried a quiz, 0 of 2 steps: beginner.
    enrol(organisation, cast["bruno"], programme, steps=[("todo", None), ("todo", None)])
    # Karim: 60 %, one step of two: intermediate.
    enrol(organisation, cast["karim"], programme, steps=[("done", None), ("todo", None)])
    Attempt.objects.create(quiz=quiz, learner=cast["karim"], started_at=timezone.now(),
                           submitted_at=timezone.now(), score_percent=Decimal("60"))

    rules = {"roles": ["learner", "coach"]}
    assert names(organisation, {**rules, "level": ["advanced"]}) == {"Léa Martin"}
    assert names(organisation, {**rules, "level": ["beginner"]}) == {"Bruno Petit"}
    assert names(organisation, {**rules, "level": ["intermediate"]}) == {"Karim Benali"}


def test_rules_combine_with_and_values_with_or(organisation, cast):
    assert names(organisation, {"roles": ["learner", "coach"], "languages": ["fr"]}) == {
        "Léa Martin", "Karim Benali"}


@pytest.mark.parametrize("rules", [
    [], {"colour": ["red"]}, {"roles": ["pilot"]}, {"level": "advanced"},
    {"active_within_days": 0}, {"active_within_days": "7"}, {"programmes": ["1"]},
])
def test_invalid_rules_are_refused_with_a_reason(organisation, rules):
    with pytest.raises(InvalidRules):
        clean_rules(organisation, rules)


def test_ids_of_another_organisation_are_refused(organisation, other_organisation):
    theirs = Programme.objects.create(organisation=other_organisation, title="Leur programme")
    with pytest.raises(InvalidRules):
        clean_rules(organisation, {"programmes": [theirs.pk]})


def test_evaluating_every_rule_at_once_is_one_query(organisation, cast,
                                                    django_assert_num_queries):
    programme = Programme.objects.create(organisation=organisation, title="Excel")
    tag = Tag.objects.create(organisation=organisation, name="Bureautique", kind="theme")
    skill = Tag.objects.create(organisation=organisation, name="Formules", kind="skill")
    rules = clean_rules(organisation, {
        "roles": ["learner"], "languages": ["fr"], "programmes": [programme.pk],
        "tags": [tag.pk], "skills": [skill.pk], "status": ["behind", "at_risk"],
        "level": ["beginner"], "active_within_days": 30, "inactive_for_days": 3})
    segment = Segment(organisation=organisation, name="Tout", rules=rules)

    with django_assert_num_queries(1):
        list(segments.matching_ids(organisation, rules, today=TODAY))
    with django_assert_num_queries(1):
        segments.segment_count(segment, today=TODAY)
    with django_assert_num_queries(1):
        segments.segment_sample(segment, today=TODAY)


def test_the_sample_shows_a_few_names_in_order(organisation, cast):
    segment = Segment(organisation=organisation, name="Apprenants",
                      rules={"roles": ["learner"]})
    assert segments.segment_sample(segment) == ["Bruno Petit", "Léa Martin"]
    assert segments.segment_count(segment) == 2

"""Action items: agreed by the coach, ticked by the person they are for, turned into a
step of the beneficiary's path."""

from datetime import date

import pytest

from parcours.accounts.tests.factories import member
from parcours.catalog.models import StepKind
from parcours.coaching.models import ActionAssignee
from parcours.coaching.selectors.engagements import open_actions_of
from parcours.coaching.services import actions as services
from parcours.coaching.tests import factories
from parcours.core.errors import NotAllowed
from parcours.core.models import LearningEvent, Verb
from parcours.journeys.models import PathStepStatus
from parcours.journeys.services.enrolment import enrol_learner
from parcours.journeys.tests.paths_for_tests import MONDAY, speaking_programme


@pytest.fixture
def engagement(organisation, lea, karim):
    return factories.engagement(organisation, lea, karim)


@pytest.fixture
def item(engagement, karim):
    return services.create_action_item(engagement, by=karim, title="Call two bakers",
                                       due_on=date(2026, 12, 4), detail="Ask about hours")


def test_a_coach_agrees_an_action_with_the_beneficiary(engagement, item, karim):
    assert (item.assignee, item.due_on, item.created_by) == (
        ActionAssignee.BENEFICIARY, date(2026, 12, 4), karim)
    assert LearningEvent.objects.filter(verb=Verb.ASSIGNED, object_id=str(item.pk),
                                        context__engagement=engagement.pk).exists()


def test_an_action_needs_a_title_and_a_known_assignee(engagement, karim):
    with pytest.raises(services.TitleRequired):
        services.create_action_item(engagement, by=karim, title=" ")
    with pytest.raises(services.AssigneeInvalid):
        services.create_action_item(engagement, by=karim, title="X", assignee="manager")


def test_the_beneficiary_and_managers_do_not_create_actions(engagement, lea, sophie):
    for person in (lea, sophie):
        with pytest.raises(NotAllowed):
            services.create_action_item(engagement, by=person, title="Mine")


def test_a_coach_edits_an_action(item, karim):
    services.edit_action_item(item, by=karim, title="Call three bakers", assignee="coach",
                              due_on=None)
    item.refresh_from_db()
    assert (item.title, item.assignee, item.due_on) == ("Call three bakers", "coach", None)


def test_the_beneficiary_ticks_an_action_done_and_it_is_recorded(engagement, item, lea):
    services.tick_action_item(item, by=lea)
    item.refresh_from_db()
    assert item.is_done and item.done_by == lea
    event = LearningEvent.objects.get(verb=Verb.COMPLETED, object_id=str(item.pk))
    assert event.context == {"engagement": engagement.pk}
    with pytest.raises(services.AlreadyDone):
        services.tick_action_item(item, by=lea)


def test_an_action_ticked_by_mistake_is_unticked(item, lea, karim):
    services.tick_action_item(item, by=lea)
    services.untick_action_item(item, by=karim)
    item.refresh_from_db()
    assert not item.is_done and item.done_by is None
    with pytest.raises(services.NotDone):
        services.untick_action_item(item, by=karim)


def test_another_learner_or_a_manager_cannot_tick_it(organisation, item, sophie):
    for person in (sophie, member(organisation, "learner")):
        with pytest.raises(NotAllowed):
            services.tick_action_item(item, by=person)


def test_an_action_becomes_a_step_of_the_beneficiarys_path(organisation, item, karim, lea):
    enrolment = enrol_learner(speaking_programme(organisation), lea, by=karim,
                              start_on=MONDAY, minutes_per_week=120)
    step = services.turn_into_path_step(item, by=karim, enrolment_id=enrolment.pk,
                                        kind=StepKind.CHECKPOINT)
    item.refresh_from_db()
    assert item.path_step == step
    assert (step.title, step.kind, step.status) == ("Call two bakers", StepKind.CHECKPOINT,
                                                    PathStepStatus.TODO)
    assert step.position == 6 and step.added_by_coach
    assert "Call two bakers" in step.change_reason
    with pytest.raises(services.AlreadyAStep):
        services.turn_into_path_step(item, by=karim, enrolment_id=enrolment.pk,
                                     kind=StepKind.CHECKPOINT)


def test_an_action_cannot_go_into_someone_elses_path(organisation, item, karim):
    other = member(organisation, "learner")
    enrolment = enrol_learner(speaking_programme(organisation), other, by=karim,
                              start_on=MONDAY, minutes_per_week=120)
    with pytest.raises(services.NotTheBeneficiarysPath):
        services.turn_into_path_step(item, by=karim, enrolment_id=enrolment.pk,
                                     kind=StepKind.ASSIGNMENT)
    with pytest.raises(services.NotTheBeneficiarysPath):
        services.turn_into_path_step(item, by=karim, enrolment_id=987654,
                                     kind=StepKind.ASSIGNMENT)


def test_the_step_kind_must_carry_evidence_a_coach_can_give(organisation, item, karim, lea):
    enrolment = enrol_learner(speaking_programme(organisation), lea, by=karim,
                              start_on=MONDAY, minutes_per_week=120)
    with pytest.raises(services.StepKindInvalid):
        services.turn_into_path_step(item, by=karim, enrolment_id=enrolment.pk,
                                     kind=StepKind.LESSON)


def test_the_dashboard_lists_the_beneficiarys_open_actions_soonest_first(
        organisation, engagement, item, karim, lea, django_assert_num_queries):
    undated = services.create_action_item(engagement, by=karim, title="Read the guide")
    sooner = services.create_action_item(engagement, by=karim, title="Book the test",
                                         due_on=date(2026, 12, 1))
    done = services.create_action_item(engagement, by=karim, title="Done already")
    services.tick_action_item(done, by=lea)
    with django_assert_num_queries(1):
        board = open_actions_of(lea, organisation, today=date(2026, 12, 2))
    assert board.items == [sooner, item, undated]
    assert open_actions_of(karim, organisation, today=date(2026, 12, 2)).items == []

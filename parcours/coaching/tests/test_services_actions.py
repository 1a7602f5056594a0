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


# --- Reminders of actions due ------------------------------------------------------------


def test_an_action_due_today_is_notified_once_to_the_beneficiary(engagement, item, lea):
    from parcours.engagement.models import Notification

    assert services.notify_due_actions(today=date(2026, 12, 4)) == 1
    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind) == (lea, services.ACTION_DUE)
    assert "Call two bakers" in notification.subject
    assert notification.context == {"engagement": engagement.pk, "action": item.pk}
    assert services.notify_due_actions(today=date(2026, 12, 5)) == 0
    assert Notification.objects.count() == 1


def test_a_coachs_action_goes_to_the_lead_coach(engagement, karim):
    from parcours.engagement.models import Notification

    services.create_action_item(engagement, by=karim, title="Send the test",
                                assignee=ActionAssignee.COACH, due_on=date(2026, 12, 4))
    services.notify_due_actions(today=date(2026, 12, 4))
    assert Notification.objects.get().recipient == karim


def test_no_reminder_for_an_action_done_not_yet_due_or_long_forgotten(engagement, item, lea,
                                                                      karim):
    from parcours.engagement.models import Notification

    assert services.notify_due_actions(today=date(2026, 12, 3)) == 0
    services.create_action_item(engagement, by=karim, title="Old", due_on=date(2026, 11, 1))
    services.tick_action_item(item, by=lea)
    assert services.notify_due_actions(today=date(2026, 12, 4)) == 0
    assert not Notification.objects.exists()


def test_a_reminder_planned_but_ticked_before_sending_is_no_longer_relevant(item, lea):
    from parcours.engagement.models import Notification

    services.notify_due_actions(today=date(2026, 12, 4))
    notification = Notification.objects.get()
    assert services.ACTION_DUE_KIND.still_relevant(notification)
    services.tick_action_item(item, by=lea)
    assert not services.ACTION_DUE_KIND.still_relevant(notification)


# --- The beneficiary's dashboard panel ---------------------------------------------------


def test_the_dashboard_panel_shows_open_actions_in_one_query(rf, organisation, item, lea,
                                                               django_assert_num_queries):
    from django.template import Context, Template

    request = rf.get("/")
    request.user = lea
    template = Template("{% load coaching_panels %}{% coaching_actions_panel %}")
    with django_assert_num_queries(1):
        html = template.render(Context({"request": request, "organisation": organisation,
                                        "csrf_token": "a-token"}))
    assert "Call two bakers" in html and "a-token" in html
    assert f"/coaching/actions/{item.pk}/tick/" in html


def test_the_dashboard_panel_is_empty_without_open_actions(rf, organisation, karim):
    from django.template import Context, Template

    request = rf.get("/")
    request.user = karim
    template = Template("{% load coaching_panels %}{% coaching_actions_panel %}")
    assert template.render(Context({"request": request,
                                    "organisation": organisation})).strip() == ""

"""Karim builds activities, gives them to Léa, who fills them in at her own pace and
returns them; Karim comments. Answers are checked per field kind by the services."""

import pytest

from parcours.coaching.models import ActivityKind, AssignmentStatus, EngagementStatus
from parcours.coaching.selectors import Capacity
from parcours.coaching.selectors.activities import activity_entries
from parcours.coaching.services import activities as services
from parcours.coaching.tests import factories
from parcours.coaching.tests.activities_for_tests import (
    COMPLETE_ANSWERS,
    card_sort,
    journal,
    worksheet,
)
from parcours.core.errors import NotAllowed
from parcours.core.models import LearningEvent, Verb


@pytest.fixture
def engagement(organisation, lea, karim):
    return factories.engagement(organisation, lea, karim)


@pytest.fixture
def assignment(organisation, engagement, karim):
    return services.assign_activity(worksheet(organisation, karim), engagement, by=karim)


def test_a_coach_builds_a_worksheet_with_each_kind_of_field(organisation, karim):
    activity = worksheet(organisation, karim)

    kinds = [field["kind"] for field in activity.definition["fields"]]
    assert kinds == ["text", "scale", "choice", "choice", "ranking"]
    assert activity.definition["fields"][1]["max_label"] == "completely"
    assert activity.definition["fields"][3]["multiple"] is True
    assert activity.definition["fields"][3]["required"] is False
    assert activity.organisation == organisation and activity.created_by == karim


def test_an_incomplete_worksheet_is_refused_with_every_reason(organisation, karim):
    with pytest.raises(services.InvalidActivity) as refused:
        services.create_activity(organisation, by=karim, kind=ActivityKind.WORKSHEET,
                                 title="", definition={"fields": [
                                     {"kind": "choice", "label": "Pick", "options": ["One"]},
                                     {"kind": "scale", "label": "Rate", "min": 5, "max": 1},
                                 ]})

    assert len(refused.value.errors) == 3  # no title, one option, a scale upside down


def test_a_card_sort_needs_cards_and_columns(organisation, karim):
    with pytest.raises(services.InvalidActivity):
        services.create_activity(organisation, by=karim, kind=ActivityKind.CARD_SORT,
                                 title="Values", definition={"cards": ["Only one"],
                                                             "columns": ["A", "B"]})


def test_a_learner_cannot_build_an_activity(organisation, lea):
    with pytest.raises(NotAllowed):
        journal(organisation, lea)


def test_a_coach_gives_an_activity_and_it_is_recorded(organisation, engagement, karim):
    activity = journal(organisation, karim)

    assignment = services.assign_activity(activity, engagement, by=karim)

    assert assignment.status == AssignmentStatus.ASSIGNED
    event = LearningEvent.objects.get(verb=Verb.ASSIGNED, object_id=str(assignment.pk))
    assert event.actor == karim and event.context["engagement"] == engagement.pk


def test_a_coach_cannot_give_an_activity_in_an_engagement_they_do_not_follow(
        organisation, engagement, karim):
    from parcours.accounts.tests.factories import member

    nadia = member(organisation, "coach", display_name="Nadia Coach")
    with pytest.raises(NotAllowed):
        services.assign_activity(journal(organisation, nadia), engagement, by=nadia)


def test_an_activity_of_another_organisation_cannot_be_given(
        organisation, other_organisation, engagement, karim):
    from parcours.accounts.tests.factories import member

    elsewhere = journal(other_organisation, member(other_organisation, "coach"))
    with pytest.raises(NotAllowed):
        services.assign_activity(elsewhere, engagement, by=karim)


def test_nothing_new_is_given_in_a_closed_engagement(organisation, engagement, karim):
    from django.utils import timezone

    engagement.status, engagement.closed_at = EngagementStatus.CLOSED, timezone.now()
    engagement.save()
    with pytest.raises(services.EngagementNotActive):
        services.assign_activity(journal(organisation, karim), engagement, by=karim)


def test_a_draft_keeps_partial_answers(assignment, lea):
    saved = services.save_draft(assignment, by=lea, answers={"motivation": "  People  ",
                                                              "confidence": "3"})

    saved.refresh_from_db()
    assert saved.status == AssignmentStatus.DRAFT and saved.saved_at is not None
    assert saved.answers == {"motivation": "People", "confidence": 3}


def test_a_scale_answer_outside_its_range_is_refused(assignment, lea):
    with pytest.raises(services.InvalidAnswers) as refused:
        services.save_draft(assignment, by=lea, answers={"confidence": 9})

    assert set(refused.value.errors) == {"confidence"}
    assignment.refresh_from_db()
    assert assignment.answers == {}


def test_a_choice_must_be_among_the_options(assignment, lea):
    with pytest.raises(services.InvalidAnswers) as refused:
        services.save_draft(assignment, by=lea, answers={"place": "On the moon",
                                                          "enjoy": ["People", "Sleeping"]})

    assert set(refused.value.errors) == {"place", "enjoy"}


def test_multiple_choices_are_kept_in_the_order_offered(assignment, lea):
    saved = services.save_draft(assignment, by=lea,
                                answers={"enjoy": ["Making things", "People"]})

    assert saved.answers["enjoy"] == ["People", "Making things"]


def test_a_ranking_orders_every_item_once(assignment, lea):
    with pytest.raises(services.InvalidAnswers) as refused:
        services.save_draft(assignment, by=lea, answers={"matters": ["Team", "Team",
                                                                      "Salary"]})
    assert set(refused.value.errors) == {"matters"}

    saved = services.save_draft(assignment, by=lea,
                                answers={"matters": ["Learning", "Salary", "Team"]})
    assert saved.answers["matters"] == ["Learning", "Salary", "Team"]


def test_returning_needs_every_required_answer(assignment, lea):
    services.save_draft(assignment, by=lea, answers={"motivation": "People"})

    with pytest.raises(services.InvalidAnswers) as refused:
        services.return_assignment(assignment, by=lea)

    assert set(refused.value.errors) == {"confidence", "place", "matters"}
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.DRAFT


def test_returning_records_that_the_activity_is_completed(assignment, engagement, lea):
    returned = services.return_assignment(assignment, by=lea, answers=COMPLETE_ANSWERS)

    returned.refresh_from_db()
    assert returned.status == AssignmentStatus.RETURNED and returned.returned_at
    event = LearningEvent.objects.get(verb=Verb.COMPLETED, object_id=str(assignment.pk))
    assert event.actor == lea and event.context["engagement"] == engagement.pk
    assert event.result == {"completion": True}


def test_a_returned_activity_can_no_longer_change(assignment, lea):
    services.return_assignment(assignment, by=lea, answers=COMPLETE_ANSWERS)

    with pytest.raises(services.AssignmentAlreadyReturned):
        services.save_draft(assignment, by=lea, answers={"motivation": "Changed my mind"})
    assignment.refresh_from_db()
    assert assignment.answers["motivation"] == "Helping people find their way"


def test_only_the_beneficiary_fills_in_the_activity(assignment, karim):
    with pytest.raises(NotAllowed):
        services.save_draft(assignment, by=karim, answers={"motivation": "For her"})


def test_the_coach_comments_on_a_returned_activity(assignment, engagement, lea, karim):
    services.return_assignment(assignment, by=lea, answers=COMPLETE_ANSWERS)

    commented = services.comment_assignment(assignment, by=karim,
                                            comment="Team first: let us talk about it.")

    commented.refresh_from_db()
    assert commented.status == AssignmentStatus.COMMENTED
    assert commented.comment == "Team first: let us talk about it."
    assert commented.commented_by == karim
    event = LearningEvent.objects.get(verb=Verb.COMMENTED, object_id=str(assignment.pk))
    assert event.context["engagement"] == engagement.pk


def test_a_comment_waits_for_the_activity_to_be_returned(assignment, karim):
    with pytest.raises(services.AssignmentNotReturned):
        services.comment_assignment(assignment, by=karim, comment="Too early")


def test_the_beneficiary_cannot_comment_as_the_coach(assignment, lea):
    services.return_assignment(assignment, by=lea, answers=COMPLETE_ANSWERS)
    with pytest.raises(NotAllowed):
        services.comment_assignment(assignment, by=lea, comment="Well done me")


def test_a_card_sort_is_returned_once_every_card_is_in_a_column(
        organisation, engagement, lea, karim):
    assignment = services.assign_activity(card_sort(organisation, karim), engagement,
                                          by=karim)
    services.save_draft(assignment, by=lea, answers={"cards": {"0": "0", "1": ""}})

    with pytest.raises(services.InvalidAnswers) as refused:
        services.return_assignment(assignment, by=lea)
    assert set(refused.value.errors) == {"card-1", "card-2"}
    with pytest.raises(services.InvalidAnswers):
        services.save_draft(assignment, by=lea, answers={"cards": {"0": 7}})

    returned = services.return_assignment(assignment, by=lea,
                                          answers={"cards": {"0": 0, "1": 2, "2": 1}})
    assert returned.answers == {"cards": {"0": 0, "1": 2, "2": 1}}


def test_a_journal_is_returned_with_its_entry(organisation, engagement, lea, karim):
    assignment = services.assign_activity(journal(organisation, karim), engagement, by=karim)

    with pytest.raises(services.InvalidAnswers):
        services.return_assignment(assignment, by=lea, answers={"entry": "   "})
    returned = services.return_assignment(assignment, by=lea,
                                          answers={"entry": "I enjoyed the interviews."})
    assert returned.answers == {"entry": "I enjoyed the interviews."}


def test_the_questions_of_an_activity_already_given_are_frozen(assignment, karim):
    activity = assignment.activity

    with pytest.raises(services.ActivityInUse):
        services.update_activity(activity, by=karim, title=activity.title,
                                 definition={"fields": [{"kind": "text", "label": "New"}]})
    renamed = services.update_activity(activity, by=karim, title="Motivations",
                                       definition=activity.definition)
    assert renamed.title == "Motivations"


def test_the_timeline_lists_given_returned_and_commented_in_one_query(
        assignment, engagement, lea, karim, django_assert_num_queries):
    services.return_assignment(assignment, by=lea, answers=COMPLETE_ANSWERS)
    services.comment_assignment(assignment, by=karim, comment="Good")
    engagement.refresh_from_db()
    engagement.organisation  # noqa: B018 (loaded, as the timeline's selector does)
    engagement.beneficiary  # noqa: B018

    with django_assert_num_queries(1):
        entries = activity_entries(engagement, Capacity.COACH)

    assert [entry.kind for entry in entries] == ["activity"] * 3
    assert activity_entries(engagement, Capacity.MANAGER) == []

"""Engagement types as templates, opening engagements from them, coaches, closing."""

from datetime import date

import pytest

from parcours.accounts.tests.factories import member
from parcours.coaching.models import (
    ActionItem,
    EngagementKind,
    EngagementStatus,
    NoteTemplate,
)
from parcours.coaching.services import engagements as services
from parcours.coaching.tests import factories
from parcours.core.errors import Conflict, DomainError, NotAllowed
from parcours.core.models import LearningEvent, Verb


@pytest.fixture
def bilan(organisation):
    kind = factories.engagement_type(organisation, default_actions=["Fill in the CV"])
    return kind


def test_a_manager_sets_up_an_engagement_type_with_phases_and_note_outlines(organisation,
                                                                              sophie):
    kind = services.create_engagement_type(
        organisation, by=sophie, name="Outplacement", kind=EngagementKind.OUTPLACEMENT,
        contracted_minutes=20 * 60, default_actions=["Update the CV", " "],
        documents_to_produce=["Action plan"], notice_hours=48, min_minutes=45,
        max_minutes=120, default_minutes=90, buffer_minutes=10)
    first = services.add_phase_template(kind, by=sophie, name="Review", planned_minutes=240,
                                        note_template="## Request\n\n## Expectations")
    services.add_phase_template(kind, by=sophie, name="Search", planned_minutes=960)

    assert [p.name for p in kind.phases.order_by("position")] == ["Review", "Search"]
    assert kind.default_actions == ["Update the CV"]
    assert NoteTemplate.objects.get(phase_template=first).body.startswith("## Request")


def test_phases_are_reordered_and_removed_and_keep_numbering_from_one(organisation, sophie,
                                                                      bilan):
    preliminary, investigation, conclusion = bilan.phases.order_by("position")
    services.move_phase_template(conclusion, by=sophie, up=True)
    assert [p.name for p in bilan.phases.order_by("position")] == [
        "Preliminary", "Conclusion", "Investigation"]
    services.remove_phase_template(preliminary, by=sophie)
    assert [(p.position, p.name) for p in bilan.phases.order_by("position")] == [
        (1, "Conclusion"), (2, "Investigation")]
    with pytest.raises(DomainError):
        services.move_phase_template(conclusion, by=sophie, up=True)


def test_a_coach_cannot_edit_engagement_types(organisation, karim, bilan):
    with pytest.raises(NotAllowed):
        services.create_engagement_type(organisation, by=karim, name="Mine")
    with pytest.raises(NotAllowed):
        services.update_engagement_type(bilan, by=karim, name="Renamed")


def test_two_types_of_an_organisation_cannot_share_a_name(organisation, sophie, bilan):
    with pytest.raises(Conflict):
        services.create_engagement_type(organisation, by=sophie, name="bilan de compétences")


def test_booking_lengths_must_be_ordered(organisation, sophie):
    with pytest.raises(DomainError):
        services.create_engagement_type(organisation, by=sophie, name="Odd", min_minutes=90,
                                        max_minutes=60, default_minutes=60)


def test_opening_an_engagement_copies_phases_rules_and_default_actions(organisation, sophie,
                                                                       karim, lea, bilan):
    services.update_engagement_type(bilan, by=sophie, notice_hours=48, buffer_minutes=5)
    engagement = services.open_engagement(
        organisation, by=sophie, engagement_type=bilan, beneficiary=lea, coaches=[karim],
        title="Bilan Léa", objectives="Change careers", contracted_minutes=None,
        funder="CPF", starts_on=date(2026, 9, 1), ends_on=date(2026, 12, 15))

    assert [(p.name, p.planned_minutes) for p in engagement.phases.order_by("position")] == \
        factories.SKILLS_ASSESSMENT_PHASES
    assert engagement.contracted_minutes == 24 * 60
    assert (engagement.notice_hours, engagement.buffer_minutes) == (48, 5)
    assert list(ActionItem.objects.filter(engagement=engagement)
                .values_list("title", flat=True)) == ["Fill in the CV"]
    assert engagement.coach_links.get().lead
    assert LearningEvent.objects.filter(verb=Verb.ENROLLED, context__engagement=engagement.pk,
                                        actor=sophie).exists()


def test_later_changes_to_the_type_leave_open_engagements_alone(organisation, sophie, karim,
                                                                lea, bilan):
    engagement = services.open_engagement(organisation, by=sophie, engagement_type=bilan,
                                          beneficiary=lea, coaches=[karim])
    services.update_phase_template(bilan.phases.first(), by=sophie, name="Renamed",
                                   planned_minutes=1)
    assert engagement.phases.order_by("position").first().name == "Preliminary"


def test_a_coach_opens_an_engagement_they_coach_but_not_one_for_another_coach(
        organisation, karim, lea, bilan):
    other_coach = member(organisation, "coach")
    engagement = services.open_engagement(organisation, by=karim, engagement_type=bilan,
                                          beneficiary=lea, coaches=[karim, other_coach])
    assert set(engagement.coaches.all()) == {karim, other_coach}
    with pytest.raises(NotAllowed):
        services.open_engagement(organisation, by=karim, engagement_type=bilan,
                                 beneficiary=lea, coaches=[other_coach])


def test_a_learner_cannot_open_an_engagement(organisation, lea, karim, bilan):
    with pytest.raises(NotAllowed):
        services.open_engagement(organisation, by=lea, engagement_type=bilan,
                                 beneficiary=lea, coaches=[karim])


def test_the_beneficiary_must_be_a_member_and_the_coaches_coaches(organisation, sophie, karim,
                                                                  lea, oscar, bilan):
    with pytest.raises(services.NotAMember):
        services.open_engagement(organisation, by=sophie, engagement_type=bilan,
                                 beneficiary=oscar, coaches=[karim])
    with pytest.raises(services.NotACoach):
        services.open_engagement(organisation, by=sophie, engagement_type=bilan,
                                 beneficiary=lea, coaches=[sophie])
    with pytest.raises(services.CoachRequired):
        services.open_engagement(organisation, by=sophie, engagement_type=bilan,
                                 beneficiary=lea, coaches=[])


def test_a_type_of_another_organisation_cannot_be_used(organisation, other_organisation,
                                                       sophie, karim, lea):
    foreign = factories.engagement_type(other_organisation)
    with pytest.raises(services.OtherEngagementType):
        services.open_engagement(organisation, by=sophie, engagement_type=foreign,
                                 beneficiary=lea, coaches=[karim])


def test_an_engagement_cannot_end_before_it_starts(organisation, sophie, karim, lea, bilan):
    with pytest.raises(services.DatesInvalid):
        services.open_engagement(organisation, by=sophie, engagement_type=bilan,
                                 beneficiary=lea, coaches=[karim], starts_on=date(2026, 9, 1),
                                 ends_on=date(2026, 8, 1))


def test_its_coach_edits_the_engagement(organisation, karim, lea):
    engagement = factories.engagement(organisation, lea, karim)
    services.update_engagement(engagement, by=karim, objectives="Find a training",
                               contracted_minutes=30 * 60)
    engagement.refresh_from_db()
    assert (engagement.objectives, engagement.contracted_minutes) == ("Find a training", 1800)


def test_a_coach_who_does_not_coach_it_cannot_edit_it(organisation, karim, lea):
    engagement = factories.engagement(organisation, lea, karim)
    stranger = member(organisation, "coach")
    with pytest.raises(NotAllowed):
        services.update_engagement(engagement, by=stranger, title="Mine now")


def test_a_manager_assigns_and_removes_coaches_and_the_lead_passes_on(organisation, sophie,
                                                                      karim, lea):
    engagement = factories.engagement(organisation, lea, karim)
    second = member(organisation, "coach")
    services.assign_coach(engagement, second, by=sophie)
    with pytest.raises(services.AlreadyCoach):
        services.assign_coach(engagement, second, by=sophie)
    services.remove_coach(engagement, karim, by=sophie)
    assert engagement.coach_links.get().coach == second
    assert engagement.coach_links.get().lead
    with pytest.raises(services.LastCoach):
        services.remove_coach(engagement, second, by=sophie)


def test_a_coach_cannot_assign_coaches(organisation, karim, lea):
    engagement = factories.engagement(organisation, lea, karim)
    with pytest.raises(NotAllowed):
        services.assign_coach(engagement, member(organisation, "coach"), by=karim)


def test_closing_an_engagement_freezes_it(organisation, karim, lea):
    engagement = factories.engagement(organisation, lea, karim)
    services.close_engagement(engagement, by=karim)
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.CLOSED and engagement.closed_at
    with pytest.raises(services.EngagementClosed):
        services.close_engagement(engagement, by=karim)
    with pytest.raises(services.EngagementClosed):
        services.update_engagement(engagement, by=karim, title="Again")


def test_the_beneficiary_cannot_close_their_engagement(organisation, karim, lea):
    engagement = factories.engagement(organisation, lea, karim)
    with pytest.raises(NotAllowed):
        services.close_engagement(engagement, by=lea)

"""Planning campaigns: one INSERT … SELECT per run, idempotent, with pilot and holdout."""

from datetime import UTC, date, datetime, timedelta

import pytest

from parcours.accounts.tests.factories import member
from parcours.catalog.models import Programme
from parcours.core.errors import NotAllowed
from parcours.core.models import LearningEvent
from parcours.engagement import segments
from parcours.engagement.models import (
    Campaign,
    CampaignStatus,
    Notification,
    NotificationStatus,
)
from parcours.engagement.services.campaigns import (
    InvalidCampaign,
    InvalidTemplate,
    NotADraft,
    VariantSpec,
    cancel_campaign,
    create_campaign,
    create_segment,
    finish_campaign,
    launch_campaign,
    plan_campaign,
    run_due_campaigns,
)
from parcours.journeys.models import Enrolment, PathStep

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)

HELLO = {
    "fr": {"subject": "Bonjour {{ first_name }}", "body": "Prochaine étape : {{ step_title }}, "
           "pour le {{ due_date }}."},
    "en": {"subject": "Hello {{ first_name }}",
           "body": "Next: {{ step_title }}, due {{ due_date }}."},
}


def one_message(**fields) -> list[VariantSpec]:
    return [VariantSpec(name="A", weight=100, messages=HELLO, **fields)]


@pytest.fixture
def learners(organisation, lea):
    others = [member(organisation, "learner", display_name=f"Apprenant {n}") for n in range(9)]
    return [lea, *others]


@pytest.fixture
def everyone(organisation, sophie):
    return create_segment(organisation, by=sophie, name="Learners", rules={"roles": ["learner"]})


def campaign_for(organisation, sophie, segment, **fields) -> Campaign:
    fields.setdefault("variants", one_message())
    return create_campaign(organisation, by=sophie, name="Relance", segment=segment, **fields)


def test_launching_a_one_off_campaign_writes_one_planned_row_per_learner(
        organisation, sophie, karim, learners, everyone):
    campaign = campaign_for(organisation, sophie, everyone, starts_at=NOW + timedelta(hours=2))

    written = launch_campaign(campaign, by=sophie, now=NOW)

    rows = Notification.objects.filter(campaign=campaign)
    assert written == 10 == rows.count()
    assert set(rows.values_list("recipient_id", flat=True)) == {u.pk for u in learners}
    row = rows.get(recipient=learners[1])
    assert row.status == NotificationStatus.PLANNED
    assert row.kind == "campaign" and row.category == "campaigns" and row.nudge
    assert row.idempotency_key == f"campaign:{campaign.pk}:1:{learners[1].pk}"
    assert row.deliver_after == NOW + timedelta(hours=2)
    assert row.token is not None
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.RUNNING
    assert LearningEvent.objects.filter(verb="published", actor=sophie).exists()


def test_planning_again_writes_nothing_new_but_catches_newcomers(
        organisation, sophie, learners, everyone):
    campaign = campaign_for(organisation, sophie, everyone)
    launch_campaign(campaign, by=sophie, now=NOW)

    assert plan_campaign(campaign, by=sophie, now=NOW) == 0
    newcomer = member(organisation, "learner", display_name="Nina Nouvelle")
    assert plan_campaign(campaign, by=sophie, now=NOW) == 1
    assert Notification.objects.filter(campaign=campaign).count() == 11
    assert Notification.objects.filter(campaign=campaign, recipient=newcomer).exists()


def test_each_learner_reads_their_own_name_next_step_and_due_date_in_their_language(
        organisation, sophie, lea, everyone):
    programme = Programme.objects.create(organisation=organisation, title="Excel")
    enrolment = Enrolment.objects.create(organisation=organisation, programme=programme,
                                         learner=lea, start_on=date(2026, 11, 1),
                                         minutes_per_week=120)
    PathStep.objects.create(enrolment=enrolment, kind="lesson", title="Les tableaux croisés",
                            position=1, due_on=date(2026, 12, 4))
    emily = member(organisation, "learner", display_name="Emily Carter", locale="en")
    campaign = campaign_for(organisation, sophie, everyone)

    launch_campaign(campaign, by=sophie, now=NOW)

    french = Notification.objects.get(campaign=campaign, recipient=lea)
    assert french.subject == "Bonjour Léa"
    assert french.body == "Prochaine étape : Les tableaux croisés, pour le 04/12/2026."
    english = Notification.objects.get(campaign=campaign, recipient=emily)
    assert english.subject == "Hello Emily"
    assert english.body == "Next: , due ."


def test_a_language_nobody_wrote_falls_back_to_the_organisations(
        organisation, sophie, everyone):
    emily = member(organisation, "learner", display_name="Emily Carter", locale="en")
    campaign = campaign_for(organisation, sophie, everyone, variants=[VariantSpec(
        name="A", weight=100, messages={"fr": HELLO["fr"]})])

    launch_campaign(campaign, by=sophie, now=NOW)

    assert Notification.objects.get(campaign=campaign, recipient=emily).subject == "Bonjour Emily"


def test_the_holdout_gets_held_rows_that_are_counted_never_sent(organisation, sophie, everyone):
    for n in range(200):
        member(organisation, "learner", display_name=f"Personne {n}")
    campaign = campaign_for(organisation, sophie, everyone, conversion_verb="completed",
                            variants=[VariantSpec(name="A", weight=80, messages=HELLO),
                                      VariantSpec(name="Témoin", weight=20, is_holdout=True)])

    launch_campaign(campaign, by=sophie, now=NOW)

    held = Notification.objects.filter(campaign=campaign, status=NotificationStatus.HELD)
    planned = Notification.objects.filter(campaign=campaign, status=NotificationStatus.PLANNED)
    assert held.count() + planned.count() == 200
    assert 20 <= held.count() <= 60  # 20 % of 200, give or take chance
    assert set(held.values_list("variant__is_holdout", flat=True)) == {True}
    assert held.first().subject == ""


def test_a_pilot_reaches_only_its_share_of_the_segment(organisation, sophie, everyone):
    people = [member(organisation, "learner", display_name=f"P {n}") for n in range(300)]
    campaign = campaign_for(organisation, sophie, everyone, pilot_percent=10,
                            conversion_verb="completed",
                            variants=[VariantSpec(name="A", weight=50, messages=HELLO),
                                      VariantSpec(name="B", weight=50, messages=HELLO)])

    written = launch_campaign(campaign, by=sophie, now=NOW)

    expected = {u.pk for u in people if segments.bucket(
        campaign.pk, u.pk, salt=segments.SALT_PILOT) < 1000}
    assert set(Notification.objects.filter(campaign=campaign)
               .values_list("recipient_id", flat=True)) == expected
    assert written == len(expected) and 10 <= written <= 55


def test_a_weekly_campaign_plans_each_run_once_with_its_own_keys(
        organisation, sophie, learners, everyone):
    # Fridays at 10:00 in Paris: 27 November 2026 is a Friday, 09:00 UTC is 10:00 there.
    campaign = campaign_for(organisation, sophie, everyone, schedule="weekly", weekday=4,
                            hour=10)
    launch_campaign(campaign, by=sophie, now=NOW - timedelta(hours=1))
    campaign.refresh_from_db()
    assert campaign.next_run_at == NOW

    assert run_due_campaigns(now=NOW)["planned"] == 10
    assert run_due_campaigns(now=NOW)["planned"] == 0
    assert run_due_campaigns(now=NOW + timedelta(days=7))["planned"] == 10

    keys = set(Notification.objects.filter(campaign=campaign)
               .values_list("idempotency_key", flat=True))
    assert f"campaign:{campaign.pk}:1:{learners[0].pk}" in keys
    assert f"campaign:{campaign.pk}:2:{learners[0].pk}" in keys
    second = Notification.objects.get(idempotency_key=f"campaign:{campaign.pk}:2:{learners[0].pk}")
    assert second.deliver_after == NOW + timedelta(days=7)


def test_a_variant_sent_every_other_week_sits_out_the_runs_between(
        organisation, sophie, learners, everyone):
    campaign = campaign_for(organisation, sophie, everyone, schedule="weekly", weekday=4,
                            hour=10, variants=one_message(every_weeks=2))
    launch_campaign(campaign, by=sophie, now=NOW - timedelta(hours=1))

    assert run_due_campaigns(now=NOW)["planned"] == 10
    assert run_due_campaigns(now=NOW + timedelta(days=7))["planned"] == 0
    assert run_due_campaigns(now=NOW + timedelta(days=14))["planned"] == 10


def test_a_variant_send_hour_is_the_organisations_local_hour(organisation, sophie, learners,
                                                             everyone):
    campaign = campaign_for(organisation, sophie, everyone, starts_at=NOW,
                            variants=one_message(send_hour=18))

    launch_campaign(campaign, by=sophie, now=NOW)

    row = Notification.objects.filter(campaign=campaign).first()
    assert row.deliver_after == datetime(2026, 11, 27, 17, 0, tzinfo=UTC)  # 18:00 in Paris
    assert row.context["keep_time"] is True  # the policy leaves the chosen hour alone


def test_a_campaign_sent_now_lets_the_policy_choose_each_persons_hour(
        organisation, sophie, learners, everyone):
    campaign = campaign_for(organisation, sophie, everyone, conversion_verb="completed",
                            conversion_days=5)
    launch_campaign(campaign, by=sophie, now=NOW)
    row = Notification.objects.filter(campaign=campaign).first()
    assert row.context == {"campaign": campaign.pk, "conversion_verb": "completed",
                           "conversion_days": 5}


def test_cancelling_withdraws_what_was_not_sent(organisation, sophie, learners, everyone):
    campaign = campaign_for(organisation, sophie, everyone)
    launch_campaign(campaign, by=sophie, now=NOW)
    Notification.objects.filter(campaign=campaign, recipient=learners[0]).update(
        status=NotificationStatus.SENT, sent_at=NOW)

    assert cancel_campaign(campaign, by=sophie, now=NOW) == 9

    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CANCELLED
    assert list(Notification.objects.filter(campaign=campaign)
                .values_list("recipient_id", flat=True)) == [learners[0].pk]


def test_a_campaign_is_launched_once(organisation, sophie, learners, everyone):
    campaign = campaign_for(organisation, sophie, everyone)
    launch_campaign(campaign, by=sophie, now=NOW)
    with pytest.raises(NotADraft):
        launch_campaign(campaign, by=sophie, now=NOW)


def test_a_one_off_campaign_finishes_when_its_conversion_window_closes(
        organisation, sophie, learners, everyone):
    campaign = campaign_for(organisation, sophie, everyone, conversion_verb="completed",
                            conversion_days=7)
    launch_campaign(campaign, by=sophie, now=NOW)

    run_due_campaigns(now=NOW + timedelta(days=3))
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.RUNNING
    run_due_campaigns(now=NOW + timedelta(days=9))
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.FINISHED


def test_a_template_with_an_unknown_variable_is_refused(organisation, sophie, everyone):
    with pytest.raises(InvalidTemplate):
        campaign_for(organisation, sophie, everyone, variants=[VariantSpec(
            name="A", weight=100, messages={"fr": {"subject": "Hi {{ password }}", "body": "x"}})])


def test_shares_must_add_up_to_a_hundred(organisation, sophie, everyone):
    with pytest.raises(InvalidCampaign):
        campaign_for(organisation, sophie, everyone, conversion_verb="completed", variants=[
            VariantSpec(name="A", weight=50, messages=HELLO),
            VariantSpec(name="B", weight=40, messages=HELLO)])


def test_an_experiment_needs_a_conversion_goal(organisation, sophie, everyone):
    with pytest.raises(InvalidCampaign):
        campaign_for(organisation, sophie, everyone, variants=[
            VariantSpec(name="A", weight=50, messages=HELLO),
            VariantSpec(name="B", weight=50, messages=HELLO)])


def test_a_coach_cannot_compose_or_launch_a_campaign(organisation, sophie, karim, everyone):
    with pytest.raises(NotAllowed):
        campaign_for(organisation, karim, everyone)
    campaign = campaign_for(organisation, sophie, everyone)
    with pytest.raises(NotAllowed):
        launch_campaign(campaign, by=karim, now=NOW)


def test_a_manager_of_another_organisation_cannot_launch_it(organisation, sophie, oscar,
                                                            everyone):
    campaign = campaign_for(organisation, sophie, everyone)
    with pytest.raises(NotAllowed):
        launch_campaign(campaign, by=oscar, now=NOW)


def test_finishing_a_weekly_campaign_stops_its_runs_and_keeps_its_messages(
        organisation, sophie, learners, everyone):
    campaign = campaign_for(organisation, sophie, everyone, schedule="weekly", weekday=4,
                            hour=10)
    launch_campaign(campaign, by=sophie, now=NOW - timedelta(hours=1))
    run_due_campaigns(now=NOW)

    finish_campaign(campaign, by=sophie, now=NOW)

    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.FINISHED and campaign.next_run_at is None
    assert run_due_campaigns(now=NOW + timedelta(days=7))["planned"] == 0
    assert Notification.objects.filter(campaign=campaign).count() == 10


def test_a_weekly_run_keeps_its_local_hour_across_the_change_of_time(
        organisation, sophie, learners, everyone):
    # Sundays at 10:00 in Paris: 08:00 UTC in summer, 09:00 UTC after 25 October 2026.
    summer = datetime(2026, 10, 18, 7, 0, tzinfo=UTC)
    campaign = campaign_for(organisation, sophie, everyone, schedule="weekly", weekday=6,
                            hour=10)
    launch_campaign(campaign, by=sophie, now=summer)
    campaign.refresh_from_db()
    assert campaign.next_run_at == datetime(2026, 10, 18, 8, 0, tzinfo=UTC)

    run_due_campaigns(now=campaign.next_run_at)
    campaign.refresh_from_db()

    assert campaign.next_run_at == datetime(2026, 10, 25, 9, 0, tzinfo=UTC)


def test_the_scheduler_command_plans_due_runs_and_stamps_conversions(
        organisation, sophie, learners, everyone):
    from io import StringIO

    from django.core.management import call_command

    campaign = campaign_for(organisation, sophie, everyone, schedule="weekly", weekday=4,
                            hour=10)
    launch_campaign(campaign, by=sophie, now=NOW - timedelta(days=7))
    out = StringIO()

    call_command("run_due_campaigns", stdout=out)

    assert out.getvalue().startswith("1 run(s) planned (10 notifications)")


def test_a_scheduler_stopped_for_weeks_sends_one_run_not_one_per_week_missed(
        organisation, sophie, learners, everyone):
    campaign = campaign_for(organisation, sophie, everyone, schedule="weekly", weekday=4,
                            hour=10)
    launch_campaign(campaign, by=sophie, now=NOW - timedelta(days=22))

    assert run_due_campaigns(now=NOW)["runs"] == 1
    assert run_due_campaigns(now=NOW)["runs"] == 0
    campaign.refresh_from_db()
    assert campaign.runs == 1 and campaign.next_run_at == NOW + timedelta(days=7)

"""The nudges' figures: counted in the database, per kind, campaign, variant, channel and
week, with the rates managers compare."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from parcours.core.errors import NotAllowed
from parcours.core.events import record_event
from parcours.core.models import Verb
from parcours.engagement.metrics import Figures, rate
from parcours.engagement.models import Campaign, Channel, NotificationStatus, Segment, Variant
from parcours.engagement.selectors.metrics import (
    MetricsFilter,
    PeriodInvalid,
    nudge_metrics,
)
from parcours.engagement.tests.notifications_for_tests import sent

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
# A Wednesday; the period is the four weeks ending that day.
TODAY = date(2026, 11, 25)
PERIOD = MetricsFilter(start=date(2026, 10, 29), end=TODAY)


def at(day: int, hour: int = 10, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=PARIS)


def by_key(slices):
    return {item.key: item.figures for item in slices}


def test_a_rate_is_a_percentage_to_one_decimal_and_none_without_a_base():
    assert rate(1, 3) == Decimal("33.3")
    assert rate(2, 3) == Decimal("66.7")
    assert rate(0, 0) is None


def test_figures_add_up_and_give_their_rates():
    figures = Figures(sent=8, clicked=2, converted=1, opted_out=1, opened=4)
    figures.add(Figures(sent=2, clicked=1))

    assert (figures.sent, figures.clicked) == (10, 3)
    assert figures.ctr == Decimal("30.0")
    assert figures.conversion_rate == Decimal("10.0")
    assert figures.opt_out_rate == Decimal("10.0")
    assert figures.open_rate == Decimal("40.0")


def test_each_kind_counts_what_happened_to_its_notifications(sophie, lea, karim, organisation):
    sent(lea, organisation, kind="reward_quiz", at=at(20), opened_at=at(20, 11),
         clicked_at=at(20, 11), converted_at=at(21))
    sent(karim, organisation, kind="reward_quiz", at=at(20), opened_at=at(20, 12))
    sent(lea, organisation, kind="reward_quiz", at=at(21),
         status=NotificationStatus.SUPPRESSED, reason="capped")
    sent(lea, organisation, kind="step_due_soon", at=at(22), category="deadlines")

    metrics = nudge_metrics(organisation, viewer=sophie, filters=PERIOD)

    quiz = by_key(metrics.by_kind)["reward_quiz"]
    assert (quiz.planned, quiz.sent, quiz.delivered, quiz.suppressed) == (3, 2, 2, 1)
    assert (quiz.opened, quiz.clicked, quiz.converted) == (2, 1, 1)
    assert quiz.ctr == Decimal("50.0") and quiz.conversion_rate == Decimal("50.0")
    assert by_key(metrics.by_kind)["step_due_soon"].sent == 1
    assert metrics.totals.sent == 3 and metrics.totals.planned == 4


def test_suppressed_notifications_are_counted_by_reason(sophie, lea, organisation):
    for reason in ("capped", "capped", "opted_out", "already_done"):
        sent(lea, organisation, at=at(20), status=NotificationStatus.SUPPRESSED, reason=reason)

    metrics = nudge_metrics(organisation, viewer=sophie, filters=PERIOD)

    assert [(r.reason, r.count) for r in metrics.suppressed_by_reason][0] == ("capped", 2)
    assert {r.reason: r.count for r in metrics.suppressed_by_reason} == {
        "capped": 2, "opted_out": 1, "already_done": 1}


def test_an_opt_out_counts_against_what_was_sent_in_the_week_before(sophie, lea, organisation):
    sent(lea, organisation, kind="inactivity", at=at(10), category="comeback")
    sent(lea, organisation, kind="reward_quiz", at=at(20))
    with time_machine.travel(at(22)):
        record_event(lea, Verb.OPTED_OUT, ("category", "rewards"), organisation=organisation)

    metrics = nudge_metrics(organisation, viewer=sophie, filters=PERIOD)

    assert by_key(metrics.by_kind)["reward_quiz"].opted_out == 1
    assert by_key(metrics.by_kind)["inactivity"].opted_out == 0
    assert by_key(metrics.by_kind)["reward_quiz"].opt_out_rate == Decimal("100.0")


def test_weeks_start_on_monday_in_the_manager_s_time_zone_and_quiet_weeks_are_zero(
        sophie, lea, organisation):
    # Monday 23 November, 00:30 in Paris is still Sunday 23:30 in UTC: for a manager in
    # Paris it belongs to the week of the 23rd, not to the week before.
    sent(lea, organisation, at=datetime(2026, 11, 22, 23, 30, tzinfo=PARIS))
    sent(lea, organisation, at=datetime(2026, 11, 23, 0, 30, tzinfo=PARIS))

    metrics = nudge_metrics(organisation, viewer=sophie, filters=PERIOD)

    weeks = by_key(metrics.weekly)
    assert list(weeks) == ["2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16",
                           "2026-11-23"]
    assert weeks["2026-11-16"].sent == 1
    assert weeks["2026-11-23"].sent == 1
    assert weeks["2026-11-02"].sent == 0


def test_each_channel_counts_its_deliveries(sophie, lea, organisation):
    sent(lea, organisation, at=at(20), channels=(Channel.IN_APP, Channel.EMAIL),
         clicked_at=at(20, 12))
    sent(lea, organisation, at=at(21), channels=(Channel.IN_APP,))

    metrics = nudge_metrics(organisation, viewer=sophie, filters=PERIOD)

    channels = by_key(metrics.by_channel)
    assert channels["in_app"].sent == 2 and channels["in_app"].clicked == 1
    assert channels["email"].sent == 1 and channels["email"].ctr == Decimal("100.0")


def test_campaigns_and_their_variants_have_their_own_lines(sophie, lea, karim, organisation):
    segment = Segment.objects.create(organisation=organisation, name="Everyone")
    campaign = Campaign.objects.create(organisation=organisation, name="Back to school",
                                       segment=segment)
    first = Variant.objects.create(campaign=campaign, name="A")
    second = Variant.objects.create(campaign=campaign, name="B")
    sent(lea, organisation, kind="campaign", at=at(20), campaign=campaign, variant=first,
         converted_at=at(21))
    sent(karim, organisation, kind="campaign", at=at(20), campaign=campaign, variant=second)

    metrics = nudge_metrics(organisation, viewer=sophie, filters=PERIOD)

    assert by_key(metrics.by_campaign)[str(campaign.pk)].sent == 2
    variants = {item.label: item.figures for item in metrics.by_variant}
    assert variants["Back to school — A"].converted == 1
    assert variants["Back to school — B"].converted == 0
    assert metrics.experiments == [campaign]


def test_filters_narrow_every_figure(sophie, lea, organisation):
    sent(lea, organisation, kind="reward_quiz", at=at(20), channels=(Channel.EMAIL,))
    sent(lea, organisation, kind="step_due_soon", at=at(20))
    sent(lea, organisation, kind="reward_quiz", at=at(1, month=10))  # before the period

    by_kind = nudge_metrics(organisation, viewer=sophie,
                            filters=MetricsFilter(start=PERIOD.start, end=TODAY,
                                                  kind="reward_quiz"))
    by_channel = nudge_metrics(organisation, viewer=sophie,
                               filters=MetricsFilter(start=PERIOD.start, end=TODAY,
                                                     channel="in_app"))

    assert by_kind.totals.sent == 1
    assert by_channel.totals.sent == 1
    assert [item.key for item in by_channel.by_channel] == ["in_app"]


def test_another_organisation_s_notifications_never_count(sophie, oscar, other_organisation,
                                                          organisation):
    sent(oscar, other_organisation, at=at(20))

    assert nudge_metrics(organisation, viewer=sophie, filters=PERIOD).totals.planned == 0


def test_a_learner_or_a_coach_may_not_see_the_figures(lea, karim, organisation):
    for person in (lea, karim):
        with pytest.raises(NotAllowed):
            nudge_metrics(organisation, viewer=person, filters=PERIOD)


def test_a_period_that_ends_before_it_starts_is_refused(sophie, organisation):
    with pytest.raises(PeriodInvalid):
        nudge_metrics(organisation, viewer=sophie,
                      filters=MetricsFilter(start=TODAY, end=TODAY - timedelta(days=1)))


@pytest.mark.parametrize("size", [1, 40])
def test_the_figures_take_five_queries_whatever_the_volume(
        sophie, lea, karim, organisation, django_assert_num_queries, size):
    segment = Segment.objects.create(organisation=organisation, name="Everyone")
    campaign = Campaign.objects.create(organisation=organisation, name="C", segment=segment)
    variant = Variant.objects.create(campaign=campaign, name="A")
    for number in range(size):
        sent(lea if number % 2 else karim, organisation, kind=f"kind_{number % 5}",
             at=at(1 + number % 24), campaign=campaign, variant=variant,
             channels=(Channel.IN_APP, Channel.EMAIL))
        sent(lea, organisation, at=at(1 + number % 24), status=NotificationStatus.SUPPRESSED,
             reason="capped")

    # Roles, the notifications' groups, the channels, the campaigns, the variants.
    with django_assert_num_queries(5):
        nudge_metrics(organisation, viewer=sophie, filters=PERIOD)

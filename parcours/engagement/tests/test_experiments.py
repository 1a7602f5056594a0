"""Experiments: stable assignment, the z-test on known numbers, the verdict, promotion."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import translation

from parcours.accounts.tests.factories import member
from parcours.core.errors import NotAllowed
from parcours.core.events import record_event
from parcours.engagement import experiments, segments
from parcours.engagement.experiments import CannotPromote, promote_winner, results, z_test
from parcours.engagement.models import Delivery, Notification, NotificationStatus
from parcours.engagement.services.campaigns import (
    VariantSpec,
    create_campaign,
    create_segment,
    launch_campaign,
    run_due_campaigns,
)

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
TEXT = {"fr": {"subject": "Bonjour {{ first_name }}", "body": "On reprend ?"}}


@pytest.fixture
def crowd(organisation):
    return [member(organisation, "learner", display_name=f"Apprenant {n:03}")
            for n in range(120)]


@pytest.fixture
def everyone(organisation, sophie):
    return create_segment(organisation, by=sophie, name="Learners", rules={"roles": ["learner"]})


def experiment(organisation, sophie, segment, **fields):
    fields.setdefault("variants", [VariantSpec(name="A", weight=45, messages=TEXT),
                                   VariantSpec(name="B", weight=45, messages=TEXT),
                                   VariantSpec(name="Témoin", weight=10, is_holdout=True)])
    return create_campaign(organisation, by=sophie, name="Test A/B", segment=segment,
                           conversion_verb="completed", **fields)


def test_the_bucket_is_the_same_in_python_and_in_the_database(organisation, sophie, crowd,
                                                              everyone):
    campaign = experiment(organisation, sophie, everyone)
    launch_campaign(campaign, by=sophie, now=NOW)
    names = {v.pk: v.name for v in campaign.variants.all()}
    for row in Notification.objects.filter(campaign=campaign):
        bucket = segments.bucket(campaign.pk, row.recipient_id)
        expected = "A" if bucket < 4500 else "B" if bucket < 9000 else "Témoin"
        assert names[row.variant_id] == expected


def test_buckets_spread_people_evenly():
    counts = Counter(segments.bucket(42, user_id) * 10 // segments.BUCKETS
                     for user_id in range(1, 20_001))
    assert all(1800 <= count <= 2200 for count in counts.values()), counts


def test_being_in_the_pilot_says_nothing_of_the_variant():
    pairs = Counter(
        (segments.bucket(7, user_id) < 5000,
         segments.bucket(7, user_id, salt=segments.SALT_PILOT) < 5000)
        for user_id in range(1, 20_001))
    assert all(4600 <= count <= 5400 for count in pairs.values()), pairs


def test_a_variant_in_one_campaign_says_nothing_of_the_next():
    agree = sum((segments.bucket(1, user_id) < 5000) == (segments.bucket(2, user_id) < 5000)
                for user_id in range(1, 20_001))
    assert 9400 <= agree <= 10_600


def test_a_learner_stays_in_their_variant_across_runs_and_replans(
        organisation, sophie, crowd, everyone):
    campaign = experiment(organisation, sophie, everyone, schedule="weekly", weekday=4, hour=10)
    launch_campaign(campaign, by=sophie, now=NOW - timedelta(hours=1))
    run_due_campaigns(now=NOW)
    run_due_campaigns(now=NOW + timedelta(days=7))
    run_due_campaigns(now=NOW + timedelta(days=7))

    variants_per_person = {}
    for recipient, variant in Notification.objects.filter(campaign=campaign).values_list(
            "recipient_id", "variant_id"):
        variants_per_person.setdefault(recipient, set()).add(variant)
    assert len(variants_per_person) == 120
    assert all(len(variants) == 1 for variants in variants_per_person.values())
    assert Notification.objects.filter(campaign=campaign).count() == 240


def test_the_z_test_matches_known_numbers():
    # 200 of 1000 against 250 of 1000: pooled 22.5 %, z = 0.05 / 0.018675 = 2.677.
    z, p_value = z_test(200, 1000, 250, 1000)
    assert z == pytest.approx(2.6774, abs=1e-3)
    assert p_value == pytest.approx(0.00742, abs=1e-4)
    # Unpooled: 0.05 ± 1.96 × √(0.2 × 0.8 / 1000 + 0.25 × 0.75 / 1000) = 0.05 ± 0.03654.
    low, high = experiments.difference_interval(200, 1000, 250, 1000)
    assert (low, high) == (pytest.approx(0.01346, abs=1e-4), pytest.approx(0.08654, abs=1e-4))
    assert experiments.wilson(200, 1000) == (pytest.approx(0.1764, abs=1e-3),
                                             pytest.approx(0.2259, abs=1e-3))


def test_no_difference_gives_no_evidence():
    assert z_test(100, 1000, 100, 1000) == (0.0, 1.0)


def fake_results(converted_a, converted_b, notified=1000):
    def result(name, converted):
        variant = experiments.Variant(name=name)
        return experiments.VariantResult(
            variant=variant, planned=notified, notified=notified, delivered=notified,
            opened=0, clicked=0, converted=converted, opted_out=0, revenue_cents=0)
    return [result("A", converted_a), result("B", converted_b)]


def test_the_verdict_names_the_winner_the_gain_and_the_confidence():
    with translation.override("en"):
        comparison = experiments._choose(fake_results(200, 241))
        assert experiments.verdict(comparison) == (
            "B raises conversion by 4.1 points over A, 95 % confidence.")
        assert experiments.verdict(experiments._choose(fake_results(200, 300))).endswith(
            "99 % confidence.")


def test_the_verdict_says_when_nothing_is_significant_yet():
    with translation.override("en"):
        assert experiments.verdict(experiments._choose(fake_results(200, 210))) == (
            "No significant difference yet.")


def test_the_verdict_is_translated():
    with translation.override("fr"):
        text = experiments.verdict(experiments._choose(fake_results(200, 241)))
    assert "4,1" in text


def test_results_count_each_variant_and_measure_the_holdout(organisation, sophie, crowd,
                                                            everyone):
    campaign = experiment(organisation, sophie, everyone)
    launch_campaign(campaign, by=sophie, now=NOW)
    rows = Notification.objects.filter(campaign=campaign)
    rows.filter(status=NotificationStatus.PLANNED).update(status=NotificationStatus.SENT,
                                                          sent_at=NOW)
    a = campaign.variants.get(name="A")
    a_rows = list(rows.filter(variant=a).order_by("pk"))
    for row in a_rows[:10]:
        Delivery.objects.create(notification=row, channel="in_app", status="sent")
    Notification.objects.filter(pk__in=[r.pk for r in a_rows[:6]]).update(
        opened_at=NOW, clicked_at=NOW, converted_at=NOW + timedelta(days=1))
    with time_machine.travel(NOW + timedelta(days=2)):
        record_event(a_rows[0].recipient, "opted-out", ("engagement.category", "campaigns"),
                     organisation=organisation)

    outcome = results(campaign)

    by_name = {r.name: r for r in outcome.variants}
    assert by_name["A"].notified == len(a_rows)
    assert by_name["A"].delivered == 10
    assert by_name["A"].clicked == by_name["A"].converted == 6
    assert by_name["A"].opted_out == 1
    assert by_name["Témoin"].notified == rows.filter(status=NotificationStatus.HELD).count()
    assert by_name["Témoin"].delivered == 0
    assert by_name["A"].ctr == experiments._percent(6, len(a_rows))
    assert not outcome.shows_revenue


def test_revenue_per_notified_learner_reads_the_paid_enrolment(organisation, sophie, crowd,
                                                               everyone):
    campaign = create_campaign(organisation, by=sophie, name="Inscriptions", segment=everyone,
                               conversion_verb="enrolled",
                               variants=[VariantSpec(name="A", weight=100, messages=TEXT)])
    launch_campaign(campaign, by=sophie, now=NOW)
    rows = Notification.objects.filter(campaign=campaign)
    rows.update(status=NotificationStatus.SENT, sent_at=NOW)
    buyers = list(rows.order_by("pk")[:3])
    for row, cents in zip(buyers, (12_900, 12_900, 4_900), strict=True):
        event = record_event(row.recipient, "enrolled", ("catalog.programme", 1),
                             organisation=organisation, context={"amount_cents": cents})
        Notification.objects.filter(pk=row.pk).update(converted_at=event.occurred_at)

    outcome = results(campaign)

    assert outcome.shows_revenue
    assert outcome.variants[0].revenue_cents == 30_700
    assert outcome.variants[0].revenue_per_notified_cents == round(30_700 / 120)


def test_promoting_the_winner_sends_it_to_the_rest_of_the_segment(
        organisation, sophie, crowd, everyone):
    campaign = experiment(organisation, sophie, everyone, pilot_percent=20)
    pilot = launch_campaign(campaign, by=sophie, now=NOW)
    b = campaign.variants.get(name="B")

    written = promote_winner(campaign, b, by=sophie, now=NOW + timedelta(days=8))

    assert pilot + written == 120
    rest = Notification.objects.filter(campaign=campaign, created_at=NOW + timedelta(days=8))
    assert rest.count() == written > 60
    assert set(rest.values_list("variant__name", flat=True)) == {"B"}
    campaign.refresh_from_db()
    assert campaign.promoted_variant == b
    with pytest.raises(CannotPromote):
        promote_winner(campaign, b, by=sophie)


def test_the_holdout_cannot_be_promoted(organisation, sophie, crowd, everyone):
    campaign = experiment(organisation, sophie, everyone, pilot_percent=20)
    launch_campaign(campaign, by=sophie, now=NOW)
    with pytest.raises(CannotPromote):
        promote_winner(campaign, campaign.variants.get(is_holdout=True), by=sophie)


def test_a_coach_cannot_promote(organisation, sophie, karim, crowd, everyone):
    campaign = experiment(organisation, sophie, everyone, pilot_percent=20)
    launch_campaign(campaign, by=sophie, now=NOW)
    with pytest.raises(NotAllowed):
        promote_winner(campaign, campaign.variants.get(name="A"), by=karim)


def test_results_take_two_queries_whatever_the_number_of_notifications(
        organisation, sophie, crowd, everyone, django_assert_num_queries):
    campaign = experiment(organisation, sophie, everyone)
    launch_campaign(campaign, by=sophie, now=NOW)
    with django_assert_num_queries(2):
        results(campaign)

"""Conversions are stamped from learning events, set-based, within each goal's window."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from parcours.accounts.tests.factories import member
from parcours.core.events import record_event
from parcours.engagement.conversions import stamp_conversions
from parcours.engagement.models import Notification, NotificationStatus
from parcours.engagement.services.campaigns import (
    VariantSpec,
    create_campaign,
    create_segment,
    launch_campaign,
)

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
TEXT = {"fr": {"subject": "Bonjour", "body": "On reprend ?"}}


@pytest.fixture
def sent(organisation, sophie, lea):
    """A campaign with the goal `completed` in 3 days, sent to Léa and Bruno at NOW."""
    bruno = member(organisation, "learner", display_name="Bruno Petit")
    segment = create_segment(organisation, by=sophie, name="Learners",
                             rules={"roles": ["learner"]})
    campaign = create_campaign(organisation, by=sophie, name="Relance", segment=segment,
                               conversion_verb="completed", conversion_days=3,
                               variants=[VariantSpec(name="A", weight=100, messages=TEXT)])
    launch_campaign(campaign, by=sophie, now=NOW)
    Notification.objects.filter(campaign=campaign).update(status=NotificationStatus.SENT,
                                                          sent_at=NOW)
    return {"lea": Notification.objects.get(campaign=campaign, recipient=lea),
            "bruno": Notification.objects.get(campaign=campaign, recipient=bruno)}


def at(moment, user, verb, organisation, object=("journeys.pathstep", 7)):
    with time_machine.travel(moment):
        return record_event(user, verb, object, organisation=organisation)


def test_the_goal_within_the_window_converts_the_notification(organisation, sent):
    lea = sent["lea"].recipient
    event = at(NOW + timedelta(days=1), lea, "completed", organisation)
    at(NOW + timedelta(days=2), lea, "completed", organisation)

    assert stamp_conversions(now=NOW + timedelta(days=2, hours=1)) == 1

    sent["lea"].refresh_from_db()
    sent["bruno"].refresh_from_db()
    assert sent["lea"].converted_at == event.occurred_at  # the first one
    assert sent["bruno"].converted_at is None


def test_another_verb_or_a_late_goal_does_not_convert(organisation, sent):
    at(NOW + timedelta(days=1), sent["lea"].recipient, "launched", organisation)
    at(NOW + timedelta(days=4), sent["bruno"].recipient, "completed", organisation)

    assert stamp_conversions(now=NOW + timedelta(days=4, hours=1)) == 0


def test_a_goal_in_another_organisation_does_not_count(organisation, other_organisation, sent):
    at(NOW + timedelta(days=1), sent["lea"].recipient, "completed", other_organisation)
    assert stamp_conversions(now=NOW + timedelta(days=2)) == 0


def test_stamping_twice_changes_nothing(organisation, sent):
    at(NOW + timedelta(days=1), sent["lea"].recipient, "completed", organisation)
    assert stamp_conversions(now=NOW + timedelta(days=2)) == 1
    assert stamp_conversions(now=NOW + timedelta(days=2)) == 0


def test_a_goal_object_must_match_when_the_campaign_names_one(organisation, sophie, lea):
    segment = create_segment(organisation, by=sophie, name="L", rules={"roles": ["learner"]})
    campaign = create_campaign(organisation, by=sophie, name="Excel", segment=segment,
                               conversion_verb="enrolled",
                               conversion_object="catalog.programme:12",
                               variants=[VariantSpec(name="A", weight=100, messages=TEXT)])
    launch_campaign(campaign, by=sophie, now=NOW)
    Notification.objects.filter(campaign=campaign).update(status=NotificationStatus.SENT,
                                                          sent_at=NOW)
    at(NOW + timedelta(hours=1), lea, "enrolled", organisation, ("catalog.programme", 13))
    assert stamp_conversions(now=NOW + timedelta(days=1)) == 0
    at(NOW + timedelta(hours=2), lea, "enrolled", organisation, ("catalog.programme", 12))
    assert stamp_conversions(now=NOW + timedelta(days=1)) == 1


def test_the_holdout_converts_from_when_it_would_have_been_sent(organisation, sophie, lea):
    segment = create_segment(organisation, by=sophie, name="L", rules={"roles": ["learner"]})
    campaign = create_campaign(organisation, by=sophie, name="Témoin", segment=segment,
                               conversion_verb="completed", starts_at=NOW,
                               variants=[VariantSpec(name="A", weight=0, messages=TEXT),
                                         VariantSpec(name="T", weight=100, is_holdout=True)])
    launch_campaign(campaign, by=sophie, now=NOW)
    held = Notification.objects.get(campaign=campaign, recipient=lea)
    assert held.status == NotificationStatus.HELD
    at(NOW + timedelta(days=1), lea, "completed", organisation)

    assert stamp_conversions(now=NOW + timedelta(days=2)) == 1

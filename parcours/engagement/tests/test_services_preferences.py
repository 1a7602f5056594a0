"""Léa chooses what reaches her, on which channel, when she is left alone, and whether
low-priority emails come grouped. Nobody else can choose for her."""

import pytest
from django.test.utils import override_settings

from parcours.core.errors import NotAllowed
from parcours.core.models import LearningEvent, Verb
from parcours.engagement.models import (
    Category,
    DigestFrequency,
    NotificationPreference,
    NotificationSchedule,
)
from parcours.engagement.models.push import PushSubscription
from parcours.engagement.services.preferences import (
    InvalidPreference,
    accepted_channels,
    opt_out,
    preferences_of,
    save_preferences,
    set_digest,
    set_preference,
    set_quiet_hours,
    update_sending_rules,
)
from parcours.engagement.timing import engagement_settings_for


def opt_outs(person):
    return list(LearningEvent.objects.filter(actor=person, verb=Verb.OPTED_OUT)
                .values_list("object_id", "context"))


def test_someone_who_never_chose_gets_the_defaults(lea):
    preferences = preferences_of(lea)

    assert accepted_channels(lea, Category.SCHEDULE) == ["in_app", "email"]
    assert accepted_channels(lea, Category.REWARDS) == ["in_app"]
    assert preferences.enabled(Category.REWARDS, "push")
    assert not preferences.effective(Category.REWARDS, "push")  # no device yet
    assert (preferences.quiet_hours_start, preferences.quiet_hours_end) == (21, 8)
    assert preferences.quiet_hours_are_default
    assert preferences.digest == DigestFrequency.NONE
    assert not NotificationPreference.objects.exists()


@override_settings(QUIET_HOURS_START=22, QUIET_HOURS_END=7)
def test_the_default_quiet_hours_come_from_the_settings(lea):
    preferences = preferences_of(lea)

    assert (preferences.quiet_hours_start, preferences.quiet_hours_end) == (22, 7)


def test_push_reaches_lea_once_one_of_her_devices_subscribed(lea):
    PushSubscription.objects.create(user=lea, endpoint="https://push.example.org/lea",
                                    p256dh="key", auth="secret")

    assert accepted_channels(lea, Category.REWARDS) == ["in_app", "push"]


def test_turning_a_channel_off_keeps_one_row_and_records_the_opt_out(lea, organisation):
    changed = set_preference(lea, Category.REWARDS, "in_app", enabled=False, by=lea)

    assert changed
    assert accepted_channels(lea, Category.REWARDS) == []
    assert NotificationPreference.objects.filter(user=lea).count() == 1
    assert opt_outs(lea) == [("rewards", {"category": "rewards", "channels": ["in_app"]})]


def test_going_back_to_the_default_removes_the_row(lea):
    set_preference(lea, Category.REWARDS, "email", enabled=True, by=lea)
    set_preference(lea, Category.REWARDS, "email", enabled=False, by=lea)

    assert not NotificationPreference.objects.filter(user=lea).exists()
    assert accepted_channels(lea, Category.REWARDS) == ["in_app"]


def test_choosing_what_is_already_the_case_changes_nothing(lea):
    assert not set_preference(lea, Category.SCHEDULE, "email", enabled=True, by=lea)
    assert not LearningEvent.objects.filter(verb=Verb.OPTED_OUT).exists()


def test_the_unsubscribe_link_stops_a_category_on_every_channel(lea, organisation):
    switched = opt_out(lea, Category.DEADLINES)

    assert switched == ["in_app", "email", "push"]
    assert accepted_channels(lea, Category.DEADLINES) == []
    event = LearningEvent.objects.get(verb=Verb.OPTED_OUT)
    assert (event.actor, event.organisation, event.object_type, event.object_id) == (
        lea, organisation, "engagement.category", "deadlines")


def test_the_unsubscribe_link_can_stop_email_only(lea):
    opt_out(lea, Category.DEADLINES, channel="email")

    assert accepted_channels(lea, Category.DEADLINES) == ["in_app"]


def test_unsubscribing_twice_records_one_opt_out(lea):
    opt_out(lea, Category.DEADLINES, channel="email")
    assert opt_out(lea, Category.DEADLINES, channel="email") == []

    assert len(opt_outs(lea)) == 1


def test_lea_sets_her_own_quiet_hours(lea):
    set_quiet_hours(lea, start=22, end=6, by=lea)

    preferences = preferences_of(lea)
    assert (preferences.quiet_hours_start, preferences.quiet_hours_end) == (22, 6)
    assert not preferences.quiet_hours_are_default


def test_choosing_the_default_quiet_hours_follows_the_default_again(lea):
    set_quiet_hours(lea, start=22, end=6, by=lea)
    set_quiet_hours(lea, start=21, end=8, by=lea)

    assert preferences_of(lea).quiet_hours_are_default
    assert not NotificationSchedule.objects.filter(user=lea).exists()


@pytest.mark.parametrize(("start", "end"), [(22, None), (24, 6), (-1, 6), (7, 7)])
def test_quiet_hours_that_make_no_sense_are_refused(lea, start, end):
    with pytest.raises(InvalidPreference):
        set_quiet_hours(lea, start=start, end=end, by=lea)


def test_lea_chooses_a_weekly_digest(lea):
    set_digest(lea, DigestFrequency.WEEKLY, by=lea)

    assert preferences_of(lea).digest == "weekly"


def test_an_unknown_digest_frequency_is_refused(lea):
    with pytest.raises(InvalidPreference):
        set_digest(lea, "hourly", by=lea)


@pytest.mark.parametrize(("category", "channel"), [("gossip", "email"), ("rewards", "fax"),
                                                  ("rewards", "digest")])
def test_an_unknown_category_or_channel_is_refused(lea, category, channel):
    with pytest.raises(InvalidPreference):
        set_preference(lea, category, channel, enabled=False, by=lea)


def test_saving_everything_at_once_is_all_or_nothing(lea):
    with pytest.raises(InvalidPreference):
        save_preferences(lea, choices={(Category.REWARDS, "in_app"): False},
                         quiet_hours=(22, 6), digest="hourly", by=lea)

    preferences = preferences_of(lea)
    assert preferences.enabled(Category.REWARDS, "in_app")
    assert preferences.quiet_hours_are_default


def test_saving_everything_records_one_opt_out_per_category(lea):
    save_preferences(lea, choices={(Category.REWARDS, "in_app"): False,
                                   (Category.REWARDS, "push"): False,
                                   (Category.RECAP, "email"): False,
                                   (Category.SCHEDULE, "email"): True},
                     quiet_hours=(21, 8), digest=DigestFrequency.DAILY, by=lea)

    assert sorted(opt_outs(lea)) == [
        ("recap", {"category": "recap", "channels": ["email"]}),
        ("rewards", {"category": "rewards", "channels": ["in_app", "push"]}),
    ]


@pytest.mark.parametrize("change", [
    lambda lea, other: set_preference(lea, Category.REWARDS, "email", enabled=True, by=other),
    lambda lea, other: opt_out(lea, Category.REWARDS, by=other),
    lambda lea, other: set_quiet_hours(lea, start=22, end=6, by=other),
    lambda lea, other: set_digest(lea, DigestFrequency.DAILY, by=other),
    lambda lea, other: save_preferences(lea, choices={}, quiet_hours=(None, None),
                                        digest="none", by=other),
])
def test_nobody_else_changes_lea_s_settings_not_even_her_manager(lea, sophie, oscar, change):
    for other in (sophie, oscar):
        with pytest.raises(NotAllowed):
            change(lea, other)

    assert not NotificationPreference.objects.exists()
    assert not NotificationSchedule.objects.exists()


# --- The organisation's sending rules ---------------------------------------------------


def test_sophie_sets_her_organisation_s_sending_rules(sophie, organisation):
    update_sending_rules(organisation, default_send_hour=9, nudges_per_week=3,
                         backoff_after=4, by=sophie)

    rules = engagement_settings_for(organisation)
    assert (rules.default_send_hour, rules.nudges_per_week, rules.backoff_after) == (9, 3, 4)


def test_an_organisation_that_never_chose_follows_the_settings(organisation, settings):
    settings.NUDGES_PER_WEEK = 5

    rules = engagement_settings_for(organisation)

    assert (rules.default_send_hour, rules.nudges_per_week, rules.backoff_after) == (18, 5, 3)
    assert rules.pk is None


@pytest.mark.parametrize("values", [
    {"default_send_hour": 24, "nudges_per_week": 2, "backoff_after": 3},
    {"default_send_hour": 9, "nudges_per_week": 70, "backoff_after": 3},
    {"default_send_hour": 9, "nudges_per_week": 2, "backoff_after": 0},
])
def test_sending_rules_out_of_bounds_are_refused(sophie, organisation, values):
    with pytest.raises(InvalidPreference):
        update_sending_rules(organisation, by=sophie, **values)

    assert engagement_settings_for(organisation).pk is None


def test_only_people_who_manage_nudges_set_the_sending_rules(lea, karim, oscar, organisation):
    for person in (lea, karim, oscar):
        with pytest.raises(NotAllowed):
            update_sending_rules(organisation, default_send_hour=9, nudges_per_week=3,
                                 backoff_after=4, by=person)

    assert engagement_settings_for(organisation).pk is None

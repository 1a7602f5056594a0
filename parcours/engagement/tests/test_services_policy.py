"""The policy decides, for each planned message, whether it goes now, later or never,
and on which channels; each rule in the order the dispatcher relies on.

Léa lives in Paris. Unless a story says otherwise it is Thursday 26 November 2026,
18:10 in Paris (17:10 UTC): outside her quiet hours, at the organisation's default
sending hour, with nothing sent to her yet.

Every story runs twice: asking `decide` for the one notification, and `decide_many` for
a batch of it, which must come to the same decision.
"""

import itertools
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from parcours.accounts.tests.factories import member
from parcours.core.models import LearningEvent, Verb
from parcours.engagement.kinds import Kind, register_kind
from parcours.engagement.models import (
    DEFAULT_SEND_HOUR,
    Category,
    DigestFrequency,
    EngagementSettings,
    Notification,
    NotificationSchedule,
    NotificationStatus,
)
from parcours.engagement.models.push import PushSubscription
from parcours.engagement.services import policy
from parcours.engagement.services.policy import Decision
from parcours.engagement.services.preferences import set_digest, set_preference

NOW = datetime(2026, 11, 26, 17, 10, tzinfo=UTC)
_keys = itertools.count()

NUDGE = register_kind(Kind(
    name="policy_story_nudge", category=Category.DEADLINES, nudge=True, priority=50,
    subject="Step due", body="Your step is due.",
    still_relevant=lambda notification: not notification.context.get("done"),
))
NOTICE = register_kind(Kind(
    name="policy_story_notice", category=Category.SCHEDULE, nudge=False, priority=70,
    subject="Session moved", body="Your session moved.",
))


_asked = {"in_a_batch": False}


def decide(notification: Notification, *, now: datetime) -> Decision:
    if _asked["in_a_batch"]:
        fresh = Notification.objects.select_related("recipient", "organisation").get(
            pk=notification.pk)
        return policy.decide_many([fresh], now=now)[0]
    return policy.decide(notification, now=now)


@pytest.fixture(autouse=True, params=["one by one", "in a batch"])
def asked(request):
    _asked["in_a_batch"] = request.param == "in a batch"
    yield request.param
    _asked["in_a_batch"] = False


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def planned(person, organisation, *, kind: Kind = NUDGE, **fields) -> Notification:
    values = {
        "kind": kind.name, "category": kind.category, "nudge": kind.nudge,
        "urgent": kind.urgent, "priority": kind.priority, "subject": "s", "body": "b",
        "idempotency_key": f"policy-story:{next(_keys)}", "created_at": NOW,
        "deliver_after": NOW,
    }
    values.update(fields)
    return Notification.objects.create(organisation=organisation, recipient=person, **values)


def sent(person, organisation, *, ago: timedelta, kind: Kind = NUDGE, **fields) -> Notification:
    at = NOW - ago
    return planned(person, organisation, kind=kind, status=NotificationStatus.SENT,
                   sent_at=at, created_at=at, deliver_after=at, **fields)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- 1. Relevance ---------------------------------------------------------------------


def test_a_reminder_for_a_step_lea_already_did_is_not_sent(lea, organisation):
    notification = planned(lea, organisation, context={"done": True})

    assert decide(notification, now=NOW) == Decision("suppress", reason="already_done")


def test_relevance_is_looked_at_before_anything_else(lea, organisation):
    set_preference(lea, Category.DEADLINES, "in_app", enabled=False, by=lea)
    set_preference(lea, Category.DEADLINES, "email", enabled=False, by=lea)
    notification = planned(lea, organisation, context={"done": True})

    assert decide(notification, now=NOW).reason == "already_done"


# --- 2. Opt-out -----------------------------------------------------------------------


def test_lea_switched_a_category_off_everywhere_and_gets_nothing_of_it(lea, organisation):
    set_preference(lea, Category.DEADLINES, "in_app", enabled=False, by=lea)
    set_preference(lea, Category.DEADLINES, "email", enabled=False, by=lea)

    assert decide(planned(lea, organisation), now=NOW) == Decision("suppress",
                                                                   reason="opted_out")


def test_switching_email_off_leaves_the_message_in_the_app(lea, organisation):
    set_preference(lea, Category.DEADLINES, "email", enabled=False, by=lea)

    assert decide(planned(lea, organisation), now=NOW) == Decision("send", channels=("in_app",))


# --- 3. Back-off ----------------------------------------------------------------------


def ignored_three(person, organisation):
    # Ten, nine and eight days ago: outside the weekly cap's window.
    return [sent(person, organisation, ago=timedelta(days=days)) for days in (10, 9, 8)]


def test_after_three_ignored_nudges_the_engine_backs_off_and_tells_karim_once(
        lea, karim, sophie, organisation):
    ignored_three(lea, organisation)

    first = decide(planned(lea, organisation), now=NOW)
    second = decide(planned(lea, organisation), now=NOW + timedelta(hours=1))

    assert first == second == Decision("suppress", reason="backing_off")
    alerts = Notification.objects.filter(kind="coach_backoff_alert")
    assert [(a.recipient, a.category, a.nudge) for a in alerts] == [
        (karim, Category.COACH_ALERTS, False)]
    assert alerts.get().context == {"learner": lea.pk}


def test_the_coach_of_lea_s_coaching_engagement_is_the_one_told(lea, karim, organisation):
    from datetime import date

    from parcours.coaching.models import Engagement, EngagementCoach, EngagementType

    nadia = member(organisation, "coach", display_name="Nadia Roux")
    engagement_type = EngagementType.objects.create(organisation=organisation,
                                                    name="Bilan de compétences")
    engagement = Engagement.objects.create(
        organisation=organisation, engagement_type=engagement_type, beneficiary=lea,
        title="Bilan de Léa", contracted_minutes=24 * 60, starts_on=date(2026, 9, 1))
    EngagementCoach.objects.create(engagement=engagement, coach=nadia, lead=True)
    ignored_three(lea, organisation)

    decide(planned(lea, organisation), now=NOW)

    assert list(Notification.objects.filter(kind="coach_backoff_alert")
                .values_list("recipient", flat=True)) == [nadia.pk]


@pytest.mark.parametrize("reaction", ["opened_at", "clicked_at", "read_at"])
def test_a_nudge_opened_clicked_or_read_in_the_app_breaks_the_streak(lea, karim, organisation,
                                                                     reaction):
    first, _second, _third = ignored_three(lea, organisation)
    Notification.objects.filter(pk=first.pk).update(**{reaction: first.sent_at})

    assert decide(planned(lea, organisation), now=NOW).action == "send"
    assert not Notification.objects.filter(kind="coach_backoff_alert").exists()


def test_coming_back_without_the_link_ends_the_back_off(lea, karim, organisation):
    ignored_three(lea, organisation)
    LearningEvent.objects.create(actor=lea, verb=Verb.COMPLETED, object_type="journeys.pathstep",
                                 object_id="7", organisation=organisation,
                                 occurred_at=NOW - timedelta(days=2))

    assert decide(planned(lea, organisation), now=NOW).action == "send"


def test_transactional_messages_go_on_during_a_back_off(lea, karim, organisation):
    ignored_three(lea, organisation)

    assert decide(planned(lea, organisation, kind=NOTICE), now=NOW).action == "send"


# --- 4. Weekly cap --------------------------------------------------------------------


def test_a_third_nudge_in_a_week_waits_until_the_oldest_leaves_the_week(lea, organisation):
    oldest = sent(lea, organisation, ago=timedelta(days=5))
    sent(lea, organisation, ago=timedelta(days=1))

    decision = decide(planned(lea, organisation), now=NOW)

    assert decision == Decision("defer", until=oldest.sent_at + timedelta(days=7))


def test_a_third_nudge_that_would_be_stale_by_then_is_dropped(lea, organisation):
    sent(lea, organisation, ago=timedelta(days=1))
    sent(lea, organisation, ago=timedelta(hours=3))

    assert decide(planned(lea, organisation), now=NOW) == Decision("suppress", reason="capped")


def test_the_organisation_sets_its_own_cap(lea, organisation):
    EngagementSettings.objects.create(organisation=organisation, nudges_per_week=3)
    sent(lea, organisation, ago=timedelta(days=1), context={"path_step": 1})
    sent(lea, organisation, ago=timedelta(hours=3), context={"path_step": 2})

    third = planned(lea, organisation, context={"path_step": 3})

    assert decide(third, now=NOW).action == "send"


def test_transactional_messages_are_not_capped(lea, organisation):
    sent(lea, organisation, ago=timedelta(days=1))
    sent(lea, organisation, ago=timedelta(hours=3))

    assert decide(planned(lea, organisation, kind=NOTICE), now=NOW).action == "send"


def test_with_one_place_left_the_more_important_nudge_takes_it(lea, organisation):
    sent(lea, organisation, ago=timedelta(days=2))
    important = planned(lea, organisation, priority=80)
    minor = planned(lea, organisation, priority=20)

    assert decide(minor, now=NOW) == Decision("suppress", reason="capped")
    assert decide(important, now=NOW).action == "send"


def test_a_full_week_drops_a_nudge_when_a_more_important_one_waits_for_the_place(
        lea, organisation):
    sent(lea, organisation, ago=timedelta(days=6))
    sent(lea, organisation, ago=timedelta(days=5))
    planned(lea, organisation, priority=80, deliver_after=NOW + timedelta(days=1))

    assert decide(planned(lea, organisation, priority=20), now=NOW).reason == "capped"


def test_two_nudges_due_together_for_the_last_place_make_one_message(lea, organisation):
    # The dispatcher marks its batch sent at the end: the policy counts the nudge it
    # takes first as already sent.
    sent(lea, organisation, ago=timedelta(days=6))
    first = planned(lea, organisation, context={"path_step": 1})
    second = planned(lea, organisation, context={"path_step": 2})

    assert decide(first, now=NOW).action == "send"
    assert decide(second, now=NOW) == Decision("defer", until=NOW + timedelta(days=1))


def test_the_dispatcher_sends_the_most_important_nudge_when_one_place_is_left(
        lea, organisation):
    from parcours.engagement.services.dispatch import dispatch_due

    sent(lea, organisation, ago=timedelta(days=2))
    minor = planned(lea, organisation, priority=20, context={"path_step": 1})
    important = planned(lea, organisation, priority=80, context={"path_step": 2})

    dispatch_due(now=NOW)

    minor.refresh_from_db()
    important.refresh_from_db()
    assert (important.status, minor.status, minor.suppressed_reason) == (
        NotificationStatus.SENT, NotificationStatus.SUPPRESSED, "capped")


# --- 5. Deduplication -----------------------------------------------------------------


def test_the_same_reminder_about_the_same_step_is_sent_once(lea, organisation):
    sent(lea, organisation, ago=timedelta(hours=2), kind=NOTICE, context={"session": 4})

    again = planned(lea, organisation, kind=NOTICE, context={"session": 4})
    other = planned(lea, organisation, kind=NOTICE, context={"session": 5})

    assert decide(again, now=NOW) == Decision("suppress", reason="duplicate")
    assert decide(other, now=NOW).action == "send"


def test_the_same_reminder_a_day_later_is_no_duplicate(lea, organisation):
    sent(lea, organisation, ago=timedelta(hours=25), kind=NOTICE, context={"session": 4})

    assert decide(planned(lea, organisation, kind=NOTICE, context={"session": 4}),
                  now=NOW).action == "send"


# --- 6. Quiet hours -------------------------------------------------------------------


@pytest.mark.parametrize(("planned_at", "morning"), [
    # 23:30 in Paris on Saturday 28 March 2026 (UTC+1); clocks spring forward that night,
    # so 08:00 on Sunday is 06:00 UTC.
    (utc(2026, 3, 28, 22, 30), utc(2026, 3, 29, 6, 0)),
    # 23:30 in Paris on Sunday 29 March (now UTC+2) → 08:00 on Monday, 06:00 UTC.
    (utc(2026, 3, 29, 21, 30), utc(2026, 3, 30, 6, 0)),
    # 23:30 on Saturday 24 October 2026 (UTC+2); clocks fall back that night, so 08:00 on
    # Sunday is 07:00 UTC.
    (utc(2026, 10, 24, 21, 30), utc(2026, 10, 25, 7, 0)),
    # 23:30 on Sunday 25 October (now UTC+1) → 08:00 on Monday, 07:00 UTC.
    (utc(2026, 10, 25, 22, 30), utc(2026, 10, 26, 7, 0)),
])
def test_a_nudge_planned_late_at_night_waits_for_eight_the_next_morning_across_dst(
        lea, organisation, frozen, planned_at, morning):
    frozen.move_to(planned_at)
    notification = planned(lea, organisation, created_at=planned_at, deliver_after=planned_at)

    assert decide(notification, now=planned_at) == Decision("defer", until=morning)


def test_a_transactional_message_respects_quiet_hours_too(lea, organisation):
    night = utc(2026, 11, 26, 4, 0)  # 05:00 in Paris

    decision = decide(planned(lea, organisation, kind=NOTICE), now=night)

    assert decision == Decision("defer", until=utc(2026, 11, 26, 7, 0))


def test_an_urgent_message_goes_through_quiet_hours(lea, organisation):
    night = utc(2026, 11, 26, 22, 30)  # 23:30 in Paris

    decision = decide(planned(lea, organisation, kind=NOTICE, urgent=True), now=night)

    assert decision.action == "send"


def test_lea_s_own_quiet_hours_replace_the_defaults(lea, organisation):
    NotificationSchedule.objects.create(user=lea, quiet_hours_start=17, quiet_hours_end=7)

    decision = decide(planned(lea, organisation, kind=NOTICE), now=NOW)  # 18:10 in Paris

    assert decision == Decision("defer", until=utc(2026, 11, 27, 6, 0))


# --- 7. Best hour ---------------------------------------------------------------------


def test_a_nudge_waits_for_the_hour_lea_is_usually_active(lea, organisation):
    morning = utc(2026, 11, 26, 9, 0)  # 10:00 in Paris
    for day in range(1, 13):
        LearningEvent.objects.create(
            actor=lea, verb=Verb.PROGRESSED, object_type="journeys.pathstep", object_id="1",
            organisation=organisation, occurred_at=utc(2026, 11, 26, 11, 20)
            - timedelta(days=day))  # 12:20 in Paris

    assert decide(planned(lea, organisation), now=morning) == Decision(
        "defer", until=utc(2026, 11, 26, 11, 0))


def test_without_known_habits_a_nudge_waits_for_the_organisation_hour(lea, organisation):
    morning = utc(2026, 11, 26, 9, 0)

    decision = decide(planned(lea, organisation), now=morning)

    assert DEFAULT_SEND_HOUR == 18
    assert decision == Decision("defer", until=utc(2026, 11, 26, 17, 0))


def test_a_transactional_message_does_not_wait_for_the_best_hour(lea, organisation):
    morning = utc(2026, 11, 26, 9, 0)

    assert decide(planned(lea, organisation, kind=NOTICE), now=morning).action == "send"


def test_a_nudge_whose_hour_was_chosen_on_purpose_keeps_it(lea, organisation):
    morning = utc(2026, 11, 26, 9, 0)

    decision = decide(planned(lea, organisation, context={"keep_time": True}), now=morning)

    assert decision.action == "send"


# --- 8. Channels and digest -----------------------------------------------------------


def test_deadlines_go_in_the_app_and_by_email_by_default(lea, organisation):
    assert decide(planned(lea, organisation), now=NOW) == Decision(
        "send", channels=("in_app", "email"))


def test_rewards_stay_in_the_app_by_default(lea, organisation):
    notification = planned(lea, organisation, category=Category.REWARDS)

    assert decide(notification, now=NOW).channels == ("in_app",)


def test_push_joins_once_a_device_subscribed(lea, organisation):
    PushSubscription.objects.create(user=lea, endpoint="https://push.example.org/lea",
                                    p256dh="key", auth="secret")

    assert decide(planned(lea, organisation), now=NOW).channels == ("in_app", "email", "push")


def test_a_low_priority_email_waits_for_the_digest_lea_chose(lea, organisation):
    set_digest(lea, DigestFrequency.WEEKLY, by=lea)

    minor = decide(planned(lea, organisation, priority=10), now=NOW)
    important = decide(planned(lea, organisation, kind=NOTICE), now=NOW)

    assert minor.channels == ("in_app", "digest")
    assert important.channels == ("in_app", "email")


def test_a_transactional_message_is_decided_in_three_queries(lea, organisation,
                                                             django_assert_num_queries):
    notification = Notification.objects.select_related("recipient", "organisation").get(
        pk=planned(lea, organisation, kind=NOTICE).pk)

    with django_assert_num_queries(3):  # her choices, her schedule, earlier duplicates
        assert policy.decide(notification, now=NOW).action == "send"


def test_nothing_left_to_deliver_on_is_no_channel(lea, organisation):
    PushSubscription.objects.create(user=lea, endpoint="https://push.example.org/lea",
                                    p256dh="key", auth="secret")
    set_preference(lea, Category.DEADLINES, "in_app", enabled=False, by=lea)
    set_preference(lea, Category.DEADLINES, "email", enabled=False, by=lea)
    set_digest(lea, DigestFrequency.DAILY, by=lea)

    decision = decide(planned(lea, organisation, priority=10), now=NOW)

    assert decision == Decision("suppress", reason="no_channel")


# --- Batches --------------------------------------------------------------------------


def test_in_a_batch_a_nudge_sent_counts_against_the_next_one(lea, organisation):
    sent(lea, organisation, ago=timedelta(days=6))
    due = [planned(lea, organisation, context={"path_step": step}) for step in (1, 2, 3)]
    batch = list(Notification.objects.filter(pk__in=[n.pk for n in due])
                 .select_related("recipient", "organisation").order_by("pk"))

    decisions = policy.decide_many(batch, now=NOW)

    assert [d.action for d in decisions] == ["send", "defer", "defer"]
    assert decisions[1].until == NOW + timedelta(days=1)


def test_in_a_batch_the_same_message_twice_is_sent_once(lea, organisation):
    twice = [planned(lea, organisation, kind=NOTICE, context={"session": 4}) for _ in (1, 2)]
    batch = list(Notification.objects.filter(pk__in=[n.pk for n in twice])
                 .select_related("recipient", "organisation").order_by("pk"))

    decisions = policy.decide_many(batch, now=NOW)

    assert [d.action for d in decisions] == ["send", "suppress"]
    assert decisions[1].reason == "duplicate"


def test_a_batch_is_decided_in_a_fixed_number_of_queries(
        lea, karim, sophie, organisation, django_assert_num_queries):
    for person in (lea, karim, sophie):
        sent(person, organisation, ago=timedelta(days=3), context={"path_step": 99})
        for step in range(10):
            planned(person, organisation, context={"path_step": step}, priority=step)
            planned(person, organisation, kind=NOTICE, context={"session": step})
    batch = list(Notification.objects.filter(status=NotificationStatus.PLANNED)
                 .select_related("recipient", "organisation")
                 .order_by("-priority", "deliver_after", "pk"))

    # Preferences (2), organisations' rules, sent nudges, last activity, waiting
    # nudges, recent messages, and the active hours of the people in one time zone.
    with django_assert_num_queries(8):
        decisions = policy.decide_many(batch, now=NOW)

    assert len(decisions) == 60
    assert {d.action for d in decisions} >= {"send", "suppress"}

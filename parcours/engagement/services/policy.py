"""Whether a planned notification goes now, later, or not at all, and on which channels.

The dispatcher asks `decide` for each due notification, most important first. The
rules run in the order of docs/engagement.md, each a small function that returns a
`Decision` when it settles the matter and None to let the next one look:

1. relevance (the kind's `still_relevant`), 2. opt-out, 3. back-off, 4. weekly cap,
5. deduplication, 6. quiet hours, 7. the person's best hour, 8. channels and digest.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import MembershipRole, Organisation, User
from parcours.coaching.models import EngagementStatus
from parcours.coaching.selectors import engagements_of_beneficiary
from parcours.core.models import LearningEvent
from parcours.core.roles import Role
from parcours.engagement.kinds import Kind, kind, register_kind
from parcours.engagement.models import (
    Category,
    Channel,
    DigestFrequency,
    EngagementSettings,
    Notification,
    NotificationStatus,
)
from parcours.engagement.services.preferences import Preferences, preferences_of
from parcours.engagement.timing import (
    NOT_ACTIVITY,
    best_hour,
    engagement_settings_for,
    in_quiet_hours,
    local_hour,
    next_local_time,
)

CAP_WINDOW = timedelta(days=7)
# A kind may carry its own `window` (deduplication) and `stale_after` (how long a nudge
# held back by the cap keeps its point); these apply to kinds that say nothing.
DEDUPLICATION_WINDOW = timedelta(hours=24)
STALE_AFTER = timedelta(days=3)
# Below this priority a message can wait for the person's digest, when they chose one.
DIGEST_BELOW_PRIORITY = 30
# Context ids that name what a message is about: the same kind about the same thing
# within the window is a duplicate.
OBJECT_KEYS = ("path_step", "enrolment", "programme", "session", "appointment",
               "engagement", "attempt", "learner")

COACH_BACKOFF_ALERT = register_kind(Kind(
    name="coach_backoff_alert",
    category=Category.COACH_ALERTS,
    nudge=False,
    priority=60,
    subject=_("{{ learner_name }} has not reacted to the last reminders"),
    body=_("Hello {{ first_name }},\n\n{{ learner_name }} let the last {{ count }} reminders "
           "go by without opening them, so Parcours has stopped sending them more. "
           "A word from you may help more than another message."),
))


@dataclass(frozen=True)
class Decision:
    action: Literal["send", "defer", "suppress"]
    channels: tuple[str, ...] = ()   # for "send": the channels to deliver on
    until: datetime | None = None    # for "defer"
    reason: str = ""                 # for "suppress": a stable slug


def send(channels) -> Decision:
    return Decision("send", channels=tuple(channels))


def defer(until: datetime) -> Decision:
    return Decision("defer", until=until)


def suppress(reason: str) -> Decision:
    return Decision("suppress", reason=reason)


def decide(notification: Notification, *, now: datetime) -> Decision:
    """What to do with a planned notification at `now` (see the module docstring)."""
    message_kind = _kind_of(notification)
    preferences = preferences_of(notification.recipient)
    # Only nudges need the organisation's rules (cap, back-off, sending hour): a
    # transactional message costs no query for them.
    rules = engagement_settings_for(notification.organisation) if notification.nudge else None
    return (
        no_longer_relevant(notification, message_kind)
        or opted_out(notification, preferences)
        or backing_off(notification, rules, now=now)
        or over_weekly_cap(notification, message_kind, rules, now=now)
        or duplicate(notification, message_kind, now=now)
        or quiet_hours(notification, preferences, now=now)
        or before_best_hour(notification, preferences, rules, now=now)
        or on_accepted_channels(notification, preferences)
    )


# --- 1. Relevance ------------------------------------------------------------------------


def no_longer_relevant(notification: Notification, message_kind: Kind | None) -> Decision | None:
    check = message_kind.still_relevant if message_kind is not None else None
    if check is not None and not check(notification):
        return suppress("already_done")
    return None


# --- 2. Opt-out --------------------------------------------------------------------------


def opted_out(notification: Notification, preferences: Preferences) -> Decision | None:
    """The person switched this category off on every channel that could reach them.
    (With nothing switched off, the app itself always accepts: see rule 8.)"""
    category = notification.category
    if not preferences.accepted_channels(category) and preferences.changed(category):
        return suppress("opted_out")
    return None


# --- 3. Back-off -------------------------------------------------------------------------


def backing_off(notification: Notification, rules: EngagementSettings, *,
                now: datetime) -> Decision | None:
    """The last `backoff_after` nudges went by with no open, no click and no activity
    since: another one would be noise. The person's coach is told, once per streak."""
    if not notification.nudge:
        return None
    streak = ignored_streak(notification.recipient, rules.backoff_after, exclude=notification)
    if streak is None:
        return None
    tell_coaches(notification, streak)
    return suppress("backing_off")


def ignored_streak(person: User, length: int, *,
                   exclude: Notification) -> list[Notification] | None:
    """The person's last `length` sent nudges, newest first, when none was opened,
    clicked or read in the app and the person did nothing since the first of them;
    otherwise None."""
    last = list(
        Notification.objects.filter(recipient=person, nudge=True, status=NotificationStatus.SENT)
        .exclude(pk=exclude.pk)
        .order_by("-sent_at", "-id")
        .only("id", "sent_at", "opened_at", "clicked_at", "read_at")[:length]
    )
    if len(last) < length or any(n.opened_at or n.clicked_at or n.read_at for n in last):
        return None
    # Coming back without the link (typing the address, the app on the phone) counts.
    came_back = (LearningEvent.objects.filter(actor=person, occurred_at__gt=last[-1].sent_at)
                 .exclude(verb__in=NOT_ACTIVITY).exists())
    return None if came_back else last


def tell_coaches(notification: Notification, streak: list[Notification]) -> None:
    """Write the coach's alert to the outbox. The key names the streak's first nudge, so
    every nudge suppressed during one streak tells each coach once; a new streak after
    the person came back tells them again."""
    from parcours.engagement.services.outbox import notify  # the outbox imports the policy

    person, organisation = notification.recipient, notification.organisation
    for coach in coaches_of(person, organisation):
        notify(
            coach, COACH_BACKOFF_ALERT.name, organisation=organisation,
            key=f"coach_backoff_alert:{person.pk}:{coach.pk}:{streak[-1].pk}",
            variables={"learner_name": person.display_name or person.email,
                       "count": len(streak)},
            url=_learner_page(organisation, person),
            context={"learner": person.pk},
        )


def coaches_of(person: User, organisation: Organisation) -> list[User]:
    """Who follows the person: the coaches of their active coaching engagements (lead
    coach first); failing that, the organisation's coaches, since learning paths have
    no coach assigned to them (see `journeys.selectors.caseload`)."""
    engaged = list(
        engagements_of_beneficiary(person, organisation)
        .filter(status=EngagementStatus.ACTIVE)
        .values_list("coach_links__coach", "coach_links__lead")
        .order_by("-coach_links__lead", "coach_links__coach")
    )
    coach_ids = list(dict.fromkeys(coach for coach, _lead in engaged if coach is not None))
    if not coach_ids:
        coach_ids = list(
            MembershipRole.objects.filter(membership__organisation=organisation,
                                          role=Role.COACH)
            .exclude(membership__user=person)
            .order_by("membership__user_id")
            .values_list("membership__user_id", flat=True)
        )
    people = User.objects.in_bulk(coach_ids)
    return [people[pk] for pk in coach_ids if pk in people and people[pk].is_active]


def _learner_page(organisation: Organisation, person: User) -> str:
    try:
        return reverse("journeys:learner", args=[organisation.slug, person.pk])
    except NoReverseMatch:
        return ""


# --- 4. Weekly cap -----------------------------------------------------------------------


def over_weekly_cap(notification: Notification, message_kind: Kind | None,
                    rules: EngagementSettings, *, now: datetime) -> Decision | None:
    """At most `nudges_per_week` nudges sent over any seven days.

    The dispatcher takes due notifications most important first and marks a batch sent
    only at its end, so the nudges it takes before this one count as sent now. One that
    finds no place waits for one to free up, unless a more important one waits for the
    same place or it would be stale by then.
    """
    if not notification.nudge:
        return None
    cap = rules.nudges_per_week
    sent = list(
        Notification.objects.filter(recipient=notification.recipient, nudge=True,
                                    status=NotificationStatus.SENT,
                                    sent_at__gt=now - CAP_WINDOW)
        .exclude(pk=notification.pk)
        .values_list("sent_at", flat=True)
    )
    taken = sorted(sent + [now] * _ahead_in_queue(notification, now=now))
    if len(taken) < cap:
        return None
    if cap == 0:
        return suppress("capped")
    frees_at = taken[len(taken) - cap] + CAP_WINDOW
    if _more_important_waiting(notification, until=frees_at):
        return suppress("capped")
    stale_after = getattr(message_kind, "stale_after", None) or STALE_AFTER
    if frees_at > notification.created_at + stale_after:
        return suppress("capped")
    return defer(frees_at)


def _ahead_in_queue(notification: Notification, *, now: datetime) -> int:
    """Due nudges for the same person that the dispatcher takes before this one (its
    order: priority, then deliver_after, then id)."""
    priority, due = notification.priority, notification.deliver_after
    before = (Q(priority__gt=priority)
              | Q(priority=priority, deliver_after__lt=due)
              | Q(priority=priority, deliver_after=due, pk__lt=notification.pk))
    return (Notification.objects.filter(before, recipient=notification.recipient, nudge=True,
                                        status=NotificationStatus.PLANNED,
                                        deliver_after__lte=now)
            .exclude(pk=notification.pk).count())


def _more_important_waiting(notification: Notification, *, until: datetime) -> bool:
    return (Notification.objects.filter(recipient=notification.recipient, nudge=True,
                                        status=NotificationStatus.PLANNED,
                                        deliver_after__lte=until,
                                        priority__gt=notification.priority)
            .exclude(pk=notification.pk).exists())


# --- 5. Deduplication --------------------------------------------------------------------


def duplicate(notification: Notification, message_kind: Kind | None, *,
              now: datetime) -> Decision | None:
    window = getattr(message_kind, "window", None) or DEDUPLICATION_WINDOW
    same = Notification.objects.filter(
        recipient=notification.recipient, kind=notification.kind,
        status=NotificationStatus.SENT, sent_at__gte=now - window,
    ).exclude(pk=notification.pk)
    context = notification.context or {}
    about = Q(campaign_id=notification.campaign_id)
    for key in OBJECT_KEYS:
        if context.get(key) is not None:
            about &= Q(**{f"context__{key}": context[key]})
    if same.filter(about).exists():
        return suppress("duplicate")
    return None


# --- 6. Quiet hours ----------------------------------------------------------------------


def quiet_hours(notification: Notification, preferences: Preferences, *,
                now: datetime) -> Decision | None:
    """Nothing but urgent messages between the person's quiet hours, in their zone;
    transactional messages wait too (a moved session can be read at breakfast)."""
    if notification.urgent:
        return None
    start, end = preferences.quiet_hours_start, preferences.quiet_hours_end
    if in_quiet_hours(notification.recipient, now, start=start, end=end):
        return defer(next_local_time(notification.recipient, end, after=now))
    return None


# --- 7. Best hour ------------------------------------------------------------------------


def before_best_hour(notification: Notification, preferences: Preferences,
                     rules: EngagementSettings | None, *, now: datetime) -> Decision | None:
    """Nudges go out at the hour the person is usually active. A message whose time was
    chosen on purpose (an experiment on the sending hour) sets `keep_time` in its
    context; an active hour inside the quiet hours would never come, so it is ignored."""
    if not notification.nudge or (notification.context or {}).get("keep_time"):
        return None
    person = notification.recipient
    hour = best_hour(person, notification.organisation, now=now,
                     default=rules.default_send_hour)
    if hour in _quiet(preferences) or local_hour(person, now) == hour:
        return None
    return defer(next_local_time(person, hour, after=now))


def _quiet(preferences: Preferences) -> set[int]:
    start, end = preferences.quiet_hours_start, preferences.quiet_hours_end
    if start < end:
        return set(range(start, end))
    return set(range(start, 24)) | set(range(0, end))


# --- 8. Channels -------------------------------------------------------------------------


def on_accepted_channels(notification: Notification, preferences: Preferences) -> Decision:
    """The channels the person accepts for the category; a low-priority message for
    someone who chose a digest waits for it instead of arriving by email or push."""
    channels = preferences.accepted_channels(notification.category)
    if preferences.digest != DigestFrequency.NONE and \
            notification.priority < DIGEST_BELOW_PRIORITY:
        by_email = Channel.EMAIL in channels
        channels = [c for c in channels if c not in (Channel.EMAIL, Channel.PUSH)]
        if by_email:
            channels.append(Channel.DIGEST)
    if not channels:
        return suppress("no_channel")
    return send(channels)


def _kind_of(notification: Notification) -> Kind | None:
    # A kind no longer registered (renamed since the row was written) still has its
    # category, nudge flag and priority on the row: the rules can run without it.
    try:
        return kind(notification.kind)
    except KeyError:
        return None

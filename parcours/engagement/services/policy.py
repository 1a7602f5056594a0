"""Whether a planned notification goes now, later, or not at all, and on which channels.

The dispatcher asks for each due notification, most important first. The rules run in
the order of docs/engagement.md, each a small function that returns a `Decision` when
it settles the matter and None to let the next one look:

1. relevance (the kind's `still_relevant`), 2. opt-out, 3. back-off, 4. weekly cap,
5. deduplication, 6. quiet hours, 7. the person's best hour, 8. channels and digest.

The rules read what they need through `Facts`: `decide` looks up one notification's
facts with a few queries; `decide_many` reads a whole batch's in a fixed number of
queries and keeps them up to date as it decides (a nudge it sends counts against the
cap of the next one for the same person).
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Max, Q, QuerySet, Window
from django.db.models.functions import ExtractHour, RowNumber
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
from parcours.engagement.services.preferences import (
    MAX_BACKOFF_AFTER,
    Preferences,
    preferences_of_many,
)
from parcours.engagement.timing import (
    LEARNING_WINDOW,
    MIN_EVENTS_FOR_BEST_HOUR,
    NOT_ACTIVITY,
    best_hour,
    engagement_settings_for,
    in_quiet_hours,
    local_hour,
    next_local_time,
    zone_of,
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
    return _apply_rules(notification, _LiveFacts(notification, now=now), now=now)


def decide_many(notifications: Sequence[Notification], *,
                now: datetime) -> list[Decision]:
    """The decisions for a batch, in the dispatcher's order, with the reads shared: a
    fixed number of queries whatever the batch's size (plus the kinds' own relevance
    checks and the rare alerts to coaches)."""
    facts = _BatchFacts(notifications, now=now)
    decisions = []
    for notification in notifications:
        decision = _apply_rules(notification, facts, now=now)
        facts.decided(notification, decision)
        decisions.append(decision)
    return decisions


def _apply_rules(notification: Notification, facts: "Facts", *, now: datetime) -> Decision:
    message_kind = _kind_of(notification)
    preferences = facts.preferences(notification)
    # Only nudges need the organisation's rules (cap, back-off, sending hour).
    rules = facts.rules(notification) if notification.nudge else None
    return (
        no_longer_relevant(notification, message_kind)
        or opted_out(notification, preferences)
        or backing_off(notification, rules, facts)
        or over_weekly_cap(notification, message_kind, rules, facts, now=now)
        or duplicate(notification, message_kind, facts)
        or quiet_hours(notification, preferences, now=now)
        or before_best_hour(notification, preferences, rules, facts, now=now)
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


def backing_off(notification: Notification, rules: EngagementSettings | None,
                facts: "Facts") -> Decision | None:
    """The last `backoff_after` nudges went by with no open, no click, no reading in the
    app and no activity since: another one would be noise. The person's coach is told,
    once per streak."""
    if not notification.nudge:
        return None
    streak = facts.ignored_streak(notification, rules.backoff_after)
    if streak is None:
        return None
    tell_coaches(notification, streak)
    return suppress("backing_off")


def tell_coaches(notification: Notification, streak: Sequence["SentNudge"]) -> None:
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
                    rules: EngagementSettings | None, facts: "Facts", *,
                    now: datetime) -> Decision | None:
    """At most `nudges_per_week` nudges sent over any seven days.

    The dispatcher takes due notifications most important first and marks a batch sent
    only at its end, so the nudges it takes before this one count as sent now. One that
    finds no place waits for one to free up, unless a more important one waits for the
    same place or it would be stale by then.
    """
    if not notification.nudge:
        return None
    cap = rules.nudges_per_week
    taken = sorted(facts.nudges_sent_since(notification, now - CAP_WINDOW)
                   + [now] * facts.ahead_in_queue(notification))
    if len(taken) < cap:
        return None
    if cap == 0:
        return suppress("capped")
    frees_at = taken[len(taken) - cap] + CAP_WINDOW
    if facts.more_important_waiting(notification, until=frees_at):
        return suppress("capped")
    stale_after = getattr(message_kind, "stale_after", None) or STALE_AFTER
    if frees_at > notification.created_at + stale_after:
        return suppress("capped")
    return defer(frees_at)


# --- 5. Deduplication --------------------------------------------------------------------


def duplicate(notification: Notification, message_kind: Kind | None,
              facts: "Facts") -> Decision | None:
    window = getattr(message_kind, "window", None) or DEDUPLICATION_WINDOW
    if facts.sent_about_the_same(notification, window=window):
        return suppress("duplicate")
    return None


def about(notification: Notification) -> dict:
    """What the message is about: the ids of its context that name a thing, and its
    campaign. The same kind about the same thing is the same message."""
    context = notification.context or {}
    return {"campaign_id": notification.campaign_id,
            **{key: context[key] for key in OBJECT_KEYS if context.get(key) is not None}}


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
                     rules: EngagementSettings | None, facts: "Facts", *,
                     now: datetime) -> Decision | None:
    """Nudges go out at the hour the person is usually active. A message whose time was
    chosen on purpose (an experiment on the sending hour) sets `keep_time` in its
    context; an active hour inside the quiet hours would never come, so it is ignored."""
    if not notification.nudge or (notification.context or {}).get("keep_time"):
        return None
    person = notification.recipient
    hour = facts.best_hour(notification, default=rules.default_send_hour)
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


# --- What the rules read -----------------------------------------------------------------


@dataclass(frozen=True)
class SentNudge:
    pk: int
    sent_at: datetime
    reacted: bool     # opened, clicked or read in the app


@dataclass(frozen=True)
class Waiting:
    pk: int
    priority: int
    deliver_after: datetime


class Facts:
    """What the rules need to know about a notification's recipient and organisation."""

    def preferences(self, notification: Notification) -> Preferences:
        raise NotImplementedError

    def rules(self, notification: Notification) -> EngagementSettings:
        raise NotImplementedError

    def ignored_streak(self, notification: Notification,
                       length: int) -> list[SentNudge] | None:
        """The person's last `length` sent nudges, newest first, when none got a reaction
        and the person did nothing since the first of them; otherwise None."""
        last = self._last_sent_nudges(notification)[:length]
        if len(last) < length or any(nudge.reacted for nudge in last):
            return None
        # Coming back without the link (typing the address, the app on the phone) counts.
        last_activity = self._last_activity(notification)
        if last_activity is not None and last_activity > last[-1].sent_at:
            return None
        return last

    def nudges_sent_since(self, notification: Notification, since: datetime) -> list[datetime]:
        return [nudge.sent_at for nudge in self._last_sent_nudges(notification, since=since)
                if nudge.sent_at > since]

    def ahead_in_queue(self, notification: Notification) -> int:
        """Due nudges for the same person that the dispatcher takes before this one (its
        order: priority, then deliver_after, then id)."""
        mine = (-notification.priority, notification.deliver_after, notification.pk)
        return sum(1 for other in self._waiting(notification)
                   if other.deliver_after <= self.now
                   and (-other.priority, other.deliver_after, other.pk) < mine)

    def more_important_waiting(self, notification: Notification, *, until: datetime) -> bool:
        return any(other.priority > notification.priority and other.deliver_after <= until
                   for other in self._waiting(notification))

    def sent_about_the_same(self, notification: Notification, *,
                            window: timedelta) -> bool:
        raise NotImplementedError

    def best_hour(self, notification: Notification, *, default: int) -> int:
        raise NotImplementedError

    # Implemented by each kind of facts.
    now: datetime

    def _last_sent_nudges(self, notification: Notification, *,
                          since: datetime | None = None) -> list[SentNudge]:
        raise NotImplementedError

    def _last_activity(self, notification: Notification) -> datetime | None:
        raise NotImplementedError

    def _waiting(self, notification: Notification) -> list[Waiting]:
        raise NotImplementedError


def _sent_nudges() -> QuerySet[Notification]:
    return Notification.objects.filter(nudge=True, status=NotificationStatus.SENT)


def _reacted(row) -> bool:
    return bool(row["opened_at"] or row["clicked_at"] or row["read_at"])


def _activity():
    return LearningEvent.objects.exclude(verb__in=NOT_ACTIVITY)


class _LiveFacts(Facts):
    """One notification's facts, each read when a rule asks."""

    def __init__(self, notification: Notification, *, now: datetime):
        self.now = now
        self.person = notification.recipient

    def preferences(self, notification):
        return preferences_of_many([notification.recipient_id])[notification.recipient_id]

    def rules(self, notification):
        return engagement_settings_for(notification.organisation)

    def _last_sent_nudges(self, notification, *, since=None):
        rows = _sent_nudges().filter(recipient=self.person).exclude(pk=notification.pk)
        if since is not None:
            rows = rows.filter(sent_at__gt=since)
        else:
            rows = rows.order_by("-sent_at", "-id")[:MAX_BACKOFF_AFTER]
        return [SentNudge(row["id"], row["sent_at"], _reacted(row))
                for row in rows.values("id", "sent_at", "opened_at", "clicked_at", "read_at")]

    def _last_activity(self, notification):
        return _activity().filter(actor=self.person).aggregate(last=Max("occurred_at"))["last"]

    def _waiting(self, notification):
        rows = (Notification.objects.filter(recipient=self.person, nudge=True,
                                            status=NotificationStatus.PLANNED,
                                            deliver_after__lte=self.now + CAP_WINDOW)
                .exclude(pk=notification.pk).values_list("id", "priority", "deliver_after"))
        return [Waiting(*row) for row in rows]

    def sent_about_the_same(self, notification, *, window):
        same = (Notification.objects.filter(recipient=self.person, kind=notification.kind,
                                            status=NotificationStatus.SENT,
                                            sent_at__gte=self.now - window)
                .exclude(pk=notification.pk))
        thing = about(notification)
        campaign = thing.pop("campaign_id")
        return same.filter(campaign_id=campaign,
                           **{f"context__{key}": value for key, value in thing.items()}).exists()

    def best_hour(self, notification, *, default):
        return best_hour(self.person, notification.organisation, now=self.now, default=default)


class _BatchFacts(Facts):
    """A batch's facts, read up front in a fixed number of queries, and kept up to date
    as the batch is decided."""

    def __init__(self, notifications: Sequence[Notification], *, now: datetime):
        self.now = now
        people = {n.recipient_id for n in notifications}
        nudged = {n.recipient_id for n in notifications if n.nudge}
        self._preferences = preferences_of_many(people)
        self._rules = self._load_rules({n.organisation_id for n in notifications})
        self._sent = self._load_sent_nudges(nudged)
        self._activity = self._load_last_activity(nudged)
        self._queue = self._load_waiting(nudged)
        self._recent = self._load_recent(notifications)
        self._hours = self._load_hours([n.recipient for n in notifications if n.nudge])
        self._decided: set[int] = set()

    # Reading the batch.

    def _load_rules(self, organisation_ids) -> dict[int, EngagementSettings]:
        found = {rules.organisation_id: rules for rules in
                 EngagementSettings.objects.filter(organisation_id__in=organisation_ids)}
        return {pk: found.get(pk) or EngagementSettings(organisation_id=pk)
                for pk in organisation_ids}

    def _load_sent_nudges(self, people) -> dict[int, list[SentNudge]]:
        # Each person's latest sent nudges (enough for the longest streak), and every
        # one of the last seven days (for the cap).
        ranked = (_sent_nudges().filter(recipient_id__in=people)
                  .annotate(rank=Window(RowNumber(), partition_by=F("recipient_id"),
                                        order_by=[F("sent_at").desc(), F("id").desc()]))
                  .filter(Q(rank__lte=MAX_BACKOFF_AFTER)
                          | Q(sent_at__gt=self.now - CAP_WINDOW)))
        sent: dict[int, list[SentNudge]] = defaultdict(list)
        for row in ranked.order_by("-sent_at", "-id").values(
                "id", "recipient_id", "sent_at", "opened_at", "clicked_at", "read_at"):
            sent[row["recipient_id"]].append(SentNudge(row["id"], row["sent_at"], _reacted(row)))
        return sent

    def _load_last_activity(self, people) -> dict[int, datetime]:
        return dict(_activity().filter(actor_id__in=people).values("actor_id")
                    .annotate(last=Max("occurred_at")).values_list("actor_id", "last"))

    def _load_waiting(self, people) -> dict[int, list[Waiting]]:
        waiting: dict[int, list[Waiting]] = defaultdict(list)
        for pk, recipient_id, priority, deliver_after in Notification.objects.filter(
                recipient_id__in=people, nudge=True, status=NotificationStatus.PLANNED,
                deliver_after__lte=self.now + CAP_WINDOW,
        ).values_list("id", "recipient_id", "priority", "deliver_after"):
            waiting[recipient_id].append(Waiting(pk, priority, deliver_after))
        return waiting

    def _load_recent(self, notifications) -> dict[tuple[int, str], list[tuple[datetime, dict]]]:
        kinds = {n.kind for n in notifications}
        longest = max([DEDUPLICATION_WINDOW] + [
            getattr(_kind_of(n), "window", None) or DEDUPLICATION_WINDOW
            for n in notifications])
        recent: dict[tuple[int, str], list[tuple[datetime, dict]]] = defaultdict(list)
        rows = Notification.objects.filter(
            recipient_id__in={n.recipient_id for n in notifications}, kind__in=kinds,
            status=NotificationStatus.SENT, sent_at__gte=self.now - longest,
        ).values_list("recipient_id", "kind", "sent_at", "campaign_id", "context")
        for recipient_id, kind_name, sent_at, campaign_id, context in rows:
            thing = {"campaign_id": campaign_id,
                     **{key: value for key, value in (context or {}).items()
                        if key in OBJECT_KEYS}}
            recent[(recipient_id, kind_name)].append((sent_at, thing))
        return recent

    def _load_hours(self, people: Iterable[User]) -> dict[int, int]:
        """Each nudged person's most active local hour, one query per time zone."""
        by_zone: dict[str, set[int]] = defaultdict(set)
        for person in people:
            by_zone[zone_of(person).key].add(person.pk)
        hours: dict[int, int] = {}
        for zone_name, ids in by_zone.items():
            counts: dict[int, dict[int, int]] = defaultdict(dict)
            rows = (_activity().filter(actor_id__in=ids,
                                       occurred_at__gte=self.now - LEARNING_WINDOW,
                                       occurred_at__lte=self.now)
                    .annotate(hour=ExtractHour("occurred_at", tzinfo=ZoneInfo(zone_name)))
                    .values("actor_id", "hour").annotate(events=Count("id"))
                    .values_list("actor_id", "hour", "events"))
            for actor_id, hour, events in rows:
                counts[actor_id][hour] = events
            for actor_id, by_hour in counts.items():
                if sum(by_hour.values()) >= MIN_EVENTS_FOR_BEST_HOUR:
                    hours[actor_id] = min(by_hour, key=lambda h, c=by_hour: (-c[h], h))
        return hours

    # Answering the rules.

    def preferences(self, notification):
        return self._preferences[notification.recipient_id]

    def rules(self, notification):
        return self._rules[notification.organisation_id]

    def _last_sent_nudges(self, notification, *, since=None):
        return self._sent[notification.recipient_id]

    def _last_activity(self, notification):
        return self._activity.get(notification.recipient_id)

    def _waiting(self, notification):
        return [other for other in self._queue[notification.recipient_id]
                if other.pk != notification.pk and other.pk not in self._decided]

    def sent_about_the_same(self, notification, *, window):
        thing = about(notification)
        return any(sent_at >= self.now - window
                   and all(same.get(key) == value for key, value in thing.items())
                   for sent_at, same in self._recent[(notification.recipient_id,
                                                      notification.kind)])

    def best_hour(self, notification, *, default):
        return self._hours.get(notification.recipient_id, default)

    def decided(self, notification: Notification, decision: Decision) -> None:
        """What this batch decided becomes a fact for the rest of it."""
        self._decided.add(notification.pk)
        if decision.action != "send":
            return
        if notification.nudge:
            self._sent[notification.recipient_id].insert(
                0, SentNudge(notification.pk, self.now, reacted=False))
        self._recent[(notification.recipient_id, notification.kind)].append(
            (self.now, about(notification)))


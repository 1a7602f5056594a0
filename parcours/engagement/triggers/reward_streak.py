"""Congratulations on a streak: N days in a row (the learner's own days, in their time
zone) with some learning. Sent on the day the streak reaches N, once per streak."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.core.events import on_event
from parcours.core.models import LearningEvent, Verb
from parcours.engagement.kinds import Kind, register_kind
from parcours.engagement.models import Category
from parcours.engagement.triggers.base import (
    Param,
    Trigger,
    emit,
    params_for,
    register_trigger,
)

NAME = "reward_streak"
# What counts as a day of learning (not being notified, not a coach's action).
LEARNING_VERBS = (Verb.LAUNCHED, Verb.PROGRESSED, Verb.COMPLETED, Verb.PASSED, Verb.FAILED,
                  Verb.ANSWERED, Verb.SUBMITTED, Verb.REVIEWED_CARD, Verb.DECLARED)


def zone_of(user) -> ZoneInfo:
    try:
        return ZoneInfo(user.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.get_default_timezone()


def streak_ending(today: date, active_days: set[date]) -> int:
    """How many days in a row, ending today, have some learning."""
    length = 0
    while today - timedelta(days=length) in active_days:
        length += 1
    return length


# Progress heartbeats are frequent: the streak is looked at on the events that finish
# something, which every active day has.
@on_event(Verb.COMPLETED, Verb.PASSED, Verb.FAILED, Verb.ANSWERED, Verb.SUBMITTED,
          Verb.REVIEWED_CARD, Verb.DECLARED, Verb.LAUNCHED)
def learned(event: LearningEvent) -> None:
    learner = event.actor
    if learner is None:
        return
    params = params_for(event.organisation_id, NAME)
    if params is None:
        return
    days = params["days"]
    zone = zone_of(learner)
    today = timezone.localtime(event.occurred_at, zone).date()
    times = (LearningEvent.objects
             .filter(actor=learner, organisation_id=event.organisation_id,
                     verb__in=LEARNING_VERBS,
                     occurred_at__gte=event.occurred_at - timedelta(days=days + 1),
                     occurred_at__lte=event.occurred_at)
             .values_list("occurred_at", flat=True))
    active = {timezone.localtime(moment, zone).date() for moment in times}
    # Exactly N: the day before the streak was quiet, so this is the day it reaches N.
    if streak_ending(today, active) != days:
        return
    first_day = today - timedelta(days=days - 1)
    emit(learner, NAME, organisation=event.organisation,
         key=f"{NAME}:{event.organisation_id}:{learner.pk}:{first_day.isoformat()}",
         variables={"days": days},
         url=reverse("journeys:dashboard", args=[event.organisation.slug]),
         context={"first_day": first_day.isoformat()})


register_kind(Kind(
    name=NAME, category=Category.REWARDS, nudge=True, priority=60,
    subject=_("{{ days }} days in a row!"),
    body=_("{{ first_name }}, you have learned something {{ days }} days in a row. "
           "That is how goals are reached."),
))

register_trigger(Trigger(
    name=NAME, label=_("Streak"),
    description=_("Learners are congratulated after several days of learning in a row."),
    kinds=(NAME,),
    params=(Param("days", _("Days in a row"), 5, minimum=2, maximum=60),),
    samples={NAME: {"first_name": "Léa", "days": 5}},
))

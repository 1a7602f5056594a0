"""Congratulations on a badge earned (`earned` events, whoever awards the badge).

The badge is the event's object; the learner is the event's `learner` context when an
awarding person is the actor, else the actor."""

from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import User
from parcours.core.events import on_event
from parcours.core.models import LearningEvent, Verb
from parcours.engagement.kinds import Kind, register_kind
from parcours.engagement.models import Category
from parcours.engagement.triggers.base import Trigger, emit, params_for, register_trigger

NAME = "reward_badge"


@on_event(Verb.EARNED)
def badge_earned(event: LearningEvent) -> None:
    if params_for(event.organisation_id, NAME) is None:
        return
    learner_id = event.context.get("learner") or event.actor_id
    learner = User.objects.filter(pk=learner_id).first() if learner_id else None
    if learner is None:
        return
    badge_name = event.object_name or event.context.get("badge_name", "")
    emit(learner, NAME, organisation=event.organisation,
         key=f"{NAME}:{event.object_type}:{event.object_id}:{learner.pk}",
         variables={"badge_name": badge_name},
         context={"badge": f"{event.object_type}:{event.object_id}"})


register_kind(Kind(
    name=NAME, category=Category.REWARDS, nudge=True, priority=70,
    subject=_("New badge: {{ badge_name }}"),
    body=_("Congratulations {{ first_name }}, you earned the badge “{{ badge_name }}”."),
))

register_trigger(Trigger(
    name=NAME, label=_("Badge earned"),
    description=_("Learners are congratulated on each badge they earn."),
    kinds=(NAME,),
    samples={NAME: {"first_name": "Léa", "badge_name": "Orateur confiant"}},
))

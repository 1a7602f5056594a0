"""Congratulations on a quiz score of 80 % or more (the threshold is a setting), passed
or not: a high score on a quiz with a very high pass mark still deserves a word."""

from decimal import Decimal

from django.urls import reverse
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

NAME = "reward_quiz"


def score_of(event: LearningEvent) -> Decimal | None:
    """The score as an exact percentage (recorded as a JSON number)."""
    score = (event.result or {}).get("score")
    if score is None or isinstance(score, bool):
        return None
    return Decimal(str(score)).normalize()


def step_link(event: LearningEvent) -> str:
    path_step = event.context.get("path_step")
    if not path_step:
        return ""
    return reverse("journeys:step", args=[event.organisation.slug, path_step])


@on_event(Verb.PASSED, Verb.FAILED)
def quiz_submitted(event: LearningEvent) -> None:
    score = score_of(event)
    if score is None or event.actor is None:
        return
    params = params_for(event.organisation_id, NAME)
    if params is None or score < params["min_score"]:
        return
    attempt = event.context.get("attempt") or f"event-{event.pk}"
    emit(event.actor, NAME, organisation=event.organisation, key=f"{NAME}:{attempt}",
         variables={"quiz_title": event.object_name, "score": f"{score:f}"},
         url=step_link(event),
         context={"attempt": event.context.get("attempt"),
                  "path_step": event.context.get("path_step")})


register_kind(Kind(
    name=NAME, category=Category.REWARDS, nudge=True, priority=70,
    subject=_("Well done, {{ first_name }}: {{ score }} %!"),
    body=_("You scored {{ score }} % on “{{ quiz_title }}”. Keep it up!"),
))

register_trigger(Trigger(
    name=NAME, label=_("Congratulations on a quiz"),
    description=_("Learners are congratulated on a high quiz score."),
    kinds=(NAME,),
    params=(Param("min_score", _("Lowest score congratulated (%)"), 80, minimum=1,
                  maximum=100),),
    samples={NAME: {"first_name": "Léa", "quiz_title": "Quiz de prise de parole",
                    "score": "85"}},
))

"""Congratulations at milestones of a path: 25, 50, 75 and 100 % of its required steps
done (the milestones are a setting). One message per milestone and enrolment; a step
that jumps over two milestones celebrates the higher one only."""

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
from parcours.journeys.models import Enrolment, PathStep
from parcours.journeys.progress import progress_percent

NAME = "reward_milestone"


def milestone_reached(percent: int, milestones: list[int]) -> int | None:
    """The highest milestone at or under the progress, or None."""
    reached = [milestone for milestone in milestones if milestone <= percent]
    return max(reached) if reached else None


@on_event(Verb.COMPLETED)
def step_completed(event: LearningEvent) -> None:
    if event.object_type != PathStep._meta.label_lower or event.actor is None:
        return
    params = params_for(event.organisation_id, NAME)
    if params is None:
        return
    enrolment = (Enrolment.objects.select_related("programme", "organisation")
                 .filter(pk=event.context.get("enrolment")).first())
    if enrolment is None:
        return
    percent = progress_percent(list(enrolment.steps.only("required", "status")))
    milestone = milestone_reached(percent, params["milestones"])
    if milestone is None:
        return
    emit(event.actor, NAME, organisation=enrolment.organisation,
         key=f"{NAME}:{enrolment.pk}:{milestone}",
         variables={"percent": milestone, "programme_title": enrolment.programme.title},
         url=reverse("journeys:dashboard", args=[enrolment.organisation.slug]),
         context={"enrolment": enrolment.pk, "programme": enrolment.programme_id})


register_kind(Kind(
    name=NAME, category=Category.REWARDS, nudge=True, priority=65,
    subject=_("{{ percent }} % of {{ programme_title }} done"),
    body=_("Bravo {{ first_name }}: you have done {{ percent }} % of "
           "“{{ programme_title }}”.{% if percent == 100 %} You finished it!{% endif %}"),
))

register_trigger(Trigger(
    name=NAME, label=_("Milestone of a path"),
    description=_("Learners are congratulated as they pass milestones of their path."),
    kinds=(NAME,),
    params=(Param("milestones", _("Milestones (%)"), (25, 50, 75, 100), minimum=1,
                  maximum=100),),
    samples={NAME: {"first_name": "Léa", "percent": 50,
                    "programme_title": "Prendre la parole en public"}},
))

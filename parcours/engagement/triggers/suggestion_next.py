"""After a step is completed: the next step, and why it is the next one (the reason the
path page gives: moved by the coach, overdue, due soon, just unlocked, next in line).

Suppressed when the learner did the suggested step before the message went out."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parcours.classroom.ical import speaking_to
from parcours.core.events import on_event
from parcours.core.models import LearningEvent, Verb
from parcours.engagement.kinds import Kind, register_kind
from parcours.engagement.models import Category
from parcours.engagement.triggers.base import Trigger, emit, params_for, register_trigger
from parcours.journeys.models import Enrolment, PathStep, PathStepStatus
from parcours.journeys.progress import local_today, next_step

NAME = "suggestion_next"


def suggested_step_still_to_do(notification) -> bool:
    return PathStep.objects.filter(pk=notification.context.get("path_step"),
                                   status=PathStepStatus.TODO).exists()


@on_event(Verb.COMPLETED)
def step_completed(event: LearningEvent) -> None:
    if event.object_type != PathStep._meta.label_lower or event.actor is None:
        return
    if params_for(event.organisation_id, NAME) is None:
        return
    enrolment = (Enrolment.objects.select_related("organisation", "programme", "learner")
                 .filter(pk=event.context.get("enrolment"), completed_at__isnull=True).first())
    if enrolment is None:
        return
    learner = enrolment.learner
    steps = list(enrolment.steps.prefetch_related("prerequisites"))
    # The reason is written in the learner's words and dates, not the request's.
    with speaking_to(learner):
        suggestion = next_step(steps, today=local_today(learner))
        reason = str(suggestion.reason_text) if suggestion else ""
    if suggestion is None:
        return
    step = suggestion.step
    emit(learner, NAME, organisation=enrolment.organisation,
         key=f"{NAME}:{event.object_id}",
         variables={"step_title": step.title, "reason": reason,
                    "programme_title": enrolment.programme.title,
                    "minutes": step.estimated_minutes},
         url=reverse("journeys:step", args=[enrolment.organisation.slug, step.pk]),
         context={"path_step": step.pk, "enrolment": enrolment.pk,
                  "programme": enrolment.programme_id, "reason": suggestion.reason_code,
                  "conversion_verb": "completed",
                  "conversion_object": f"journeys.pathstep:{step.pk}"})


register_kind(Kind(
    name=NAME, category=Category.SUGGESTIONS, nudge=True, priority=45,
    subject=_("Next: {{ step_title }}"),
    body=_("Well done, {{ first_name }}. Your next step is “{{ step_title }}” (about "
           "{{ minutes }} min). {{ reason }}"),
    still_relevant=suggested_step_still_to_do,
))

register_trigger(Trigger(
    name=NAME, label=_("Suggestion of the next step"),
    description=_("After a step, learners are shown the next one and why."),
    kinds=(NAME,),
    samples={NAME: {"first_name": "Léa", "step_title": "Structurer son propos",
                    "reason": "This is the next step of your path.",
                    "programme_title": "Prendre la parole en public", "minutes": 30}},
))

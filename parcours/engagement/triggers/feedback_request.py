"""Asking for feedback: after a module is finished, and after a session attended.

A module is finished when every step of it in the learner's path is done or skipped:
the learner gets an in-app survey (a `FeedbackRequest`, rated 1 to 5 with a comment on
`engagement:feedback`). Sessions already have classroom's end-of-session survey, which
Qualiopi reports rely on: instead of asking a second time, the message links that
survey, goes out when it opens (the end of the last half-day), and is dropped if the
learner answered it meanwhile."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parcours.classroom.models import Session, SurveyKind, SurveyResponse
from parcours.classroom.services.surveys import survey_opens_at
from parcours.core.events import on_event
from parcours.core.models import LearningEvent, Verb
from parcours.engagement.kinds import Kind, register_kind
from parcours.engagement.models import Category, FeedbackAnswer
from parcours.engagement.services.feedback import request_module_feedback
from parcours.engagement.triggers.base import Trigger, emit, params_for, register_trigger
from parcours.journeys.models import PathStep
from parcours.journeys.progress import FINISHED

NAME = "feedback_request"


def not_answered_yet(notification) -> bool:
    context = notification.context
    if "feedback_request" in context:
        return not FeedbackAnswer.objects.filter(request_id=context["feedback_request"]).exists()
    return not SurveyResponse.objects.filter(session_id=context.get("session"),
                                             learner_id=notification.recipient_id,
                                             kind=SurveyKind.END_OF_SESSION).exists()


@on_event(Verb.COMPLETED)
def step_completed(event: LearningEvent) -> None:
    if event.object_type != PathStep._meta.label_lower:
        return
    if params_for(event.organisation_id, NAME) is None:
        return
    step = (PathStep.objects.select_related("enrolment__learner")
            .filter(pk=event.context.get("path_step")).first())
    if step is None or not step.module_title:
        return
    module = step.enrolment.steps.filter(module_title=step.module_title)
    if module.exclude(status__in=FINISHED).exists():
        return
    request, _created = request_module_feedback(step.enrolment, step.module_title)
    emit(step.enrolment.learner, NAME, organisation=event.organisation,
         key=f"{NAME}:module:{request.pk}",
         variables={"title": step.module_title, "session": False},
         url=reverse("engagement:feedback", args=[request.pk]),
         context={"feedback_request": request.pk, "enrolment": step.enrolment_id,
                  "conversion_verb": "rated"})


@on_event(Verb.ATTENDED)
def session_attended(event: LearningEvent) -> None:
    learner_id, session_id = event.context.get("learner"), event.context.get("session")
    if not learner_id or not session_id:
        return
    if params_for(event.organisation_id, NAME) is None:
        return
    session = (Session.objects.select_related("organisation")
               .filter(pk=session_id).first())
    opens_at = survey_opens_at(session, SurveyKind.END_OF_SESSION) if session else None
    if opens_at is None:
        return
    learner = session.registrations.filter(learner_id=learner_id).select_related(
        "learner").first()
    if learner is None:
        return
    emit(learner.learner, NAME, organisation=session.organisation,
         key=f"{NAME}:session:{session.pk}:{learner_id}",
         variables={"title": session.title, "session": True},
         url=reverse("classroom:survey", args=[session.organisation.slug, session.pk]),
         context={"session": session.pk, "conversion_verb": "submitted"},
         deliver_after=opens_at)


register_kind(Kind(
    name=NAME, category=Category.FEEDBACK, nudge=True, priority=35,
    subject=_("Your opinion on “{{ title }}”"),
    body=_("{{ first_name }}, you have just finished {% if session %}the session{% else %}"
           "the module{% endif %} “{{ title }}”. How was it? One click to rate it from 1 to "
           "5, and a comment if you like."),
    still_relevant=not_answered_yet,
))

register_trigger(Trigger(
    name=NAME, label=_("Feedback request"),
    description=_("After a finished module or a session attended, learners are asked "
                  "for their opinion."),
    kinds=(NAME,),
    samples={NAME: {"first_name": "Léa", "title": "Se préparer", "session": False}},
))

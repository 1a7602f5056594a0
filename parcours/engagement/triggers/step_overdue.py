"""A step is overdue: the learner is told once its due (or planned) date has passed by N
days. Once per date; steps overdue for more than STALE_DAYS are left alone (a path
nobody looked at for months is the inactivity trigger's and the coach's business).
Suppressed when the step was completed or skipped meanwhile, or when its date moved."""

from datetime import datetime, timedelta
from functools import partial

from django.utils.translation import gettext_lazy as _

from parcours.engagement.kinds import Kind, register_kind
from parcours.engagement.models import Category
from parcours.engagement.triggers.base import (
    OrganisationSettings,
    Param,
    Planner,
    Trigger,
    register_trigger,
)
from parcours.engagement.triggers.deadlines import (
    deadline_key,
    learner_today,
    step_context,
    step_still_to_do,
    step_url,
    step_variables,
    steps_with_deadline_between,
    window,
)
from parcours.journeys.progress import deadline

NAME = "step_overdue"
STALE_DAYS = 30


def scan(now: datetime) -> int:
    settings = OrganisationSettings(NAME)
    first, last = window(now, before=STALE_DAYS, after=0)
    planner = Planner()
    for step in steps_with_deadline_between(first, last, kind_name=NAME):
        params = settings.params(step.enrolment.organisation_id)
        if params is None:
            continue
        today, due = learner_today(step, now), deadline(step)
        if not today - timedelta(days=STALE_DAYS) <= due <= today - timedelta(
                days=params["days_after"]):
            continue
        planner.plan(step.enrolment.learner, NAME, organisation=step.enrolment.organisation,
                     key=deadline_key(NAME, step),
                     variables=partial(step_variables, step), url=partial(step_url, step),
                     context=partial(step_context, step))
    return planner.flush()


register_kind(Kind(
    name=NAME, category=Category.DEADLINES, nudge=True, priority=55,
    subject=_("“{{ step_title }}” was due on {{ due_on }}"),
    body=_("Hello {{ first_name }}, the step “{{ step_title }}” of {{ programme_title }} was "
           "due on {{ due_on }}. It is still waiting for you: pick it up where you left it."),
    still_relevant=step_still_to_do,
))

register_trigger(Trigger(
    name=NAME, label=_("Step overdue"),
    description=_("Learners are told when a step is past its due date."),
    kinds=(NAME,),
    params=(Param("days_after", _("Days after the due date"), 1, minimum=1,
                  maximum=STALE_DAYS),),
    samples={NAME: {"first_name": "Léa", "step_title": "Structurer son propos",
                    "programme_title": "Prendre la parole en public",
                    "due_on": "14/10/2026"}},
    scan=scan,
))

"""A step is due soon: the learner is told N days before its due (or planned) date.

Suppressed when the step was completed or skipped before the message went out, or when
its date moved."""

from datetime import datetime, timedelta

from django.utils.translation import gettext_lazy as _

from parcours.engagement.kinds import Kind, register_kind
from parcours.engagement.models import Category
from parcours.engagement.triggers.base import (
    OrganisationSettings,
    Param,
    Trigger,
    register_trigger,
)
from parcours.engagement.triggers.deadlines import plan_step_reminders, step_still_to_do

NAME = "step_due_soon"


def scan(now: datetime) -> int:
    return plan_step_reminders(
        NAME, now, before=0, after=OrganisationSettings(NAME).widest("days_before"),
        in_range=lambda today, due, params: (
            today <= due <= today + timedelta(days=params["days_before"])))


register_kind(Kind(
    name=NAME, category=Category.DEADLINES, nudge=True, priority=60,
    subject=_("“{{ step_title }}” is due on {{ due_on }}"),
    body=_("Hello {{ first_name }}, the step “{{ step_title }}” of {{ programme_title }} is "
           "due on {{ due_on }}. A few minutes now and it is done."),
    still_relevant=step_still_to_do,
))

register_trigger(Trigger(
    name=NAME, label=_("Step due soon"),
    description=_("Learners are told a few days before a step is due."),
    kinds=(NAME,),
    params=(Param("days_before", _("Days before the due date"), 2, minimum=0, maximum=30),),
    samples={NAME: {"first_name": "Léa", "step_title": "Structurer son propos",
                    "programme_title": "Prendre la parole en public",
                    "due_on": "14/10/2026"}},
    scan=scan,
))

"""A step is overdue: the learner is told once its due (or planned) date has passed by N
days. Once per date; steps overdue for more than STALE_DAYS are left alone (a path
nobody looked at for months is the inactivity trigger's and the coach's business).
Suppressed when the step was completed or skipped meanwhile, or when its date moved."""

from datetime import datetime, timedelta

from django.utils.translation import gettext_lazy as _

from parcours.engagement.kinds import Kind, register_kind
from parcours.engagement.models import Category
from parcours.engagement.triggers.base import (
    Param,
    Trigger,
    register_trigger,
)
from parcours.engagement.triggers.deadlines import plan_step_reminders, step_still_to_do

NAME = "step_overdue"
STALE_DAYS = 30


def scan(now: datetime) -> int:
    return plan_step_reminders(
        NAME, now, before=STALE_DAYS, after=0,
        in_range=lambda today, due, params: (
            today - timedelta(days=STALE_DAYS) <= due
            <= today - timedelta(days=params["days_after"])))


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

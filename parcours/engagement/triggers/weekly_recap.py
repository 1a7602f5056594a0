"""The weekly recap: once a week, on the learner's own calendar, each learner with a
path to finish reads what they did this week, what is next, and how long the rest takes
at their pace (the minutes per week of their enrolment).

Sent on `weekday` (1 = Monday … 7 = Sunday, the learner's local day); the key holds
the ISO week, so a scan every few minutes writes one recap per week."""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import Organisation
from parcours.classroom.ical import speaking_to
from parcours.engagement.kinds import Kind, register_kind
from parcours.engagement.models import Category
from parcours.engagement.triggers.base import (
    OrganisationSettings,
    Param,
    Planner,
    Trigger,
    register_trigger,
)
from parcours.journeys.models import Enrolment, PathStepStatus
from parcours.journeys.progress import local_today, next_step, progress_percent

NAME = "weekly_recap"


@dataclass(frozen=True)
class Recap:
    done_this_week: int
    lines: str


def recap_of(enrolments: list[Enrolment], *, now: datetime) -> Recap:
    """What the learner did in the last seven days and, per programme, where they are,
    what is next and the weeks still needed at their pace. Written in the current
    language (the caller speaks to the learner)."""
    week_ago = now - timedelta(days=7)
    done = 0
    lines = []
    for enrolment in enrolments:
        steps = list(enrolment.steps.all())
        done += sum(1 for step in steps
                    if step.completed_at is not None and step.completed_at >= week_ago)
        remaining = sum(step.estimated_minutes for step in steps
                        if step.status == PathStepStatus.TODO)
        weeks = math.ceil(remaining / enrolment.minutes_per_week) if remaining else 0
        upcoming = next_step(steps, today=local_today(enrolment.learner, now=now))
        line = gettext("%(programme)s: %(percent)s %% done") % {
            "programme": enrolment.programme.title, "percent": progress_percent(steps)}
        if upcoming is not None:
            line += gettext("; next: “%(step)s”; about %(weeks)s week(s) left at your pace") % {
                "step": upcoming.step.title, "weeks": weeks}
        lines.append(line + ".")
    return Recap(done_this_week=done, lines="\n".join(lines))


def recap_variables(learner, enrolments: list[Enrolment], now: datetime) -> dict:
    """Called only for a recap not written yet: two queries for the learner's paths."""
    prefetch_related_objects(enrolments, "steps__prerequisites")
    with speaking_to(learner):
        recap = recap_of(enrolments, now=now)
    return {"done": recap.done_this_week, "lines": recap.lines}


def scan(now: datetime) -> int:
    settings = OrganisationSettings(NAME)
    enrolments = (Enrolment.objects.filter(completed_at__isnull=True, start_on__lte=now.date())
                  .select_related("learner", "programme")
                  .order_by("organisation_id", "learner_id", "pk"))
    per_learner: dict[tuple[int, int], list[Enrolment]] = {}
    for enrolment in enrolments:
        params = settings.params(enrolment.organisation_id)
        if params is None:
            continue
        if local_today(enrolment.learner, now=now).isoweekday() != params["weekday"]:
            continue
        per_learner.setdefault((enrolment.organisation_id, enrolment.learner_id),
                               []).append(enrolment)
    organisations = Organisation.objects.in_bulk({pair[0] for pair in per_learner})
    planner = Planner()
    for (organisation_id, _learner_id), learner_enrolments in per_learner.items():
        learner, organisation = learner_enrolments[0].learner, organisations[organisation_id]
        year, week, _day = local_today(learner, now=now).isocalendar()
        planner.plan(learner, NAME, organisation=organisation,
                     key=f"{NAME}:{organisation_id}:{learner.pk}:{year}-W{week:02d}",
                     variables=partial(recap_variables, learner, learner_enrolments, now),
                     url=reverse("journeys:dashboard", args=[organisation.slug]),
                     context={"week": f"{year}-W{week:02d}", "conversion_verb": "completed"})
    return planner.flush()


register_kind(Kind(
    name=NAME, category=Category.RECAP, nudge=True, priority=20,
    subject=_("Your week: {{ done }} step(s) done"),
    body=_("Hello {{ first_name }}, here is where you are.\n{{ lines }}"),
))

register_trigger(Trigger(
    name=NAME, label=_("Weekly recap"),
    description=_("Once a week, learners get their progress, what is next and the time "
                  "left at their pace."),
    kinds=(NAME,),
    params=(Param("weekday", _("Day of the week (1 = Monday, 7 = Sunday)"), 1, minimum=1,
                  maximum=7),),
    samples={NAME: {"first_name": "Léa", "done": 3,
                    "lines": "Prendre la parole en public: 40 % done; next: “Pitch”; "
                             "about 2 week(s) left at your pace."}},
    scan=scan,
))

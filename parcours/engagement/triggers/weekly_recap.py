"""The weekly recap: once a week, on the learner's own calendar, each learner with a
path to finish reads what they did this week, what is next, and how long the rest takes
at their pace (the minutes per week of their enrolment).

Sent on `weekday` (1 = Monday … 7 = Sunday, the learner's local day); the key holds
the ISO week, so a scan every few minutes writes one recap per week."""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from parcours.classroom.ical import speaking_to
from parcours.engagement.kinds import Kind, register_kind
from parcours.engagement.models import Category
from parcours.engagement.triggers.base import (
    OrganisationSettings,
    Param,
    Planner,
    Trigger,
    existing_keys,
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


BATCH = 500


def scan(now: datetime) -> int:
    settings = OrganisationSettings(NAME)
    enrolments = (Enrolment.objects.filter(completed_at__isnull=True, start_on__lte=now.date())
                  .select_related("learner", "programme", "organisation")
                  .order_by("organisation_id", "learner_id", "pk"))
    per_learner: dict[str, list[Enrolment]] = {}
    for enrolment in enrolments:
        params = settings.params(enrolment.organisation_id)
        if params is None:
            continue
        today = local_today(enrolment.learner, now=now)
        if today.isoweekday() != params["weekday"]:
            continue
        year, week, _day = today.isocalendar()
        key = f"{NAME}:{enrolment.organisation_id}:{enrolment.learner_id}:{year}-W{week:02d}"
        per_learner.setdefault(key, []).append(enrolment)
    planner = Planner()
    keys = list(per_learner)
    for start in range(0, len(keys), BATCH):
        # Recaps already written are skipped before their paths are even loaded; the
        # others' steps come in two queries per batch.
        existing = existing_keys(keys[start:start + BATCH])
        fresh = [key for key in keys[start:start + BATCH] if key not in existing]
        prefetch_related_objects([enrolment for key in fresh for enrolment in per_learner[key]],
                                 "steps__prerequisites")
        for key in fresh:
            learner_enrolments = per_learner[key]
            learner = learner_enrolments[0].learner
            organisation = learner_enrolments[0].organisation
            with speaking_to(learner):
                recap = recap_of(learner_enrolments, now=now)
            planner.plan(learner, NAME, organisation=organisation, key=key,
                         variables={"done": recap.done_this_week, "lines": recap.lines},
                         url=reverse("journeys:dashboard", args=[organisation.slug]),
                         context={"week": key.rsplit(":", 1)[1],
                                  "conversion_verb": "completed"})
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

"""What the two deadline triggers share: the steps to do around a date, seen from each
learner's own calendar, and the check that a reminder still makes sense."""

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from functools import partial

from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.urls import reverse

from parcours.engagement.models import Notification
from parcours.engagement.triggers.base import OrganisationSettings, Planner
from parcours.journeys.models import PathStep, PathStepStatus
from parcours.journeys.progress import deadline, local_today

# What the outbox reads of a recipient to write their message.
LEARNER_FIELDS = ("email", "display_name", "locale", "time_zone", "is_active")


def deadline_key(kind_name: str, step: PathStep) -> str:
    return f"{kind_name}:{step.pk}:{deadline(step).isoformat()}"


def steps_with_deadline_between(first: date, last: date, *,
                                kind_name: str) -> Iterator[PathStep]:
    """Steps still to do, in unfinished paths, whose deadline (due date, else planned
    date) falls in [first, last], and that have no `kind_name` message for that
    deadline yet. The database leaves out those already written (the key built in SQL,
    found through its unique index), so a scan every few minutes reads only the new."""
    in_window = (Q(due_on__range=(first, last))
                 | Q(due_on__isnull=True, planned_on__range=(first, last)))
    # The same text as deadline_key(): dates cast to text are ISO on SQLite and PostgreSQL.
    key = Concat(Value(f"{kind_name}:"), Cast("pk", CharField()), Value(":"),
                 Cast(Coalesce("due_on", "planned_on"), CharField()),
                 output_field=CharField())
    written = Notification.objects.filter(idempotency_key=OuterRef("key"))
    yield from (PathStep.objects
                .filter(in_window, status=PathStepStatus.TODO,
                        enrolment__completed_at__isnull=True)
                .alias(key=key).exclude(Exists(written))
                .select_related("enrolment__learner", "enrolment__organisation",
                                "enrolment__programme")
                # A scan meets each step many times and writes about it once: load
                # only what the check and the message read (no content, no bodies).
                .only("pk", "title", "status", "due_on", "planned_on", "enrolment_id",
                      "enrolment__programme__title", "enrolment__organisation__slug",
                      *(f"enrolment__learner__{name}" for name in LEARNER_FIELDS))
                .order_by("pk")
                .iterator(chunk_size=500))


def learner_today(step: PathStep, now: datetime) -> date:
    return local_today(step.enrolment.learner, now=now)


def step_variables(step: PathStep) -> dict:
    return {"step_title": step.title, "programme_title": step.enrolment.programme.title,
            "due_on": deadline(step)}


def step_url(step: PathStep) -> str:
    return reverse("journeys:step", args=[step.enrolment.organisation.slug, step.pk])


def step_context(step: PathStep) -> dict:
    return {"path_step": step.pk, "enrolment": step.enrolment_id,
            "programme": step.enrolment.programme_id, "deadline": deadline(step).isoformat(),
            "conversion_verb": "completed",
            "conversion_object": f"journeys.pathstep:{step.pk}"}


def step_still_to_do(notification) -> bool:
    """The step is neither done nor skipped meanwhile, and its deadline has not moved
    (a moved step gets a reminder of its own)."""
    step = PathStep.objects.filter(pk=notification.context.get("path_step")).first()
    if step is None or step.status != PathStepStatus.TODO:
        return False
    current = deadline(step)
    return current is not None and current.isoformat() == notification.context.get("deadline")


def window(now: datetime, *, before: int, after: int) -> tuple[date, date]:
    """Dates around today wide enough for every time zone (a day either side)."""
    today = now.date()
    return today - timedelta(days=before + 1), today + timedelta(days=after + 1)


def plan_step_reminders(name: str, now, *, before: int, after: int,
                        in_range: Callable[[date, date, dict], bool]) -> int:
    """The scan shared by the due-soon and overdue triggers: steps whose deadline falls in
    [now − before days, now + after days], kept when `in_range(today, due, params)` says
    so in the learner's own calendar, planned once per step and date."""
    settings = OrganisationSettings(name)
    first, last = window(now, before=before, after=after)
    planner = Planner()
    for step in steps_with_deadline_between(first, last, kind_name=name):
        params = settings.params(step.enrolment.organisation_id)
        if params is None or not in_range(learner_today(step, now), deadline(step), params):
            continue
        planner.plan(step.enrolment.learner, name, organisation=step.enrolment.organisation,
                     key=deadline_key(name, step),
                     variables=partial(step_variables, step), url=partial(step_url, step),
                     context=partial(step_context, step))
    return planner.flush()

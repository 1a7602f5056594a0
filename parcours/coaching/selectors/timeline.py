"""The engagement's timeline page, and its "path" source: the beneficiary's progress on
their learning paths, read from the learning events (never from journeys' tables)."""

from datetime import datetime, time

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.coaching.models import Engagement
from parcours.coaching.selectors import Capacity
from parcours.coaching.timeline import TimelineEntry, timeline, timeline_kinds, timeline_source
from parcours.core.models import LearningEvent, Verb

KIND_LABELS = {
    "appointment": gettext_lazy("Appointments"),
    "note": gettext_lazy("Shared notes"),
    "action": gettext_lazy("Action items"),
    "activity": gettext_lazy("Activities"),
    "message": gettext_lazy("Messages"),
    "document": gettext_lazy("Documents"),
    "path": gettext_lazy("Path progress"),
}

PATH_VERBS = {
    Verb.ENROLLED: gettext_lazy("Enrolled in %(name)s"),
    Verb.COMPLETED: gettext_lazy("Completed %(name)s"),
    Verb.PASSED: gettext_lazy("Passed %(name)s"),
    Verb.FAILED: gettext_lazy("Did not pass %(name)s"),
    Verb.SUBMITTED: gettext_lazy("Handed in %(name)s"),
    Verb.ATTENDED: gettext_lazy("Attended %(name)s"),
}
# The path's own records only: coaching's events are already entries of their own kinds.
PATH_OBJECTS = ("journeys.pathstep", "catalog.programme", "assessments.quiz",
                "classroom.slot")
PATH_ENTRIES_LIMIT = 2000


@timeline_source("path")
def path_progress(engagement: Engagement, capacity: Capacity) -> list[TimelineEntry]:
    if engagement.beneficiary_id is None:
        return []
    # A moment, not `occurred_at__date`: casting every event to a local date keeps the
    # database from reading the (organisation, actor, occurred_at) index as a range.
    since = datetime.combine(engagement.starts_on, time.min,
                             tzinfo=timezone.get_current_timezone())
    events = (LearningEvent.objects
              .filter(actor_id=engagement.beneficiary_id,
                      organisation_id=engagement.organisation_id,
                      verb__in=list(PATH_VERBS), object_type__in=PATH_OBJECTS,
                      occurred_at__gte=since)
              .only("occurred_at", "verb", "object_name", "result")
              .order_by("-occurred_at")[:PATH_ENTRIES_LIMIT])
    entries = []
    for event in events:
        detail = ""
        score = (event.result or {}).get("score")
        if score is not None:
            detail = _("Score: %(score)s %%") % {"score": round(score)}
        entries.append(TimelineEntry(
            at=event.occurred_at, kind="path",
            title=str(PATH_VERBS[event.verb]) % {"name": event.object_name or _("a step")},
            detail=detail))
    return entries


def kind_choices() -> list[tuple[str, str]]:
    return [(kind, str(KIND_LABELS.get(kind, kind))) for kind in timeline_kinds()]


def engagement_timeline(engagement: Engagement, capacity: Capacity, *,
                        kinds: set[str] | None = None) -> list[TimelineEntry]:
    return timeline(engagement, capacity, kinds=kinds or None)


def engagement_url(engagement: Engagement) -> str:
    return reverse("coaching:engagement", args=[engagement.organisation.slug, engagement.pk])

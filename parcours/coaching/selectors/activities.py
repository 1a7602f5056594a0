"""What the activity pages read: the organisation's library, one assignment for its
beneficiary or coach, an engagement's assignments; and the timeline's "activity" entries.

Activities are between the coaches and the beneficiary: a manager of the organisation
sees the engagement's hours, not the beneficiary's answers.
"""

from django.db.models import Count
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from parcours.accounts.models import Organisation, User
from parcours.accounts.selectors import require_permission
from parcours.coaching.models import (
    Activity,
    ActivityAssignment,
    Engagement,
    EngagementStatus,
)
from parcours.coaching.selectors import Capacity, capacity_in, engagement_for
from parcours.coaching.timeline import TimelineEntry, timeline_source
from parcours.core.roles import Permission

PARTICIPANTS = (Capacity.COACH, Capacity.BENEFICIARY)


def library_of(user: User, organisation: Organisation) -> list[Activity]:
    """The organisation's activities with how many times each was assigned (one query)."""
    require_permission(user, organisation, Permission.COACH_BENEFICIARIES)
    return list(Activity.objects.filter(organisation=organisation, archived=False)
                .annotate(assigned=Count("assignments")).order_by("title", "id"))


def activity_for(user: User, organisation: Organisation, activity_id: int) -> Activity:
    require_permission(user, organisation, Permission.COACH_BENEFICIARIES)
    activity = Activity.objects.filter(organisation=organisation, pk=activity_id).first()
    if activity is None:
        raise Http404(_("No such activity."))
    return activity


def engagements_to_assign(user: User, organisation: Organisation) -> list[Engagement]:
    """The active engagements the coach follows, to give an activity in."""
    return list(Engagement.objects.filter(organisation=organisation,
                                          status=EngagementStatus.ACTIVE,
                                          coach_links__coach=user)
                .select_related("beneficiary").order_by("title", "id"))


def assignments_of_activity(activity: Activity, *, viewer: User) -> list[ActivityAssignment]:
    """Where the activity was given, among the engagements the viewer coaches."""
    return list(ActivityAssignment.objects.filter(activity=activity,
                                                  engagement__coach_links__coach=viewer)
                .select_related("engagement__beneficiary").order_by("-created_at"))


def assignment_for(user: User, organisation: Organisation,
                   assignment_id: int) -> tuple[ActivityAssignment, Capacity]:
    """One assignment for its beneficiary or one of its coaches; a 404 for anyone else."""
    assignment = (ActivityAssignment.objects
                  .select_related("activity", "engagement__organisation",
                                  "engagement__beneficiary", "commented_by")
                  .filter(engagement__organisation=organisation, pk=assignment_id).first())
    if assignment is None:
        raise Http404(_("No such activity."))
    capacity = capacity_in(user, assignment.engagement)
    if capacity not in PARTICIPANTS:
        raise Http404(_("No such activity."))
    return assignment, capacity


def engagement_assignments(user: User, organisation: Organisation, engagement_id: int
                           ) -> tuple[Engagement, Capacity, list[ActivityAssignment]]:
    """The activities given in an engagement, for its coaches and beneficiary."""
    engagement, capacity = engagement_for(user, organisation, engagement_id)
    if capacity not in PARTICIPANTS:
        raise Http404(_("No such engagement."))
    assignments = list(ActivityAssignment.objects.filter(engagement=engagement)
                       .select_related("activity").order_by("-created_at", "-id"))
    return engagement, capacity, assignments


@timeline_source("activity")
def activity_entries(engagement: Engagement, capacity: Capacity) -> list[TimelineEntry]:
    """Given, returned and commented, from one query; nothing for managers."""
    if capacity not in PARTICIPANTS:
        return []
    rows = (ActivityAssignment.objects.filter(engagement=engagement)
            .select_related("activity", "assigned_by", "commented_by")
            .order_by("-created_at"))
    slug = engagement.organisation.slug
    beneficiary = engagement.beneficiary.display_name if engagement.beneficiary else ""
    entries = []
    for row in rows:
        url = reverse("coaching:assignment", args=[slug, row.pk])
        title = row.activity.title
        entries.append(TimelineEntry(
            at=row.created_at, kind="activity", url=url,
            title=_("Activity given: %(title)s") % {"title": title},
            actor=row.assigned_by.display_name if row.assigned_by else ""))
        if row.returned_at:
            entries.append(TimelineEntry(
                at=row.returned_at, kind="activity", url=url, actor=beneficiary,
                title=_("Activity returned: %(title)s") % {"title": title}))
        if row.commented_at:
            entries.append(TimelineEntry(
                at=row.commented_at, kind="activity", url=url, detail=row.comment[:200],
                title=_("Activity commented: %(title)s") % {"title": title},
                actor=row.commented_by.display_name if row.commented_by else ""))
    return entries

"""Reads about learners' paths, each with its access check built in.

The learner dashboard and the coach caseload are hot pages: they run a fixed number of
queries whatever the length of the paths or the size of the caseload (tests pin the
counts, bench/paths_pages.py times them). The dashboard loads every step of the
learner's paths in one query and lets `journeys.progress` compute in Python; the
caseload counts in the database (`with_progress`), so it never loads a step.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import Organisation, User
from parcours.accounts.selectors import require_permission, roles_in
from parcours.assessments.models import Attempt
from parcours.assessments.selectors import attempts_of, reviews_done, reviews_due_count
from parcours.catalog.models import Programme, StepKind
from parcours.core.models import LearningEvent
from parcours.core.roles import Permission, Role, roles_allow
from parcours.journeys import progress
from parcours.journeys.models import (
    Adaptation,
    Enrolment,
    EnrolmentStatus,
    Evidence,
    EvidenceKind,
    PathStep,
    PathStepStatus,
    Submission,
    SubmissionStatus,
)
from parcours.journeys.services.evidence import time_is_evidence

UPCOMING_DATES = 5
CASELOAD_PAGE_SIZE = 200
TIMELINE_PAGE_SIZE = 30
ENROL_CHOICES_SHOWN = 100


def own_path_step(user: User, organisation: Organisation, path_step_id: int) -> PathStep:
    """A step of the person's own path in this organisation; anyone else's is a 404."""
    require_permission(user, organisation, Permission.FOLLOW_OWN_PATH)
    try:
        return PathStep.objects.select_related(
            "enrolment__programme", "check_question", "quiz", "deck").get(
            pk=path_step_id, enrolment__learner=user, enrolment__organisation=organisation
        )
    except PathStep.DoesNotExist as missing:
        raise Http404(_("No such step in your path.")) from missing


def followed_path_step(user: User, organisation: Organisation, path_step_id: int) -> PathStep:
    """A step of a learner's path, for the coaches and managers who follow learners."""
    require_permission(user, organisation, Permission.FOLLOW_LEARNERS)
    try:
        return PathStep.objects.select_related("enrolment__programme", "enrolment__learner").get(
            pk=path_step_id, enrolment__organisation=organisation
        )
    except PathStep.DoesNotExist as missing:
        raise Http404(_("No such step.")) from missing


# --- The learner's dashboard ------------------------------------------------------------


def format_minutes(minutes: int) -> str:
    """A duration as people say it: "45 min", "2 h", "3 h 30 min"."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return _("%(minutes)d min") % {"minutes": rest}
    if not rest:
        return _("%(hours)d h") % {"hours": hours}
    return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": rest}


@dataclass(frozen=True)
class ProgrammeProgress:
    """One enrolment as its learner (and their coach) sees it."""

    enrolment: Enrolment
    steps: list[PathStep]
    status: str
    percent: int
    counted_finished: int
    counted_total: int
    minutes_left: int
    finish_on: date | None
    next: progress.NextStep | None
    milestones: list[str]

    @property
    def programme(self) -> Programme:
        return self.enrolment.programme

    @property
    def status_label(self) -> str:
        return EnrolmentStatus(self.status).label

    @property
    def time_left(self) -> str:
        return format_minutes(self.minutes_left)

    @property
    def pace(self) -> str:
        return format_minutes(self.enrolment.minutes_per_week)

    @property
    def weeks_left(self) -> int:
        """Weeks still needed at the learner's pace, rounded up."""
        return -(-self.minutes_left // self.enrolment.minutes_per_week)


@dataclass(frozen=True)
class UpcomingDate:
    step: PathStep
    programme: Programme
    due_on: date
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def days_late(self) -> int:
        return -self.days_left


@dataclass(frozen=True)
class Dashboard:
    programmes: list[ProgrammeProgress]
    next: progress.NextStep | None
    next_programme: Programme | None
    continue_step: PathStep | None
    upcoming: list[UpcomingDate]
    reviews_due: int

    @property
    def enrolled(self) -> bool:
        return bool(self.programmes)


def _counted(steps: list[PathStep]) -> list[PathStep]:
    """The steps progress counts: the required ones (all of them when none is required),
    as `progress.progress_percent` counts them."""
    return [step for step in steps if step.required] or list(steps)


def _programme_progress(enrolment: Enrolment, steps: list[PathStep], *,
                        today: date) -> ProgrammeProgress:
    counted = _counted(steps)
    left = [step for step in counted if step.status == PathStepStatus.TODO]
    plan = progress.planned_dates(left, start_on=today,
                                  minutes_per_week=enrolment.minutes_per_week)
    modules: dict[str, list[PathStep]] = defaultdict(list)
    for step in steps:
        if step.module_title:
            modules[step.module_title].append(step)
    milestones = [
        title for title, module_steps in modules.items()
        if all(step.status in progress.FINISHED for step in _counted(module_steps))
        and any(step.status == PathStepStatus.DONE for step in module_steps)
    ]
    return ProgrammeProgress(
        enrolment=enrolment,
        steps=steps,
        status=progress.enrolment_status(enrolment, steps, today=today),
        percent=progress.progress_percent(steps),
        counted_finished=sum(step.status in progress.FINISHED for step in counted),
        counted_total=len(counted),
        minutes_left=sum(step.estimated_minutes for step in left),
        finish_on=max(plan.values(), default=None),
        next=progress.next_step(steps, today=today),
        milestones=milestones,
    )


def _urgency(item: ProgrammeProgress) -> tuple:
    step = item.next.step
    return (progress.deadline(step) or date.max, item.enrolment.start_on, item.enrolment.pk)


def _path_steps(enrolments: QuerySet[Enrolment]) -> QuerySet[PathStep]:
    """Every step of these enrolments with their prerequisites: two queries in all."""
    return (
        PathStep.objects.filter(enrolment__in=enrolments)
        .prefetch_related(Prefetch("prerequisites", queryset=PathStep.objects.only(
            "id", "title", "status", "enrolment_id", "kind", "position")))
        .order_by("enrolment_id", "position", "id")
    )


def learner_dashboard(user: User, organisation: Organisation, *, today: date,
                      now: datetime | None = None) -> Dashboard:
    """What a learner needs to keep going, in a fixed number of queries.

    `today` is the learner's own date (`progress.local_today`), which decides what is due.
    """
    require_permission(user, organisation, Permission.FOLLOW_OWN_PATH)
    enrolments = Enrolment.objects.filter(learner=user, organisation=organisation)
    enrolment_list = list(enrolments.select_related("programme").order_by("start_on", "id"))
    steps_by_enrolment: dict[int, list[PathStep]] = defaultdict(list)
    if enrolment_list:
        for step in _path_steps(enrolments):
            steps_by_enrolment[step.enrolment_id].append(step)
    programmes = []
    for enrolment in enrolment_list:
        steps = steps_by_enrolment[enrolment.pk]
        for step in steps:
            step.enrolment = enrolment  # no query when a template follows it
        programmes.append(_programme_progress(enrolment, steps, today=today))

    waiting = [item for item in programmes if item.next is not None]
    first = min(waiting, key=_urgency) if waiting else None
    started = [
        step for item in programmes for step in item.steps
        if step.status == PathStepStatus.TODO and step.started_at is not None
    ]
    continue_step = max(started, key=lambda s: s.last_heartbeat_at or s.started_at,
                        default=None)
    if first is not None and continue_step is not None and continue_step == first.next.step:
        continue_step = None  # the next-step card already opens it
    upcoming = sorted(
        (
            UpcomingDate(step=step, programme=item.programme, due_on=step.due_on,
                         days_left=(step.due_on - today).days)
            for item in programmes for step in item.steps
            if step.status == PathStepStatus.TODO and step.due_on is not None
        ),
        key=lambda u: (u.due_on, u.step.position, u.step.pk),
    )[:UPCOMING_DATES]
    return Dashboard(
        programmes=programmes,
        next=first.next if first else None,
        next_programme=first.programme if first else None,
        continue_step=continue_step,
        upcoming=upcoming,
        reviews_due=reviews_due_count(user, organisation, now=now or timezone.now()),
    )


# --- The learner's step page ------------------------------------------------------------


@dataclass(frozen=True)
class StepPage:
    step: PathStep
    enrolment: Enrolment
    steps: list[PathStep]
    evidence: list[Evidence]
    submissions: list[Submission]
    next: progress.NextStep | None
    coach_change: str
    attempts: list[Attempt] = field(default_factory=list)
    reviews_done: int = 0

    @property
    def done(self) -> bool:
        return self.step.status == PathStepStatus.DONE

    @property
    def skipped(self) -> bool:
        return self.step.status == PathStepStatus.SKIPPED

    @property
    def engaged_minutes(self) -> int:
        return self.step.engaged_seconds // 60

    @property
    def required_minutes(self) -> int:
        return math.ceil(self.step.min_engaged_seconds / 60)

    @property
    def engaged_percent(self) -> int:
        if not self.step.min_engaged_seconds:
            return 100
        return min(100, self.step.engaged_seconds * 100 // self.step.min_engaged_seconds)

    @property
    def time_counts(self) -> bool:
        """The time spent on the page is evidence (a lesson's minimum, or opening it)."""
        return time_is_evidence(self.step)

    @property
    def waiting_for_review(self) -> bool:
        return any(s.status == SubmissionStatus.SUBMITTED for s in self.submissions)

    @property
    def declared(self) -> bool:
        return any(e.kind == EvidenceKind.DECLARATION for e in self.evidence)

    @property
    def waiting_for_confirmation(self) -> bool:
        return (self.step.kind == StepKind.EXTERNAL and self.declared and not self.done
                and self.step.needs_coach_confirmation)

    @property
    def position(self) -> int:
        return next((n for n, s in enumerate(self.steps, 1) if s.pk == self.step.pk), 0)


def path_step_page(user: User, organisation: Organisation, path_step_id: int, *,
                   today: date) -> StepPage:
    """A learner's own step with its path, evidence and submissions (fixed queries)."""
    step = own_path_step(user, organisation, path_step_id)
    enrolment = step.enrolment
    steps = list(_path_steps(Enrolment.objects.filter(pk=enrolment.pk)))
    for each in steps:
        each.enrolment = enrolment
    return StepPage(
        step=step,
        enrolment=enrolment,
        steps=steps,
        evidence=list(step.evidence.select_related("recorded_by")),
        submissions=list(step.submissions.select_related("reviewed_by").order_by(
            "-created_at", "-id")),
        next=progress.next_step(steps, today=today),
        coach_change=progress.coach_change_text(step),
        attempts=attempts_of(user, step.quiz, path_step=step) if step.quiz_id else [],
        reviews_done=(reviews_done(user, step.deck, path_step=step)
                      if step.deck_id and step.reviews_required else 0),
    )


# --- The coach's caseload ---------------------------------------------------------------

# Worst first when sorting by status: the learners who need a coach come up top.
STATUS_RANK = {
    EnrolmentStatus.AT_RISK: 0,
    EnrolmentStatus.BEHIND: 1,
    EnrolmentStatus.ON_TRACK: 2,
    EnrolmentStatus.COMPLETED: 3,
}

CASELOAD_SORTS = {
    "name": ("learner__display_name", "learner__email", "id"),
    "programme": ("programme__title", "learner__display_name", "id"),
    "status": ("status_rank", "learner__display_name", "id"),
    "progress": ("progress_percent", "learner__display_name", "id"),
    "last_activity": (F("last_activity_at").asc(nulls_first=True),
                      "learner__display_name", "id"),
    # Fewest days inactive first: the most recent activity (or enrolment) first.
    "days_inactive": (F("active_at").desc(), "learner__display_name", "id"),
}

# Sorts that need every row's figures before a page can be chosen.
AGGREGATE_SORTS = frozenset({"status", "progress"})

_FIGURES = ("pk", "status", "progress_percent", "counted_finished", "counted_total",
            "active_at")


def _descending(term):
    if isinstance(term, str):
        return term[1:] if term.startswith("-") else f"-{term}"
    return term.copy().reverse_ordering() if hasattr(term, "reverse_ordering") else term


@dataclass(frozen=True)
class CaseloadRow:
    """One enrolment in the caseload, with the figures the database worked out."""

    enrolment: Enrolment
    status: str
    percent: int
    counted_finished: int
    counted_total: int
    active_at: datetime
    pending_reviews: int
    today: date

    @property
    def learner(self) -> User:
        return self.enrolment.learner

    @property
    def programme(self) -> Programme:
        return self.enrolment.programme

    @property
    def status_label(self) -> str:
        return EnrolmentStatus(self.status).label

    @property
    def last_activity(self) -> datetime | None:
        return self.enrolment.last_activity_at

    @property
    def days_inactive(self) -> int:
        """Days since the last activity, or since the enrolment for someone never active
        (as `progress.enrolment_status` counts them)."""
        return max(0, (self.today - timezone.localdate(self.active_at)).days)


@dataclass(frozen=True)
class Caseload:
    rows: list[CaseloadRow]
    total: int
    page: int
    pages: int
    sort: str
    programmes: list[Programme]

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def with_progress(enrolments: QuerySet[Enrolment], *, today: date) -> QuerySet[Enrolment]:
    """Annotate each enrolment with its progress and status, computed in the database.

    The rules of `progress.progress_percent` and `progress.enrolment_status`, as SQL, so
    that a caseload of any size is filtered and sorted by status without loading a step:
    one join with the steps, counted by condition (a test holds both to the same
    answers). Keep correlated subqueries out of it: they would land in the GROUP BY and
    run once per step instead of once per enrolment.
    """
    finished = Q(steps__status__in=progress.FINISHED)
    required = Q(steps__required=True)
    # Inactive for INACTIVE_DAYS days: last active before the start of that day, where
    # the viewer is (the request's time zone).
    quiet_since = timezone.make_aware(
        datetime.combine(today - timedelta(days=progress.INACTIVE_DAYS - 1), time.min))
    return enrolments.annotate(
        steps_total=Count("steps"),
        steps_finished=Count("steps", filter=finished),
        required_total=Count("steps", filter=required),
        required_finished=Count("steps", filter=required & finished),
        late_steps=Count("steps", filter=required & Q(steps__status=PathStepStatus.TODO) & (
            Q(steps__due_on__lt=today) | Q(steps__due_on__isnull=True,
                                           steps__planned_on__lt=today))),
        active_at=Coalesce("last_activity_at", "created_at"),
    ).annotate(
        counted_total=Case(When(required_total__gt=0, then=F("required_total")),
                           default=F("steps_total")),
        counted_finished=Case(When(required_total__gt=0, then=F("required_finished")),
                              default=F("steps_finished")),
    ).annotate(
        progress_percent=Case(
            When(counted_total=0, then=Value(0)),
            default=F("counted_finished") * 100 / F("counted_total"),
            output_field=IntegerField()),
        status=Case(
            When(Q(completed_at__isnull=False) | Q(counted_total__gt=0,
                                                  counted_finished=F("counted_total")),
                 then=Value(EnrolmentStatus.COMPLETED.value)),
            When(late_steps=0, then=Value(EnrolmentStatus.ON_TRACK.value)),
            When(active_at__lt=quiet_since, then=Value(EnrolmentStatus.AT_RISK.value)),
            default=Value(EnrolmentStatus.BEHIND.value)),
    ).annotate(
        status_rank=Case(
            *(When(status=status.value, then=Value(rank))
              for status, rank in STATUS_RANK.items()),
            output_field=IntegerField()),
    )


def caseload(organisation: Organisation, *, viewer: User, today: date, sort: str = "name",
             status_filter: str = "", programme_filter: int | None = None, search: str = "",
             page: int = 1, per_page: int = CASELOAD_PAGE_SIZE) -> Caseload:
    """One row per enrolment (a learner in two programmes has two rows: status and
    progress belong to a programme), in six queries whatever the caseload's size.

    Everyone with FOLLOW_LEARNERS sees the whole organisation: there is no assignment of
    learners to one coach yet, so a coach narrows it down with the programme filter.
    Sorted by status or progress (or filtered by status), one aggregate query chooses
    the page with its figures, and one loads its people and programmes; sorted by
    anything else, one query loads the page and one works out the figures of its rows
    only. The figures come as plain values: grouping by every column of the people and
    programmes too would cost more than the counting. The work waiting for review comes
    in one more query.
    """
    require_permission(viewer, organisation, Permission.FOLLOW_LEARNERS)
    enrolments = Enrolment.objects.filter(organisation=organisation)
    if programme_filter:
        enrolments = enrolments.filter(programme_id=programme_filter)
    if search:
        enrolments = enrolments.filter(Q(learner__display_name__icontains=search)
                                       | Q(learner__email__icontains=search))
    figures = with_progress(enrolments, today=today)
    filtered = status_filter in EnrolmentStatus.values
    if filtered:
        figures = figures.filter(status=status_filter)
    total = figures.count() if filtered else enrolments.count()
    key = sort.removeprefix("-")
    if key not in CASELOAD_SORTS:
        sort, key = "name", "name"
    order = CASELOAD_SORTS[key]
    if sort.startswith("-"):
        order = (_descending(order[0]), *order[1:])
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    start = (page - 1) * per_page
    people = ("learner", "programme")
    if filtered or key in AGGREGATE_SORTS:
        shown = list(figures.order_by(*order).values(*_FIGURES)[start:start + per_page])
        loaded = Enrolment.objects.select_related(*people).in_bulk(
            [row["pk"] for row in shown])
        page_rows = [(loaded[row["pk"]], row) for row in shown]
    else:
        # Sorted by a column of its own: load the page first, then work out the figures
        # of its rows only, not of the whole organisation's.
        shown = list(enrolments.select_related(*people)
                     .annotate(active_at=Coalesce("last_activity_at", "created_at"))
                     .order_by(*order)[start:start + per_page])
        found = {row["pk"]: row for row in with_progress(
            Enrolment.objects.filter(pk__in=[e.pk for e in shown]), today=today,
        ).values(*_FIGURES)}
        page_rows = [(enrolment, found[enrolment.pk]) for enrolment in shown]
    ids = [enrolment.pk for enrolment, _figures in page_rows]
    pending = dict(
        Submission.objects.filter(path_step__enrolment__in=ids,
                                  status=SubmissionStatus.SUBMITTED)
        .values("path_step__enrolment").annotate(n=Count("pk"))
        .values_list("path_step__enrolment", "n"))
    programmes = list(Programme.objects.filter(organisation=organisation)
                      .only("id", "title").order_by("title"))
    rows = [
        CaseloadRow(enrolment=enrolment, status=row["status"], percent=row["progress_percent"],
                    counted_finished=row["counted_finished"],
                    counted_total=row["counted_total"], active_at=row["active_at"],
                    pending_reviews=pending.get(enrolment.pk, 0), today=today)
        for enrolment, row in page_rows
    ]
    return Caseload(rows=rows, total=total, page=page, pages=pages, sort=sort,
                    programmes=programmes)


# --- One learner, as their coach sees them ----------------------------------------------


@dataclass
class FollowedStep:
    step: PathStep
    evidence: list[Evidence] = field(default_factory=list)
    submissions: list[Submission] = field(default_factory=list)

    @property
    def declared(self) -> bool:
        return any(e.kind == EvidenceKind.DECLARATION for e in self.evidence)

    @property
    def engaged_minutes(self) -> int:
        return self.step.engaged_seconds // 60

    @property
    def can_validate(self) -> bool:
        return self.step.kind == StepKind.CHECKPOINT and self.step.status == PathStepStatus.TODO

    @property
    def can_confirm(self) -> bool:
        return (self.step.kind == StepKind.EXTERNAL and self.step.status == PathStepStatus.TODO
                and self.step.needs_coach_confirmation and self.declared)


@dataclass(frozen=True)
class FollowedPath:
    progress: ProgrammeProgress
    steps: list[FollowedStep]

    @property
    def enrolment(self) -> Enrolment:
        return self.progress.enrolment


@dataclass(frozen=True)
class TimelineItem:
    at: datetime
    event: LearningEvent | None = None
    adaptation: Adaptation | None = None


@dataclass(frozen=True)
class Timeline:
    items: list[TimelineItem]
    page: int
    pages: int

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


@dataclass(frozen=True)
class LearnerRecord:
    learner: User
    paths: list[FollowedPath]
    adaptations: list[Adaptation]
    timeline: Timeline


def followed_learner(organisation: Organisation, *, viewer: User, learner_id: int) -> User:
    """A member of the organisation, for the people who follow learners; else a 404."""
    require_permission(viewer, organisation, Permission.FOLLOW_LEARNERS)
    try:
        return User.objects.get(pk=learner_id, memberships__organisation=organisation)
    except User.DoesNotExist as missing:
        raise Http404(_("No such learner.")) from missing


def learner_record(organisation: Organisation, *, viewer: User, learner_id: int,
                   today: date, timeline_page: int = 1) -> LearnerRecord:
    """A learner's paths with their evidence, the adaptations made, and their timeline."""
    learner = followed_learner(organisation, viewer=viewer, learner_id=learner_id)
    enrolments = Enrolment.objects.filter(learner=learner, organisation=organisation)
    enrolment_list = list(enrolments.select_related("programme").order_by("start_on", "id"))
    steps_by_enrolment: dict[int, list[PathStep]] = defaultdict(list)
    evidence: dict[int, list[Evidence]] = defaultdict(list)
    submissions: dict[int, list[Submission]] = defaultdict(list)
    adaptations: list[Adaptation] = []
    if enrolment_list:
        for step in _path_steps(enrolments):
            steps_by_enrolment[step.enrolment_id].append(step)
        for item in (Evidence.objects.filter(path_step__enrolment__in=enrolments)
                     .select_related("recorded_by")):
            evidence[item.path_step_id].append(item)
        for item in (Submission.objects.filter(path_step__enrolment__in=enrolments)
                     .select_related("reviewed_by").order_by("-created_at", "-id")):
            submissions[item.path_step_id].append(item)
        adaptations = list(Adaptation.objects.filter(enrolment__in=enrolments)
                           .select_related("made_by", "path_step", "enrolment__programme"))
    paths = []
    for enrolment in enrolment_list:
        steps = steps_by_enrolment[enrolment.pk]
        for step in steps:
            step.enrolment = enrolment
        summary = _programme_progress(enrolment, steps, today=today)
        paths.append(FollowedPath(progress=summary, steps=[
            FollowedStep(step=step, evidence=evidence[step.pk],
                         submissions=submissions[step.pk])
            for step in steps
        ]))
    return LearnerRecord(
        learner=learner, paths=paths, adaptations=adaptations,
        timeline=_timeline(learner, organisation, adaptations, page=timeline_page),
    )


def _timeline(learner: User, organisation: Organisation, adaptations: list[Adaptation], *,
              page: int, per_page: int = TIMELINE_PAGE_SIZE) -> Timeline:
    """The learner's learning events and the changes made to their path, newest first.

    Two sources merged: page n needs the newest n × per_page of each, which stays cheap
    for the pages people actually open.
    """
    events = LearningEvent.objects.filter(actor=learner, organisation=organisation).order_by(
        "-occurred_at", "-id")
    total = events.count() + len(adaptations)
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    end = page * per_page
    items = sorted(
        [TimelineItem(at=event.occurred_at, event=event) for event in events[:end]]
        + [TimelineItem(at=a.made_at, adaptation=a) for a in adaptations[:end]],
        key=lambda item: item.at, reverse=True,
    )
    return Timeline(items=items[end - per_page:end], page=page, pages=pages)


def followed_enrolment(user: User, organisation: Organisation, enrolment_id: int) -> Enrolment:
    """An enrolment of the organisation with its steps, for the people who follow learners."""
    require_permission(user, organisation, Permission.FOLLOW_LEARNERS)
    try:
        return (
            Enrolment.objects.select_related("programme", "learner")
            .prefetch_related(Prefetch("steps", queryset=PathStep.objects.order_by(
                "position", "id")))
            .get(pk=enrolment_id, organisation=organisation)
        )
    except Enrolment.DoesNotExist as missing:
        raise Http404(_("No such enrolment.")) from missing


# --- Reviews ----------------------------------------------------------------------------


def submissions_to_review(organisation: Organisation, *, viewer: User) -> list[Submission]:
    """Submissions waiting for a coach, oldest first (the queue)."""
    require_permission(viewer, organisation, Permission.REVIEW_WORK)
    return list(
        Submission.objects.filter(status=SubmissionStatus.SUBMITTED,
                                  path_step__enrolment__organisation=organisation)
        .select_related("path_step__enrolment__learner", "path_step__enrolment__programme")
        .order_by("created_at", "id")
    )


def submission_to_review(user: User, organisation: Organisation,
                         submission_id: int) -> Submission:
    require_permission(user, organisation, Permission.REVIEW_WORK)
    try:
        return Submission.objects.select_related(
            "path_step__enrolment__learner", "path_step__enrolment__programme"
        ).get(pk=submission_id, path_step__enrolment__organisation=organisation)
    except Submission.DoesNotExist as missing:
        raise Http404(_("No such submission.")) from missing


def submission_file(user: User, organisation: Organisation, submission_id: int) -> Submission:
    """A submission whose file this person may download: their own, or a followed learner's.

    Files are not public media: each download goes through this check.
    """
    roles = roles_in(user, organisation)
    submissions = Submission.objects.filter(path_step__enrolment__organisation=organisation)
    if not roles_allow(roles, Permission.FOLLOW_LEARNERS):
        if not roles_allow(roles, Permission.FOLLOW_OWN_PATH):
            raise Http404(_("No such file."))
        submissions = submissions.filter(path_step__enrolment__learner=user)
    try:
        submission = submissions.get(pk=submission_id)
    except Submission.DoesNotExist as missing:
        raise Http404(_("No such file.")) from missing
    if not submission.file:
        raise Http404(_("No such file."))
    return submission


# --- Enrolling --------------------------------------------------------------------------


def programme_to_enrol_in(user: User, organisation: Organisation,
                          programme_id: int) -> Programme:
    require_permission(user, organisation, Permission.ENROL_LEARNERS)
    try:
        return Programme.objects.get(pk=programme_id, organisation=organisation)
    except Programme.DoesNotExist as missing:
        raise Http404(_("No such programme.")) from missing


def learners_in(organisation: Organisation) -> QuerySet[User]:
    """The organisation's learners (for the choices of an enrolment form)."""
    return User.objects.filter(memberships__organisation=organisation,
                               memberships__roles__role=Role.LEARNER).distinct()


@dataclass(frozen=True)
class LearnerChoice:
    learner: User
    enrolled: bool


@dataclass(frozen=True)
class LearnerChoices:
    choices: list[LearnerChoice]
    total: int

    @property
    def truncated(self) -> bool:
        return self.total > len(self.choices)


def learners_to_enrol(organisation: Organisation, programme: Programme, *, viewer: User,
                      search: str = "", limit: int = ENROL_CHOICES_SHOWN) -> LearnerChoices:
    """Learners matching a search, each marked when already in the programme."""
    require_permission(viewer, organisation, Permission.ENROL_LEARNERS)
    learners = learners_in(organisation)
    if search:
        learners = learners.filter(Q(display_name__icontains=search)
                                   | Q(email__icontains=search))
    total = learners.count()
    rows = learners.annotate(enrolled=Exists(Enrolment.objects.filter(
        programme=programme, learner=OuterRef("pk")))).order_by("display_name", "email")[:limit]
    return LearnerChoices(choices=[LearnerChoice(learner=u, enrolled=u.enrolled) for u in rows],
                          total=total)


# --- Reads for the REST API (journeys/api.py) -------------------------------------------


def _path_with_evidence() -> list:
    """Prefetches of a path's steps for the API: prerequisites, evidence, submissions."""
    return [
        "prerequisites",
        Prefetch("evidence", queryset=Evidence.objects.select_related("recorded_by")
                 .order_by("recorded_at", "id")),
        Prefetch("submissions", queryset=Submission.objects.select_related("reviewed_by")
                 .order_by("-created_at", "-id")),
    ]


def _visible_enrolments(user: User, organisation: Organisation) -> QuerySet[Enrolment]:
    """Every enrolment of the organisation for those who follow learners; a learner's own
    for a learner; refused for anyone else."""
    roles = roles_in(user, organisation)
    enrolments = Enrolment.objects.filter(organisation=organisation)
    if not roles_allow(roles, Permission.FOLLOW_LEARNERS):
        require_permission(user, organisation, Permission.FOLLOW_OWN_PATH)
        enrolments = enrolments.filter(learner=user)
    return enrolments.select_related("programme", "learner")


def enrolments_page_for(user: User, organisation: Organisation, *, offset: int, limit: int,
                        programme_id: int | None = None,
                        learner_id: int | None = None) -> tuple[int, list[Enrolment]]:
    """One page of the enrolments the person may see, newest first, and their total; each
    with its steps and their prerequisites (for status, progress and next step), in a
    fixed number of queries whatever the page's size."""
    enrolments = _visible_enrolments(user, organisation)
    if programme_id is not None:
        enrolments = enrolments.filter(programme_id=programme_id)
    if learner_id is not None:
        enrolments = enrolments.filter(learner_id=learner_id)
    total = enrolments.count()
    steps = PathStep.objects.order_by("position", "id").prefetch_related("prerequisites")
    page = list(enrolments.prefetch_related(Prefetch("steps", queryset=steps))
                .order_by("-created_at", "-id")[offset:offset + limit])
    return total, page


def enrolment_with_path(user: User, organisation: Organisation,
                        enrolment_id: int) -> Enrolment:
    """One enrolment the person may see, with its whole path and each step's evidence."""
    steps = PathStep.objects.order_by("position", "id").prefetch_related(*_path_with_evidence())
    try:
        return (_visible_enrolments(user, organisation)
                .prefetch_related(Prefetch("steps", queryset=steps)).get(pk=enrolment_id))
    except Enrolment.DoesNotExist as missing:
        raise Http404(_("No such enrolment.")) from missing


def path_step_with_evidence(user: User, organisation: Organisation,
                            path_step_id: int) -> PathStep:
    """One step of a path the person may see (their own, or any for those who follow
    learners), with its evidence and submissions."""
    enrolments = _visible_enrolments(user, organisation)
    try:
        return (PathStep.objects.filter(enrolment__in=enrolments.values("pk"))
                .select_related("enrolment__programme", "enrolment__learner")
                .prefetch_related(*_path_with_evidence()).get(pk=path_step_id))
    except PathStep.DoesNotExist as missing:
        raise Http404(_("No such step.")) from missing


def members_with_ids(organisation: Organisation, user_ids: list[int], *,
                     viewer: User) -> list[User]:
    """The organisation's members with these ids, in that order, for enrolling them; an
    id that is not a member's is a 404 naming it."""
    require_permission(viewer, organisation, Permission.ENROL_LEARNERS)
    members = User.objects.filter(memberships__organisation=organisation, pk__in=user_ids)
    by_id = {user.pk: user for user in members}
    unknown = [str(pk) for pk in user_ids if pk not in by_id]
    if unknown:
        raise Http404(_("No member of this organisation has the id %(ids)s.")
                      % {"ids": ", ".join(unknown)})
    return [by_id[pk] for pk in user_ids]


def step_to_copy(user: User, organisation: Organisation, step_id: int):
    """A programme step of the organisation, to copy into a learner's path."""
    from parcours.catalog.models import Step  # only this section reads template steps

    require_permission(user, organisation, Permission.ADAPT_PATHS)
    try:
        return Step.objects.select_related("programme").get(
            pk=step_id, programme__organisation=organisation)
    except Step.DoesNotExist as missing:
        raise Http404(_("No such programme step.")) from missing

"""Reads of the classroom pages and API, each with its access check built in."""

# --- Scheduling: sessions, calendars, rooms ----------------------------------------------
#
# Who sees which session: managers (SCHEDULE_SESSIONS) every session of the organisation;
# a trainer the sessions they train; a learner the sessions they are registered in (or
# waiting for) and the scheduled ones open to self-registration. Anyone else gets a 404.

import calendar as _calendar
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import MembershipRole, Organisation, User
from parcours.accounts.selectors import require_permission, roles_in
from parcours.catalog.models import Step, StepKind
from parcours.classroom.models import (
    Registration,
    RegistrationStatus,
    Room,
    Session,
    SessionStatus,
    SessionTrainer,
    Slot,
)
from parcours.core.errors import NotAllowed
from parcours.core.models import LearningEvent, Verb
from parcours.core.roles import Permission, Role, roles_allow

# Any of these lets a person see sessions at all (which ones depends on the role).
SEES_SESSIONS = (Permission.SCHEDULE_SESSIONS, Permission.TEACH_SESSIONS,
                 Permission.REGISTER_LEARNERS, Permission.FOLLOW_OWN_PATH)
CALENDAR_VIEWS = ("month", "week", "list")
# A calendar asked through the API covers at most this much time.
MAX_CALENDAR_DAYS = 366


def zone_of(user: User) -> zoneinfo.ZoneInfo:
    """The person's time zone, or the site's when theirs is unknown."""
    try:
        return zoneinfo.ZoneInfo(user.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, AttributeError):
        return timezone.get_default_timezone()


def _visible_sessions(user: User, organisation: Organisation,
                      roles: frozenset[str]) -> QuerySet[Session]:
    sessions = Session.objects.filter(organisation=organisation)
    if roles_allow(roles, Permission.SCHEDULE_SESSIONS):
        return sessions
    mine = Q(Exists(SessionTrainer.objects.filter(session=OuterRef("pk"), trainer=user)))
    if roles_allow(roles, Permission.FOLLOW_OWN_PATH):
        mine |= Q(Exists(Registration.objects.filter(
            session=OuterRef("pk"), learner=user,
            status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED])))
        mine |= Q(allows_self_registration=True, status=SessionStatus.SCHEDULED)
    return sessions.filter(mine)


def _with_details(sessions: QuerySet[Session], user: User, *,
                  as_lists: bool = False) -> QuerySet[Session]:
    """Room, slots in order, trainers by name, seats taken and the viewer's own
    registration: three queries whatever the number of sessions.

    `as_lists` puts the slots and trainers in plain lists (`slot_list`, `trainer_list`)
    instead of the related managers' caches: for a calendar of hundreds of sessions, the
    caches cost a queryset per session and relation, about a third of the page's time.
    """
    seats_taken = (Registration.objects
                   .filter(session=OuterRef("pk"), status=RegistrationStatus.REGISTERED)
                   .order_by().values("session").annotate(n=Count("pk")).values("n"))
    own_status = (Registration.objects.filter(session=OuterRef("pk"), learner=user)
                  .exclude(status=RegistrationStatus.CANCELLED).values("status")[:1])
    slots = Slot.objects.order_by("starts_at", "pk")
    trainers = User.objects.only("display_name", "email").order_by("display_name", "pk")
    return (sessions.select_related("room")
            .annotate(seats_taken=Coalesce(Subquery(seats_taken, output_field=IntegerField()),
                                           0),
                      own_registration=Subquery(own_status))
            .prefetch_related(
                Prefetch("slots", queryset=slots, to_attr="slot_list" if as_lists else None),
                Prefetch("trainers", queryset=trainers,
                         to_attr="trainer_list" if as_lists else None))
            .order_by("starts_at", "pk"))


def session_slots(session: Session) -> list[Slot]:
    """A session's slots in order, from what its selector prefetched."""
    listed = getattr(session, "slot_list", None)
    return listed if listed is not None else list(session.slots.all())


def session_trainers(session: Session) -> list[User]:
    """A session's trainers by name, from what its selector prefetched."""
    listed = getattr(session, "trainer_list", None)
    return listed if listed is not None else list(session.trainers.all())


def session_for(user: User, organisation: Organisation, session_id: int) -> Session:
    """One session the person may see, with its room, slots and trainers; else a 404."""
    roles = roles_in(user, organisation)
    if not any(roles_allow(roles, p) for p in SEES_SESSIONS):
        raise Http404(_("No such session."))
    try:
        return (_with_details(_visible_sessions(user, organisation, roles), user)
                .select_related("step", "programme").get(pk=session_id))
    except Session.DoesNotExist as missing:
        raise Http404(_("No such session.")) from missing


def schedules_sessions(user: User, organisation: Organisation) -> bool:
    return roles_allow(roles_in(user, organisation), Permission.SCHEDULE_SESSIONS)


def trains(session: Session, user: User) -> bool:
    """Whether the person trains this session (its trainers prefetched)."""
    return any(trainer.pk == user.pk for trainer in session_trainers(session))


def shows_meeting_link(session: Session, viewer: User, *, schedules: bool) -> bool:
    """The virtual class link is for the people taking part: those who schedule or train
    it, and learners with a seat (a learner only looking at an open session learns it
    once registered)."""
    return (schedules or trains(session, viewer)
            or session.own_registration == RegistrationStatus.REGISTERED)


def shows_seats_taken(session: Session, viewer: User, *, schedules: bool) -> bool:
    return schedules or trains(session, viewer)


def session_to_manage(user: User, organisation: Organisation, session_id: int) -> Session:
    """A session of the organisation, for a person who schedules sessions."""
    require_permission(user, organisation, Permission.SCHEDULE_SESSIONS)
    try:
        return (Session.objects.select_related("organisation", "room", "step", "programme")
                .prefetch_related(
                    Prefetch("slots", queryset=Slot.objects.order_by("starts_at", "pk")),
                    "trainers")
                .get(organisation=organisation, pk=session_id))
    except Session.DoesNotExist as missing:
        raise Http404(_("No such session.")) from missing


def calendar(user: User, organisation: Organisation, *, start: datetime,
             end: datetime) -> list[Session]:
    """The sessions the person may see that overlap [start, end), cancelled ones
    included (shown as such), with room, slots (`slot_list`) and trainers
    (`trainer_list`): four queries in all."""
    return list(_with_details(_overlapping(user, organisation, start, end), user,
                              as_lists=True))


def _overlapping(user: User, organisation: Organisation, start: datetime,
                 end: datetime) -> QuerySet[Session]:
    roles = roles_in(user, organisation)
    if not any(roles_allow(roles, p) for p in SEES_SESSIONS):
        raise NotAllowed()
    return _visible_sessions(user, organisation, roles).filter(starts_at__lt=end,
                                                               ends_at__gt=start)


# What the month grid shows of a session: when, its title, whether it is cancelled.
GRID_FIELDS = ("title", "status", "starts_at", "ends_at")


def _month_grid_sessions(user: User, organisation: Organisation, start: datetime,
                         end: datetime) -> list[Session]:
    """The month grid's sessions with their slots and nothing else: the grid shows a
    title and hours, and a month of a busy organisation holds hundreds of slots (three
    queries)."""
    return list(_overlapping(user, organisation, start, end).only(*GRID_FIELDS)
                .prefetch_related(Prefetch("slots", to_attr="slot_list",
                                           queryset=Slot.objects.order_by("starts_at", "pk")))
                .order_by("starts_at", "pk"))


@dataclass
class CalendarEntry:
    """One slot of a session on one day of a calendar, in the viewer's time."""

    session: Session
    slot: Slot
    starts_at: datetime
    ends_at: datetime

    @property
    def cancelled(self) -> bool:
        return self.session.status == SessionStatus.CANCELLED

    @property
    def hours(self) -> str:
        return f"{self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


@dataclass
class CalendarDay:
    day: date
    in_period: bool = True
    is_today: bool = False
    entries: list[CalendarEntry] = field(default_factory=list)


@dataclass
class CalendarPage:
    """What a calendar page shows: its days (as weeks for the month grid), the period
    before and after, and today, all in the viewer's time zone."""

    view: str
    anchor: date
    first_day: date
    last_day: date
    days: list[CalendarDay]
    previous: date
    next: date
    today: date
    zone: zoneinfo.ZoneInfo
    session_count: int

    @property
    def weeks(self) -> list[list[CalendarDay]]:
        return [self.days[i:i + 7] for i in range(0, len(self.days), 7)]

    @property
    def busy_days(self) -> list[CalendarDay]:
        return [day for day in self.days if day.entries and day.in_period]

    @property
    def weekdays(self) -> list[date]:
        return [self.days[0].day + timedelta(days=n) for n in range(7)]


def calendar_period(view: str, anchor: date) -> tuple[date, date, date, date, date, date]:
    """(first day shown, last day shown, first day of the period, last day of the period,
    previous anchor, next anchor). Weeks start on Monday."""
    if view == "week":
        monday = anchor - timedelta(days=anchor.weekday())
        sunday = monday + timedelta(days=6)
        return monday, sunday, monday, sunday, monday - timedelta(days=7), monday + timedelta(
            days=7)
    first = anchor.replace(day=1)
    last = first.replace(day=_calendar.monthrange(first.year, first.month)[1])
    previous = (first - timedelta(days=1)).replace(day=1)
    following = last + timedelta(days=1)
    if view == "list":
        return first, last, first, last, previous, following
    return (first - timedelta(days=first.weekday()), last + timedelta(days=6 - last.weekday()),
            first, last, previous, following)


def calendar_page(user: User, organisation: Organisation, *, view: str, anchor: date,
                  zone: zoneinfo.ZoneInfo | None = None) -> CalendarPage:
    """A month (weeks from Monday), a week or a month's list of the sessions the person
    may see, each slot on its day in their time zone: 09:00 in Paris is 03:00 in
    Montréal, and can fall on another day in Tokyo."""
    if view not in CALENDAR_VIEWS:
        view = "month"
    zone = zone or zone_of(user)
    first_shown, last_shown, first, last, previous, following = calendar_period(view, anchor)
    today = timezone.localtime(timezone.now(), zone).date()
    read = _month_grid_sessions if view == "month" else calendar
    sessions = read(user, organisation, start=local_midnight(first_shown, zone),
                    end=local_midnight(last_shown + timedelta(days=1), zone))
    days = {}
    day = first_shown
    while day <= last_shown:
        days[day] = CalendarDay(day=day, in_period=first <= day <= last, is_today=day == today)
        day += timedelta(days=1)
    for session in sessions:
        for slot in session.slot_list:
            starts_at, ends_at = slot.starts_at.astimezone(zone), slot.ends_at.astimezone(zone)
            if starts_at.date() in days:
                days[starts_at.date()].entries.append(
                    CalendarEntry(session=session, slot=slot, starts_at=starts_at,
                                  ends_at=ends_at))
    for calendar_day in days.values():
        calendar_day.entries.sort(key=lambda entry: (entry.starts_at, entry.session.pk))
    return CalendarPage(view=view, anchor=anchor, first_day=first, last_day=last,
                        days=list(days.values()), previous=previous, next=following,
                        today=today, zone=zone, session_count=len(sessions))


def local_midnight(day: date, zone: zoneinfo.ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone)


@dataclass
class SlotDay:
    day: date
    slots: list[tuple[Slot, datetime, datetime]]


def slots_by_day(session: Session, zone: zoneinfo.ZoneInfo) -> list[SlotDay]:
    """A session's slots grouped by their local day in `zone`, in order."""
    days: list[SlotDay] = []
    for slot in session_slots(session):
        starts_at, ends_at = slot.starts_at.astimezone(zone), slot.ends_at.astimezone(zone)
        if not days or days[-1].day != starts_at.date():
            days.append(SlotDay(day=starts_at.date(), slots=[]))
        days[-1].slots.append((slot, starts_at, ends_at))
    return days


def cancellation_reason(session: Session) -> str:
    """Why a cancelled session was called off, as its manager wrote it."""
    if session.status != SessionStatus.CANCELLED:
        return ""
    event = (LearningEvent.objects.filter(verb=Verb.CANCELLED, object_type="classroom.session",
                                          object_id=str(session.pk),
                                          organisation=session.organisation_id)
             .order_by("-occurred_at", "-pk").values_list("context", flat=True).first())
    return (event or {}).get("reason", "")


def rooms_of(organisation: Organisation, *, viewer: User) -> list[Room]:
    """The organisation's rooms, by venue and name, for those who schedule."""
    require_permission(viewer, organisation, Permission.SCHEDULE_SESSIONS)
    return list(Room.objects.filter(organisation=organisation).order_by("venue", "name", "pk"))


def room_to_edit(user: User, organisation: Organisation, room_id: int) -> Room:
    require_permission(user, organisation, Permission.SCHEDULE_SESSIONS)
    try:
        return Room.objects.select_related("organisation").get(organisation=organisation,
                                                               pk=room_id)
    except Room.DoesNotExist as missing:
        raise Http404(_("No such room.")) from missing


def trainers_of(organisation: Organisation) -> QuerySet[User]:
    """The people who may train a session here (trainers and coaches), by name."""
    return (User.objects.filter(Exists(MembershipRole.objects.filter(
        membership__organisation=organisation, membership__user=OuterRef("pk"),
        role__in=[Role.TRAINER, Role.COACH]))).order_by("display_name", "email"))


def live_session_steps(organisation: Organisation) -> QuerySet[Step]:
    """The live-session steps of the organisation's programmes, a session can belong to."""
    return (Step.objects.filter(kind=StepKind.LIVE_SESSION, programme__organisation=organisation)
            .select_related("programme").order_by("programme__title", "module__position",
                                                  "position", "pk"))


# --- Registrations and calendar feeds (the registrations part) ---------------------------
#
# Who registers whom (REGISTER_LEARNERS), a learner's own sessions (FOLLOW_OWN_PATH), the
# registrations panel of the session page, and the private calendar feeds. Its imports
# stay here, so that the two parts of this module do not edit each other's lines.

import hashlib  # noqa: E402
import re  # noqa: E402

from parcours.classroom.models import CalendarFeed  # noqa: E402
from parcours.journeys.models import Enrolment  # noqa: E402

REGISTER_CHOICES_SHOWN = 200
MAX_PASTED_EMAILS = 500


def session_to_register_in(user: User, organisation: Organisation, session_id: int) -> Session:
    """A session of the organisation, for a person who registers learners; else a 404."""
    require_permission(user, organisation, Permission.REGISTER_LEARNERS)
    try:
        return (Session.objects.select_related("organisation", "room", "programme")
                .prefetch_related(Prefetch("slots", queryset=Slot.objects.order_by("starts_at",
                                                                                  "pk")))
                .get(organisation=organisation, pk=session_id))
    except Session.DoesNotExist as missing:
        raise Http404(_("No such session.")) from missing


def registration_for(user: User, organisation: Organisation,
                     registration_id: int) -> Registration:
    """A registration the person may act on: their own, or any of the organisation's
    for those who register learners. Anyone else gets a 404."""
    registrations = Registration.objects.filter(session__organisation=organisation)
    if not roles_allow(roles_in(user, organisation), Permission.REGISTER_LEARNERS):
        registrations = registrations.filter(learner=user)
    try:
        return registrations.select_related("session__organisation", "learner").get(
            pk=registration_id)
    except Registration.DoesNotExist as missing:
        raise Http404(_("No such registration.")) from missing


@dataclass
class SessionRegistrations:
    """A session's registrations: seats (by name), the waiting list (in order) and the
    cancelled ones (latest first)."""

    session: Session
    registered: list[Registration]
    waiting: list[Registration]
    cancelled: list[Registration]

    @property
    def seats_taken(self) -> int:
        return len(self.registered)

    @property
    def seats_free(self) -> int:
        return max(self.session.capacity - len(self.registered), 0)


def registrations_of(session: Session, *, viewer: User) -> SessionRegistrations:
    """Everyone registered for a session, on its waiting list or cancelled: one query."""
    require_permission(viewer, session.organisation, Permission.REGISTER_LEARNERS)
    rows = list(Registration.objects.filter(session=session)
                .select_related("learner", "registered_by")
                .order_by("waitlisted_at", "pk"))
    return SessionRegistrations(
        session=session,
        registered=sorted((r for r in rows if r.status == RegistrationStatus.REGISTERED),
                          key=_by_name),
        waiting=[r for r in rows if r.status == RegistrationStatus.WAITLISTED],
        cancelled=sorted((r for r in rows if r.status == RegistrationStatus.CANCELLED),
                         key=lambda r: r.cancelled_at or r.updated_at, reverse=True),
    )


def _by_name(registration: Registration) -> tuple[str, str]:
    return registration.learner.display_name.casefold(), registration.learner.email


def learners_of_organisation(organisation: Organisation) -> QuerySet[User]:
    return User.objects.filter(Exists(MembershipRole.objects.filter(
        membership__organisation=organisation, membership__user=OuterRef("pk"),
        role=Role.LEARNER)))


@dataclass(frozen=True)
class LearnerToRegister:
    learner: User
    registered: bool


@dataclass(frozen=True)
class LearnersToRegister:
    choices: list[LearnerToRegister]
    total: int

    @property
    def truncated(self) -> bool:
        return self.total > len(self.choices)


def learners_to_register(session: Session, *, viewer: User, search: str = "",
                         limit: int = REGISTER_CHOICES_SHOWN) -> LearnersToRegister:
    """The organisation's learners matching a search, by name, each marked when already
    registered or waiting: two queries."""
    require_permission(viewer, session.organisation, Permission.REGISTER_LEARNERS)
    learners = learners_of_organisation(session.organisation)
    if search:
        learners = learners.filter(Q(display_name__icontains=search)
                                   | Q(email__icontains=search))
    total = learners.count()
    rows = learners.annotate(registered=Exists(Registration.objects.filter(
        session=session, learner=OuterRef("pk")).exclude(status=RegistrationStatus.CANCELLED))
    ).order_by("display_name", "email")[:limit]
    return LearnersToRegister(
        choices=[LearnerToRegister(learner=u, registered=u.registered) for u in rows],
        total=total)


def learners_with_ids(session: Session, ids: list[int], *, viewer: User) -> list[User]:
    """The learners of the session's organisation with these ids, in the order given;
    unknown ids are left out (the service names anyone who is not a learner)."""
    require_permission(viewer, session.organisation, Permission.REGISTER_LEARNERS)
    found = {u.pk: u for u in User.objects.filter(
        pk__in=ids, memberships__organisation=session.organisation)}
    return [found[pk] for pk in dict.fromkeys(ids) if pk in found]


def learners_enrolled_in_programme(session: Session, *, viewer: User) -> list[User]:
    """The whole group: the learners enrolled in the session's programme, by name."""
    require_permission(viewer, session.organisation, Permission.REGISTER_LEARNERS)
    if session.programme_id is None:
        return []
    enrolled = Enrolment.objects.filter(programme_id=session.programme_id,
                                        organisation=session.organisation,
                                        learner=OuterRef("pk"))
    return list(learners_of_organisation(session.organisation).filter(Exists(enrolled))
                .order_by("display_name", "email"))


def split_emails(text: str) -> list[str]:
    """The addresses in pasted text (one per line, or separated by commas, semicolons or
    spaces), lower-cased, each once, in order."""
    return list(dict.fromkeys(part.lower() for part in re.split(r"[\s,;]+", text or "")
                              if part))


def learners_with_emails(organisation: Organisation, emails: list[str], *,
                         viewer: User) -> tuple[list[User], list[str]]:
    """The organisation's learners with these addresses, and the addresses that match
    no learner here."""
    require_permission(viewer, organisation, Permission.REGISTER_LEARNERS)
    found = {u.email.lower(): u for u in learners_of_organisation(organisation).filter(
        email__in=emails)}
    return ([found[email] for email in emails if email in found],
            [email for email in emails if email not in found])


@dataclass
class MySession:
    registration: Registration
    can_cancel: bool
    waitlist_position: int | None = None

    @property
    def session(self) -> Session:
        return self.registration.session


@dataclass
class MySessions:
    upcoming: list[MySession]
    past: list[MySession]


def my_sessions(user: User, organisation: Organisation, *,
                now: datetime | None = None) -> MySessions:
    """A learner's registrations in the organisation: the upcoming ones first to last,
    then the past ones latest first; each says whether it can still be cancelled and
    the place on the waiting list. Four queries whatever their number."""
    # Imported here, so that services may read through this module without a cycle.
    from parcours.classroom.services.registrations import cancellation_refusal

    roles = require_permission(user, organisation, Permission.FOLLOW_OWN_PATH)
    now = now or timezone.now()
    rows = list(Registration.objects.filter(learner=user, session__organisation=organisation)
                .select_related("session__organisation", "session__room")
                .prefetch_related(Prefetch("session__slots",
                                           queryset=Slot.objects.order_by("starts_at", "pk")))
                .order_by("session__starts_at", "session_id", "-pk"))
    # A session registered for, cancelled, then registered for again shows once.
    latest: dict[int, Registration] = {}
    for row in rows:
        current = latest.get(row.session_id)
        if current is None or (current.status == RegistrationStatus.CANCELLED
                               and row.status != RegistrationStatus.CANCELLED):
            latest[row.session_id] = row
    positions = waitlist_positions([r for r in latest.values()
                                     if r.status == RegistrationStatus.WAITLISTED])
    upcoming, past = [], []
    for registration in latest.values():
        session = registration.session
        item = MySession(registration=registration,
                         can_cancel=cancellation_refusal(registration, by=user, roles=roles,
                                                         now=now) is None,
                         waitlist_position=positions.get(registration.pk))
        if session.ends_at is not None and session.ends_at <= now:
            past.append(item)
        else:
            upcoming.append(item)
    past.reverse()
    return MySessions(upcoming=upcoming, past=past)


def waitlist_positions(registrations: list[Registration]) -> dict[int, int]:
    """Each waiting registration's place in its session's waiting list (1 is next)."""
    if not registrations:
        return {}
    waiting = (Registration.objects.filter(
        session__in={r.session_id for r in registrations}, status=RegistrationStatus.WAITLISTED)
        .order_by("session_id", "waitlisted_at", "pk").values_list("session_id", "pk"))
    positions: dict[int, int] = {}
    counts: dict[int, int] = {}
    for session_id, pk in waiting:
        counts[session_id] = counts.get(session_id, 0) + 1
        positions[pk] = counts[session_id]
    return positions


@dataclass
class RegistrationsPanel:
    """What the session page shows about seats to one viewer."""

    session: Session
    seats_taken: int
    waiting: int
    own: Registration | None
    waitlist_position: int | None
    can_register_self: bool
    can_cancel_own: bool
    cancellation_deadline: datetime | None
    manages: bool
    registrations: SessionRegistrations | None

    @property
    def seats_free(self) -> int:
        return max(self.session.capacity - self.seats_taken, 0)

    @property
    def started(self) -> bool:
        return self.session.starts_at is not None and self.session.starts_at <= timezone.now()


def registrations_panel(viewer: User, session: Session) -> RegistrationsPanel:
    """Seats taken and free, the waiting list, the viewer's own place and what they
    may do with it; the whole list for people who register learners."""
    # Imported here, so that services may read through this module without a cycle.
    from parcours.classroom.services.registrations import (
        cancellation_deadline,
        cancellation_refusal,
    )

    roles = roles_in(viewer, session.organisation)
    now = timezone.now()
    counts = Registration.objects.filter(session=session).aggregate(
        taken=Count("pk", filter=Q(status=RegistrationStatus.REGISTERED)),
        waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITLISTED)))
    own = (Registration.objects.filter(session=session, learner=viewer)
           .exclude(status=RegistrationStatus.CANCELLED).first())
    if own is not None:
        own.session = session
    learner = roles_allow(roles, Permission.FOLLOW_OWN_PATH)
    is_open = (session.status == SessionStatus.SCHEDULED
               and (session.starts_at is None or now < session.starts_at))
    manages = roles_allow(roles, Permission.REGISTER_LEARNERS)
    return RegistrationsPanel(
        session=session,
        seats_taken=counts["taken"],
        waiting=counts["waiting"],
        own=own,
        waitlist_position=(waitlist_positions([own]).get(own.pk)
                           if own is not None and own.status == RegistrationStatus.WAITLISTED
                           else None),
        can_register_self=(learner and own is None and is_open
                           and session.allows_self_registration),
        can_cancel_own=(own is not None and cancellation_refusal(
            own, by=viewer, roles=roles, now=now) is None),
        cancellation_deadline=cancellation_deadline(session),
        manages=manages,
        registrations=registrations_of(session, viewer=viewer) if manages else None,
    )


def hash_feed_token(raw: str) -> str:
    # The token carries 256 random bits: a plain SHA-256 is enough (nothing to guess).
    return hashlib.sha256(raw.strip().encode()).hexdigest()


def calendar_feed_of(user: User) -> CalendarFeed | None:
    """The person's working calendar feed, if they have one."""
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


def feed_owner(raw_token: str) -> User | None:
    """Whose calendar a feed address opens: None for an unknown or revoked token."""
    feed = (CalendarFeed.objects.filter(token_hash=hash_feed_token(raw_token),
                                        revoked_at__isnull=True, user__is_active=True)
            .select_related("user").first())
    return feed.user if feed is not None else None


# --- Attendance and signatures (the attendance part) -------------------------------------
#
# Who takes attendance (the session's trainers, and the people who schedule), who signs
# (its registered learners and its trainers), the attendance sheet of a slot, and the
# attendance panel of the session page. The rules of who may do what live in
# services/attendance.py, imported in the functions so that it may read through here.

from parcours.classroom.models import (  # noqa: E402
    Attendance,
    SessionKind,
    Signature,
    SignerRole,
    VirtualVisit,
)


def _slot_here(organisation: Organisation, slot_id: int) -> Slot:
    try:
        return (Slot.objects.select_related("session__organisation", "session__room")
                .get(session__organisation=organisation, pk=slot_id))
    except Slot.DoesNotExist as missing:
        raise Http404(_("No such slot.")) from missing


def slot_in(organisation: Organisation, slot_id: int) -> Slot:
    """A slot of the organisation, whoever asks (a 404 outside it): for the signing pages,
    whose service decides who signs."""
    return _slot_here(organisation, slot_id)


def registered_learner(slot: Slot, learner_id: int) -> User:
    """A learner registered in the slot's session; else a 404."""
    registration = (Registration.objects.filter(
        session=slot.session_id, learner=learner_id, status=RegistrationStatus.REGISTERED)
        .select_related("learner").first())
    if registration is None:
        raise Http404(_("This person is not registered in this session."))
    return registration.learner


def slot_to_take_attendance(user: User, organisation: Organisation, slot_id: int) -> Slot:
    """A slot of the organisation, for its session's trainers and the people who
    schedule sessions (403 for the others); a 404 outside the organisation."""
    from parcours.classroom.services.attendance import NotTrainerOfSession, may_take_attendance

    slot = _slot_here(organisation, slot_id)
    if not may_take_attendance(user, slot.session):
        raise NotTrainerOfSession()
    return slot


def slot_to_show_qr_code(user: User, organisation: Organisation, slot_id: int) -> Slot:
    """A slot whose QR code this person may show: they train its session."""
    from parcours.classroom.services.attendance import NotTrainerOfSession, may_show_qr_code

    slot = _slot_here(organisation, slot_id)
    if not may_show_qr_code(user, slot.session):
        raise NotTrainerOfSession()
    return slot


def slot_to_sign(user: User, organisation: Organisation, slot_id: int) -> Slot:
    """A slot this person signs: they are registered in its session or train it."""
    from parcours.classroom.services.attendance import NotRegistered, signer_role

    slot = _slot_here(organisation, slot_id)
    if signer_role(user, slot.session) is None:
        raise NotRegistered()
    return slot


def own_signature(slot: Slot, person: User) -> Signature | None:
    return Signature.objects.filter(slot=slot, signer=person).first()


@dataclass
class AttendanceRow:
    """One registered learner on a slot's attendance sheet."""

    learner: User
    attendance: Attendance | None
    signature: Signature | None
    visits: list[VirtualVisit]

    @property
    def status(self) -> str:
        return self.attendance.status if self.attendance else ""

    @property
    def minutes_in_class(self) -> int:
        """Minutes in the virtual class, open visits counted until now or the slot's end."""
        now = timezone.now()
        total = 0
        for visit in self.visits:
            end = visit.left_at or min(now, visit.slot.ends_at)
            total += max(int((end - visit.joined_at).total_seconds() // 60), 0)
        return total


@dataclass
class AttendanceSheet:
    """Who is expected in a slot, what the trainer noted and who signed."""

    slot: Slot
    rows: list[AttendanceRow]
    trainer_signatures: list[Signature]
    signing_open: bool
    virtual: bool

    @property
    def session(self) -> Session:
        return self.slot.session

    @property
    def signed_count(self) -> int:
        return sum(1 for row in self.rows if row.signature is not None)


def attendance_sheet(slot: Slot, *, viewer: User) -> AttendanceSheet:
    """The registered learners by name with their attendance, signature and virtual
    class visits, and the trainers' signatures: four queries whatever the group's size."""
    from parcours.classroom.services.attendance import (
        NotTrainerOfSession,
        may_take_attendance,
        signing_is_open,
    )

    if not may_take_attendance(viewer, slot.session):
        raise NotTrainerOfSession()
    learners = [r.learner for r in Registration.objects.filter(
        session=slot.session_id, status=RegistrationStatus.REGISTERED).select_related("learner")]
    learners.sort(key=lambda u: (u.display_name.casefold(), u.email))
    attendances = {a.learner_id: a for a in Attendance.objects.filter(slot=slot)}
    signatures = list(Signature.objects.filter(slot=slot).select_related("signer")
                      .order_by("signed_at", "pk"))
    by_signer = {s.signer_id: s for s in signatures}
    visits: dict[int, list[VirtualVisit]] = {}
    for visit in VirtualVisit.objects.filter(slot=slot).order_by("joined_at", "pk"):
        visit.slot = slot
        visits.setdefault(visit.person_id, []).append(visit)
    return AttendanceSheet(
        slot=slot,
        rows=[AttendanceRow(learner=learner, attendance=attendances.get(learner.pk),
                            signature=by_signer.get(learner.pk),
                            visits=visits.get(learner.pk, []))
              for learner in learners],
        trainer_signatures=[s for s in signatures if s.role == SignerRole.TRAINER],
        signing_open=signing_is_open(slot),
        virtual=slot.session.kind != SessionKind.IN_PERSON,
    )


def signatures_of(slot: Slot, *, viewer: User) -> list[Signature]:
    """A slot's signatures in chain order: all of them for the people who take
    attendance, only their own for the others who sign it; 403 for anyone else."""
    from parcours.classroom.services.attendance import (
        NotRegistered,
        may_take_attendance,
        signer_role,
    )

    signatures = Signature.objects.filter(slot=slot).select_related("signer").order_by(
        "signed_at", "pk")
    if may_take_attendance(viewer, slot.session):
        return list(signatures)
    if signer_role(viewer, slot.session) is None:
        raise NotRegistered()
    return list(signatures.filter(signer=viewer))


@dataclass
class PanelSlot:
    """One slot on the session page, with what the viewer can do about it now."""

    slot: Slot
    takes_attendance: bool
    shows_qr_code: bool
    signs: bool
    signature: Signature | None
    signing_open: bool
    joins: bool


@dataclass
class AttendancePanel:
    session: Session
    slots: list[PanelSlot]

    @property
    def is_empty(self) -> bool:
        return not any(s.takes_attendance or s.signs for s in self.slots)


def attendance_panel(viewer: User, session: Session) -> AttendancePanel:
    """For each slot: the attendance and QR code links for the session's trainers (and
    the people who schedule), the viewer's own signature or their link to sign while it
    is open, and the virtual class link. Four queries, whatever the number of slots."""
    from parcours.classroom.services.attendance import (
        may_show_qr_code,
        may_take_attendance,
        signer_role,
        signing_is_open,
    )

    roles = roles_in(viewer, session.organisation)
    takes = may_take_attendance(viewer, session, roles)
    shows = takes and may_show_qr_code(viewer, session, roles)
    signs = signer_role(viewer, session, roles) is not None
    slots = list(session.slots.all())
    own = {s.slot_id: s for s in Signature.objects.filter(slot__in=slots, signer=viewer)}
    virtual = session.kind != SessionKind.IN_PERSON and bool(session.meeting_url)
    now = timezone.now()
    rows = []
    for slot in slots:
        slot.session = session
        is_open = signing_is_open(slot, now) and session.status == SessionStatus.SCHEDULED
        rows.append(PanelSlot(slot=slot, takes_attendance=takes, shows_qr_code=shows,
                              signs=signs, signature=own.get(slot.pk), signing_open=is_open,
                              joins=signs and virtual and is_open))
    return AttendancePanel(session=session, slots=rows)


# --- Documents, surveys and reports (the documents part) ---------------------------------
#
# The attendance sheet (PDF): the people who schedule or read reports, and the session's
# trainers. A certificate of completion: the same, and the learner it is about (another
# learner gets a 404: they must not learn who is registered). Surveys: the session's
# registered learners; services/surveys.py decides whether they may answer. The read
# models of the reports themselves are in reports.py.

from parcours.classroom.models import SurveyKind, SurveyResponse  # noqa: E402


def _sees_documents(user: User, session: Session, roles: frozenset[str]) -> bool:
    if roles_allow(roles, Permission.SCHEDULE_SESSIONS) or roles_allow(
            roles, Permission.VIEW_REPORTS):
        return True
    return roles_allow(roles, Permission.TEACH_SESSIONS) and SessionTrainer.objects.filter(
        session=session, trainer=user).exists()


def session_for_attendance_sheet(user: User, organisation: Organisation,
                                 session_id: int) -> Session:
    """A session of the organisation whose attendance sheet this person may download."""
    try:
        session = Session.objects.select_related("organisation").get(
            organisation=organisation, pk=session_id)
    except Session.DoesNotExist as missing:
        raise Http404(_("No such session.")) from missing
    if not _sees_documents(user, session, roles_in(user, organisation)):
        raise NotAllowed()
    return session


def registration_for_certificate(user: User, organisation: Organisation,
                                 registration_id: int) -> Registration:
    """A registered learner's seat whose certificate this person may download: their
    own, or any for the session's trainers and the people who schedule or report."""
    roles = roles_in(user, organisation)
    try:
        registration = (Registration.objects.select_related("session__organisation", "learner")
                        .get(session__organisation=organisation, pk=registration_id,
                             status=RegistrationStatus.REGISTERED))
    except Registration.DoesNotExist as missing:
        raise Http404(_("No such certificate.")) from missing
    if registration.learner_id == user.pk and roles_allow(roles, Permission.FOLLOW_OWN_PATH):
        return registration
    if _sees_documents(user, registration.session, roles):
        return registration
    if roles_allow(roles, Permission.FOLLOW_OWN_PATH):
        raise Http404(_("No such certificate."))
    raise NotAllowed()


def session_to_answer(user: User, organisation: Organisation, session_id: int) -> Session:
    """A session the person is registered in, for its satisfaction surveys; else a 404."""
    require_permission(user, organisation, Permission.FOLLOW_OWN_PATH)
    try:
        return Session.objects.select_related("organisation", "programme").get(
            organisation=organisation, pk=session_id,
            registrations__learner=user, registrations__status=RegistrationStatus.REGISTERED)
    except Session.DoesNotExist as missing:
        raise Http404(_("No such session.")) from missing


@dataclass
class SurveyState:
    """Where a learner stands with one survey of a session."""

    kind: str
    opens_at: datetime | None
    attended: bool
    response: SurveyResponse | None
    now: datetime

    @property
    def is_open(self) -> bool:
        return self.opens_at is not None and self.opens_at <= self.now

    @property
    def to_answer(self) -> bool:
        return self.attended and self.is_open and self.response is None

    @property
    def label(self) -> str:
        return SurveyKind(self.kind).label


def survey_states(session: Session, learner: User) -> list[SurveyState]:
    """The end-of-session and follow-up surveys as this learner sees them: two queries."""
    from parcours.classroom.services.surveys import has_attended, survey_opens_at

    attended = has_attended(session, learner) if session.status == SessionStatus.SCHEDULED \
        else False
    responses = {response.kind: response for response in
                 SurveyResponse.objects.filter(session=session, learner=learner)}
    now = timezone.now()
    return [SurveyState(kind=kind, opens_at=survey_opens_at(session, kind), attended=attended,
                        response=responses.get(kind), now=now)
            for kind in (SurveyKind.END_OF_SESSION, SurveyKind.FOLLOW_UP)]


@dataclass
class CertificateLine:
    registration: Registration
    minutes: int

    @property
    def hours(self) -> str:
        from parcours.classroom.reports import format_minutes

        return format_minutes(self.minutes)


@dataclass
class DocumentsPanel:
    """What the session page's documents panel offers this viewer."""

    session: Session
    sheet: bool = False
    certificates: list[CertificateLine] = field(default_factory=list)
    own_certificate: CertificateLine | None = None
    surveys: list[SurveyState] = field(default_factory=list)
    results: object = None

    @property
    def is_empty(self) -> bool:
        return not (self.sheet or self.certificates or self.own_certificate
                    or any(s.to_answer or s.response for s in self.surveys) or self.results)


def documents_panel(viewer: User, session: Session) -> DocumentsPanel:
    """The attendance sheet for its trainers and managers, each learner's certificate
    with the hours attended (their own for a learner), the learner's surveys once the
    session is over, and its satisfaction for those who read reports. At most eight
    queries, whatever the number of learners."""
    from parcours.classroom.reports import attended_minutes, session_surveys

    roles = roles_in(viewer, session.organisation)
    panel = DocumentsPanel(session=session)
    staff = _sees_documents(viewer, session, roles)
    learner = roles_allow(roles, Permission.FOLLOW_OWN_PATH)
    if not staff and not learner:
        return panel
    panel.sheet = staff
    registrations = Registration.objects.filter(
        session=session, status=RegistrationStatus.REGISTERED).select_related("learner")
    if not staff:
        registrations = registrations.filter(learner=viewer)
    registrations = list(registrations)
    if not registrations and not staff:
        return panel
    slots = {slot.pk: slot for slot in Slot.objects.filter(session=session)}
    minutes: dict[int, int] = {}
    for record in Attendance.objects.filter(
            slot__session=session, learner__in=[r.learner_id for r in registrations]):
        slot = slots[record.slot_id]
        minutes[record.learner_id] = minutes.get(record.learner_id, 0) + attended_minutes(
            slot.starts_at, slot.ends_at, record.status, record.arrived_at)
    lines = sorted((CertificateLine(r, minutes.get(r.learner_id, 0)) for r in registrations),
                   key=lambda line: _by_name(line.registration))
    if staff:
        panel.certificates = [line for line in lines if line.minutes]
    own = next((line for line in lines if line.registration.learner_id == viewer.pk), None)
    over = session.ends_at is not None and session.ends_at <= timezone.now()
    if learner and own is not None:
        panel.own_certificate = own if own.minutes and over else None
        panel.surveys = survey_states(session, viewer)
    if roles_allow(roles, Permission.VIEW_REPORTS) and over:
        panel.results = session_surveys(session)
    return panel

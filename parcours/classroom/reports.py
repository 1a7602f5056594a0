"""What managers report on: attended hours per learner, programme or funder over a
period (with CSV and XLSX exports), and satisfaction per session, trainer and programme.

Read models with their access check built in (VIEW_REPORTS), in a fixed number of
queries. Hours are whole minutes summed as integers and shown as hours and minutes,
never floats. A half-day counts when the trainer's record says present (the whole
half-day) or late (from the arrival time, when noted), the same rule as the `attended`
learning events and the certificates of completion.
"""

import csv
import io
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.accounts.models import Organisation, User
from parcours.accounts.selectors import require_permission
from parcours.catalog.models import Programme
from parcours.classroom.hours import ATTENDED, attended_minutes
from parcours.classroom.models import (
    Attendance,
    Registration,
    RegistrationStatus,
    Session,
    SessionStatus,
    SurveyKind,
    SurveyResponse,
)
from parcours.classroom.services.surveys import QUESTIONS
from parcours.core.errors import DomainError
from parcours.core.roles import Permission

GROUPINGS = ("learner", "programme", "funder")
MAX_PERIOD_DAYS = 5 * 366


def format_minutes(minutes: int) -> str:
    """Minutes as hours and minutes, the way a timesheet reads: "12 h 30", "7 h"."""
    hours, rest = divmod(int(minutes), 60)
    if rest == 0:
        return _("%(hours)d h") % {"hours": hours}
    return _("%(hours)d h %(minutes)02d") % {"hours": hours, "minutes": rest}


def _plain(text: str) -> str:
    """A sort key: accents off and case folded, so that "Élodie" sorts among the E."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


# --- Periods ---------------------------------------------------------------------------------


class PeriodInvalid(DomainError):
    default_message = gettext_lazy("The period must end on or after its first day, and "
                                   "cover five years at most.")


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both days included, in the organisation's time zone."""

    start: date
    end: date

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        return (datetime.combine(self.start, time(), tzinfo=zone),
                datetime.combine(self.end + timedelta(days=1), time(), tzinfo=zone))


def period(start: date, end: date) -> Period:
    if end < start or (end - start).days > MAX_PERIOD_DAYS:
        raise PeriodInvalid()
    return Period(start, end)


def default_period(today: date) -> Period:
    """The last twelve calendar months, this one included."""
    month = today.month - 11
    year = today.year + (month - 1) // 12
    return Period(date(year, (month - 1) % 12 + 1, 1), today)


def local_today(organisation: Organisation) -> date:
    return timezone.localtime(timezone.now(), ZoneInfo(organisation.time_zone)).date()


# --- Attended hours ------------------------------------------------------------------------


@dataclass
class HoursRow:
    key: str
    label: str
    email: str = ""
    funders: list[str] = field(default_factory=list)
    learners: int = 0
    sessions: int = 0
    half_days: int = 0
    minutes: int = 0

    @property
    def hours(self) -> str:
        return format_minutes(self.minutes)


@dataclass
class HoursReport:
    organisation: Organisation
    period: Period
    by: str
    rows: list[HoursRow]
    learners: int
    sessions: int
    half_days: int
    minutes: int

    @property
    def hours(self) -> str:
        return format_minutes(self.minutes)


def hours_report(organisation: Organisation, *, viewer: User, period: Period,
                 by: str = "learner") -> HoursReport:
    """Hours attended in the organisation's sessions during the period (half-days that
    start within it), grouped by learner, programme or funder (the funder of the
    learner's registration in each session). Four queries whatever the size."""
    require_permission(viewer, organisation, Permission.VIEW_REPORTS)
    if by not in GROUPINGS:
        by = "learner"
    start, end = period.bounds(ZoneInfo(organisation.time_zone))
    records = list(Attendance.objects.filter(
        slot__session__organisation=organisation, status__in=ATTENDED,
        slot__starts_at__gte=start, slot__starts_at__lt=end,
    ).values_list("learner_id", "slot__session_id", "slot__session__programme_id",
                  "slot__starts_at", "slot__ends_at", "status", "arrived_at"))
    session_ids = {record[1] for record in records}
    funders: dict[tuple[int, int], str] = {}
    # A registration cancelled after some half-days still says who paid for them; a
    # live one wins over a cancelled one.
    for session_id, learner_id, funder, status in (
            Registration.objects.filter(session__in=session_ids)
            .order_by("pk").values_list("session_id", "learner_id", "funder", "status")):
        if status != RegistrationStatus.CANCELLED or (session_id, learner_id) not in funders:
            funders[session_id, learner_id] = funder.strip()

    groups: dict[object, dict] = defaultdict(
        lambda: {"learners": set(), "sessions": set(), "half_days": 0, "minutes": 0,
                 "funders": set()})
    for learner_id, session_id, programme_id, starts_at, ends_at, status, arrived_at in records:
        funder = funders.get((session_id, learner_id), "")
        key = {"learner": learner_id, "programme": programme_id, "funder": funder}[by]
        group = groups[key]
        group["learners"].add(learner_id)
        group["sessions"].add(session_id)
        group["half_days"] += 1
        group["minutes"] += attended_minutes(starts_at, ends_at, status, arrived_at)
        if funder:
            group["funders"].add(funder)

    rows = [_hours_row(key, group) for key, group in groups.items()]
    _label_rows(by, rows)
    rows.sort(key=lambda row: (row.key in ("", "none"), _plain(row.label), row.key))
    return HoursReport(
        organisation=organisation, period=period, by=by, rows=rows,
        learners=len({record[0] for record in records}), sessions=len(session_ids),
        half_days=len(records), minutes=sum(row.minutes for row in rows))


def _hours_row(key, group: dict) -> HoursRow:
    return HoursRow(key="none" if key is None else str(key), label="",
                    funders=sorted(group["funders"], key=_plain),
                    learners=len(group["learners"]), sessions=len(group["sessions"]),
                    half_days=group["half_days"], minutes=group["minutes"])


def _label_rows(by: str, rows: list[HoursRow]) -> None:
    if by == "learner":
        people = {person["pk"]: person for person in User.objects.filter(
            pk__in=[int(row.key) for row in rows]).values("pk", "display_name", "email")}
        for row in rows:
            person = people[int(row.key)]
            row.label, row.email = person["display_name"] or person["email"], person["email"]
    elif by == "programme":
        titles = dict(Programme.objects.filter(
            pk__in=[int(row.key) for row in rows if row.key != "none"]
        ).values_list("pk", "title"))
        for row in rows:
            row.label = (titles[int(row.key)] if row.key != "none"
                         else _("Sessions outside any programme"))
    else:
        for row in rows:
            row.label = row.key or _("Funder not given")


def _columns(by: str) -> list[str]:
    first = {"learner": [_("Learner"), _("Email"), _("Funders")],
             "programme": [_("Programme"), _("Learners")],
             "funder": [_("Funder"), _("Learners")]}[by]
    return [*first, _("Sessions"), _("Half-days"), _("Minutes"), _("Hours")]


def _values(by: str, row: HoursRow) -> list:
    first = ([row.label, row.email, ", ".join(row.funders)] if by == "learner"
             else [row.label, row.learners])
    return [*first, row.sessions, row.half_days, row.minutes]


def spreadsheet_safe(value):
    """Text that a spreadsheet would run as a formula (=, +, -, @) is quoted."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def hours_csv(report: HoursReport) -> bytes:
    """The report as CSV for Excel in France: UTF-8 with a byte order mark (so that
    accents survive), semicolons between fields (a comma is the decimal separator
    there), minutes as whole numbers and hours written out ("12 h 30")."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(_columns(report.by))
    for row in report.rows:
        writer.writerow([spreadsheet_safe(v) for v in _values(report.by, row)] + [row.hours])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def hours_xlsx(report: HoursReport) -> bytes:
    """The report as an Excel workbook: a header row, one row per line, minutes as
    whole numbers, hours as a duration computed from them ([h]:mm), the totals of
    half-days and hours, and a second sheet saying what the report covers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Hours")[:31]
    columns = _columns(report.by)
    half_days, minutes, hours = (get_column_letter(len(columns) - n) for n in (2, 1, 0))
    sheet.append(columns)
    for number, row in enumerate(report.rows, start=2):
        sheet.append(_values(report.by, row) + [f"={minutes}{number}/1440"])
        for cell in sheet[number]:
            if isinstance(cell.value, str) and cell.column_letter != hours:
                cell.data_type = "s"  # a name starting with "=" stays text
        sheet[f"{hours}{number}"].number_format = "[h]:mm"
    total, last = len(report.rows) + 2, len(report.rows) + 1
    sheet[f"A{total}"] = _("Total")
    sheet[f"{half_days}{total}"] = f"=SUM({half_days}2:{half_days}{last})"
    sheet[f"{minutes}{total}"] = f"=SUM({minutes}2:{minutes}{last})"
    sheet[f"{hours}{total}"] = f"={minutes}{total}/1440"
    sheet[f"{hours}{total}"].number_format = "[h]:mm"
    for cell in (*sheet[1], *sheet[total]):
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, title in enumerate(columns, start=1):
        longest = max([len(title), *(len(str(cell.value or "")) for cell in
                                     sheet[get_column_letter(index)][1:last])])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(longest + 2, 10), 50)

    about = workbook.create_sheet(_("Report")[:31])
    zone = ZoneInfo(report.organisation.time_zone)
    generated = timezone.localtime(timezone.now(), zone).replace(tzinfo=None, microsecond=0)
    for label, value in ((_("Organisation"), report.organisation.name),
                         (_("From"), report.period.start), (_("To"), report.period.end),
                         (_("Grouped by"), str(dict(grouping_choices())[report.by])),
                         (_("Generated on"), generated)):
        about.append([label, value])
        about.cell(row=about.max_row, column=1).font = Font(bold=True)
    about["B2"].number_format = about["B3"].number_format = "yyyy-mm-dd"
    about["B5"].number_format = "yyyy-mm-dd hh:mm"
    about.column_dimensions["A"].width = 18
    about.column_dimensions["B"].width = 40
    workbook.properties.title = _("Attended hours")
    workbook.properties.creator = "Parcours"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def grouping_choices() -> list[tuple[str, str]]:
    return [("learner", _("learner")), ("programme", _("programme")),
            ("funder", _("funder"))]


# --- Satisfaction ----------------------------------------------------------------------------


def _average(total: int, count: int) -> Decimal | None:
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Ratings:
    """Answers to one survey: how many, and the average of each question and of all
    (exact decimals to one place)."""

    kind: str
    count: int = 0
    totals: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, answers: dict) -> None:
        self.count += 1
        for key, value in (answers or {}).items():
            if isinstance(value, int) and not isinstance(value, bool):
                self.totals[key] = self.totals.get(key, 0) + value
                self.counts[key] = self.counts.get(key, 0) + 1

    @property
    def averages(self) -> list[tuple[str, str, Decimal | None]]:
        """(question key, question, average) in the survey's order."""
        return [(q.key, q.label, _average(self.totals.get(q.key, 0), self.counts.get(q.key, 0)))
                for q in QUESTIONS[self.kind]]

    @property
    def overall(self) -> Decimal | None:
        return _average(sum(self.totals.values()), sum(self.counts.values()))


@dataclass
class Comment:
    kind: str
    text: str
    written_at: datetime


@dataclass
class SessionSurveys:
    session: Session
    trainers: list[User]
    attendees: int
    end: Ratings
    follow_up: Ratings
    comments: list[Comment] = field(default_factory=list)

    @property
    def response_rate(self) -> int | None:
        """Percentage of attendees who answered the end-of-session survey."""
        if not self.attendees:
            return None
        return round(100 * self.end.count / self.attendees)


@dataclass
class GroupSurveys:
    label: str
    sessions: int = 0
    attendees: int = 0
    end: Ratings = field(default_factory=lambda: Ratings(SurveyKind.END_OF_SESSION))
    follow_up: Ratings = field(default_factory=lambda: Ratings(SurveyKind.FOLLOW_UP))


@dataclass
class SurveyReport:
    period: Period
    sessions: list[SessionSurveys]
    trainers: list[GroupSurveys]
    programmes: list[GroupSurveys]


def _session_surveys(sessions: list[Session]) -> list[SessionSurveys]:
    """Ratings, attendees and comments of these sessions (whose `trainers` are
    prefetched): two queries."""
    attendees: dict[int, set[int]] = defaultdict(set)
    for session_id, learner_id in Attendance.objects.filter(
            slot__session__in=sessions, status__in=ATTENDED
    ).values_list("slot__session_id", "learner_id"):
        attendees[session_id].add(learner_id)
    summaries = {session.pk: SessionSurveys(
        session=session, trainers=list(session.trainers.all()),
        attendees=len(attendees[session.pk]), end=Ratings(SurveyKind.END_OF_SESSION),
        follow_up=Ratings(SurveyKind.FOLLOW_UP)) for session in sessions}
    for session_id, kind, answers, comment, created_at in (
            SurveyResponse.objects.filter(session__in=sessions)
            .order_by("created_at", "pk")
            .values_list("session_id", "kind", "answers", "comment", "created_at")):
        summary = summaries[session_id]
        (summary.end if kind == SurveyKind.END_OF_SESSION else summary.follow_up).add(answers)
        if comment:
            summary.comments.append(Comment(kind=kind, text=comment, written_at=created_at))
    return list(summaries.values())


def _trainers_prefetch() -> Prefetch:
    return Prefetch("trainers", queryset=User.objects.order_by("display_name", "pk"))


def survey_report(organisation: Organisation, *, viewer: User,
                  period: Period) -> SurveyReport:
    """Satisfaction of the sessions that ended during the period, per session, per
    trainer and per programme, with the comments (without names: learners answer more
    freely). Five queries whatever the number of sessions."""
    require_permission(viewer, organisation, Permission.VIEW_REPORTS)
    start, end = period.bounds(ZoneInfo(organisation.time_zone))
    sessions = list(Session.objects.filter(
        organisation=organisation, status=SessionStatus.SCHEDULED,
        ends_at__gte=start, ends_at__lt=end, ends_at__lte=timezone.now(),
    ).select_related("programme").prefetch_related(_trainers_prefetch())
        .order_by("-ends_at", "-pk"))
    summaries = _session_surveys(sessions)
    trainers: dict[int, GroupSurveys] = {}
    programmes: dict[int, GroupSurveys] = {}
    for summary in summaries:
        groups = [trainers.setdefault(trainer.pk, GroupSurveys(str(trainer)))
                  for trainer in summary.trainers]
        if summary.session.programme_id:
            groups.append(programmes.setdefault(
                summary.session.programme_id, GroupSurveys(summary.session.programme.title)))
        for group in groups:
            group.sessions += 1
            group.attendees += summary.attendees
            _merge(group.end, summary.end)
            _merge(group.follow_up, summary.follow_up)
    return SurveyReport(
        period=period, sessions=summaries,
        trainers=sorted(trainers.values(), key=lambda group: _plain(group.label)),
        programmes=sorted(programmes.values(), key=lambda group: _plain(group.label)))


def _merge(into: Ratings, ratings: Ratings) -> None:
    into.count += ratings.count
    for key, total in ratings.totals.items():
        into.totals[key] = into.totals.get(key, 0) + total
        into.counts[key] = into.counts.get(key, 0) + ratings.counts[key]


def session_surveys(session: Session) -> SessionSurveys:
    """One session's satisfaction, for its page (the caller checked who may see it)."""
    session = (Session.objects.select_related("programme")
               .prefetch_related(_trainers_prefetch()).get(pk=session.pk))
    return _session_surveys([session])[0]

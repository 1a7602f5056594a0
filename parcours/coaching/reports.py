"""What managers report on in coaching: hours held per coach, funder, engagement type and
month over a period, and how many engagements are in each status; as a page, CSV and XLSX.

Hours are the `actual_minutes` of closed appointments (the one place they are entered),
summed as integers and shown as hours and minutes. An appointment counts in the month
of its start, in the organisation's time zone. Private notes are never read here.
"""

import csv
import io
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.accounts.models import Organisation, User
from parcours.accounts.selectors import require_permission
from parcours.classroom.reports import Period, spreadsheet_safe
from parcours.coaching.hours import format_minutes
from parcours.coaching.models import (
    Appointment,
    AppointmentStatus,
    Engagement,
    EngagementStatus,
)
from parcours.core.roles import Permission

GROUPINGS = {
    "coach": gettext_lazy("coach"),
    "funder": gettext_lazy("funder"),
    "type": gettext_lazy("engagement type"),
    "month": gettext_lazy("month"),
}


@dataclass
class HoursLine:
    key: object
    label: str
    minutes: int = 0
    appointments: int = 0
    engagements: set = field(default_factory=set)

    @property
    def hours(self) -> str:
        return format_minutes(self.minutes)


@dataclass
class CoachingReport:
    organisation: Organisation
    period: Period
    by: str
    lines: list[HoursLine]
    by_status: list[tuple[str, str, int]]  # (status, label, count)
    by_kind: list[tuple[str, int]]  # (type name, count)

    @property
    def total_minutes(self) -> int:
        return sum(line.minutes for line in self.lines)

    @property
    def total_hours(self) -> str:
        return format_minutes(self.total_minutes)

    @property
    def total_appointments(self) -> int:
        return sum(line.appointments for line in self.lines)


def coaching_report(organisation: Organisation, *, viewer: User, period: Period,
                    by: str = "coach") -> CoachingReport:
    """Three queries: the closed appointments of the period grouped in the database, the
    engagements per status, and per type."""
    require_permission(viewer, organisation, Permission.VIEW_REPORTS)
    if by not in GROUPINGS:
        by = "coach"
    zone = ZoneInfo(organisation.time_zone)
    start, end = period.bounds(zone)
    held = (Appointment.objects
            .filter(engagement__organisation=organisation, status=AppointmentStatus.CLOSED,
                    starts_at__gte=start, starts_at__lt=end)
            .annotate(month=TruncMonth("starts_at", tzinfo=zone))
            .values("coach_id", "coach__display_name", "coach__email", "engagement__funder",
                    "engagement__engagement_type__name", "month", "engagement_id")
            .annotate(minutes=Sum("actual_minutes"), count=Count("id")))
    lines: dict[object, HoursLine] = {}
    for row in held:
        key, label = _key_and_label(by, row)
        line = lines.setdefault(key, HoursLine(key, label))
        line.minutes += row["minutes"] or 0
        line.appointments += row["count"]
        line.engagements.add(row["engagement_id"])
    ordered = sorted(lines.values(), key=lambda line: (
        line.key if by == "month" else line.label.casefold()))
    statuses = dict(Engagement.objects.filter(organisation=organisation)
                    .values_list("status").annotate(n=Count("id")))
    by_status = [(value, str(label), statuses.get(value, 0))
                 for value, label in EngagementStatus.choices]
    by_kind = list(Engagement.objects.filter(organisation=organisation)
                   .values_list("engagement_type__name").annotate(n=Count("id"))
                   .order_by("engagement_type__name"))
    return CoachingReport(organisation, period, by, ordered, by_status, by_kind)


def _key_and_label(by: str, row: dict) -> tuple[object, str]:
    if by == "coach":
        return row["coach_id"], row["coach__display_name"] or row["coach__email"]
    if by == "funder":
        funder = row["engagement__funder"] or ""
        return funder.casefold(), funder or _("No funder")
    if by == "type":
        return row["engagement__engagement_type__name"], row["engagement__engagement_type__name"]
    month = row["month"]
    return month.date(), month.strftime("%Y-%m")


def _columns(report: CoachingReport) -> list[str]:
    return [str(GROUPINGS[report.by]).capitalize(), _("Appointments"), _("Engagements"),
            _("Minutes"), _("Hours")]


def report_csv(report: CoachingReport) -> bytes:
    """UTF-8 with a byte order mark and semicolons, as Excel in France expects."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(_columns(report))
    for line in report.lines:
        writer.writerow([spreadsheet_safe(line.label), line.appointments, len(line.engagements),
                         line.minutes, line.hours])
    writer.writerow([_("Total"), report.total_appointments, "", report.total_minutes,
                     report.total_hours])
    writer.writerow([])
    writer.writerow([_("Status"), _("Engagements")])
    for _value, label, count in report.by_status:
        writer.writerow([label, count])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def report_xlsx(report: CoachingReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Hours")[:31]
    sheet.append(_columns(report))
    for number, line in enumerate(report.lines, start=2):
        sheet.append([line.label, line.appointments, len(line.engagements), line.minutes,
                      f"=D{number}/1440"])
        sheet[f"A{number}"].data_type = "s"
        sheet[f"E{number}"].number_format = "[h]:mm"
    total = len(report.lines) + 2
    sheet[f"A{total}"] = _("Total")
    sheet[f"B{total}"] = f"=SUM(B2:B{total - 1})"
    sheet[f"D{total}"] = f"=SUM(D2:D{total - 1})"
    sheet[f"E{total}"] = f"=D{total}/1440"
    sheet[f"E{total}"].number_format = "[h]:mm"
    for cell in (*sheet[1], *sheet[total]):
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 36
    statuses = workbook.create_sheet(_("Engagements")[:31])
    statuses.append([_("Status"), _("Engagements")])
    for _value, label, count in report.by_status:
        statuses.append([label, count])
    statuses.append([])
    statuses.append([_("Engagement type"), _("Engagements")])
    for name, count in report.by_kind:
        statuses.append([name, count])
    statuses.column_dimensions["A"].width = 36
    about = workbook.create_sheet(_("Report")[:31])
    zone = ZoneInfo(report.organisation.time_zone)
    for label, value in ((_("Organisation"), report.organisation.name),
                         (_("From"), report.period.start), (_("To"), report.period.end),
                         (_("Grouped by"), str(GROUPINGS[report.by])),
                         (_("Generated on"), timezone.localtime(timezone.now(), zone)
                          .replace(tzinfo=None, microsecond=0))):
        about.append([label, value])
    about.column_dimensions["A"].width = 18
    about.column_dimensions["B"].width = 40
    workbook.properties.title = _("Coaching hours")
    workbook.properties.creator = "Parcours"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def grouping_choices() -> list[tuple[str, str]]:
    return [(key, str(label)) for key, label in GROUPINGS.items()]



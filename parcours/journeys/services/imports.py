"""Enrolling from a CSV file: check every line first, then import all of them or only the
good ones, as the person chooses."""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from parcours.accounts.models import Membership, User
from parcours.accounts.selectors import require_permission
from parcours.catalog.models import Programme
from parcours.core.errors import DomainError
from parcours.core.roles import Permission, Role
from parcours.journeys.models import Enrolment
from parcours.journeys.services.enrolment import MAX_MINUTES_PER_WEEK, enrol_many

MAX_FILE_BYTES = 1024 * 1024
MAX_ROWS = 2000
COLUMNS = ("email", "start_date", "hours_per_week")

_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_YEAR_MONTH_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class EnrolmentFileInvalid(DomainError):
    default_message = gettext_lazy("This file cannot be read as a CSV file of learners.")


class EnrolmentFileHasErrors(DomainError):
    default_message = gettext_lazy("Some lines of the file have errors: nothing was imported.")


class NothingToImport(DomainError):
    default_message = gettext_lazy("No line of this file can be imported.")


@dataclass
class ImportRow:
    """One line of the file: what it says, what it means, and what is wrong with it."""

    line: int
    email: str
    start_date: str
    hours_per_week: str
    start_on: date | None = None
    minutes_per_week: int | None = None
    learner: User | None = None
    error: str = ""

    @property
    def is_valid(self) -> bool:
        return not self.error


@dataclass
class ImportReport:
    """The check of a whole file: every line, good or bad, in file order."""

    programme: Programme
    rows: list[ImportRow] = field(default_factory=list)

    @property
    def valid_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.is_valid]

    @property
    def invalid_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if not row.is_valid]

    @property
    def has_errors(self) -> bool:
        return any(not row.is_valid for row in self.rows)


def _read_text(csv_file: Any) -> str:
    if isinstance(csv_file, str):
        raw = csv_file.encode()
    elif isinstance(csv_file, bytes):
        raw = csv_file
    else:
        if getattr(csv_file, "size", None) and csv_file.size > MAX_FILE_BYTES:
            raise EnrolmentFileInvalid(_("The file is too large: at most 1 MB."))
        if hasattr(csv_file, "seek"):
            csv_file.seek(0)
        raw = csv_file.read(MAX_FILE_BYTES + 1)
        if isinstance(raw, str):
            raw = raw.encode()
    if len(raw) > MAX_FILE_BYTES:
        raise EnrolmentFileInvalid(_("The file is too large: at most 1 MB."))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Spreadsheets on Windows save "CSV" in their own code page; French names survive.
        return raw.decode("cp1252", errors="replace")


def _delimiter(first_line: str) -> str:
    # French spreadsheets separate with ";" because "," is their decimal comma.
    return max([",", ";", "\t"], key=first_line.count)


def _column(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def _parse_date(value: str) -> date | None:
    value = value.strip()
    try:
        if _YEAR_MONTH_DAY.match(value):
            return date.fromisoformat(value)
        match = _DAY_MONTH_YEAR.match(value)
        if match:
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day)
    except ValueError:
        return None
    return None


def _parse_minutes(value: str) -> int | None:
    try:
        hours = Decimal(value.strip().replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        return None
    if not hours.is_finite():
        return None
    minutes = int((hours * 60).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return minutes if 0 < minutes <= MAX_MINUTES_PER_WEEK else None


def _lines(text: str) -> list[tuple[int, dict[str, str]]]:
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(first_line))
    try:
        header = next(reader)
    except StopIteration as empty:
        raise EnrolmentFileInvalid(_("The file is empty.")) from empty
    except csv.Error as broken:
        raise EnrolmentFileInvalid() from broken
    columns = [_column(name) for name in header]
    missing = [name for name in COLUMNS if name not in columns]
    if missing:
        raise EnrolmentFileInvalid(
            _("The first line must name the columns %(columns)s; missing: %(missing)s.")
            % {"columns": ", ".join(COLUMNS), "missing": ", ".join(missing)})
    lines = []
    try:
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            if len(lines) == MAX_ROWS:
                raise EnrolmentFileInvalid(
                    _("The file has more than %(max)d lines: split it.") % {"max": MAX_ROWS})
            cells = dict(zip(columns, values, strict=False))
            lines.append((reader.line_num, {name: cells.get(name, "") for name in COLUMNS}))
    except csv.Error as broken:
        raise EnrolmentFileInvalid(
            _("Line %(line)d cannot be read: %(reason)s.")
            % {"line": reader.line_num, "reason": broken}) from broken
    if not lines:
        raise EnrolmentFileInvalid(_("The file has no learners, only its first line."))
    return lines


def _check_rows(programme: Programme, rows: list[ImportRow]) -> None:
    emails = {row.email.lower() for row in rows if row.email}
    memberships = (Membership.objects.filter(organisation=programme.organisation_id)
                   .annotate(email=Lower("user__email")).filter(email__in=emails)
                   .select_related("user").prefetch_related("roles"))
    members = {m.user.email.lower(): m for m in memberships}
    enrolled = set(Enrolment.objects.filter(
        programme=programme, learner__in=[m.user_id for m in members.values()]
    ).values_list("learner_id", flat=True))
    first_line: dict[str, int] = {}
    for row in rows:
        row.start_on = _parse_date(row.start_date)
        row.minutes_per_week = _parse_minutes(row.hours_per_week)
        email = row.email.lower()
        membership = members.get(email)
        if not email:
            row.error = _("The email address is missing.")
        elif email in first_line:
            row.error = _("Same person as line %(line)d.") % {"line": first_line[email]}
        elif membership is None:
            row.error = _("Nobody with this email address belongs to %(organisation)s.") % {
                "organisation": programme.organisation}
        elif Role.LEARNER not in {role.role for role in membership.roles.all()}:
            row.error = _("%(name)s is not a learner here.") % {"name": membership.user}
        elif membership.user_id in enrolled:
            row.error = _("%(name)s is already enrolled in this programme.") % {
                "name": membership.user}
        elif row.start_on is None:
            row.error = _("“%(value)s” is not a date: write 2026-09-01 or 01/09/2026.") % {
                "value": row.start_date}
        elif row.minutes_per_week is None:
            row.error = _("“%(value)s” is not a number of hours per week between 0.1 and "
                          "168, such as 4 or 2,5.") % {"value": row.hours_per_week}
        if email:
            first_line.setdefault(email, row.line)
        if membership is not None and not row.error:
            row.learner = membership.user


def check_enrolment_file(programme: Programme, csv_file: Any, *, by: User) -> ImportReport:
    """Read a CSV file of learners to enrol and say what is wrong with each line.

    The first line names the columns `email`, `start_date` (YYYY-MM-DD or DD/MM/YYYY) and
    `hours_per_week` (a decimal; a decimal comma is fine); columns are separated by commas,
    semicolons or tabs. At most 1 MB and 2,000 lines. `csv_file` is an uploaded file, any
    file-like object, bytes or text. Nothing is written: import with `import_enrolments`.
    """
    require_permission(by, programme.organisation, Permission.ENROL_LEARNERS)
    rows = [
        ImportRow(line=line, email=values["email"].strip(),
                  start_date=values["start_date"].strip(),
                  hours_per_week=values["hours_per_week"].strip())
        for line, values in _lines(_read_text(csv_file))
    ]
    _check_rows(programme, rows)
    return ImportReport(programme=programme, rows=rows)


@transaction.atomic
def import_enrolments(programme: Programme, report: ImportReport, *, by: User,
                      only_valid_rows: bool) -> list[Enrolment]:
    """Enrol the learners of a checked file.

    A file with errors imports nothing unless `only_valid_rows` (the person confirmed that
    the good lines go in without the bad ones). Every line is checked again as it is
    enrolled: if something changed since the check, nothing is imported.
    """
    require_permission(by, programme.organisation, Permission.ENROL_LEARNERS)
    if report.programme.pk != programme.pk:
        raise EnrolmentFileInvalid(_("This report was made for another programme."))
    if report.has_errors and not only_valid_rows:
        count = len(report.invalid_rows)
        raise EnrolmentFileHasErrors(ngettext(
            "%(count)d line of the file has an error: nothing was imported. Correct it, or "
            "import only the valid lines.",
            "%(count)d lines of the file have errors: nothing was imported. Correct them, "
            "or import only the valid lines.", count) % {"count": count})
    rows = report.valid_rows
    if not rows:
        raise NothingToImport()
    return enrol_many(programme, [(row.learner, row.start_on, row.minutes_per_week)
                                  for row in rows], by=by)

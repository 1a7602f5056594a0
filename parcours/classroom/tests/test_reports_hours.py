"""Sophie's attended-hours report: whole minutes summed per learner, programme and funder
over a period in Paris time, and the same table as CSV and XLSX."""

import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import load_workbook

from parcours.accounts.tests.factories import member
from parcours.catalog.models import Programme
from parcours.classroom.models import Attendance
from parcours.classroom.reports import (
    Period,
    PeriodInvalid,
    default_period,
    hours_csv,
    hours_report,
    hours_xlsx,
    period,
)
from parcours.classroom.tests.documents_for_tests import attend, paris, session_on, slots_of
from parcours.core.errors import NotAllowed


@pytest.fixture(autouse=True)
def _in_english():
    # These tests read the English wording; the default language here is French.
    with translation.override("en"):
        yield

pytestmark = pytest.mark.django_db

MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))


@pytest.fixture
def hugo(organisation):
    return member(organisation, "learner", display_name="Hugo Petit")


@pytest.fixture
def programme(organisation):
    return Programme.objects.create(organisation=organisation, title="Sécurité au travail")


@pytest.fixture
def sessions(organisation, lea, hugo, karim, programme):
    """Léa (OPCO Atlas) attends 2 days with a late arrival; Hugo (CPF) one morning and is
    absent the rest; a session outside any programme in April."""
    march = session_on(organisation, title="Sécurité — mars", first_day="2026-03-02", days=2,
                       trainers=[karim], learners=[lea], programme=programme,
                       funder="OPCO Atlas")
    march.registrations.create(learner=hugo, status="registered", funder="CPF")
    first, second, third, fourth = slots_of(march)
    attend(first, lea)                                       # 210
    attend(second, lea)                                      # 210
    Attendance.objects.create(slot=third, learner=lea, status="late",
                              arrived_at=paris("2026-03-03", "10:00"))  # 150
    attend(fourth, lea, "excused")
    attend(first, hugo)                                      # 210
    attend(second, hugo, "absent")
    april = session_on(organisation, title="Excel", first_day="2026-04-06", days=1,
                       learners=[lea])
    attend(slots_of(april)[0], lea)                          # 210, in April
    return march, april


def test_hours_per_learner_are_whole_minutes_summed(organisation, sophie, sessions):
    report = hours_report(organisation, viewer=sophie, period=MARCH, by="learner")

    rows = {row.label: row for row in report.rows}
    assert rows["Léa Martin"].minutes == 570 and rows["Léa Martin"].hours == "9 h 30"
    assert rows["Léa Martin"].half_days == 3 and rows["Léa Martin"].funders == ["OPCO Atlas"]
    assert rows["Hugo Petit"].minutes == 210 and rows["Hugo Petit"].hours == "3 h 30"
    assert [row.label for row in report.rows] == ["Hugo Petit", "Léa Martin"]
    assert report.minutes == 780 and report.learners == 2 and report.half_days == 4


def test_hours_per_funder(organisation, sophie, sessions):
    report = hours_report(organisation, viewer=sophie, period=MARCH, by="funder")

    assert [(row.label, row.learners, row.minutes) for row in report.rows] == [
        ("CPF", 1, 210), ("OPCO Atlas", 1, 570)]


def test_hours_per_programme_with_sessions_outside_any(organisation, sophie, sessions):
    report = hours_report(organisation, viewer=sophie, period=Period(date(2026, 3, 1),
                                                                     date(2026, 4, 30)),
                          by="programme")

    assert [(row.label, row.learners, row.sessions, row.minutes) for row in report.rows] == [
        ("Sécurité au travail", 2, 1, 780), ("Sessions outside any programme", 1, 1, 210)]


def test_the_period_is_read_in_the_organisations_time_zone(organisation, sophie, lea):
    # 00:30 in Paris on 1 April is still 31 March in UTC: it belongs to April.
    night = session_on(organisation, first_day="2026-04-01", days=0, learners=[lea])
    slot = night.slots.create(part="evening", starts_at=paris("2026-04-01", "00:30"),
                              ends_at=paris("2026-04-01", "02:00"))
    attend(slot, lea)

    march = hours_report(organisation, viewer=sophie, period=MARCH)
    april = hours_report(organisation, viewer=sophie, period=Period(date(2026, 4, 1),
                                                                    date(2026, 4, 30)))

    assert march.minutes == 0 and april.minutes == 90


def test_only_people_who_read_reports_get_hours(organisation, lea, karim, sessions):
    for person in (lea, karim):
        with pytest.raises(NotAllowed):
            hours_report(organisation, viewer=person, period=MARCH)


def test_oscar_gets_nothing_from_another_organisation(organisation, oscar, sessions):
    with pytest.raises(NotAllowed):
        hours_report(organisation, viewer=oscar, period=MARCH)


def test_the_report_reads_a_fixed_number_of_queries(organisation, sophie, sessions, karim):
    more = [member(organisation, "learner") for _ in range(10)]
    extra = session_on(organisation, first_day="2026-03-16", days=2, trainers=[karim],
                       learners=more, funder="Pôle emploi")
    for slot in slots_of(extra):
        for learner in more:
            attend(slot, learner)

    for by in ("learner", "programme", "funder"):
        with CaptureQueriesContext(connection) as queries:
            hours_report(organisation, viewer=sophie, period=MARCH, by=by)
        assert len(queries) <= 4


def test_a_period_must_not_end_before_it_starts():
    with pytest.raises(PeriodInvalid):
        period(date(2026, 3, 31), date(2026, 3, 1))


def test_the_default_period_is_the_last_twelve_calendar_months():
    assert default_period(date(2026, 11, 27)) == Period(date(2025, 12, 1), date(2026, 11, 27))
    assert default_period(date(2026, 1, 5)) == Period(date(2025, 2, 1), date(2026, 1, 5))


def test_the_csv_opens_in_french_excel(organisation, sophie, sessions):
    report = hours_report(organisation, viewer=sophie, period=MARCH, by="learner")

    with translation.override("en"):
        content = hours_csv(report)

    assert content.startswith("\ufeff".encode())
    lines = content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Learner;Email;Funders;Sessions;Half-days;Minutes;Hours"
    assert lines[2] == "Léa Martin;lea@example.org;OPCO Atlas;1;3;570;9 h 30"


def test_a_name_that_looks_like_a_formula_stays_text(organisation, sophie, lea):
    tricky = member(organisation, "learner", display_name="=HYPERLINK(\"http://x\")")
    session = session_on(organisation, first_day="2026-03-02", learners=[tricky])
    attend(slots_of(session)[0], tricky)
    report = hours_report(organisation, viewer=sophie, period=MARCH)

    assert "'=HYPERLINK" in hours_csv(report).decode("utf-8-sig")
    sheet = load_workbook(io.BytesIO(hours_xlsx(report))).active
    assert sheet["A2"].data_type == "s"


def test_the_xlsx_has_a_header_minutes_as_numbers_hours_and_totals(organisation, sophie,
                                                                   sessions):
    report = hours_report(organisation, viewer=sophie, period=MARCH, by="funder")

    with translation.override("en"):
        workbook = load_workbook(io.BytesIO(hours_xlsx(report)))

    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Funder", "Learners", "Sessions", "Half-days", "Minutes", "Hours")
    assert rows[1][:5] == ("CPF", 1, 1, 1, 210)
    assert rows[2][:5] == ("OPCO Atlas", 1, 1, 3, 570)
    assert rows[1][5] == "=E2/1440" and sheet["F2"].number_format == "[h]:mm"
    assert rows[3][0] == "Total" and rows[3][4] == "=SUM(E2:E3)"
    about = dict(workbook.worksheets[1].iter_rows(values_only=True))
    assert about["Organisation"] == "Cap Avenir Formation"
    assert about["From"].date() == date(2026, 3, 1)

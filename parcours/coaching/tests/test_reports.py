"""Sophie's coaching hours report: per coach, funder, type and month, and exports."""

import io
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from parcours.accounts.tests.factories import member
from parcours.coaching.models import AppointmentStatus, EngagementStatus
from parcours.coaching.tests.factories import appointment, engagement, engagement_type


def _closed(followed, coach, when, minutes):
    return appointment(followed, coach, starts_at=when, minutes=minutes,
                       status=AppointmentStatus.CLOSED, actual_minutes=minutes,
                       closed_at=timezone.now())


@pytest.fixture
def record(organisation, karim, lea):
    nadia = member(organisation, "coach", display_name="Nadia Coach")
    bilan = engagement_type(organisation)
    outplacement = engagement_type(organisation, name="Outplacement", kind="outplacement",
                                   phases=[("Search", 20 * 60)])
    first = engagement(organisation, lea, karim, type_=bilan, funder="CPF")
    second = engagement(organisation, member(organisation, "learner"), nadia,
                        type_=outplacement, funder="Employer")
    _closed(first, karim, datetime(2026, 9, 10, 8, tzinfo=UTC), 90)
    _closed(first, karim, datetime(2026, 10, 3, 8, tzinfo=UTC), 120)
    _closed(second, nadia, datetime(2026, 10, 20, 8, tzinfo=UTC), 60)
    appointment(second, nadia, starts_at=datetime(2026, 10, 22, 8, tzinfo=UTC))  # not held
    return {"nadia": nadia, "first": first, "second": second}


def _get(client, organisation, **query):
    query = {"start": "2026-09-01", "end": "2026-11-30", **query}
    return client.get(reverse("coaching:reports", args=[organisation.slug]), query)


def test_hours_per_coach_sum_the_closed_appointments(client, organisation, sophie, record):
    client.force_login(sophie)
    report = _get(client, organisation, by="coach").context["report"]
    assert {line.label: line.minutes for line in report.lines} == {
        "Karim Benali": 210, "Nadia Coach": 60}
    assert report.total_minutes == 270


def test_hours_per_funder_type_and_month(client, organisation, sophie, record):
    client.force_login(sophie)
    by_funder = _get(client, organisation, by="funder").context["report"]
    assert {line.label: line.minutes for line in by_funder.lines} == {"CPF": 210,
                                                                       "Employer": 60}
    by_type = _get(client, organisation, by="type").context["report"]
    assert {line.label: line.minutes for line in by_type.lines} == {
        "Bilan de compétences": 210, "Outplacement": 60}
    by_month = _get(client, organisation, by="month").context["report"]
    assert [(line.label, line.minutes) for line in by_month.lines] == [
        ("2026-09", 90), ("2026-10", 180)]


def test_engagements_are_counted_by_status(client, organisation, sophie, record):
    record["second"].status = EngagementStatus.CLOSED
    record["second"].closed_at = timezone.now()
    record["second"].save()
    client.force_login(sophie)
    report = _get(client, organisation).context["report"]
    counts = {status: count for status, _label, count in report.by_status}
    assert counts == {"active": 1, "closed": 1, "anonymised": 0}


def test_the_report_downloads_as_csv_and_xlsx(client, organisation, sophie, record):
    client.force_login(sophie)
    csv = _get(client, organisation, by="coach", format="csv")
    assert csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    assert "Karim Benali;2;1;210;3 h 30" in text
    xlsx = _get(client, organisation, by="coach", format="xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [cell.value for cell in sheet[2]][:4] == ["Karim Benali", 2, 1, 210]


def test_a_bad_period_is_explained_not_a_crash(client, organisation, sophie, record):
    client.force_login(sophie)
    response = _get(client, organisation, start="2026-12-01", end="2026-01-01")
    assert response.status_code == 400
    assert response.context["form"].errors


def test_coaches_and_learners_cannot_see_the_report(client, organisation, karim, lea):
    for person in (karim, lea):
        client.force_login(person)
        assert _get(client, organisation).status_code == 403


def test_another_organisation_cannot_see_the_report(client, organisation, oscar):
    client.force_login(oscar)
    assert _get(client, organisation).status_code == 404


def test_months_follow_the_organisation_time_zone(client, organisation, sophie, karim, lea):
    # 23:30 UTC on 31 October is 00:30 on 1 November in Paris.
    followed = engagement(organisation, lea, karim, starts_on=date(2026, 10, 1))
    _closed(followed, karim, datetime(2026, 10, 31, 23, 30, tzinfo=UTC), 45)
    client.force_login(sophie)
    report = _get(client, organisation, by="month").context["report"]
    assert [line.label for line in report.lines] == ["2026-11"]

"""The sessions calendar: a month grid, a week or a list, for managers, trainers and
learners, each seeing their own sessions in their own time zone."""

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from parcours.accounts.tests.factories import member
from parcours.classroom import services
from parcours.classroom.models import Registration, RegistrationStatus
from parcours.classroom.tests.sessions_for_tests import scheduled, slot
from parcours.journeys.tests.pages_for_tests import in_english

pytestmark = pytest.mark.django_db

CALENDAR = reverse("classroom:calendar", args=["cap-avenir"])


@pytest.fixture(autouse=True)
def english(lea, karim, sophie):
    in_english(lea, karim, sophie)


def page(client, user, **query):
    client.force_login(user)
    response = client.get(CALENDAR, query)
    return response, html.unescape(response.content.decode())


def titles(response) -> set[str]:
    return {entry.session.title for day in response.context["page"].days
            for entry in day.entries}


def test_sophie_sees_the_month_as_a_grid_from_monday(client, organisation, sophie, karim):
    session = scheduled(organisation, sophie, title="Excel", trainers=[karim],
                        slots=[slot("2026-03-10", "09:00", "12:30"),
                               slot("2026-03-10", "13:30", "17:00")])

    response, body = page(client, sophie, date="2026-03-18")

    assert response.status_code == 200
    assert "<caption>March 2026</caption>" in body
    assert '<th scope="col"><abbr title="Monday">Mon</abbr></th>' in body
    weeks = response.context["page"].weeks
    assert (weeks[0][0].day.isoformat(), weeks[-1][-1].day.isoformat()) == (
        "2026-02-23", "2026-04-05")
    link = reverse("classroom:session", args=["cap-avenir", session.pk])
    assert f'<a href="{link}"><span class="hours">09:00–12:30</span> Excel</a>' in body
    assert f'<a href="{link}"><span class="hours">13:30–17:00</span> Excel</a>' in body
    assert '?view=month&date=2026-02-01" rel="prev">' in body
    assert '?view=month&date=2026-04-01" rel="next">' in body
    assert reverse("classroom:session_new", args=["cap-avenir"]) in body


def test_a_session_over_several_days_shows_on_each_day(client, organisation, sophie):
    scheduled(organisation, sophie, title="Excel",
              slots=[slot("2026-03-31", "09:00", "12:30"), slot("2026-04-01", "09:00", "12:30")])

    march, _body = page(client, sophie, date="2026-03-01", view="list")
    april, _body = page(client, sophie, date="2026-04-01", view="list")

    assert [d.day.day for d in march.context["page"].busy_days] == [31]
    assert [d.day.day for d in april.context["page"].busy_days] == [1]


def test_the_week_and_the_list_say_where_and_who(client, organisation, sophie, karim):
    room = services.create_room(organisation, by=sophie, name="Salle Rivoli")
    scheduled(organisation, sophie, title="Excel", trainers=[karim], room=room)

    week, week_body = page(client, sophie, date="2026-03-12", view="week")
    listed, list_body = page(client, sophie, date="2026-03-12", view="list")

    assert "Week of 9 March to 15 March 2026" in week_body
    assert len(week.context["page"].days) == 7
    for body in (week_body, list_body):
        assert "In person · Salle Rivoli · Karim Benali" in body
        assert "0 of 12 seats taken" in body
    assert "Tuesday 10 March 2026" in list_body
    assert '?view=week&date=2026-03-16" rel="next">' in week_body


def test_lea_sees_her_sessions_and_those_open_to_her_only(client, organisation, sophie, lea):
    hers = scheduled(organisation, sophie, title="Excel",
                     slots=[slot("2026-03-02", "09:00", "12:00")])
    Registration.objects.create(session=hers, learner=lea, status=RegistrationStatus.REGISTERED)
    scheduled(organisation, sophie, title="Word", allows_self_registration=True,
              slots=[slot("2026-03-03", "09:00", "12:00")])
    scheduled(organisation, sophie, title="Réunion des formateurs",
              slots=[slot("2026-03-04", "09:00", "12:00")])
    full = scheduled(organisation, sophie, title="Anglais",
                     slots=[slot("2026-03-05", "09:00", "12:00")])
    Registration.objects.create(session=full, learner=lea, status=RegistrationStatus.WAITLISTED,
                                waitlisted_at=full.starts_at)

    response, body = page(client, lea, date="2026-03-01", view="list")

    assert titles(response) == {"Excel", "Word", "Anglais"}
    assert "You are registered" in body
    assert "You are on the waiting list" in body
    assert "seats taken" not in body
    assert reverse("classroom:session_new", args=["cap-avenir"]) not in body


def test_karim_sees_the_sessions_he_trains(client, organisation, sophie, karim):
    scheduled(organisation, sophie, title="Excel", trainers=[karim])
    scheduled(organisation, sophie, title="Word", slots=[slot("2026-03-11", "09:00", "12:00")])

    response, _body = page(client, karim, date="2026-03-01")

    assert titles(response) == {"Excel"}


def test_a_cancelled_session_stays_in_the_calendar_marked_so(client, organisation, sophie):
    session = scheduled(organisation, sophie, title="Excel")
    services.cancel_session(session, by=sophie, reason="Formateur malade")

    _response, body = page(client, sophie, date="2026-03-01")

    assert '<li class="cancelled">' in body
    assert '<span class="tag-cancelled">Cancelled</span>' in body


@pytest.mark.parametrize(("zone", "shown"), [
    ("Europe/Paris", "09:00–12:00"),
    ("America/Montreal", "03:00–06:00"),
    ("Asia/Tokyo", "17:00–20:00"),
])
def test_each_person_sees_the_times_in_their_own_zone(client, organisation, sophie, zone,
                                                      shown):
    start = datetime(2026, 1, 14, 8, tzinfo=UTC)
    scheduled(organisation, sophie, title="Excel", slots=[(start, start + timedelta(hours=3))])
    sophie.time_zone = zone
    sophie.save(update_fields=["time_zone"])

    _response, body = page(client, sophie, date="2026-01-14", view="list")

    assert f'<span class="hours">{shown}</span>' in body
    assert "Wednesday 14 January 2026" in body


def test_a_slot_falls_on_the_viewers_own_date(client, organisation, sophie):
    start = datetime(2026, 1, 14, 23, 30, tzinfo=UTC)  # 00:30 on the 15th in Paris
    scheduled(organisation, sophie, title="Excel", slots=[(start, start + timedelta(hours=1))])

    response, _body = page(client, sophie, date="2026-01-01", view="list")

    assert [d.day.day for d in response.context["page"].busy_days] == [15]


def test_today_is_marked_and_a_bad_date_shows_this_month(client, organisation, sophie):
    response, body = page(client, sophie, date="2026-02-30", view="nonsense")

    assert response.status_code == 200
    today = response.context["page"].today
    assert response.context["page"].view == "month"
    assert response.context["page"].first_day == today.replace(day=1)
    assert 'aria-current="date"' in body


def test_oscar_cannot_see_the_calendar_of_another_organisation(client, oscar):
    response, _body = page(client, oscar)

    assert response.status_code == 404


def test_a_visitor_signs_in_first(client):
    response = client.get(CALENDAR)

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_a_member_without_a_role_is_refused(client, organisation):
    nobody = member(organisation)

    response, _body = page(client, nobody)

    assert response.status_code == 403


@pytest.mark.parametrize("size", [5, 50])
def test_each_view_takes_the_same_queries_whatever_the_number_of_sessions(
        client, organisation, sophie, karim, django_assert_num_queries, size):
    room = services.create_room(organisation, by=sophie, name="Salle Rivoli")
    trainers = [karim, member(organisation, "trainer")]
    for number in range(size):
        day = f"2026-03-{number % 28 + 1:02d}"
        scheduled(organisation, sophie, title=f"Session {number}",
                  trainers=[trainers[number % 2]] if number < 2 else [],
                  room=room if number == 0 else None,
                  slots=[slot(day, f"{8 + number // 28 * 2:02d}:00",
                              f"{9 + number // 28 * 2:02d}:00"),
                         slot(day, f"{14 + number // 28:02d}:00", f"{15 + number // 28:02d}:00")])
    client.force_login(sophie)

    # session, user; organisation and roles (page); roles, sessions, slots (calendar);
    # the menu's organisations.
    with django_assert_num_queries(8):
        month = client.get(CALENDAR, {"date": "2026-03-01"})
    # … and the trainers, for the list's details.
    with django_assert_num_queries(9):
        listed = client.get(CALENDAR, {"date": "2026-03-01", "view": "list"})

    for response in (month, listed):
        assert response.context["page"].session_count == size
        assert len(re.findall(r'class="hours"', response.content.decode())) == 2 * size

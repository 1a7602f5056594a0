"""The calendar's read model: which sessions, over which days, in a fixed number of
queries."""

from datetime import date

import pytest

from parcours.accounts.tests.factories import member
from parcours.classroom import selectors, services
from parcours.classroom.models import Registration, RegistrationStatus
from parcours.classroom.tests.sessions_for_tests import PARIS, at, scheduled, slot

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("view", "anchor", "expected"), [
    # June 2026 starts on a Monday and ends on a Tuesday.
    ("month", date(2026, 6, 17), (date(2026, 6, 1), date(2026, 7, 5), date(2026, 6, 1),
                                  date(2026, 6, 30), date(2026, 5, 1), date(2026, 7, 1))),
    ("week", date(2026, 3, 15), (date(2026, 3, 9), date(2026, 3, 15), date(2026, 3, 9),
                                 date(2026, 3, 15), date(2026, 3, 2), date(2026, 3, 16))),
    ("list", date(2026, 12, 31), (date(2026, 12, 1), date(2026, 12, 31), date(2026, 12, 1),
                                  date(2026, 12, 31), date(2026, 11, 1), date(2027, 1, 1))),
])
def test_periods_start_on_monday_and_know_their_neighbours(view, anchor, expected):
    assert selectors.calendar_period(view, anchor) == expected


def test_a_session_that_began_before_the_period_is_in_it(organisation, sophie):
    scheduled(organisation, sophie, title="Semaine intensive",
              slots=[slot(f"2026-03-{day:02d}", "09:00", "17:00") for day in range(2, 7)])

    sessions = selectors.calendar(sophie, organisation, start=at("2026-03-04", "00:00"),
                                  end=at("2026-03-05", "00:00"))

    assert [s.title for s in sessions] == ["Semaine intensive"]
    assert len(sessions[0].slot_list) == 5


def test_lea_keeps_a_cancelled_session_of_hers_not_a_cancelled_open_one(organisation, sophie,
                                                                       lea):
    hers = scheduled(organisation, sophie, title="Excel")
    Registration.objects.create(session=hers, learner=lea, status=RegistrationStatus.REGISTERED)
    open_one = scheduled(organisation, sophie, title="Word", allows_self_registration=True)
    for session in (hers, open_one):
        services.cancel_session(session, by=sophie, reason="Grève")

    sessions = selectors.calendar(lea, organisation, start=at("2026-03-01", "00:00"),
                                  end=at("2026-04-01", "00:00"))

    assert [(s.title, s.status) for s in sessions] == [("Excel", "cancelled")]


def test_a_cancelled_registration_no_longer_shows_the_session(organisation, sophie, lea):
    session = scheduled(organisation, sophie)
    Registration.objects.create(session=session, learner=lea, status=RegistrationStatus.CANCELLED)

    assert selectors.calendar(lea, organisation, start=at("2026-03-01", "00:00"),
                              end=at("2026-04-01", "00:00")) == []


@pytest.mark.parametrize("size", [3, 30])
def test_the_calendar_reads_in_four_queries(organisation, sophie, karim,
                                            django_assert_num_queries, size):
    room = services.create_room(organisation, by=sophie, name="Salle Rivoli")
    nadia = member(organisation, "trainer")
    for number in range(size):
        session = scheduled(organisation, sophie, title=f"Session {number}",
                            trainers=[karim, nadia] if number == 0 else [],
                            room=room if number == 0 else None,
                            slots=[slot(f"2026-03-{number % 28 + 1:02d}",
                                        f"{8 + number // 28 * 4:02d}:00",
                                        f"{10 + number // 28 * 4:02d}:00")])
        Registration.objects.create(session=session, learner=member(organisation, "learner"),
                                    status=RegistrationStatus.REGISTERED)

    # roles, sessions (with seats taken and the viewer's own place), slots, trainers
    with django_assert_num_queries(4):
        sessions = selectors.calendar(sophie, organisation, start=at("2026-03-01", "00:00"),
                                      end=at("2026-04-01", "00:00"))
        page_entries = [(s.room, s.seats_taken, s.trainer_list, s.slot_list)
                        for s in sessions]

    assert len(page_entries) == size
    assert page_entries[0][1] == 1
    assert page_entries[0][0] == room


def test_the_month_page_places_each_slot_on_its_local_day(organisation, sophie):
    scheduled(organisation, sophie, slots=[slot("2026-03-31", "23:30", "23:59")])

    paris = selectors.calendar_page(sophie, organisation, view="month",
                                    anchor=date(2026, 3, 1), zone=PARIS)
    tokyo = selectors.calendar_page(sophie, organisation, view="month",
                                    anchor=date(2026, 3, 1),
                                    zone=selectors.zone_of(member(organisation, "manager",
                                                                  time_zone="Asia/Tokyo")))

    assert [d.day for d in paris.busy_days] == [date(2026, 3, 31)]
    # 06:30 on 1 April in Tokyo: shown in the grid's last week, outside the month.
    assert tokyo.busy_days == []
    assert [d.day for d in tokyo.days if d.entries] == [date(2026, 4, 1)]

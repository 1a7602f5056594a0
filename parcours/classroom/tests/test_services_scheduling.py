"""Sophie schedules sessions: rooms, half-day slots, trainers, series, moves and
cancellations. A trainer or a room is never booked twice at the same time."""

import threading
import time
from datetime import UTC, datetime

import pytest
from django.db import connection, connections

from parcours.accounts.tests.factories import member
from parcours.catalog.models import StepKind
from parcours.classroom import services
from parcours.classroom.models import (
    Attendance,
    AttendanceStatus,
    Registration,
    RegistrationStatus,
    Session,
    SessionSeries,
    SessionStatus,
)
from parcours.classroom.tests.sessions_for_tests import PARIS, refused, scheduled, slot
from parcours.core.errors import NotAllowed
from parcours.core.models import LearningEvent, Verb
from parcours.journeys.tests.paths_for_tests import module_row, programme_row, step_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def rivoli(organisation, sophie):
    return services.create_room(organisation, by=sophie, name="Salle Rivoli",
                                venue="Campus Paris Centre", address="12 rue de Rivoli, Paris",
                                capacity=14)


@pytest.fixture
def nadia(organisation):
    return member(organisation, "trainer", display_name="Nadia Haddad")


@pytest.fixture
def told(monkeypatch):
    """What the notifications part was asked to say, once the change is committed."""
    calls = []
    monkeypatch.setattr("parcours.classroom.notifications.session_changed",
                        lambda session, **details: calls.append(("changed", session, details)))
    monkeypatch.setattr("parcours.classroom.notifications.session_cancelled",
                        lambda session, **details: calls.append(("cancelled", session, details)))
    return calls


# Rooms


def test_sophie_adds_a_room_and_changes_its_seats(rivoli, sophie):
    services.update_room(rivoli, by=sophie, capacity=16)

    rivoli.refresh_from_db()
    assert (str(rivoli), rivoli.capacity) == ("Campus Paris Centre — Salle Rivoli", 16)


@pytest.mark.parametrize("person", ["lea", "karim", "oscar"])
def test_only_managers_of_the_organisation_add_rooms(organisation, person, request):
    with refused(NotAllowed):
        services.create_room(organisation, by=request.getfixturevalue(person), name="Salle")


def test_a_room_needs_a_name_and_seats_if_any(organisation, sophie):
    with refused(services.RoomInvalid):
        services.create_room(organisation, by=sophie, name="  ")
    with refused(services.RoomInvalid):
        services.create_room(organisation, by=sophie, name="Salle", capacity=0)


# Scheduling


def test_sophie_schedules_two_days_in_four_half_days_with_karim(organisation, sophie, karim,
                                                                 rivoli):
    days = [slot("2026-03-10", "09:00", "12:30"), slot("2026-03-10", "13:30", "17:00"),
            slot("2026-03-11", "09:00", "12:30"), slot("2026-03-11", "13:30", "17:00")]

    session = scheduled(organisation, sophie, slots=list(reversed(days)), trainers=[karim],
                        room=rivoli)

    session.refresh_from_db()
    assert [(s.starts_at, s.ends_at, s.part) for s in session.slots.all()] == [
        (*days[0], "morning"), (*days[1], "afternoon"), (*days[2], "morning"),
        (*days[3], "afternoon")]
    assert (session.starts_at, session.ends_at) == (days[0][0], days[3][1])
    assert list(session.trainers.all()) == [karim]
    assert (session.room, session.status, session.ical_sequence) == (rivoli, "scheduled", 0)
    event = LearningEvent.objects.get(object_type="classroom.session")
    assert (event.verb, event.actor, event.context) == (
        Verb.PUBLISHED, sophie, {"session": session.pk})


@pytest.mark.parametrize(("utc_start", "part"), [
    ("2026-01-15T10:59", "morning"),     # 11:59 in Paris, winter
    ("2026-01-15T11:00", "afternoon"),   # 12:00 in Paris
    ("2026-07-15T10:30", "afternoon"),   # 12:30 in Paris, summer: 10:30 in UTC
    ("2026-07-15T15:59", "afternoon"),   # 17:59 in Paris
    ("2026-07-15T16:00", "evening"),     # 18:00 in Paris
])
def test_the_part_of_the_day_comes_from_the_local_start_hour(organisation, sophie,
                                                             utc_start, part):
    start = datetime.fromisoformat(utc_start).replace(tzinfo=UTC)

    session = scheduled(organisation, sophie, slots=[(start, start.replace(hour=20))])

    assert session.slots.get().part == part


@pytest.mark.parametrize(("slots", "message"), [
    ([], "Give at least one slot"),
    ([slot("2026-03-10", "12:00", "09:00")], "Each slot must end after it starts"),
    ([slot("2026-03-10", "09:00", "12:30"), slot("2026-03-10", "12:00", "17:00")],
     "Two slots of this session overlap"),
])
def test_slots_are_checked(organisation, sophie, slots, message):
    with refused(services.SlotsInvalid, match=message):
        services.schedule_session(organisation, by=sophie, title="Excel", kind="in_person",
                                  capacity=10, slots=slots)

    assert not Session.objects.exists()


@pytest.mark.parametrize("person", ["lea", "karim", "oscar"])
def test_only_managers_of_the_organisation_schedule(organisation, person, request):
    with refused(NotAllowed):
        scheduled(organisation, request.getfixturevalue(person))


def test_a_trainer_is_a_trainer_or_a_coach_of_the_organisation(organisation, sophie, lea,
                                                               oscar, nadia):
    with refused(services.NotATrainerHere, match="Léa Martin is not a trainer"):
        scheduled(organisation, sophie, trainers=[lea])
    with refused(services.NotATrainerHere, match="Oscar Dupont"):
        scheduled(organisation, sophie, trainers=[oscar])

    assert list(scheduled(organisation, sophie, trainers=[nadia]).trainers.all()) == [nadia]


def test_a_room_of_another_organisation_is_refused(organisation, other_organisation, sophie,
                                                   oscar):
    theirs = services.create_room(other_organisation, by=oscar, name="Salle Horizon")

    with refused(services.RoomNotHere):
        scheduled(organisation, sophie, room=theirs)


def test_an_in_person_session_fits_in_its_room(organisation, sophie, rivoli):
    with refused(services.RoomTooSmall, match="Salle Rivoli has 14 seats"):
        scheduled(organisation, sophie, room=rivoli, capacity=20)


@pytest.mark.parametrize("kind", ["virtual", "hybrid"])
def test_a_virtual_or_hybrid_session_needs_a_web_link(organisation, sophie, kind):
    with refused(services.MeetingLinkRequired):
        scheduled(organisation, sophie, kind=kind, meeting_url="")
    with refused(services.MeetingLinkInvalid):
        scheduled(organisation, sophie, kind=kind, meeting_url="javascript:alert(1)")

    session = scheduled(organisation, sophie, kind=kind,
                        meeting_url="https://bbb.cap-avenir.fr/b/sop-x2k")
    assert session.meeting_url == "https://bbb.cap-avenir.fr/b/sop-x2k"


def test_a_session_belongs_to_a_live_session_step_and_so_to_its_programme(
        organisation, other_organisation, sophie):
    programme = programme_row(organisation, "Retour à l'emploi")
    module = module_row(programme, "Ateliers")
    live = step_row(module, StepKind.LIVE_SESSION, "Atelier CV en présentiel")
    lesson = step_row(module, StepKind.LESSON, "Lire une offre")
    elsewhere = step_row(module_row(programme_row(other_organisation), "M"),
                         StepKind.LIVE_SESSION, "Ailleurs")

    session = scheduled(organisation, sophie, step=live)

    assert (session.step, session.programme) == (live, programme)
    for wrong in (lesson, elsewhere):
        with refused(services.StepNotALiveSession):
            scheduled(organisation, sophie, step=wrong,
                      slots=[slot("2026-04-01", "09:00", "12:00")])


# Double booking


def test_karim_cannot_train_two_sessions_at_the_same_time(organisation, sophie, karim):
    scheduled(organisation, sophie, title="Excel", trainers=[karim],
              slots=[slot("2026-03-10", "09:00", "12:30")])

    with refused(services.TrainerBusy) as refusal:
        scheduled(organisation, sophie, title="Word", trainers=[karim],
                  slots=[slot("2026-03-10", "11:00", "13:00")])

    assert str(refusal.value.message) == (
        "Karim Benali already trains “Excel” on March 10, 2026 from 09:00 to 12:30.")
    assert refusal.value.status_code == 409
    assert Session.objects.count() == 1


def test_a_room_cannot_be_booked_twice(organisation, sophie, karim, nadia, rivoli):
    scheduled(organisation, sophie, title="Excel", trainers=[karim], room=rivoli)

    with refused(services.RoomBusy) as refusal:
        scheduled(organisation, sophie, title="Word", trainers=[nadia], room=rivoli,
                  slots=[slot("2026-03-10", "08:00", "09:30")])

    assert str(refusal.value.message) == (
        "Campus Paris Centre — Salle Rivoli is already booked for “Excel” on March 10, 2026 "
        "from 09:00 to 12:30.")


def test_back_to_back_slots_do_not_clash(organisation, sophie, karim, rivoli):
    scheduled(organisation, sophie, trainers=[karim], room=rivoli,
              slots=[slot("2026-03-10", "09:00", "12:30")])

    scheduled(organisation, sophie, trainers=[karim], room=rivoli,
              slots=[slot("2026-03-10", "12:30", "14:00"), slot("2026-03-10", "07:00", "09:00")])

    assert Session.objects.count() == 2


def test_a_cancelled_session_frees_its_trainer_and_its_room(organisation, sophie, karim,
                                                            rivoli):
    first = scheduled(organisation, sophie, trainers=[karim], room=rivoli)
    services.cancel_session(first, by=sophie, reason="Formateur malade")

    scheduled(organisation, sophie, trainers=[karim], room=rivoli)

    assert Session.objects.filter(status=SessionStatus.SCHEDULED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_managers_booking_karim_at_the_same_moment_do_not_both_succeed(
        organisation, sophie, karim, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one write transaction at a time anyway")
    checked = services.scheduling._first_clash

    def slow_check(*args, **kwargs):
        # Both transactions would pass the check before either writes, were Karim's row
        # not locked by the first until it commits.
        clash = checked(*args, **kwargs)
        time.sleep(0.3)
        return clash

    monkeypatch.setattr(services.scheduling, "_first_clash", slow_check)
    outcomes = []
    start = threading.Barrier(2)

    def book(title):
        try:
            start.wait()
            scheduled(organisation, sophie, title=title, trainers=[karim])
            outcomes.append("scheduled")
        except services.TrainerBusy:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(title,)) for title in ("Excel", "Word")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["refused", "scheduled"]
    assert Session.objects.count() == 1


def test_the_other_organisations_sessions_do_not_count(organisation, other_organisation,
                                                       sophie, oscar, karim):
    from parcours.accounts.models import Membership, MembershipRole

    membership = Membership.objects.create(organisation=other_organisation, user=karim)
    MembershipRole.objects.create(membership=membership, role="trainer")
    scheduled(other_organisation, oscar, trainers=[karim])

    assert scheduled(organisation, sophie, trainers=[karim]).trainers.get() == karim


# Moving, changing, cancelling


def test_rescheduling_replaces_the_slots_and_moves_calendars(
        organisation, sophie, karim, told, django_capture_on_commit_callbacks):
    session = scheduled(organisation, sophie, trainers=[karim])
    before = [(s.starts_at, s.ends_at) for s in session.slots.all()]
    later = [slot("2026-03-17", "09:00", "12:30"), slot("2026-03-17", "13:30", "17:00")]

    with django_capture_on_commit_callbacks(execute=True):
        services.reschedule_session(session, by=sophie, slots=later)

    session.refresh_from_db()
    assert [(s.starts_at, s.ends_at, s.part) for s in session.slots.all()] == [
        (*later[0], "morning"), (*later[1], "afternoon")]
    assert (session.starts_at, session.ends_at, session.ical_sequence) == (
        later[0][0], later[1][1], 1)
    assert told == [("changed", session, {"previous_slots": before})]


def test_a_session_can_move_over_its_own_old_time(organisation, sophie, karim):
    session = scheduled(organisation, sophie, trainers=[karim])

    services.reschedule_session(session, by=sophie,
                                slots=[slot("2026-03-10", "10:00", "13:00")])

    assert session.slots.get().starts_at.astimezone(PARIS).hour == 10


def test_rescheduling_onto_a_busy_trainer_changes_nothing(organisation, sophie, karim):
    scheduled(organisation, sophie, title="Excel", trainers=[karim],
              slots=[slot("2026-03-17", "09:00", "12:30")])
    session = scheduled(organisation, sophie, title="Word", trainers=[karim])

    with refused(services.TrainerBusy, match="already trains “Excel” on March 17"):
        services.reschedule_session(session, by=sophie,
                                    slots=[slot("2026-03-17", "09:00", "12:30")])

    session.refresh_from_db()
    assert (session.slots.get().starts_at, session.ical_sequence) == (
        slot("2026-03-10", "09:00", "12:30")[0], 0)


def test_a_slot_with_attendance_is_not_moved_away(organisation, sophie, lea, karim):
    session = scheduled(organisation, sophie, slots=[slot("2026-03-10", "09:00", "12:30"),
                                                     slot("2026-03-10", "13:30", "17:00")])
    morning = session.slots.first()
    Attendance.objects.create(slot=morning, learner=lea, status=AttendanceStatus.PRESENT,
                              recorded_by=karim)

    with refused(services.SlotHasProof):
        services.reschedule_session(session, by=sophie,
                                    slots=[slot("2026-03-11", "09:00", "12:30")])
    # Keeping that slot as it was, the afternoon can move.
    services.reschedule_session(session, by=sophie, slots=[
        slot("2026-03-10", "09:00", "12:30"), slot("2026-03-10", "14:00", "17:30")])

    assert session.slots.first().pk == morning.pk


def test_seats_never_go_below_the_people_registered(organisation, sophie):
    session = scheduled(organisation, sophie, capacity=5)
    for _number in range(3):
        Registration.objects.create(session=session, learner=member(organisation, "learner"),
                                    status=RegistrationStatus.REGISTERED)
    Registration.objects.create(session=session, learner=member(organisation, "learner"),
                                status=RegistrationStatus.WAITLISTED,
                                waitlisted_at=session.starts_at)

    with refused(services.CapacityBelowRegistrations,
                 match="3 people are registered: keep at least 3 seats"):
        services.update_session(session, by=sophie, capacity=2)
    services.update_session(session, by=sophie, capacity=3)

    session.refresh_from_db()
    assert session.capacity == 3


def test_more_seats_go_to_the_people_waiting(organisation, sophie, lea):
    session = scheduled(organisation, sophie, capacity=1,
                        slots=[slot("2027-03-10", "09:00", "12:30")])
    Registration.objects.create(session=session, learner=member(organisation, "learner"),
                                status=RegistrationStatus.REGISTERED)
    waiting = Registration.objects.create(session=session, learner=lea,
                                          status=RegistrationStatus.WAITLISTED,
                                          waitlisted_at=session.created_at)

    services.update_session(session, by=sophie, capacity=2)

    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.REGISTERED


def test_a_new_place_or_link_moves_calendars_a_new_title_does_not(
        organisation, sophie, rivoli, told, django_capture_on_commit_callbacks):
    session = scheduled(organisation, sophie, kind="virtual")

    services.update_session(session, by=sophie, title="Excel : tableaux croisés")
    session.refresh_from_db()
    assert session.ical_sequence == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.update_session(session, by=sophie, meeting_url="https://meet.jit.si/autre")
    session.refresh_from_db()
    assert session.ical_sequence == 1
    services.update_session(session, by=sophie, kind="hybrid", room=rivoli)

    session.refresh_from_db()
    assert (session.ical_sequence, session.room, session.title) == (
        2, rivoli, "Excel : tableaux croisés")
    assert [kind for kind, _session, _details in told] == ["changed"]


def test_a_trainer_added_later_must_be_free(organisation, sophie, karim, nadia):
    scheduled(organisation, sophie, title="Excel", trainers=[karim])
    session = scheduled(organisation, sophie, title="Word", trainers=[nadia])

    with refused(services.TrainerBusy, match="Karim Benali already trains"):
        services.update_session(session, by=sophie, trainers=[nadia, karim])
    services.update_session(session, by=sophie, trainers=[])

    assert not session.trainers.exists()


def test_cancelling_tells_everyone_and_keeps_the_reason(organisation, sophie, told,
                                                        django_capture_on_commit_callbacks):
    session = scheduled(organisation, sophie)

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_session(session, by=sophie, reason="Formatrice malade")

    session.refresh_from_db()
    assert (session.status, session.ical_sequence) == ("cancelled", 1)
    event = LearningEvent.objects.get(verb=Verb.CANCELLED)
    assert (event.actor, event.context) == (
        sophie, {"session": session.pk, "reason": "Formatrice malade"})
    assert told == [("cancelled", session, {"reason": "Formatrice malade"})]


def test_a_cancellation_needs_a_reason_and_happens_once(organisation, sophie):
    session = scheduled(organisation, sophie)

    with refused(services.ReasonRequired):
        services.cancel_session(session, by=sophie, reason="  ")
    services.cancel_session(session, by=sophie, reason="Salle inondée")
    with refused(services.SessionCancelled):
        services.cancel_session(session, by=sophie, reason="Encore")
    with refused(services.SessionCancelled):
        services.reschedule_session(session, by=sophie,
                                    slots=[slot("2026-03-11", "09:00", "12:00")])


def test_a_coach_cannot_move_or_cancel_a_session(organisation, sophie, karim):
    session = scheduled(organisation, sophie, trainers=[karim])

    with refused(NotAllowed):
        services.reschedule_session(session, by=karim,
                                    slots=[slot("2026-03-11", "09:00", "12:00")])
    with refused(NotAllowed):
        services.cancel_session(session, by=karim, reason="Je ne peux pas")


# Series


def test_a_weekly_series_keeps_its_local_hour_across_the_change_to_summer_time(
        organisation, sophie, karim):
    # Summer time starts in Paris on Sunday 29 March 2026.
    sessions = services.schedule_series(
        organisation, by=sophie, title="Anglais professionnel", kind="in_person",
        capacity=8, trainers=[karim], weeks=3,
        first_slots=[slot("2026-03-17", "09:00", "12:00"), slot("2026-03-17", "13:00", "16:00")])

    local = [[(s.starts_at.astimezone(PARIS).strftime("%d/%m %H:%M"), s.part)
              for s in session.slots.all()] for session in sessions]
    assert local == [
        [("17/03 09:00", "morning"), ("17/03 13:00", "afternoon")],
        [("24/03 09:00", "morning"), ("24/03 13:00", "afternoon")],
        [("31/03 09:00", "morning"), ("31/03 13:00", "afternoon")],
    ]
    assert [s.starts_at.astimezone(UTC).hour for s in sessions] == [8, 8, 7]
    series = SessionSeries.objects.get()
    assert (series.title, series.rule) == ("Anglais professionnel", "FREQ=WEEKLY;COUNT=3")
    assert {s.series_id for s in sessions} == {series.pk}
    assert [list(s.trainers.all()) for s in sessions] == [[karim]] * 3


def test_a_clash_in_any_week_refuses_the_whole_series_naming_the_date(organisation, sophie,
                                                                     karim):
    scheduled(organisation, sophie, title="Excel", trainers=[karim],
              slots=[slot("2026-03-31", "10:00", "11:00")])

    with refused(services.TrainerBusy) as refusal:
        services.schedule_series(organisation, by=sophie, title="Anglais", kind="in_person",
                                 capacity=8, trainers=[karim], weeks=4,
                                 first_slots=[slot("2026-03-17", "09:00", "12:00")])

    assert str(refusal.value.message) == (
        "The session of March 31, 2026 cannot be scheduled: Karim Benali already trains "
        "“Excel” on March 31, 2026 from 10:00 to 11:00.")
    assert Session.objects.count() == 1
    assert not SessionSeries.objects.exists()


@pytest.mark.parametrize("weeks", [1, 53])
def test_a_series_runs_two_to_fifty_two_weeks(organisation, sophie, weeks):
    with refused(services.SeriesInvalid):
        services.schedule_series(organisation, by=sophie, title="Anglais", kind="in_person",
                                 capacity=8, weeks=weeks,
                                 first_slots=[slot("2026-03-17", "09:00", "12:00")])

"""Sophie schedules, changes, moves and cancels sessions through the pages; everyone opens
the sessions they may see, with times in their own zone."""

import html
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from parcours.classroom import services
from parcours.classroom.models import Registration, RegistrationStatus, Session
from parcours.classroom.tests.sessions_for_tests import PARIS, at, scheduled, slot
from parcours.journeys.tests.pages_for_tests import in_english

pytestmark = pytest.mark.django_db

NEW = reverse("classroom:session_new", args=["cap-avenir"])
ROOMS = reverse("classroom:rooms", args=["cap-avenir"])


@pytest.fixture(autouse=True)
def english(lea, karim, sophie):
    in_english(lea, karim, sophie)


def url(name, session):
    return reverse(f"classroom:{name}", args=["cap-avenir", session.pk])


def text(response) -> str:
    return html.unescape(response.content.decode())


def slot_rows(*rows, total=4) -> dict:
    data = {"slots-TOTAL_FORMS": str(total), "slots-INITIAL_FORMS": "0",
            "slots-MIN_NUM_FORMS": "0", "slots-MAX_NUM_FORMS": "60"}
    for number, (day, starts, ends) in enumerate(rows):
        data.update({f"slots-{number}-day": day, f"slots-{number}-starts": starts,
                     f"slots-{number}-ends": ends})
    return data


def new_session(**fields) -> dict:
    return {"title": "Excel : les bases", "kind": "in_person", "capacity": "12",
            "cancellation_notice_hours": "48", "address": "12 rue de Rivoli, Paris",
            **slot_rows(("2026-03-10", "09:00", "12:30"), ("2026-03-10", "13:30", "17:00")),
            **fields}


# Scheduling


def test_sophie_schedules_a_day_in_two_half_days(client, organisation, sophie, karim):
    client.force_login(sophie)

    response = client.post(NEW, new_session(trainers=[karim.pk]))

    session = Session.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("session", session)
    assert [(s.starts_at, s.ends_at, s.part) for s in session.slots.all()] == [
        (*slot("2026-03-10", "09:00", "12:30"), "morning"),
        (*slot("2026-03-10", "13:30", "17:00"), "afternoon")]
    assert (session.title, session.capacity, list(session.trainers.all())) == (
        "Excel : les bases", 12, [karim])


def test_the_times_typed_are_in_the_managers_own_zone(client, organisation, sophie):
    sophie.time_zone = "America/Montreal"
    sophie.save(update_fields=["time_zone"])
    client.force_login(sophie)

    client.post(NEW, new_session(**slot_rows(("2026-01-14", "03:00", "06:00"))))

    assert Session.objects.get().starts_at == datetime(2026, 1, 14, 8, tzinfo=UTC)


def test_sophie_repeats_a_session_every_week(client, organisation, sophie):
    client.force_login(sophie)

    response = client.post(NEW, new_session(repeat="on", weeks="3"))

    sessions = list(Session.objects.order_by("starts_at"))
    assert response.status_code == 302
    assert [s.starts_at.astimezone(PARIS).strftime("%d/%m %H:%M") for s in sessions] == [
        "10/03 09:00", "17/03 09:00", "24/03 09:00"]
    assert len({s.series_id for s in sessions}) == 1


def test_a_double_booking_is_refused_with_the_reason_and_the_input_kept(client, organisation,
                                                                       sophie, karim):
    scheduled(organisation, sophie, title="Word", trainers=[karim])
    client.force_login(sophie)

    response = client.post(NEW, new_session(title="Excel avancé", trainers=[karim.pk]))

    body = text(response)
    assert response.status_code == 400
    assert "Karim Benali already trains “Word” on March 10, 2026 from 09:00 to 12:30." in body
    assert 'value="Excel avancé"' in body
    assert 'name="slots-1-starts" value="13:30"' in body
    assert Session.objects.count() == 1


def test_bad_input_is_pointed_out_never_a_server_error(client, organisation, sophie):
    client.force_login(sophie)

    response = client.post(NEW, new_session(
        title="", kind="virtual", capacity="0",
        **slot_rows(("2026-13-01", "09:00", "12:00"), ("2026-03-10", "12:00", "09:00"),
                    ("2026-03-11", "", ""))))

    body = text(response)
    assert response.status_code == 400
    assert "This field is required." in body
    assert "Enter a valid date." in body
    assert "The slot must end after it starts." in body
    assert "Give the date, the start and the end." in body
    assert not Session.objects.exists()


def test_a_session_needs_at_least_one_slot(client, organisation, sophie):
    client.force_login(sophie)

    response = client.post(NEW, new_session(**slot_rows(("", "", ""), ("", "", ""))))

    assert response.status_code == 400
    assert "Give at least one slot" in text(response)


def test_more_rows_keep_what_was_typed_without_errors(client, organisation, sophie):
    client.force_login(sophie)

    response = client.post(NEW, new_session(title="", more_rows="1"))

    body = text(response)
    assert response.status_code == 200
    assert 'name="slots-7-day"' in body
    assert 'name="slots-0-day" value="2026-03-10"' in body
    assert 'value="12 rue de Rivoli, Paris"' not in body  # a textarea
    assert "12 rue de Rivoli, Paris</textarea>" in body
    assert "This field is required." not in body


def test_the_new_session_form_starts_from_a_live_session_step(client, organisation, sophie):
    from parcours.catalog.models import StepKind
    from parcours.journeys.tests.paths_for_tests import module_row, programme_row, step_row

    step = step_row(module_row(programme_row(organisation, "Retour à l'emploi"), "M"),
                    StepKind.LIVE_SESSION, "Atelier CV")
    client.force_login(sophie)

    body = text(client.get(NEW, {"step": step.pk}))

    assert f'<option value="{step.pk}" selected>Retour à l\'emploi — Atelier CV</option>' in body


@pytest.mark.parametrize(("person", "status"), [("lea", 403), ("karim", 403), ("oscar", 404)])
def test_only_managers_schedule(client, organisation, person, status, request):
    client.force_login(request.getfixturevalue(person))

    assert client.get(NEW).status_code == status
    assert client.post(NEW, new_session()).status_code == status
    assert not Session.objects.exists()


# The session page


def test_the_session_page_shows_its_days_in_the_viewers_zone(client, organisation, sophie,
                                                             karim):
    room = services.create_room(organisation, by=sophie, name="Salle Rivoli",
                                venue="Campus Paris Centre", address="12 rue de Rivoli")
    session = scheduled(organisation, sophie, title="Excel", trainers=[karim], room=room,
                        slots=[slot("2026-03-10", "09:00", "12:30"),
                               slot("2026-03-10", "13:30", "17:00"),
                               slot("2026-03-11", "09:00", "12:30")])
    karim.time_zone = "America/Montreal"
    karim.save(update_fields=["time_zone"])
    client.force_login(karim)

    body = text(client.get(url("session", session)))

    assert "<h3>Tuesday 10 March 2026</h3>" in body
    assert "<h3>Wednesday 11 March 2026</h3>" in body
    assert ">04:00</time>–<time" in body  # 09:00 in Paris
    assert "Salle Rivoli, Campus Paris Centre" in body
    assert "Karim Benali" in body
    assert "0 of 12 taken" in body
    assert url("session_edit", session) not in body


def test_sophie_finds_the_actions_on_the_session_page(client, organisation, sophie):
    session = scheduled(organisation, sophie, kind="virtual")
    client.force_login(sophie)

    body = text(client.get(url("session", session)))

    for action in ("session_edit", "session_reschedule", "session_cancel"):
        assert url(action, session) in body
    assert '<a href="https://meet.jit.si/cap-avenir-excel"' in body


def test_lea_opens_a_session_open_to_her_but_gets_its_link_once_registered(
        client, organisation, sophie, lea):
    session = scheduled(organisation, sophie, kind="virtual", allows_self_registration=True)
    client.force_login(lea)

    before = text(client.get(url("session", session)))
    Registration.objects.create(session=session, learner=lea,
                                status=RegistrationStatus.REGISTERED)
    after = text(client.get(url("session", session)))

    assert "Given to the people registered." in before
    assert "https://meet.jit.si/cap-avenir-excel" not in before
    assert '<a href="https://meet.jit.si/cap-avenir-excel"' in after


@pytest.mark.parametrize("person", ["lea", "karim", "oscar"])
def test_a_session_nobody_showed_them_is_not_found(client, organisation, sophie, person,
                                                   request):
    session = scheduled(organisation, sophie)
    client.force_login(request.getfixturevalue(person))

    assert client.get(url("session", session)).status_code == 404


# Changing, moving, cancelling


def test_sophie_changes_the_seats_but_not_below_the_registered(client, organisation, sophie,
                                                               lea):
    session = scheduled(organisation, sophie, capacity=2)
    Registration.objects.create(session=session, learner=lea,
                                status=RegistrationStatus.REGISTERED)
    client.force_login(sophie)
    form = client.get(url("session_edit", session)).context["form"]
    values = {name: value for name, value in form.initial.items() if value is not None}

    refused = client.post(url("session_edit", session), {**values, "capacity": "0"})
    saved = client.post(url("session_edit", session), {**values, "capacity": "20",
                                                       "title": "Excel 2"})

    assert refused.status_code == 400
    assert saved.status_code == 302
    session.refresh_from_db()
    assert (session.capacity, session.title) == (20, "Excel 2")


def test_sophie_moves_a_session_from_its_current_slots(client, organisation, sophie):
    session = scheduled(organisation, sophie)
    client.force_login(sophie)

    form = client.get(url("session_reschedule", session))
    response = client.post(url("session_reschedule", session),
                           slot_rows(("2026-03-12", "14:00", "17:30")))

    assert 'name="slots-0-day" value="2026-03-10"' in text(form)
    assert 'name="slots-0-starts" value="09:00"' in text(form)
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.starts_at, session.ical_sequence) == (at("2026-03-12", "14:00"), 1)
    assert session.slots.get().part == "afternoon"


def test_a_move_onto_a_busy_room_says_so(client, organisation, sophie):
    room = services.create_room(organisation, by=sophie, name="Salle Rivoli")
    scheduled(organisation, sophie, title="Word", room=room,
              slots=[slot("2026-03-12", "09:00", "12:00")])
    session = scheduled(organisation, sophie, room=room)
    client.force_login(sophie)

    response = client.post(url("session_reschedule", session),
                           slot_rows(("2026-03-12", "10:00", "11:00")))

    assert response.status_code == 400
    assert "Salle Rivoli is already booked for “Word” on March 12, 2026" in text(response)


def test_sophie_cancels_with_a_reason_everyone_reads(client, organisation, sophie, lea):
    session = scheduled(organisation, sophie)
    Registration.objects.create(session=session, learner=lea,
                                status=RegistrationStatus.REGISTERED)
    client.force_login(sophie)

    assert client.post(url("session_cancel", session), {"reason": ""}).status_code == 400
    response = client.post(url("session_cancel", session), {"reason": "Formatrice malade."})

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == "cancelled"
    client.force_login(lea)
    body = text(client.get(url("session", session)))
    assert "This session is cancelled.</strong> Formatrice malade." in body


@pytest.mark.parametrize("action", ["session_edit", "session_reschedule", "session_cancel"])
def test_a_trainer_cannot_change_move_or_cancel(client, organisation, sophie, karim, action):
    session = scheduled(organisation, sophie, trainers=[karim])
    client.force_login(karim)

    assert client.get(url(action, session)).status_code == 403
    assert client.post(url(action, session), {"reason": "Non"}).status_code == 403


def test_oscar_cannot_reach_the_sessions_of_another_organisation(client, organisation, sophie,
                                                                 oscar):
    session = scheduled(organisation, sophie)
    client.force_login(oscar)

    for action in ("session", "session_edit", "session_cancel"):
        assert client.get(url(action, session)).status_code == 404


# Rooms


def test_sophie_adds_and_renames_rooms(client, organisation, sophie):
    client.force_login(sophie)

    added = client.post(ROOMS, {"name": "Salle Rivoli", "venue": "Campus", "capacity": "14"})
    room = organisation.rooms.get()
    renamed = client.post(reverse("classroom:room_edit", args=["cap-avenir", room.pk]),
                          {"name": "Salle Louvre", "venue": "Campus", "capacity": ""})

    assert (added.status_code, renamed.status_code) == (302, 302)
    room.refresh_from_db()
    assert (room.name, room.capacity) == ("Salle Louvre", None)
    assert "Salle Louvre" in text(client.get(ROOMS))


def test_a_room_form_with_errors_keeps_the_input(client, organisation, sophie):
    client.force_login(sophie)

    response = client.post(ROOMS, {"name": "", "venue": "Campus Nord", "capacity": "-3"})

    assert response.status_code == 400
    assert 'value="Campus Nord"' in text(response)


@pytest.mark.parametrize(("person", "status"), [("lea", 403), ("karim", 403), ("oscar", 404)])
def test_only_managers_see_the_rooms(client, organisation, person, status, request):
    client.force_login(request.getfixturevalue(person))

    assert client.get(ROOMS).status_code == status

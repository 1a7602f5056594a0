"""The booking pages: Léa books in her own time zone, her coach books for her, and
nobody else sees any of it."""

from datetime import UTC

import pytest
import time_machine
from django.urls import reverse

from parcours.accounts.tests.factories import member
from parcours.coaching.models import (
    Appointment,
    AppointmentStatus,
    AvailabilityException,
    WeeklyAvailability,
)
from parcours.coaching.tests.booking_for_tests import MONDAY, paris, weekly
from parcours.coaching.tests.factories import appointment, engagement
from parcours.core.models import LearningEvent, Verb

TUESDAY = 1


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def lea_engagement(organisation, lea, karim):
    weekly(karim, organisation, TUESDAY, "09:00", "10:30")
    return engagement(organisation, lea, karim)


def book_url(row) -> str:
    return reverse("coaching:book", args=[row.organisation.slug, row.pk])


def appointment_url(row) -> str:
    return reverse("coaching:appointment", args=[row.engagement.organisation.slug, row.pk])


def slot_value(coach, moment) -> str:
    return f"{coach.pk}|{moment.isoformat()}"


def test_lea_in_montreal_sees_her_coachs_slots_on_her_own_clock(client, lea, lea_engagement):
    lea.time_zone, lea.locale = "America/Montreal", "en"
    lea.save()
    client.force_login(lea)

    page = client.get(book_url(lea_engagement)).content.decode()

    # Tuesday 09:00 in Paris (winter time) is 04:00 in Montréal (already summer time).
    assert "Tuesday 24 March" in page
    assert ">04:00<" in page and ">04:30<" in page
    assert ">09:00<" not in page
    assert "America/Montreal" in page


def test_lea_in_paris_sees_paris_hours(client, lea, lea_engagement):
    client.force_login(lea)

    page = client.get(book_url(lea_engagement)).content.decode()

    assert ">09:00<" in page and ">09:30<" in page


def test_lea_books_a_slot_and_lands_on_her_appointment(client, lea, karim, lea_engagement):
    client.force_login(lea)

    response = client.post(book_url(lea_engagement), {
        "action": "slot", "slot": slot_value(karim, paris("2026-03-24", "09:00")),
        "minutes": 60, "mode": "video"})

    booked = Appointment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == appointment_url(booked)
    assert (booked.starts_at, booked.booked_by) == (paris("2026-03-24", "09:00"), lea)


def test_a_refused_choice_says_why_and_keeps_what_was_chosen(client, lea, karim,
                                                            lea_engagement):
    lea.locale = "en"
    lea.save()
    client.force_login(lea)
    chosen = slot_value(karim, paris("2026-03-24", "09:00"))

    response = client.post(book_url(lea_engagement), {
        "action": "slot", "slot": chosen, "minutes": 60, "mode": "in_person"})

    page = response.content.decode()
    assert response.status_code == 400
    assert "does not offer this way to meet" in page
    shown = slot_value(karim, paris("2026-03-24", "09:00").astimezone(UTC))
    assert f'value="{shown}" checked' in page
    assert Appointment.objects.count() == 0


def test_a_length_changes_the_times_offered(client, lea, lea_engagement):
    client.force_login(lea)

    page = client.get(book_url(lea_engagement), {"minutes": 90}).content.decode()

    assert ">09:00<" in page and ">09:30<" not in page


def test_karim_books_for_lea_at_a_time_outside_his_week(client, karim, lea_engagement):
    client.force_login(karim)

    response = client.post(book_url(lea_engagement), {
        "action": "any", "any-coach": karim.pk, "any-starts_at": "2026-03-20T16:00",
        "any-minutes": 45, "any-mode": "phone"})

    assert response.status_code == 302
    booked = Appointment.objects.get()
    assert (booked.starts_at, booked.ends_at, booked.mode) == (
        paris("2026-03-20", "16:00"), paris("2026-03-20", "16:45"), "phone")


def test_karim_is_told_of_a_double_booking_and_keeps_what_he_typed(client, karim, lea,
                                                                   lea_engagement):
    karim.locale = "en"
    karim.save()
    appointment(lea_engagement, karim, starts_at=paris("2026-03-20", "16:00"))
    client.force_login(karim)

    response = client.post(book_url(lea_engagement), {
        "action": "any", "any-coach": karim.pk, "any-starts_at": "2026-03-20T16:30",
        "any-minutes": 45, "any-mode": "phone"})

    page = response.content.decode()
    assert response.status_code == 409
    assert "Karim Benali already has an appointment with Léa Martin" in page
    assert 'value="2026-03-20T16:30"' in page


def test_the_learner_sees_no_form_to_book_outside_the_slots(client, lea, lea_engagement):
    client.force_login(lea)

    page = client.get(book_url(lea_engagement)).content.decode()

    assert 'name="any-starts_at"' not in page


@pytest.mark.parametrize("who", ["another_beneficiary", "learner_not_in_it", "oscar"])
def test_people_outside_the_engagement_get_a_404(client, organisation, lea_engagement, oscar,
                                                 who):
    person = {
        "another_beneficiary": lambda: engagement(
            organisation, member(organisation, "learner"), member(organisation, "coach"),
            type_=lea_engagement.engagement_type).beneficiary,
        "learner_not_in_it": lambda: member(organisation, "learner"),
        "oscar": lambda: oscar,
    }[who]()
    booked = appointment(lea_engagement, lea_engagement.coaches.get(),
                         starts_at=paris("2026-03-24", "09:00"))
    client.force_login(person)

    assert client.get(book_url(lea_engagement)).status_code == 404
    assert client.get(appointment_url(booked)).status_code == 404
    cancel = reverse("coaching:cancel_appointment", args=["cap-avenir", booked.pk])
    assert client.post(cancel, {"reason": "Non"}).status_code == 404
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.BOOKED


def test_an_anonymous_visitor_is_sent_to_sign_in(client, lea_engagement):
    response = client.get(book_url(lea_engagement))

    assert response.status_code == 302
    assert "next=" in response["Location"]


def test_the_booking_page_reads_a_fixed_number_of_queries(client, lea, karim, organisation,
                                                          lea_engagement,
                                                          django_assert_max_num_queries):
    for weekday in range(5):
        weekly(karim, organisation, weekday, "13:00", "18:00")
    for day in ("2026-03-24", "2026-03-25", "2026-03-26"):
        appointment(lea_engagement, karim, starts_at=paris(day, "14:00"))
    client.force_login(lea)

    with django_assert_max_num_queries(14):
        response = client.get(book_url(lea_engagement))

    assert response.status_code == 200


def test_lea_cancels_with_a_reason(client, lea, karim, lea_engagement):
    booked = appointment(lea_engagement, karim, starts_at=paris("2026-03-24", "09:00"))
    client.force_login(lea)
    url = reverse("coaching:cancel_appointment", args=["cap-avenir", booked.pk])

    assert client.post(url, {"reason": ""}).status_code == 400
    response = client.post(url, {"reason": "Je commence un emploi"})

    assert response.status_code == 302
    booked.refresh_from_db()
    assert (booked.status, booked.cancel_reason) == ("cancelled", "Je commence un emploi")


def test_lea_moves_her_appointment(client, lea, karim, lea_engagement):
    booked = appointment(lea_engagement, karim, starts_at=paris("2026-03-24", "09:00"))
    client.force_login(lea)
    url = reverse("coaching:move_appointment", args=["cap-avenir", booked.pk])

    page = client.get(url).content.decode()
    response = client.post(url, {"action": "slot", "minutes": 60, "mode": "video",
                                 "slot": slot_value(karim, paris("2026-03-31", "09:30"))})

    assert ">09:00<" in page  # its own time stays on offer
    assert response.status_code == 302
    booked.refresh_from_db()
    assert (booked.starts_at, booked.ical_sequence) == (paris("2026-03-31", "09:30"), 1)


def test_joining_records_the_time_and_sends_to_the_meeting(client, lea, karim, lea_engagement,
                                                           clock):
    booked = appointment(lea_engagement, karim, starts_at=paris("2026-03-24", "09:00"),
                         meeting_url="https://visio.example.org/karim")
    clock.move_to(paris("2026-03-24", "08:59"))
    client.force_login(lea)

    response = client.get(reverse("coaching:join", args=["cap-avenir", booked.pk]))

    assert response.status_code == 302
    assert response["Location"] == "https://visio.example.org/karim"
    booked.refresh_from_db()
    assert booked.beneficiary_joined_at == paris("2026-03-24", "08:59")
    assert LearningEvent.objects.filter(verb=Verb.JOINED, actor=lea).exists()


def test_a_manager_opening_the_join_link_is_not_recorded(client, sophie, karim,
                                                         lea_engagement):
    booked = appointment(lea_engagement, karim, starts_at=paris("2026-03-24", "09:00"),
                         meeting_url="https://visio.example.org/karim")
    client.force_login(sophie)

    response = client.get(reverse("coaching:join", args=["cap-avenir", booked.pk]))

    assert response["Location"] == appointment_url(booked)
    assert not LearningEvent.objects.filter(verb=Verb.JOINED).exists()


def test_the_engagement_panel_lists_upcoming_appointments(client, lea, karim, lea_engagement):
    appointment(lea_engagement, karim, starts_at=paris("2026-03-24", "09:00"))
    client.force_login(lea)
    url = reverse("coaching:engagement_appointments", args=["cap-avenir", lea_engagement.pk])

    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()

    assert "<html" not in partial
    assert "09:00–10:00" in partial


# The coach's availability page


def availability_url() -> str:
    return reverse("coaching:availability", args=["cap-avenir"])


def week_post(*rows) -> dict:
    data = {"action": "week", "week-TOTAL_FORMS": len(rows), "week-INITIAL_FORMS": 0,
            "week-MIN_NUM_FORMS": 0, "week-MAX_NUM_FORMS": 40}
    for index, row in enumerate(rows):
        data.update({f"week-{index}-{key}": value for key, value in row.items()})
    return data


def test_karim_publishes_his_usual_week(client, karim):
    client.force_login(karim)

    response = client.post(availability_url(), week_post(
        {"weekday": 1, "start_time": "09:00", "end_time": "12:00", "modes": ["video"]},
        {"weekday": 3, "start_time": "14:00", "end_time": "17:00",
         "modes": ["in_person", "phone"], "place": "Bureau 3"},
        {"weekday": "", "start_time": "", "end_time": "", "place": ""}))  # an empty row

    assert response.status_code == 302
    rows = list(WeeklyAvailability.objects.filter(coach=karim))
    assert [(r.weekday, str(r.start_time), r.time_zone, r.modes) for r in rows] == [
        (1, "09:00:00", "Europe/Paris", ["video"]),
        (3, "14:00:00", "Europe/Paris", ["in_person", "phone"])]
    page = client.get(availability_url()).content.decode()
    assert 'value="09:00"' in page and 'value="Bureau 3"' in page


def test_an_impossible_week_is_refused_and_kept_on_screen(client, karim):
    karim.locale = "en"
    karim.save()
    client.force_login(karim)

    response = client.post(availability_url(), week_post(
        {"weekday": 1, "start_time": "09:00", "end_time": "12:00", "modes": ["video"]},
        {"weekday": 1, "start_time": "11:00", "end_time": "13:00", "modes": ["video"]}))

    page = response.content.decode()
    assert response.status_code == 400
    assert "overlap" in page
    assert 'value="11:00"' in page
    assert not WeeklyAvailability.objects.exists()


def test_karim_takes_a_holiday_in_his_time_zone(client, karim):
    client.force_login(karim)

    response = client.post(availability_url(), {
        "action": "exception", "exception-kind": "unavailable",
        "exception-starts_at": "2026-04-06T00:00", "exception-ends_at": "2026-04-11T00:00",
        "exception-note": "Vacances"})

    assert response.status_code == 302
    holiday = AvailabilityException.objects.get()
    assert (holiday.starts_at, holiday.ends_at) == (paris("2026-04-06", "00:00"),
                                                    paris("2026-04-11", "00:00"))


def test_a_learner_cannot_open_the_availability_page(client, lea):
    client.force_login(lea)

    assert client.get(availability_url()).status_code == 403


def test_karim_cannot_remove_another_coachs_holiday(client, karim, organisation):
    other = member(organisation, "coach")
    holiday = AvailabilityException.objects.create(
        organisation=organisation, coach=other, kind="unavailable",
        starts_at=paris("2026-04-06", "00:00"), ends_at=paris("2026-04-07", "00:00"))
    client.force_login(karim)

    url = reverse("coaching:remove_availability_exception", args=["cap-avenir", holiday.pk])
    assert client.post(url).status_code == 404
    assert AvailabilityException.objects.filter(pk=holiday.pk).exists()


def test_a_manager_sets_the_meeting_link_template(client, sophie, karim, organisation):
    client.force_login(sophie)
    url = reverse("coaching:booking_settings", args=["cap-avenir"])

    assert client.post(url, {"template": "http://meet.example.org/x"}).status_code == 400
    assert client.post(url, {"template": "https://meet.jit.si/cap-{code}"}).status_code == 302
    client.force_login(karim)
    assert client.get(url).status_code == 403


def test_karim_lists_his_appointments_to_come_in_a_fixed_number_of_queries(
        client, karim, lea, organisation, lea_engagement, django_assert_max_num_queries):
    for day in ("2026-03-24", "2026-03-25", "2026-03-26"):
        appointment(lea_engagement, karim, starts_at=paris(day, "14:00"))
    other = engagement(organisation, member(organisation, "learner", display_name="Noé Petit"),
                       karim, type_=lea_engagement.engagement_type)
    appointment(other, karim, starts_at=paris("2026-03-27", "10:00"))
    client.force_login(karim)

    with django_assert_max_num_queries(10):
        page = client.get(reverse("coaching:my_appointments", args=["cap-avenir"]))

    assert page.content.decode().count("Léa Martin") == 3
    assert "Noé Petit" in page.content.decode()


def test_lea_sees_only_her_own_appointments(client, lea, karim, organisation, lea_engagement):
    appointment(lea_engagement, karim, starts_at=paris("2026-03-24", "14:00"))
    other = engagement(organisation, member(organisation, "learner", display_name="Noé Petit"),
                       karim, type_=lea_engagement.engagement_type)
    appointment(other, karim, starts_at=paris("2026-03-27", "10:00"))
    client.force_login(lea)

    page = client.get(reverse("coaching:my_appointments", args=["cap-avenir"])).content.decode()

    assert "Karim Benali" in page and "Noé Petit" not in page

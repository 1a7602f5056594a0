"""The registrations pages: my sessions, registering learners, registering oneself,
cancelling, the session's calendar file and the session page's panel."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from parcours.accounts.tests.factories import member
from parcours.catalog.models import Programme
from parcours.classroom.models import Registration, RegistrationStatus
from parcours.classroom.services import register_learners
from parcours.classroom.tests.sessions_for_tests import at, scheduled, slot
from parcours.journeys.models import Enrolment

MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
DAY = [slot("2026-03-10", "09:00", "12:30"), slot("2026-03-10", "14:00", "17:30")]


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def session(organisation, sophie):
    return scheduled(organisation, sophie, title="Prise de parole", slots=DAY, capacity=2)


@pytest.fixture
def nina(organisation):
    return member(organisation, "learner", email="nina@example.org", display_name="Nina Roux")


@pytest.fixture
def as_(client):
    def sign_in(user, locale="en"):
        user.locale = locale
        user.save(update_fields=["locale"])
        client.force_login(user)
        return client

    return sign_in


def url(name, *args):
    return reverse(f"classroom:{name}", args=["cap-avenir", *args])


def text_of(response) -> str:
    return response.content.decode()


# My sessions


def test_lea_sees_her_sessions_with_their_status_and_a_cancel_button(as_, session, lea, nina,
                                                                    karim, organisation,
                                                                    sophie):
    full = scheduled(organisation, sophie, title="Excel", capacity=1,
                     slots=[slot("2026-03-11", "09:00", "12:30")])
    register_learners(session, [lea], by=karim)
    register_learners(full, [nina, lea], by=karim)

    response = as_(lea).get(url("my_sessions"))

    assert response.status_code == 200
    page = text_of(response)
    assert "Prise de parole" in page and "Excel" in page
    assert "Waiting list: number 1" in page
    assert "Cancel my registration" in page
    assert "Leave the waiting list" in page
    assert url("session_ics", session.pk) in page


def test_the_cancel_button_goes_once_the_notice_has_started(as_, session, lea, karim, clock):
    register_learners(session, [lea], by=karim)
    clock.move_to(at("2026-03-08", "10:00"))

    page = text_of(as_(lea).get(url("my_sessions")))

    assert "Prise de parole" in page
    assert "Cancel my registration" not in page


def test_past_sessions_are_listed_apart(as_, session, lea, karim, clock):
    register_learners(session, [lea], by=karim)
    clock.move_to(at("2026-03-12", "10:00"))

    response = as_(lea).get(url("my_sessions"))

    assert [item.session for item in response.context["sessions"].past] == [session]
    assert response.context["sessions"].upcoming == []


def test_my_sessions_reads_a_fixed_number_of_queries(as_, organisation, sophie, lea, karim,
                                                     django_assert_max_num_queries):
    for day in range(10, 20):
        register_learners(scheduled(organisation, sophie, title=f"Séance {day}", capacity=1,
                                    slots=[slot(f"2026-03-{day}", "09:00", "12:30")]),
                          [lea], by=karim)
    client = as_(lea)

    with django_assert_max_num_queries(8):
        response = client.get(url("my_sessions"))

    assert len(response.context["sessions"].upcoming) == 10


def test_my_sessions_is_for_learners(as_, sophie):
    assert as_(sophie).get(url("my_sessions")).status_code == 403


def test_oscar_does_not_see_the_page_of_another_organisation(as_, oscar):
    assert as_(oscar).get(url("my_sessions")).status_code == 404


# Cancelling


def test_lea_confirms_then_cancels_her_place(as_, session, lea, karim):
    [registration] = register_learners(session, [lea], by=karim)
    client = as_(lea)

    confirm = client.get(url("cancel_registration", registration.pk))
    assert confirm.status_code == 200
    assert "Cancel your place in “Prise de parole”?" in text_of(confirm)

    response = client.post(url("cancel_registration", registration.pk), follow=True)

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    assert response.redirect_chain[-1][0] == url("my_sessions")
    assert "Your registration for “Prise de parole” is cancelled." in text_of(response)


def test_too_late_to_cancel_is_explained_not_a_500(as_, session, lea, karim, clock):
    [registration] = register_learners(session, [lea], by=karim)
    clock.move_to(at("2026-03-09", "10:00"))
    client = as_(lea)

    confirm = client.get(url("cancel_registration", registration.pk))
    response = client.post(url("cancel_registration", registration.pk), follow=True)

    assert confirm.status_code == 409
    assert "too late to cancel online" in text_of(confirm)
    assert "too late to cancel online" in text_of(response)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REGISTERED


def test_a_learner_cannot_reach_someone_elses_registration(as_, session, lea, nina, karim):
    [registration] = register_learners(session, [lea], by=karim)

    response = as_(nina).post(url("cancel_registration", registration.pk))

    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REGISTERED


def test_oscar_cannot_cancel_in_another_organisation(as_, session, lea, karim, oscar):
    [registration] = register_learners(session, [lea], by=karim)

    assert as_(oscar).post(url("cancel_registration", registration.pk)).status_code == 404


def test_cancelling_never_sends_people_to_another_site(as_, session, lea, karim):
    [registration] = register_learners(session, [lea], by=karim)

    response = as_(lea).post(url("cancel_registration", registration.pk),
                             {"next": "https://evil.example.org/"})

    assert response["Location"] == url("my_sessions")


# Registering oneself


def test_lea_registers_herself_from_the_session_page(as_, organisation, sophie, lea):
    session = scheduled(organisation, sophie, slots=DAY, allows_self_registration=True)
    client = as_(lea)
    page = url("session", session.pk)

    assert "Register" in text_of(client.get(page))
    response = client.post(url("register_self", session.pk), {"next": page}, follow=True)

    assert response.redirect_chain[-1][0] == page
    assert Registration.objects.get(session=session, learner=lea).status == "registered"
    assert "You are registered for" in text_of(response)
    assert "Cancel my registration" in text_of(response)


def test_lea_cannot_register_herself_where_the_session_is_not_open_to_her(as_, session, lea):
    response = as_(lea).post(url("register_self", session.pk))

    assert response.status_code == 404  # not open to self-registration: she cannot see it
    assert not Registration.objects.exists()


def test_registering_oneself_after_the_start_is_a_message_not_a_500(as_, organisation,
                                                                    sophie, lea, clock):
    session = scheduled(organisation, sophie, slots=DAY, allows_self_registration=True)
    clock.move_to(at("2026-03-10", "09:30"))

    response = as_(lea).post(url("register_self", session.pk), follow=True)

    assert response.status_code == 200
    assert "Registration is closed: the session has started." in text_of(response)
    assert not Registration.objects.exists()


def test_oscar_cannot_register_himself_in_another_organisation(as_, organisation, sophie,
                                                               oscar):
    session = scheduled(organisation, sophie, slots=DAY, allows_self_registration=True)

    assert as_(oscar).post(url("register_self", session.pk)).status_code == 404


# The session's calendar file


def test_lea_downloads_her_session_for_her_calendar(as_, session, lea, karim):
    register_learners(session, [lea], by=karim)

    response = as_(lea).get(url("session_ics", session.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    calendar = Calendar.from_ical(response.content)
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar.walk("VEVENT")[0]["UID"] == f"{session.ical_uid}@parcours"


def test_a_session_she_cannot_see_has_no_calendar_file(as_, session, lea, oscar):
    assert as_(lea).get(url("session_ics", session.pk)).status_code == 404
    assert as_(oscar).get(url("session_ics", session.pk)).status_code == 404


# Registering learners


def test_karim_registers_learners_ticked_in_the_list(as_, session, lea, nina, karim):
    client = as_(karim)
    page = client.get(url("registrations", session.pk))
    assert page.status_code == 200
    assert "Léa Martin" in text_of(page)

    response = client.post(url("registrations", session.pk),
                           {"learners": [lea.pk, nina.pk], "funder": "CPF"}, follow=True)

    assert response.redirect_chain[-1][0] == url("registrations", session.pk)
    assert "Registered: 2. On the waiting list: 0." in text_of(response)
    assert set(Registration.objects.values_list("learner", "funder")) == {
        (lea.pk, "CPF"), (nina.pk, "CPF")}


def test_karim_registers_the_programmes_whole_group(as_, organisation, sophie, lea, nina,
                                                    karim):
    programme = Programme.objects.create(organisation=organisation, title="Parler en public")
    Enrolment.objects.create(organisation=organisation, programme=programme, learner=nina,
                             start_on=MONDAY.date(), minutes_per_week=60)
    session = scheduled(organisation, sophie, slots=DAY, programme=programme)

    as_(karim).post(url("registrations", session.pk), {"whole_programme": "on"})

    assert list(Registration.objects.values_list("learner", flat=True)) == [nina.pk]


def test_pasted_addresses_register_learners_and_unknown_ones_are_named(as_, session, lea,
                                                                       karim):
    client = as_(karim)
    pasted = "lea@example.org\nghost@example.org"

    response = client.post(url("registrations", session.pk),
                           {"emails": pasted, "funder": "OPCO"})

    assert response.status_code == 400
    assert "ghost@example.org" in str(response.context["form"].errors["emails"])
    assert response.context["form"]["emails"].value() == pasted
    assert response.context["form"]["funder"].value() == "OPCO"
    assert not Registration.objects.exists()


def test_nothing_chosen_is_a_form_error(as_, session, karim):
    response = as_(karim).post(url("registrations", session.pk), {"funder": "OPCO"})

    assert response.status_code == 400
    assert response.context["form"].non_field_errors()


def test_registering_after_the_start_is_refused_with_the_choice_kept(as_, session, lea, karim,
                                                                     clock):
    clock.move_to(at("2026-03-10", "09:30"))

    response = as_(karim).post(url("registrations", session.pk), {"learners": [lea.pk]})

    assert response.status_code == 409
    assert "Registration is closed" in text_of(response)
    assert response.context["chosen"] == {str(lea.pk)}


def test_the_registrations_page_is_refused_to_learners(as_, session, lea):
    assert as_(lea).get(url("registrations", session.pk)).status_code == 403


def test_oscar_gets_a_404_for_the_registrations_of_another_organisation(as_, session, oscar):
    assert as_(oscar).get(url("registrations", session.pk)).status_code == 404


# The session page's panel


def test_the_panel_shows_seats_and_the_waiting_list_to_sophie(as_, session, lea, nina, karim,
                                                              sophie, organisation):
    paul = member(organisation, "learner", display_name="Paul Petit")
    register_learners(session, [lea, nina, paul], by=karim)

    page = text_of(as_(sophie).get(url("session", session.pk)))

    assert "2 of 2 seats taken" in page
    assert "1 person waiting" in page
    assert "Paul Petit" in page
    assert url("registrations", session.pk) in page


def test_the_panel_tells_lea_her_place_on_the_waiting_list(as_, session, lea, nina, karim,
                                                           organisation):
    paul = member(organisation, "learner")
    register_learners(session, [paul, nina, lea], by=karim)

    page = text_of(as_(lea).get(url("session", session.pk)))

    assert "You are on the waiting list: number 1." in page
    assert "Leave the waiting list" in page
    assert "Paul" not in page


def test_sophie_registers_a_learner_from_the_panel_by_address(as_, session, lea, sophie):
    client = as_(sophie)
    page = text_of(client.get(url("session", session.pk)))
    assert 'name="emails"' in page

    response = client.post(url("registrations", session.pk),
                           {"emails": "lea@example.org", "funder": ""}, follow=True)

    assert "Registered: 1. On the waiting list: 0." in text_of(response)
    assert Registration.objects.get(session=session).learner == lea

"""Registrations: seats, the waiting list, self-registration and cancellations."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail

from parcours.accounts.tests.factories import member
from parcours.catalog.models import Programme
from parcours.classroom import selectors
from parcours.classroom.models import Registration, RegistrationStatus, Session
from parcours.classroom.services import (
    AlreadyRegistered,
    CancellationTooLate,
    NotALearnerHere,
    NotYourRegistration,
    RegistrationClosed,
    SelfRegistrationClosed,
    SessionCalledOff,
    SessionOver,
    cancel_registration,
    cancel_session,
    fill_free_seats,
    register_learners,
    register_self,
)
from parcours.classroom.tests.sessions_for_tests import at, refused, scheduled, slot
from parcours.core.errors import NotAllowed
from parcours.core.models import LearningEvent, Verb
from parcours.journeys.models import Enrolment

# Monday 2 March 2026, 09:00 in Paris; the session is on Tuesday 10 March, 09:00–17:30.
MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
DAY = [slot("2026-03-10", "09:00", "12:30"), slot("2026-03-10", "14:00", "17:30")]


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def nina(organisation):
    return member(organisation, "learner", email="nina@example.org", display_name="Nina Roux")


@pytest.fixture
def paul(organisation):
    return member(organisation, "learner", email="paul@example.org", display_name="Paul Petit")


@pytest.fixture
def session(organisation, sophie):
    return scheduled(organisation, sophie, title="Prise de parole", slots=DAY, capacity=2)


def status_of(registration: Registration) -> str:
    registration.refresh_from_db()
    return registration.status


# Registering


def test_karim_registers_lea_and_she_has_a_seat(session, lea, karim):
    [registration] = register_learners(session, [lea], by=karim, funder="OPCO Atlas")

    assert registration.status == RegistrationStatus.REGISTERED
    assert (registration.learner, registration.registered_by) == (lea, karim)
    assert registration.funder == "OPCO Atlas"
    assert registration.waitlisted_at is None


def test_once_the_seats_are_taken_the_others_wait_in_the_order_given(session, lea, nina,
                                                                      paul, karim):
    registrations = register_learners(session, [nina, lea, paul], by=karim)

    assert [r.status for r in registrations] == ["registered", "registered", "waitlisted"]
    assert registrations[2].learner == paul
    assert registrations[2].waitlisted_at == MONDAY


def test_the_waiting_list_keeps_its_order_across_batches(session, organisation, lea, nina,
                                                         paul, karim, clock):
    register_learners(session, [lea, nina], by=karim)
    zoe = member(organisation, "learner", display_name="Zoé")
    register_learners(session, [paul], by=karim)
    clock.shift(60)
    register_learners(session, [zoe], by=karim)

    assert [r.learner for r in selectors.registrations_of(session, viewer=karim).waiting] == [
        paul, zoe]


def test_people_already_registered_are_skipped_and_the_others_registered(session, lea, nina,
                                                                         karim):
    register_learners(session, [lea], by=karim)

    registrations = register_learners(session, [lea, nina], by=karim)

    assert [r.learner for r in registrations] == [nina]
    assert Registration.objects.filter(session=session, learner=lea).count() == 1


def test_registering_someone_already_registered_says_so(session, lea, karim):
    register_learners(session, [lea], by=karim)

    with refused(AlreadyRegistered, match="Léa Martin is already registered"):
        register_learners(session, [lea], by=karim)


def test_only_learners_of_the_organisation_can_be_registered(session, lea, karim, oscar):
    with refused(NotALearnerHere, match="Oscar Dupont is not a learner"):
        register_learners(session, [lea, oscar], by=karim)

    assert not Registration.objects.exists()


def test_a_learner_cannot_register_other_people(session, lea, nina):
    with pytest.raises(NotAllowed):
        register_learners(session, [nina], by=lea)


def test_oscar_cannot_register_anyone_in_another_organisation(session, lea, oscar):
    with pytest.raises(NotAllowed):
        register_learners(session, [lea], by=oscar)


def test_registration_closes_when_the_session_starts(session, lea, karim, clock):
    clock.move_to(at("2026-03-10", "09:00"))

    with refused(RegistrationClosed, match="the session has started"):
        register_learners(session, [lea], by=karim)


def test_nobody_registers_for_a_cancelled_session(session, lea, karim, sophie):
    cancel_session(session, by=sophie, reason="Formateur malade")

    with refused(SessionCalledOff, match="cancelled"):
        register_learners(session, [lea], by=karim)


def test_registering_records_who_registered_whom_and_whether_they_wait(session, lea, nina,
                                                                       paul, karim):
    register_learners(session, [lea, nina, paul], by=karim)

    events = LearningEvent.objects.filter(verb=Verb.REGISTERED).order_by("pk")
    assert [(e.actor, e.context["learner"], e.context["waitlisted"]) for e in events] == [
        (karim, lea.pk, False), (karim, nina.pk, False), (karim, paul.pk, True)]
    assert all(e.context["session"] == session.pk for e in events)
    assert all(e.object_type == "classroom.session" for e in events)


# The whole group


def test_the_whole_group_is_everyone_enrolled_in_the_sessions_programme(organisation, sophie,
                                                                        karim, lea, nina, paul):
    programme = Programme.objects.create(organisation=organisation, title="Prise de parole")
    for learner in (nina, lea):
        Enrolment.objects.create(organisation=organisation, programme=programme,
                                 learner=learner, start_on=MONDAY.date(), minutes_per_week=60)
    session = scheduled(organisation, sophie, slots=DAY, programme=programme)

    assert selectors.learners_enrolled_in_programme(session, viewer=karim) == [lea, nina]


def test_pasted_addresses_find_the_learners_and_name_the_others(organisation, karim, lea,
                                                                nina):
    emails = selectors.split_emails("LEA@example.org; nina@example.org\nghost@example.org,")

    found, unknown = selectors.learners_with_emails(organisation, emails, viewer=karim)

    assert (found, unknown) == ([lea, nina], ["ghost@example.org"])


# Self-registration


def test_lea_registers_herself_when_the_session_allows_it(organisation, sophie, lea):
    session = scheduled(organisation, sophie, slots=DAY, allows_self_registration=True)

    registration = register_self(session, by=lea)

    assert (registration.learner, registration.registered_by) == (lea, lea)
    assert registration.status == RegistrationStatus.REGISTERED


def test_lea_cannot_register_herself_when_the_session_does_not_allow_it(session, lea):
    with refused(SelfRegistrationClosed, match="ask your trainer"):
        register_self(session, by=lea)


def test_a_manager_cannot_self_register_as_a_learner(organisation, sophie):
    session = scheduled(organisation, sophie, slots=DAY, allows_self_registration=True)

    with pytest.raises(NotAllowed):
        register_self(session, by=sophie)


def test_a_learner_registering_herself_into_a_full_session_waits(organisation, sophie, lea,
                                                                 nina):
    session = scheduled(organisation, sophie, slots=DAY, capacity=1,
                        allows_self_registration=True)
    register_self(session, by=nina)

    assert register_self(session, by=lea).status == RegistrationStatus.WAITLISTED


# Cancelling and the waiting list


def test_a_freed_seat_goes_to_the_first_person_waiting_who_gets_an_email_with_the_calendar(
        session, lea, nina, paul, karim, run_tasks):
    lea_seat, _nina_seat, paul_wait = register_learners(session, [lea, nina, paul], by=karim)
    run_tasks()
    mail.outbox.clear()

    cancel_registration(lea_seat, by=lea)
    run_tasks()

    assert status_of(lea_seat) == RegistrationStatus.CANCELLED
    assert status_of(paul_wait) == RegistrationStatus.REGISTERED
    to_paul = [m for m in mail.outbox if m.to == ["paul@example.org"]]
    assert len(to_paul) == 1
    assert "Prise de parole" in to_paul[0].subject
    [(filename, content, mimetype)] = to_paul[0].attachments
    assert filename.endswith(".ics")
    assert mimetype == "text/calendar; method=REQUEST"
    assert "METHOD:REQUEST" in content
    promoted = LearningEvent.objects.filter(verb=Verb.REGISTERED,
                                            context__learner=paul.pk).order_by("pk").last()
    assert promoted.context["promoted"] is True


def test_leaving_the_waiting_list_promotes_nobody(session, lea, nina, paul, organisation,
                                                  karim):
    zoe = member(organisation, "learner", display_name="Zoé")
    _lea, _nina, paul_wait, zoe_wait = register_learners(session, [lea, nina, paul, zoe],
                                                         by=karim)

    cancel_registration(paul_wait, by=paul)

    assert status_of(zoe_wait) == RegistrationStatus.WAITLISTED
    assert Registration.objects.filter(session=session, status="registered").count() == 2


def test_more_seats_go_to_the_people_waiting_in_order(session, lea, nina, paul,
                                                      organisation, karim, sophie):
    zoe = member(organisation, "learner", display_name="Zoé")
    *_seats, paul_wait, zoe_wait = register_learners(session, [lea, nina, paul, zoe], by=karim)
    Session.objects.filter(pk=session.pk).update(capacity=3)

    promoted = fill_free_seats(session, by=sophie)

    assert promoted == [paul_wait]
    assert status_of(zoe_wait) == RegistrationStatus.WAITLISTED


def test_cancelling_records_the_event(session, lea, karim):
    [registration] = register_learners(session, [lea], by=karim)

    cancel_registration(registration, by=lea)

    event = LearningEvent.objects.get(verb=Verb.CANCELLED)
    assert (event.actor, event.context["learner"], event.context["registration"]) == (
        lea, lea.pk, registration.pk)


def test_lea_can_cancel_until_the_notice_before_the_start(session, lea, karim, clock):
    [registration] = register_learners(session, [lea], by=karim)
    clock.move_to(at("2026-03-08", "08:59"))  # 48 hours and a minute before

    cancel_registration(registration, by=lea)

    assert status_of(registration) == RegistrationStatus.CANCELLED


def test_lea_cannot_cancel_within_the_notice(session, lea, karim, clock):
    [registration] = register_learners(session, [lea], by=karim)
    clock.move_to(at("2026-03-08", "09:00"))

    with refused(CancellationTooLate, match="48 hours before the start"):
        cancel_registration(registration, by=lea)

    assert status_of(registration) == RegistrationStatus.REGISTERED


def test_karim_can_cancel_for_her_after_the_notice_until_the_end(session, lea, nina, paul,
                                                                 karim, clock):
    lea_seat, _nina, paul_wait = register_learners(session, [lea, nina, paul], by=karim)
    clock.move_to(at("2026-03-10", "10:00"))

    cancel_registration(lea_seat, by=karim)

    assert status_of(lea_seat) == RegistrationStatus.CANCELLED
    # Nobody joins half-way through.
    assert status_of(paul_wait) == RegistrationStatus.WAITLISTED


def test_nobody_cancels_once_the_session_is_over(session, lea, karim, clock):
    [registration] = register_learners(session, [lea], by=karim)
    clock.move_to(at("2026-03-10", "17:30"))

    with refused(SessionOver):
        cancel_registration(registration, by=karim)


def test_a_waiting_learner_can_leave_the_list_until_the_start(session, lea, nina, paul,
                                                              karim, clock):
    *_seats, paul_wait = register_learners(session, [lea, nina, paul], by=karim)
    clock.move_to(at("2026-03-10", "08:59"))

    cancel_registration(paul_wait, by=paul)

    assert status_of(paul_wait) == RegistrationStatus.CANCELLED


def test_a_learner_cannot_cancel_someone_elses_registration(session, lea, nina, karim):
    [registration] = register_learners(session, [lea], by=karim)

    with refused(NotYourRegistration):
        cancel_registration(registration, by=nina)

    assert status_of(registration) == RegistrationStatus.REGISTERED


def test_oscar_cannot_cancel_a_registration_of_another_organisation(session, lea, karim,
                                                                    oscar):
    [registration] = register_learners(session, [lea], by=karim)

    with pytest.raises(NotAllowed):
        cancel_registration(registration, by=oscar)


def test_a_cancelled_learner_can_register_again(session, lea, karim):
    [first] = register_learners(session, [lea], by=karim)
    cancel_registration(first, by=lea)

    [again] = register_learners(session, [lea], by=karim)

    assert again.pk != first.pk
    assert again.status == RegistrationStatus.REGISTERED

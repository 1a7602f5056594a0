"""Downloading the attendance sheet and the certificates: trainers and managers get them,
a learner her own certificate only, nobody outside the organisation learns they exist."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext

from parcours.accounts.tests.factories import member
from parcours.classroom.tests.documents_for_tests import attend, pdf_text, session_on, slots_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(organisation, lea, karim):
    session = session_on(organisation, title="Accueil et sécurité", first_day="2026-03-02",
                         days=1, trainers=[karim], learners=[lea])
    attend(slots_of(session)[0], lea)
    return session


@pytest.fixture
def certificate(session, lea):
    return session.registrations.get(learner=lea)


def sheet_url(session, slug="cap-avenir", lang="fr"):
    return reverse("classroom:attendance_sheet_pdf", args=[slug, session.pk]) + f"?lang={lang}"


def certificate_url(registration, slug="cap-avenir", lang="en"):
    return reverse("classroom:certificate_pdf", args=[slug, registration.pk]) + f"?lang={lang}"


def test_sophie_downloads_the_attendance_sheet_in_french(client, sophie, session):
    client.force_login(sophie)

    response = client.get(sheet_url(session))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    with translation.override("fr"):
        document = slugify(gettext("attendance sheet"))
    assert response["Content-Disposition"] == (
        f'attachment; filename="{document}-accueil-et-securite-2026-03-02.pdf"')
    assert response["Cache-Control"] == "private, no-store"
    assert "lundi 2 mars 2026" in pdf_text(response.content)


def test_the_sheet_is_in_english_when_asked(client, sophie, session):
    client.force_login(sophie)

    response = client.get(sheet_url(session, lang="en"))

    assert response["Content-Disposition"] == (
        'attachment; filename="attendance-sheet-accueil-et-securite-2026-03-02.pdf"')
    assert "Monday 2 March 2026" in pdf_text(response.content)


def test_an_unknown_language_gives_the_organisations_own(client, sophie, session):
    client.force_login(sophie)

    response = client.get(sheet_url(session, lang="klingon"))

    assert response.status_code == 200
    assert "lundi 2 mars 2026" in pdf_text(response.content)


def test_karim_downloads_the_sheet_of_the_session_he_trains(client, karim, session):
    client.force_login(karim)

    assert client.get(sheet_url(session)).status_code == 200


def test_a_coach_who_does_not_train_the_session_is_refused_the_sheet(client, organisation,
                                                                     session):
    client.force_login(member(organisation, "coach"))

    assert client.get(sheet_url(session)).status_code == 403


def test_lea_cannot_download_the_attendance_sheet(client, lea, session):
    client.force_login(lea)

    assert client.get(sheet_url(session)).status_code == 403


def test_oscar_does_not_learn_that_the_session_exists(client, oscar, session):
    client.force_login(oscar)

    assert client.get(sheet_url(session, slug="horizon")).status_code == 404
    assert client.get(sheet_url(session)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(client, session):
    response = client.get(sheet_url(session))

    assert response.status_code == 302 and "/login/" in response["Location"]


def test_lea_downloads_her_certificate(client, lea, certificate):
    client.force_login(lea)

    response = client.get(certificate_url(certificate))

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="certificate-of-completion-lea-martin-accueil-et-securite.pdf"')
    assert "3 h 30 out of 7 h planned" in pdf_text(response.content)


def test_another_learner_cannot_download_leas_certificate(client, organisation, certificate):
    client.force_login(member(organisation, "learner"))

    assert client.get(certificate_url(certificate)).status_code == 404


def test_karim_and_sophie_download_leas_certificate(client, karim, sophie, certificate):
    for person in (karim, sophie):
        client.force_login(person)
        assert client.get(certificate_url(certificate)).status_code == 200


def test_a_coach_who_does_not_train_the_session_is_refused_the_certificate(
        client, organisation, certificate):
    client.force_login(member(organisation, "coach"))

    assert client.get(certificate_url(certificate)).status_code == 403


def test_oscar_cannot_download_a_certificate_of_another_organisation(client, oscar,
                                                                     certificate):
    client.force_login(oscar)

    assert client.get(certificate_url(certificate, slug="horizon")).status_code == 404


def test_a_waiting_list_place_has_no_certificate(client, sophie, session, organisation):
    waiting = session.registrations.create(learner=member(organisation, "learner"),
                                           status="waitlisted", waitlisted_at=session.starts_at)
    client.force_login(sophie)

    assert client.get(certificate_url(waiting)).status_code == 404

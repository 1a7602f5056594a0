"""Léa's certificate of completion (certificat de réalisation): the hours she really
attended, half-day by half-day, in French or English."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from parcours.catalog.models import Programme
from parcours.classroom.documents import completion_certificate_pdf
from parcours.classroom.models import Attendance
from parcours.classroom.tests.documents_for_tests import (
    attend,
    page_count,
    paris,
    pdf_text,
    session_on,
    slots_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(organisation):
    return Programme.objects.create(
        organisation=organisation, title="Accueil et sécurité au travail",
        objectives="- Connaître les consignes d’évacuation\n- **Utiliser** un extincteur")


@pytest.fixture
def registration(organisation, lea, karim, programme):
    session = session_on(organisation, title="Session de mars", first_day="2026-03-02",
                         days=2, trainers=[karim], learners=[lea], programme=programme)
    return session.registrations.get(learner=lea)


def test_present_and_late_half_days_count_absent_and_excused_do_not(registration, lea):
    day_one_morning, day_one_afternoon, day_two_morning, day_two_afternoon = slots_of(
        registration.session)
    attend(day_one_morning, lea, "present")      # 3 h 30
    attend(day_one_afternoon, lea, "late")       # arrival not noted: 3 h 30
    attend(day_two_morning, lea, "absent")
    attend(day_two_afternoon, lea, "excused")

    text = pdf_text(completion_certificate_pdf(registration, language="en"))

    assert "7 h out of 14 h planned" in text


def test_a_late_arrival_counts_from_the_time_noted(registration, lea):
    morning = slots_of(registration.session)[0]
    Attendance.objects.create(slot=morning, learner=lea, status="late",
                              arrived_at=paris("2026-03-02", "10:15"))

    text = pdf_text(completion_certificate_pdf(registration, language="en"))

    assert "2 h 15 out of 14 h planned" in text
    assert "Late from 10:15" in text


def test_the_certificate_names_the_learner_programme_session_dates_and_objectives(
        registration, lea):
    attend(slots_of(registration.session)[0], lea)

    pdf = completion_certificate_pdf(registration, language="en")

    assert pdf.startswith(b"%PDF-") and page_count(pdf) == 1
    text = pdf_text(pdf)
    for words in ("Cap Avenir Formation", "Certificate of completion", "Léa Martin",
                  "Accueil et sécurité au travail", "Session de mars",
                  "from 2 March 2026 to 3 March 2026", "Connaître les consignes d’évacuation",
                  "Utiliser un extincteur", "Signature and stamp of the organisation"):
        assert words in text


def test_the_certificate_speaks_french_when_asked(registration, lea):
    attend(slots_of(registration.session)[0], lea)

    text = pdf_text(completion_certificate_pdf(registration, language="fr"))

    with translation.override("fr"):
        assert gettext("Certificate of completion") in text
    assert "lundi 2 mars 2026" in text


def test_without_attendance_the_certificate_says_zero_hours(registration):
    text = pdf_text(completion_certificate_pdf(registration, language="en"))

    assert "0 h out of 14 h planned" in text
    assert "Not recorded" in text

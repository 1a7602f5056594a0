"""The documents panel of the session page: the sheet and certificates for trainers and
managers, her own certificate and surveys for Léa once it is over, the satisfaction for
Sophie."""

import html

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parcours.accounts.tests.factories import member
from parcours.classroom.models import SurveyResponse
from parcours.classroom.selectors import documents_panel
from parcours.classroom.tests.documents_for_tests import attend, paris, session_on, slots_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english(lea, karim, sophie):
    for person in (lea, karim, sophie):
        person.locale = "en"
        person.save(update_fields=["locale"])


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(paris("2026-03-02", "18:00"), tick=False) as traveller:
        yield traveller


@pytest.fixture
def session(organisation, lea, karim):
    session = session_on(organisation, title="Sécurité", first_day="2026-03-02", days=1,
                         trainers=[karim], learners=[lea])
    attend(slots_of(session)[0], lea)
    return session


def panel(client, person, session) -> str:
    client.force_login(person)
    response = client.get(reverse("classroom:session", args=["cap-avenir", session.pk]))
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    start = page.find('aria-labelledby="documents-panel-title"')
    return page[start:page.find("</section>", start)] if start >= 0 else ""


def test_karim_gets_the_sheet_in_both_languages_and_leas_certificate(client, karim, session,
                                                                     lea):
    shown = panel(client, karim, session)

    sheet = reverse("classroom:attendance_sheet_pdf", args=["cap-avenir", session.pk])
    assert f'href="{sheet}?lang=fr"' in shown and f'href="{sheet}?lang=en"' in shown
    certificate = reverse("classroom:certificate_pdf", args=[
        "cap-avenir", session.registrations.get(learner=lea).pk])
    assert "Léa Martin — 3 h 30" in shown and f'href="{certificate}?lang=fr"' in shown


def test_lea_gets_her_certificate_and_the_survey_once_it_is_over(client, lea, session):
    shown = panel(client, lea, session)

    assert "You attended 3 h 30." in shown
    assert "Give your opinion on the session" in shown
    assert "attendance-sheet.pdf" not in shown


def test_lea_sees_neither_before_the_end(client, lea, session, clock):
    clock.move_to(paris("2026-03-02", "15:00"))

    shown = panel(client, lea, session)

    assert "You attended" not in shown and "Give your opinion" not in shown


def test_once_answered_lea_is_thanked_instead(client, lea, session):
    SurveyResponse.objects.create(session=session, learner=lea, kind="end",
                                  answers={"content": 4, "trainer": 4, "organisation": 4,
                                           "usefulness": 4})

    shown = panel(client, lea, session)

    assert "Give your opinion" not in shown
    assert "End of session survey answered on 2 March 2026. Thank you!" in shown


def test_sophie_sees_the_satisfaction_of_the_session(client, sophie, session, lea):
    SurveyResponse.objects.create(session=session, learner=lea, kind="end",
                                  answers={"content": 5, "trainer": 4, "organisation": 4,
                                           "usefulness": 4})

    shown = panel(client, sophie, session)

    assert "End of session: answered by 1 of the 1 who attended." in shown
    assert "Average: 4.3 / 5." in shown


def test_the_panel_reads_the_same_queries_for_5_or_30_learners(organisation, sophie, karim):
    def queries_for(count: int) -> int:
        learners = [member(organisation, "learner") for _ in range(count)]
        session = session_on(organisation, first_day="2026-03-02", trainers=[karim],
                             learners=learners)
        for slot in slots_of(session):
            for learner in learners:
                attend(slot, learner)
        session = type(session).objects.select_related("organisation").get(pk=session.pk)
        with CaptureQueriesContext(connection) as queries:
            documents_panel(sophie, session)
        return len(queries)

    assert queries_for(5) == queries_for(30) <= 10

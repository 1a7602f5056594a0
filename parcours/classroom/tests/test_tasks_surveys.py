"""Some weeks after a session, each attendee gets the follow-up survey by email, once,
in their own language."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from parcours.accounts.tests.factories import member
from parcours.classroom.models import SurveyResponse
from parcours.classroom.services import invite_to_follow_up_surveys
from parcours.classroom.tasks_surveys import send_follow_up_surveys
from parcours.classroom.tests.documents_for_tests import attend, paris, session_on, slots_of
from parcours.core.models import LearningEvent, Verb

pytestmark = pytest.mark.django_db

SESSION_ENDS = paris("2026-03-03", "17:00")


@pytest.fixture(autouse=True)
def thirty_days(settings):
    settings.SURVEY_FOLLOW_UP_DAYS = 30


@pytest.fixture
def emily(organisation):
    return member(organisation, "learner", display_name="Emily Carter", locale="en",
                  email="emily@example.org")


@pytest.fixture
def session(organisation, lea, emily, karim):
    hugo = member(organisation, "learner", display_name="Hugo Petit")
    session = session_on(organisation, title="Sécurité au travail", first_day="2026-03-02",
                         days=2, trainers=[karim], learners=[lea, emily, hugo])
    morning = slots_of(session)[0]
    attend(morning, lea)
    attend(morning, emily, "late")
    attend(morning, hugo, "absent")
    return session


def test_attendees_get_the_follow_up_survey_once_it_opens(session, lea, emily, run_tasks):
    with time_machine.travel(SESSION_ENDS + timedelta(days=30, minutes=5), tick=False):
        invite_to_follow_up_surveys()
        run_tasks()

    assert sorted(message.to[0] for message in mail.outbox) == [
        "emily@example.org", "lea@example.org"]
    english = next(message for message in mail.outbox if message.to == ["emily@example.org"])
    assert "Sécurité au travail" in english.subject
    assert "You attended" in english.body
    assert f"/o/cap-avenir/sessions/{session.pk}/survey/?kind=follow_up" in english.body
    assert LearningEvent.objects.filter(verb=Verb.NOTIFIED, actor=lea,
                                        context__survey="follow_up").count() == 1


def test_running_again_invites_nobody_twice(session, run_tasks):
    with time_machine.travel(SESSION_ENDS + timedelta(days=30, minutes=5), tick=False):
        invite_to_follow_up_surveys()
        run_tasks()
    with time_machine.travel(SESSION_ENDS + timedelta(days=31), tick=False):
        invited = invite_to_follow_up_surveys()
        run_tasks()

    assert invited == 0
    assert len(mail.outbox) == 2


def test_nobody_is_invited_before_the_follow_up_opens(session, run_tasks):
    with time_machine.travel(SESSION_ENDS + timedelta(days=29, hours=23), tick=False):
        assert invite_to_follow_up_surveys() == 0
        run_tasks()

    assert mail.outbox == []


def test_a_learner_who_already_answered_is_not_invited(session, lea, run_tasks):
    SurveyResponse.objects.create(session=session, learner=lea, kind="follow_up",
                                  answers={"applied": 4, "usefulness": 4})

    with time_machine.travel(SESSION_ENDS + timedelta(days=30, hours=1), tick=False):
        invite_to_follow_up_surveys()
        run_tasks()

    assert [message.to for message in mail.outbox] == [["emily@example.org"]]


def test_sessions_long_past_are_not_emailed_any_more(session, run_tasks):
    with time_machine.travel(SESSION_ENDS + timedelta(days=60), tick=False):
        assert invite_to_follow_up_surveys() == 0


def test_the_daily_task_and_the_command_do_the_same(session, run_tasks):
    with time_machine.travel(SESSION_ENDS + timedelta(days=30, minutes=5), tick=False):
        send_follow_up_surveys.enqueue()
        run_tasks()
        call_command("send_follow_up_surveys", verbosity=0)
        run_tasks()

    assert len(mail.outbox) == 2

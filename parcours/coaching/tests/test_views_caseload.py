"""Karim's caseload: everyone he follows, those drifting away first."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.accounts.tests.factories import member
from parcours.coaching.models import ActionItem, AppointmentStatus
from parcours.coaching.tests.factories import appointment, engagement, engagement_type
from parcours.core.events import record_event
from parcours.core.models import Verb


@pytest.fixture
def bilan(organisation):
    return engagement_type(organisation)


def _url(organisation):
    return reverse("coaching:caseload", args=[organisation.slug])


def test_a_coach_sees_who_is_drifting_first_and_why(client, organisation, karim, bilan):
    steady = member(organisation, "learner", display_name="Alice Steady")
    drifting = member(organisation, "learner", display_name="Zoé Drifting")
    followed = engagement(organisation, steady, karim, type_=bilan)
    appointment(followed, karim, starts_at=timezone.now() + timedelta(days=2))
    record_event(steady, Verb.COMPLETED, ("journeys.pathstep", 1), organisation=organisation)
    away = engagement(organisation, drifting, karim, type_=bilan)
    ActionItem.objects.create(engagement=away, title="Update the CV", assignee="beneficiary",
                              due_on=timezone.localdate() - timedelta(days=3))
    client.force_login(karim)

    response = client.get(_url(organisation))

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.engagement.beneficiary for row in rows] == [drifting, steady]
    assert set(rows[0].drift) == {"no_appointment", "actions_overdue", "inactive"}
    assert rows[1].drift == []
    assert response.context["drifting"] == 1


def test_hours_used_come_from_closed_appointments_only(client, organisation, karim, lea, bilan):
    followed = engagement(organisation, lea, karim, type_=bilan)
    appointment(followed, karim, starts_at=timezone.now() - timedelta(days=7),
                status=AppointmentStatus.CLOSED, actual_minutes=90,
                closed_at=timezone.now())
    appointment(followed, karim, starts_at=timezone.now() + timedelta(days=7))
    client.force_login(karim)

    row = client.get(_url(organisation)).context["rows"][0]

    assert row.used_minutes == 90
    assert row.left_minutes == 24 * 60 - 90
    assert row.next_appointment_at is not None


def test_a_coach_sees_only_the_engagements_they_coach(client, organisation, karim, lea, bilan):
    other_coach = member(organisation, "coach")
    engagement(organisation, lea, other_coach, type_=bilan)
    client.force_login(karim)

    assert client.get(_url(organisation)).context["rows"] == []


def test_the_caseload_runs_the_same_queries_for_3_or_30_engagements(
        client, organisation, karim, bilan, django_assert_max_num_queries):
    def add(count):
        for _ in range(count):
            person = member(organisation, "learner")
            followed = engagement(organisation, person, karim, type_=bilan)
            appointment(followed, karim)
            ActionItem.objects.create(engagement=followed, title="Call", assignee="coach",
                                      due_on=timezone.localdate() - timedelta(days=1))

    client.force_login(karim)
    add(3)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(_url(organisation))
    add(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(_url(organisation))
    assert len(response.context["rows"]) == 30


def test_a_learner_cannot_open_a_caseload(client, organisation, lea):
    client.force_login(lea)
    assert client.get(_url(organisation)).status_code == 403


def test_a_manager_without_beneficiaries_is_refused(client, organisation, sophie):
    client.force_login(sophie)
    assert client.get(_url(organisation)).status_code == 403


def test_another_organisation_never_sees_the_caseload(client, organisation, oscar):
    client.force_login(oscar)
    assert client.get(_url(organisation)).status_code == 404

"""The record through the API: caseload, timeline, synthesis, hours report, retention
and one's own data — with the same refusals as the pages."""

from datetime import timedelta

from django.utils import timezone

from parcours.accounts.tests.factories import member
from parcours.coaching.models import AppointmentStatus, Note, NoteVisibility
from parcours.coaching.services.synthesis import draft_synthesis, share_synthesis
from parcours.coaching.tests.factories import appointment, engagement

BASE = "/api/v1/organisations/cap-avenir"


def test_a_coach_reads_their_caseload_with_drift_reasons(api_as, organisation, lea, karim):
    engagement(organisation, lea, karim)
    response = api_as(karim).get(f"{BASE}/coaching/caseload")
    assert response.status_code == 200
    [row] = response.json()
    assert row["beneficiary"] == "Léa Martin"
    assert "no_appointment" in row["drift"]


def test_a_learner_cannot_read_a_caseload(api_as, organisation, lea):
    assert api_as(lea).get(f"{BASE}/coaching/caseload").status_code == 403


def test_the_timeline_never_returns_private_notes(api_as, organisation, lea, karim):
    followed = engagement(organisation, lea, karim)
    Note.objects.create(engagement=followed, author=karim, visibility=NoteVisibility.PRIVATE,
                        body="SECRET remark")
    Note.objects.create(engagement=followed, author=karim, visibility=NoteVisibility.SHARED,
                        shared_at=timezone.now(), body="Shared plan")
    for person in (karim, lea):
        response = api_as(person).get(f"{BASE}/engagements/{followed.pk}/timeline")
        assert response.status_code == 200
        assert "SECRET" not in response.content.decode()


def test_another_beneficiary_cannot_read_the_timeline(api_as, organisation, lea, karim):
    followed = engagement(organisation, lea, karim)
    stranger = member(organisation, "learner")
    assert api_as(stranger).get(f"{BASE}/engagements/{followed.pk}/timeline"
                                ).status_code == 404


def test_another_organisation_is_refused(api_as, organisation, lea, karim, oscar):
    followed = engagement(organisation, lea, karim)
    assert api_as(oscar).get(f"{BASE}/engagements/{followed.pk}/timeline").status_code == 403
    assert api_as(oscar).get(f"{BASE}/coaching/reports/hours").status_code == 403


def test_the_beneficiary_reads_the_shared_synthesis(api_as, organisation, lea, karim):
    followed = engagement(organisation, lea, karim)
    url = f"{BASE}/engagements/{followed.pk}/synthesis"
    assert api_as(lea).get(url).status_code == 404
    draft_synthesis(followed, by=karim)
    share_synthesis(followed, by=karim)
    assert api_as(lea).get(url).status_code == 200
    assert api_as(lea).put(url, {"body": "my version"}).status_code == 403


def test_the_coach_edits_the_synthesis(api_as, organisation, lea, karim):
    followed = engagement(organisation, lea, karim)
    url = f"{BASE}/engagements/{followed.pk}/synthesis"
    response = api_as(karim).put(url, {"body": "# Synthèse"})
    assert response.status_code == 200 and response.json()["body"] == "# Synthèse"
    assert api_as(karim).put(url, {"body": "  "}).status_code == 400


def test_the_hours_report_sums_closed_appointments(api_as, organisation, lea, karim, sophie):
    followed = engagement(organisation, lea, karim)
    appointment(followed, karim, starts_at=timezone.now() - timedelta(days=2),
                status=AppointmentStatus.CLOSED, actual_minutes=90, closed_at=timezone.now())
    response = api_as(sophie).get(f"{BASE}/coaching/reports/hours", by="coach")
    assert response.status_code == 200
    assert response.json()["lines"][0]["minutes"] == 90
    assert api_as(karim).get(f"{BASE}/coaching/reports/hours").status_code == 403


def test_retention_is_set_by_managers_only(api_as, organisation, karim, sophie):
    url = f"{BASE}/coaching/retention"
    assert api_as(sophie).put(url, {"days": 365}).json() == {"days": 365}
    assert api_as(sophie).put(url, {"days": 0}).status_code == 422
    assert api_as(karim).put(url, {"days": 10}).status_code == 403


def test_my_data_leaves_out_private_notes(api_as, organisation, lea, karim):
    followed = engagement(organisation, lea, karim)
    Note.objects.create(engagement=followed, author=karim, visibility=NoteVisibility.PRIVATE,
                        body="SECRET remark")
    response = api_as(lea).get(f"{BASE}/me/coaching-data")
    assert response.status_code == 200
    assert len(response.json()["engagements"]) == 1
    assert "SECRET" not in response.content.decode()

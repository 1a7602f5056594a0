"""GET /api/v1/organisations/{slug}/reports/hours: the hours report as JSON."""

import pytest

from parcours.classroom.tests.documents_for_tests import attend, session_on, slots_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/organisations/cap-avenir/reports/hours"


@pytest.fixture
def session(organisation, lea, karim):
    session = session_on(organisation, title="Sécurité", first_day="2026-03-02", days=1,
                         trainers=[karim], learners=[lea], funder="OPCO Atlas")
    for slot in slots_of(session):
        attend(slot, lea)
    return session


def test_sophie_reads_the_hours_per_learner(api_as, sophie, lea, session):
    response = api_as(sophie).get(URL, start="2026-03-01", end="2026-03-31")

    assert response.status_code == 200
    body = response.json()
    assert body["minutes"] == 420 and body["learners"] == 1 and body["by"] == "learner"
    assert body["rows"] == [{
        "id": lea.pk, "label": "Léa Martin", "email": "lea@example.org",
        "funders": ["OPCO Atlas"], "learners": 1, "sessions": 1, "half_days": 2,
        "minutes": 420, "hours": "7 h"}]


def test_sophie_reads_the_hours_per_funder(api_as, sophie, session):
    body = api_as(sophie).get(URL, start="2026-03-01", end="2026-03-31", by="funder").json()

    assert [(row["id"], row["label"], row["minutes"]) for row in body["rows"]] == [
        (None, "OPCO Atlas", 420)]


def test_a_period_ending_before_it_starts_is_a_400(api_as, sophie):
    response = api_as(sophie, locale="en").get(URL, start="2026-03-31", end="2026-03-01")

    assert response.status_code == 400
    assert "The period must end on or after its first day" in response.json()["detail"]


def test_an_unknown_grouping_is_a_422(api_as, sophie):
    assert api_as(sophie).get(URL, by="colour").status_code == 422


def test_lea_is_refused(api_as, lea):
    assert api_as(lea).get(URL).status_code == 403


def test_oscar_is_refused(api_as, oscar, session):
    assert api_as(oscar).get(URL).status_code == 403


def test_an_anonymous_caller_must_authenticate(client):
    assert client.get(URL).status_code == 401

"""Sophie's attended-hours page and its downloads; nobody else's."""

import html
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from parcours.classroom.tests.documents_for_tests import attend, session_on, slots_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english(sophie, lea):
    for person in (sophie, lea):
        person.locale = "en"
        person.save(update_fields=["locale"])


@pytest.fixture
def session(organisation, lea, karim):
    session = session_on(organisation, title="Sécurité", first_day="2026-03-02", days=1,
                         trainers=[karim], learners=[lea], funder="OPCO Atlas")
    for slot in slots_of(session):
        attend(slot, lea)
    return session


def hours_url(slug="cap-avenir", **query):
    url = reverse("classroom:hours_report", args=[slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


def test_sophie_sees_the_hours_of_the_period_per_learner(client, sophie, session):
    client.force_login(sophie)

    page = html.unescape(client.get(hours_url(**MARCH)).content.decode())

    assert "Léa Martin" in page and "OPCO Atlas" in page and "7 h" in page
    assert "From 1 March 2026 to 31 March 2026: 7 h attended by 1 learner." in page
    assert "format=csv" in page and "format=xlsx" in page


def test_the_page_shows_the_default_period_filled_in(client, sophie, session):
    client.force_login(sophie)

    page = client.get(hours_url()).content.decode()

    assert 'name="start" value="' in page and 'name="end" value="' in page


def test_sophie_downloads_the_funders_as_csv(client, sophie, session):
    client.force_login(sophie)

    response = client.get(hours_url(by="funder", format="csv", **MARCH))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="attended-hours-funder-2026-03-01-2026-03-31.csv"')
    assert response.content.decode("utf-8-sig").splitlines()[1] == "OPCO Atlas;1;1;2;420;7 h"


def test_sophie_downloads_the_programmes_as_xlsx(client, sophie, session):
    client.force_login(sophie)

    response = client.get(hours_url(by="programme", format="xlsx", **MARCH))

    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == "Sessions outside any programme"
    assert sheet["E2"].value == 420


def test_a_wrong_period_is_explained_and_nothing_is_downloaded(client, sophie, session):
    client.force_login(sophie)

    response = client.get(hours_url(start="2026-03-31", end="2026-03-01", format="csv"))

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "The period must end on or after its first day" in html.unescape(
        response.content.decode())


def test_a_date_that_is_not_one_is_explained(client, sophie, session):
    client.force_login(sophie)

    response = client.get(hours_url(start="yesterday"))

    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()


def test_lea_cannot_see_the_hours_report(client, lea):
    client.force_login(lea)

    assert client.get(hours_url()).status_code == 403
    assert client.get(hours_url(format="csv")).status_code == 403


def test_oscar_gets_a_404(client, oscar):
    client.force_login(oscar)

    assert client.get(hours_url()).status_code == 404

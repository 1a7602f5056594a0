"""Karim enrols learners in a programme: chosen in a list, or from a checked CSV file."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parcours.accounts.tests.factories import member
from parcours.journeys.models import Enrolment
from parcours.journeys.tests.pages_for_tests import in_english
from parcours.journeys.tests.paths_for_tests import speaking_programme

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(lea, karim, sophie):
    in_english(lea, karim, sophie)


@pytest.fixture
def programme(organisation):
    return speaking_programme(organisation)


@pytest.fixture
def paul(organisation):
    return member(organisation, "learner", email="paul@example.org", display_name="Paul Durand")


def url(name, programme, slug="cap-avenir"):
    return reverse(f"journeys:{name}", args=[slug, programme.pk])


def text(response) -> str:
    return html.unescape(response.content.decode())


def csv_file(content: str, name="inscriptions.csv"):
    return SimpleUploadedFile(name, content.encode(), "text/csv")


def test_karim_chooses_learners_and_enrols_them_at_their_pace(client, karim, lea, paul,
                                                             programme):
    client.force_login(karim)

    response = client.post(url("enrol", programme), {
        "learners": [lea.pk, paul.pk], "start_on": "2026-09-07", "hours_per_week": "2,5"})

    assert response.status_code == 302
    assert response["Location"].endswith(f"?programme={programme.pk}")
    enrolments = Enrolment.objects.filter(programme=programme).order_by("learner__email")
    assert [(e.learner, e.minutes_per_week) for e in enrolments] == [(lea, 150), (paul, 150)]


def test_the_list_can_be_searched_and_shows_who_is_already_in(client, karim, lea, paul,
                                                             programme):
    Enrolment.objects.create(organisation=programme.organisation, programme=programme,
                             learner=lea, start_on="2026-09-07", minutes_per_week=60)
    client.force_login(karim)

    everyone = client.get(url("enrol", programme))
    search = client.get(url("enrol", programme), {"q": "paul"})

    assert [(c.learner, c.enrolled) for c in everyone.context["choices"].choices] == [
        (lea, True), (paul, False)]
    assert [c.learner for c in search.context["choices"].choices] == [paul]
    assert 'value="paul"' in search.content.decode()


def test_a_form_with_errors_keeps_the_learners_ticked_and_the_values_typed(client, karim,
                                                                           paul, programme):
    client.force_login(karim)

    response = client.post(url("enrol", programme), {
        "learners": [paul.pk], "start_on": "demain", "hours_per_week": "2,5"})

    assert response.status_code == 400
    body = text(response)
    assert f'value="{paul.pk}" id="learner-{paul.pk}" checked' in body
    assert 'value="demain"' in body
    assert response.context["form"].errors["start_on"]
    assert not Enrolment.objects.exists()


def test_choosing_nobody_says_so(client, karim, programme):
    client.force_login(karim)

    response = client.post(url("enrol", programme), {"start_on": "2026-09-07",
                                                     "hours_per_week": "3"})

    assert response.status_code == 400
    assert response.context["form"].errors["learners"]


def test_a_draft_programme_is_refused_with_the_reason(client, karim, paul, organisation):
    draft = speaking_programme(organisation, title="Brouillon", published=False)
    client.force_login(karim)

    response = client.post(url("enrol", draft), {
        "learners": [paul.pk], "start_on": "2026-09-07", "hours_per_week": "3"})

    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert not Enrolment.objects.exists()


def test_a_csv_file_is_checked_line_by_line_before_anything_is_imported(client, karim, lea,
                                                                        paul, programme):
    client.force_login(karim)

    response = client.post(url("enrol_file", programme), {"file": csv_file(
        "email;start_date;hours_per_week\n"
        "lea@example.org;07/09/2026;2\n"
        "inconnu@example.org;07/09/2026;2\n"
        "paul@example.org;2026-09-07;beaucoup\n")})

    assert response.status_code == 200
    report = response.context["report"]
    assert [row.line for row in report.invalid_rows] == [3, 4]
    assert "inconnu@example.org" in text(response)
    assert "Import the 1 good line only" in text(response)
    assert not Enrolment.objects.exists()


def test_confirming_imports_only_the_good_lines_from_the_file_kept(client, karim, lea, paul,
                                                                  programme):
    client.force_login(karim)
    client.post(url("enrol_file", programme), {"file": csv_file(
        "email,start_date,hours_per_week\n"
        "lea@example.org,2026-09-07,2\n"
        "inconnu@example.org,2026-09-07,2\n")})

    response = client.post(url("enrol_file_confirm", programme))

    assert response.status_code == 302
    assert [e.learner for e in Enrolment.objects.all()] == [lea]
    again = client.post(url("enrol_file_confirm", programme), follow=True)
    assert "Upload it again" in text(again)


def test_a_file_that_is_not_csv_is_refused_with_the_reason(client, karim, programme):
    client.force_login(karim)

    response = client.post(url("enrol_file", programme), {
        "file": SimpleUploadedFile("photo.csv", b"\x00\x01\x02", "text/csv")})

    assert response.status_code in (200, 400)
    assert not Enrolment.objects.exists()


def test_no_file_sent_says_so(client, karim, programme):
    client.force_login(karim)

    response = client.post(url("enrol_file", programme), {})

    assert response.status_code == 400
    assert response.context["file_form"].errors["file"]


def test_a_learner_cannot_enrol_anyone(client, lea, programme):
    client.force_login(lea)

    assert client.get(url("enrol", programme)).status_code == 403
    assert client.post(url("enrol_file", programme), {}).status_code == 403


def test_oscar_from_another_organisation_gets_a_404(client, oscar, programme):
    client.force_login(oscar)

    assert client.get(url("enrol", programme)).status_code == 404


def test_a_programme_of_another_organisation_is_a_404(client, karim, other_organisation):
    client.force_login(karim)

    assert client.get(url("enrol", speaking_programme(other_organisation))).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, programme):
    response = client.get(url("enrol", programme))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_lea_switches_her_profile_to_english_and_montreal_time(client, lea):
    client.force_login(lea)

    response = client.post(reverse("accounts:profile"), {
        "display_name": "Léa Martin", "locale": "en", "time_zone": "America/Montreal"})

    assert response.status_code == 302
    lea.refresh_from_db()
    assert (lea.locale, lea.time_zone) == ("en", "America/Montreal")
    page = client.get(reverse("accounts:profile")).content.decode()
    assert '<html lang="en">' in page
    assert "America/Montreal" in page


def test_an_unknown_time_zone_is_refused_and_the_name_typed_is_kept(client, lea):
    client.force_login(lea)

    response = client.post(reverse("accounts:profile"), {
        "display_name": "Léa M.", "locale": "fr", "time_zone": "Mars/Olympus"})

    assert response.status_code == 200
    assert 'value="Léa M."' in response.content.decode()
    lea.refresh_from_db()
    assert lea.time_zone == "Europe/Paris"


def test_the_profile_page_needs_a_signed_in_person(client):
    response = client.get(reverse("accounts:profile"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))

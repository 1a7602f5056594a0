import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_lea_switches_to_english_and_it_sticks_to_her_account(client, lea):
    client.force_login(lea)

    response = client.post(reverse("web:set_language"),
                           {"language": "en", "next": reverse("accounts:profile")})

    assert response["Location"] == reverse("accounts:profile")
    lea.refresh_from_db()
    assert lea.locale == "en"
    assert '<html lang="en">' in client.get(reverse("accounts:profile")).content.decode()


def test_a_visitor_switches_the_login_page_to_english_with_a_cookie(client):
    client.post(reverse("web:set_language"), {"language": "en", "next": "/login/"})

    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert '<html lang="en">' in page


def test_an_unknown_language_changes_nothing(client, lea):
    client.force_login(lea)

    response = client.post(reverse("web:set_language"), {"language": "xx", "next": "/"})

    assert response.status_code == 302
    lea.refresh_from_db()
    assert lea.locale == "fr"


def test_the_switcher_never_redirects_to_another_site(client):
    response = client.post(reverse("web:set_language"),
                           {"language": "en", "next": "https://evil.example/"})

    assert response["Location"] == "/"

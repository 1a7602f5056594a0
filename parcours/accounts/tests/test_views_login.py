import pytest
from django.urls import reverse

from parcours.core.models import LearningEvent

pytestmark = pytest.mark.django_db


def test_the_login_page_speaks_french_to_a_french_browser(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")

    assert response.status_code == 200
    assert '<html lang="fr">' in response.content.decode()
    assert "Se connecter" in response.content.decode()


def test_the_login_page_speaks_english_to_an_english_browser(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")

    assert '<html lang="en">' in response.content.decode()
    assert "Sign in" in response.content.decode()


def test_lea_signs_in_with_her_email_and_lands_on_her_path(client, lea, password):
    response = client.post(reverse("accounts:login"),
                           {"username": "LEA@example.org", "password": password}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("journeys:dashboard", args=["cap-avenir"])
    assert response.context["user"] == lea


def test_signing_in_records_a_logged_in_event_in_each_organisation(client, lea, password):
    client.post(reverse("accounts:login"), {"username": lea.email, "password": password})

    event = LearningEvent.objects.get(verb="logged-in")
    assert event.actor == lea
    assert event.organisation.slug == "cap-avenir"


def test_a_wrong_password_is_refused_and_the_email_stays_in_the_form(client, lea):
    response = client.post(reverse("accounts:login"),
                           {"username": lea.email, "password": "nope"},
                           HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    page = response.content.decode()
    assert "did not match" in page
    assert 'value="lea@example.org"' in page
    assert not LearningEvent.objects.filter(verb="logged-in").exists()


def test_signing_out_needs_a_post_and_ends_the_session(client, lea):
    client.force_login(lea)

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert client.get(reverse("web:home")).status_code == 302

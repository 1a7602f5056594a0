import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "text"), [
    ("fr", "Cette page n’existe pas"), ("en", "This page does not exist")])
def test_a_missing_page_is_friendly_in_both_languages(client, language, text):
    response = client.get("/nowhere/", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 404
    assert text in response.content.decode()


@pytest.mark.parametrize(("language", "text"), [
    ("fr", "Une erreur s’est produite de notre côté"), ("en", "Something went wrong on our side")])
def test_a_server_error_shows_a_friendly_page_in_both_languages(settings, language, text):
    settings.ROOT_URLCONF = "parcours.web.tests.urls_exploding"
    client = Client(raise_request_exception=False)

    response = client.get("/explode/", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 500
    assert text in response.content.decode()


def test_a_form_sent_without_its_csrf_token_gets_a_friendly_page(lea, password):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/login/", {"username": lea.email, "password": password},
                           HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 403
    assert "Please send the form again" in response.content.decode()

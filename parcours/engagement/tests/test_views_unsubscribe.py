"""The unsubscribe link in every email works without signing in: a page with one button,
or the mail client's one-click POST (RFC 8058); a changed or expired link says so."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from parcours.core.models import LearningEvent, Verb
from parcours.engagement import tracking
from parcours.engagement.models import Category

needs_opt_out = pytest.mark.skipif(
    not tracking.opt_out_available(),
    reason="needs parcours.engagement.services.preferences.opt_out (policy part)")


def accepted(person, category):
    from parcours.engagement.services.preferences import accepted_channels
    return accepted_channels(person, category)


@pytest.fixture
def link(lea, organisation):
    return tracking.unsubscribe_url(lea, Category.DEADLINES, organisation).removeprefix(
        tracking.settings.SITE_URL)


def test_opening_the_link_asks_before_doing_anything(client, lea, link):
    response = client.get(link)

    assert response.status_code == 200
    page = response.content.decode()
    assert "<form method=\"post\">" in page and 'type="submit"' in page
    assert not LearningEvent.objects.filter(verb=Verb.OPTED_OUT).exists()


def test_the_page_speaks_the_persons_language(client, lea, link):
    lea.locale = "en"
    lea.save(update_fields=["locale"])

    page = client.get(link).content.decode()

    assert '<html lang="en">' in page
    assert "Steps due and overdue" in page


@needs_opt_out
def test_confirming_opts_the_person_out_of_that_category_everywhere(client, lea, link):
    others_before = accepted(lea, Category.SCHEDULE)

    response = client.post(link)

    assert response.status_code == 200
    assert accepted(lea, Category.DEADLINES) == []
    assert accepted(lea, Category.SCHEDULE) == others_before
    event = LearningEvent.objects.get(verb=Verb.OPTED_OUT)
    assert event.actor == lea and event.context["category"] == "deadlines"


@needs_opt_out
def test_the_mail_clients_one_click_post_works_without_cookie_or_csrf_token(lea, link):
    mail_client = Client(enforce_csrf_checks=True)

    response = mail_client.post(link, "List-Unsubscribe=One-Click",
                                content_type="application/x-www-form-urlencoded")

    assert response.status_code == 200
    assert accepted(lea, Category.DEADLINES) == []


@needs_opt_out
def test_unsubscribing_twice_is_harmless(client, lea, link):
    client.post(link)
    second = client.post(link)

    assert second.status_code == 200
    assert LearningEvent.objects.filter(verb=Verb.OPTED_OUT).count() == 1


def test_a_changed_link_is_a_clear_400_and_changes_nothing(client, lea, link):
    tampered = link.replace("/n/unsubscribe/", "/n/unsubscribe/x")

    for response in (client.get(tampered), client.post(tampered)):
        assert response.status_code == 400
        assert "not valid" in response.content.decode() or "pas valide" in (
            response.content.decode())
    assert not LearningEvent.objects.filter(verb=Verb.OPTED_OUT).exists()


def test_a_link_for_another_category_cannot_be_made_by_editing_it(client, lea, link):
    signed = link.rstrip("/").rsplit("/", 1)[-1]
    payload, rest = signed.split(":", 1)
    forged = link.replace(payload, payload[::-1])

    assert client.post(forged).status_code == 400


def test_an_expired_link_is_a_clear_400(client, lea, link):
    later = timezone.now() + tracking.UNSUBSCRIBE_LINK_MAX_AGE + timedelta(days=1)
    with time_machine.travel(later, tick=False):
        response = client.post(link)

    assert response.status_code == 400
    assert not LearningEvent.objects.filter(verb=Verb.OPTED_OUT).exists()


def test_a_link_for_a_person_who_left_is_a_clear_400(client, lea, link):
    lea.is_active = False
    lea.save(update_fields=["is_active"])

    assert client.get(link).status_code == 400

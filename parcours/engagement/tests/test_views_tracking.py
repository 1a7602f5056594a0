"""Signed links in messages: the pixel records the first opening, the click-through the
first click, and neither can be forged or turned into an open redirect."""

import pytest
from django.core import signing

from parcours.core.models import LearningEvent, Verb
from parcours.engagement import tracking
from parcours.engagement.services.outbox import notify


@pytest.fixture
def notification(organisation, lea):
    return notify(lea, "organisation_message", organisation=organisation, key="k1",
                  variables={"title": "Nouveau module", "text": "Bonjour"},
                  url="/o/cap-avenir/paths/")


def open_path(notification):
    return tracking.open_url(notification).removeprefix(_site())


def _site():
    from django.conf import settings
    return settings.SITE_URL


def test_the_pixel_records_the_first_opening_only(client, notification):
    first = client.get(open_path(notification))
    client.get(open_path(notification))

    assert first.status_code == 200
    assert first["Content-Type"] == "image/gif"
    assert first.content.startswith(b"GIF89a")
    assert "no-store" in first["Cache-Control"]
    notification.refresh_from_db()
    assert notification.opened_at is not None
    event = LearningEvent.objects.get(verb=Verb.OPENED)
    assert (event.actor, event.object_id) == (notification.recipient, str(notification.pk))


def test_a_forged_pixel_still_answers_an_image_and_records_nothing(client, notification):
    forged = f"/n/{notification.token.hex}:forged/open.gif"

    response = client.get(forged)

    assert response.status_code == 200 and response["Content-Type"] == "image/gif"
    notification.refresh_from_db()
    assert notification.opened_at is None
    assert not LearningEvent.objects.filter(verb=Verb.OPENED).exists()


def test_the_click_through_records_the_click_then_leads_to_the_page(client, notification):
    response = client.get(tracking.go_path(notification))
    client.get(tracking.go_path(notification))

    assert response.status_code == 302
    assert response["Location"] == "/o/cap-avenir/paths/"
    notification.refresh_from_db()
    assert notification.clicked_at is not None
    # Mail clients block pixels: a click proves the opening too.
    assert notification.opened_at is not None and notification.read_at is not None
    assert LearningEvent.objects.filter(verb=Verb.CLICKED).count() == 1


def test_the_raw_token_without_its_signature_is_refused(client, notification):
    response = client.get(f"/n/{notification.token.hex}/go")

    assert response.status_code == 400
    notification.refresh_from_db()
    assert notification.clicked_at is None


def test_a_signature_from_another_purpose_is_refused(client, notification):
    other = signing.Signer(salt="another.purpose").sign(notification.token.hex)

    assert client.get(f"/n/{other}/go").status_code == 400


@pytest.mark.parametrize("url", [
    "https://evil.example/login",
    "//evil.example/login",
    "/\\evil.example",
    "javascript:alert(1)",
    "http://127.0.0.1:8000.evil.example/",
])
def test_the_click_through_never_leads_off_site(client, organisation, lea, url):
    notification = notify(lea, "organisation_message", organisation=organisation, key="evil",
                          variables={"title": "t", "text": "t"}, url=url)

    response = client.get(tracking.go_path(notification))

    assert response.status_code == 302
    assert response["Location"] == "/notifications/"


def test_an_address_on_the_sites_own_url_is_allowed(client, organisation, lea, settings):
    notification = notify(lea, "organisation_message", organisation=organisation, key="own",
                          variables={"title": "t", "text": "t"},
                          url=settings.SITE_URL + "/o/cap-avenir/")

    response = client.get(tracking.go_path(notification))

    assert response["Location"] == settings.SITE_URL + "/o/cap-avenir/"


def test_links_only_record_what_they_name(client, organisation, lea, notification):
    other = notify(lea, "organisation_message", organisation=organisation, key="k2",
                   variables={"title": "t", "text": "t"})

    client.get(tracking.go_path(notification))

    other.refresh_from_db()
    assert other.clicked_at is None and other.opened_at is None

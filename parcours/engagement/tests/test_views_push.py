"""Léa turns Web Push on and off on her devices; the service worker is served at the root."""

import base64
import json
import os

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.urls import reverse
from django.utils import translation

from parcours.engagement.models import PushSubscription
from parcours.engagement.services.push import subscribe_push

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def vapid_keys_in_a_temporary_place(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def browser_subscription(endpoint="https://push.example.net/send/abc") -> dict:
    """What a browser's `PushSubscription.toJSON()` gives."""
    key = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        Encoding.X962, PublicFormat.UncompressedPoint)
    return {"endpoint": endpoint, "expirationTime": None,
            "keys": {"p256dh": b64(key), "auth": b64(os.urandom(16))}}


def subscribed(person, endpoint="https://push.example.net/send/abc", device="Firefox"):
    data = browser_subscription(endpoint)
    return subscribe_push(person, endpoint=endpoint, p256dh=data["keys"]["p256dh"],
                          auth=data["keys"]["auth"], user_agent=device)


def post_json(client, name, body):
    return client.post(reverse(name), json.dumps(body) if not isinstance(body, str) else body,
                       content_type="application/json")


def test_the_push_page_offers_the_server_key_and_lists_lea_s_devices(client, lea, karim):
    subscribed(lea, device="Firefox on Léa's phone")
    subscribed(karim, "https://push.example.net/send/karim", device="Karim's laptop")
    client.force_login(lea)

    page = client.get(reverse("engagement:push")).content.decode()

    assert "Firefox on Léa&#x27;s phone" in page
    assert "Karim&#x27;s laptop" not in page
    assert 'data-vapid-key="B' in page  # an uncompressed P-256 point starts with 0x04
    assert "engagement/push.js" in page


def test_lea_turns_push_on_from_her_browser(client, lea):
    client.force_login(lea)

    response = post_json(client, "engagement:push_subscribe", browser_subscription())

    assert response.status_code == 201
    subscription = PushSubscription.objects.get()
    assert subscription.user == lea and subscription.active


def test_a_subscription_that_is_not_json_is_refused_clearly(client, lea):
    lea.locale = "en"  # the answer speaks the person's language
    lea.save(update_fields=["locale"])
    client.force_login(lea)
    with translation.override("en"):
        response = post_json(client, "engagement:push_subscribe", "{not json")

    assert response.status_code == 400
    assert "no usable push subscription" in response.json()["detail"]
    assert not PushSubscription.objects.exists()


def test_a_subscription_with_a_bad_key_is_refused_with_the_reason(client, lea):
    body = browser_subscription()
    body["keys"]["p256dh"] = b64(b"short")
    lea.locale = "en"
    lea.save(update_fields=["locale"])
    client.force_login(lea)

    with translation.override("en"):
        response = post_json(client, "engagement:push_subscribe", body)

    assert response.status_code == 400
    assert "public key" in response.json()["detail"]


def test_lea_turns_push_off_on_this_browser(client, lea):
    subscription = subscribed(lea)
    client.force_login(lea)

    response = post_json(client, "engagement:push_unsubscribe",
                         {"endpoint": subscription.endpoint})

    assert response.status_code == 200
    subscription.refresh_from_db()
    assert not subscription.active


def test_lea_cannot_turn_off_karim_s_browser(client, lea, karim):
    subscription = subscribed(karim)
    client.force_login(lea)

    response = post_json(client, "engagement:push_unsubscribe",
                         {"endpoint": subscription.endpoint})

    assert response.status_code == 404
    subscription.refresh_from_db()
    assert subscription.active


def test_lea_removes_one_of_her_devices(client, lea):
    subscription = subscribed(lea)
    client.force_login(lea)

    response = client.post(reverse("engagement:push_remove", args=[subscription.pk]))

    assert response.status_code == 302
    subscription.refresh_from_db()
    assert not subscription.active
    assert "Firefox" not in client.get(reverse("engagement:push")).content.decode()


def test_lea_cannot_remove_karim_s_device(client, lea, karim):
    subscription = subscribed(karim)
    client.force_login(lea)

    response = client.post(reverse("engagement:push_remove", args=[subscription.pk]))

    assert response.status_code == 404
    subscription.refresh_from_db()
    assert subscription.active


def test_the_push_pages_need_signing_in(client):
    assert client.get(reverse("engagement:push")).status_code == 302
    assert post_json(client, "engagement:push_subscribe",
                     browser_subscription()).status_code == 302
    assert not PushSubscription.objects.exists()


def test_the_service_worker_is_served_from_the_root_for_the_whole_site(client):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    body = response.content.decode()
    assert 'addEventListener("push"' in body and "notificationclick" in body

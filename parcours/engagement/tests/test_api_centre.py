"""The notification centre, push devices and nudge figures over the REST API."""

import base64
import os
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.utils import timezone

from parcours.engagement.models import NotificationStatus, PushSubscription
from parcours.engagement.services.push import subscribe_push
from parcours.engagement.tests.notifications_for_tests import sent

pytestmark = pytest.mark.django_db


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def browser_keys() -> dict:
    key = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        Encoding.X962, PublicFormat.UncompressedPoint)
    return {"p256dh": b64(key), "auth": b64(os.urandom(16))}


def subscribed(person, endpoint="https://push.example.net/send/abc"):
    return subscribe_push(person, endpoint=endpoint, user_agent="Phone", **browser_keys())


# --- Notifications ----------------------------------------------------------------------


def test_lea_lists_her_notifications_newest_first(api_as, lea, karim, organisation):
    sent(lea, organisation, subject="Older", at=timezone.now() - timedelta(days=1))
    sent(lea, organisation, subject="Newer", url="/o/cap-avenir/my-path/")
    sent(karim, organisation, subject="Karim's")

    body = api_as(lea).get("/api/v1/me/notifications").json()

    assert body["count"] == 2 and body["unread"] == 2
    assert [item["subject"] for item in body["items"]] == ["Newer", "Older"]
    newest = body["items"][0]
    assert newest["url"] == "/o/cap-avenir/my-path/"
    assert newest["link"].startswith("/n/") and newest["organisation"] == "cap-avenir"


def test_the_unread_filter_and_the_pages(api_as, lea, organisation):
    for number in range(5):
        sent(lea, organisation, subject=f"N{number}",
             at=timezone.now() - timedelta(minutes=number))
    sent(lea, organisation, subject="Read", read_at=timezone.now(),
         at=timezone.now() - timedelta(hours=1))
    caller = api_as(lea)

    unread = caller.get("/api/v1/me/notifications", unread="true").json()
    second_page = caller.get("/api/v1/me/notifications", limit=2, offset=2).json()

    assert unread["count"] == 5 and "Read" not in [i["subject"] for i in unread["items"]]
    assert second_page["count"] == 6
    assert [i["subject"] for i in second_page["items"]] == ["N2", "N3"]


def test_a_limit_out_of_range_is_a_422_with_the_reason(api_as, lea):
    response = api_as(lea, locale="en").get("/api/v1/me/notifications", limit=1000)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "limit"


def test_lea_marks_one_read(api_as, lea, organisation):
    notification = sent(lea, organisation)

    response = api_as(lea).post(f"/api/v1/me/notifications/{notification.pk}/read")

    assert response.status_code == 200 and response.json()["read_at"] is not None
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_another_person_s_notification_is_a_404(api_as, lea, karim, organisation):
    notification = sent(karim, organisation)

    response = api_as(lea).post(f"/api/v1/me/notifications/{notification.pk}/read")

    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_lea_marks_all_read(api_as, lea, karim, organisation):
    sent(lea, organisation)
    sent(lea, organisation)
    karims = sent(karim, organisation)

    response = api_as(lea).post("/api/v1/me/notifications/read-all")

    assert response.json() == {"marked": 2}
    karims.refresh_from_db()
    assert karims.read_at is None


def test_suppressed_notifications_are_not_in_the_api(api_as, lea, organisation):
    sent(lea, organisation, status=NotificationStatus.SUPPRESSED, reason="capped")

    assert api_as(lea).get("/api/v1/me/notifications").json()["count"] == 0


def test_listing_takes_a_fixed_number_of_queries(api_as, lea, organisation,
                                                 django_assert_max_num_queries):
    for _number in range(25):
        sent(lea, organisation)
    caller = api_as(lea)

    # The token, its last use, the person's preferences, then the count, the page and
    # the unread count.
    with django_assert_max_num_queries(7):
        caller.get("/api/v1/me/notifications", limit=25)


@pytest.mark.parametrize("method, path", [
    ("get", "/api/v1/me/notifications"),
    ("post", "/api/v1/me/notifications/1/read"),
    ("post", "/api/v1/me/notifications/read-all"),
    ("get", "/api/v1/me/push-subscriptions"),
    ("post", "/api/v1/me/push-subscriptions"),
    ("delete", "/api/v1/me/push-subscriptions/1"),
    ("get", "/api/v1/organisations/cap-avenir/nudge-metrics"),
])
def test_an_anonymous_caller_gets_a_401(client, organisation, method, path):
    response = getattr(client, method)(path)

    assert response.status_code == 401


# --- Push devices -----------------------------------------------------------------------


def test_lea_adds_a_push_device_and_lists_it(api_as, lea):
    caller = api_as(lea)

    created = caller.post("/api/v1/me/push-subscriptions", {
        "endpoint": "https://push.example.net/send/lea", "keys": browser_keys(),
        "user_agent": "Léa's phone"})
    listed = caller.get("/api/v1/me/push-subscriptions").json()

    assert created.status_code == 201
    assert [device["user_agent"] for device in listed] == ["Léa's phone"]


def test_a_device_on_a_private_address_is_refused_with_the_reason(api_as, lea):
    response = api_as(lea, locale="en").post("/api/v1/me/push-subscriptions", {
        "endpoint": "https://192.168.1.10/push", "keys": browser_keys()})

    assert response.status_code == 400
    assert "https address of a push service" in response.json()["detail"]
    assert not PushSubscription.objects.exists()


def test_a_device_without_keys_is_a_422(api_as, lea):
    response = api_as(lea).post("/api/v1/me/push-subscriptions",
                                {"endpoint": "https://push.example.net/send/lea"})

    assert response.status_code == 422


def test_lea_removes_her_device(client, api_as, lea):
    subscription = subscribed(lea)
    caller = api_as(lea)

    response = client.delete(f"/api/v1/me/push-subscriptions/{subscription.pk}",
                             headers=caller.headers)

    assert response.status_code == 204
    subscription.refresh_from_db()
    assert not subscription.active
    assert caller.get("/api/v1/me/push-subscriptions").json() == []


def test_lea_cannot_see_or_remove_karim_s_device(client, api_as, lea, karim):
    subscription = subscribed(karim)
    caller = api_as(lea)

    response = client.delete(f"/api/v1/me/push-subscriptions/{subscription.pk}",
                             headers=caller.headers)

    assert response.status_code == 404
    assert caller.get("/api/v1/me/push-subscriptions").json() == []
    subscription.refresh_from_db()
    assert subscription.active


# --- Nudge figures ----------------------------------------------------------------------


def test_sophie_reads_the_same_figures_as_the_dashboard(api_as, sophie, lea, organisation):
    sent(lea, organisation, kind="reward_quiz", clicked_at=timezone.now())
    sent(lea, organisation, kind="reward_quiz")
    sent(lea, organisation, kind="reward_quiz", status=NotificationStatus.SUPPRESSED,
         reason="duplicate")

    body = api_as(sophie).get("/api/v1/organisations/cap-avenir/nudge-metrics").json()

    quiz = next(item for item in body["by_kind"] if item["key"] == "reward_quiz")["figures"]
    assert (quiz["sent"], quiz["clicked"], quiz["suppressed"]) == (2, 1, 1)
    assert quiz["ctr"] == "50.0"
    assert body["suppressed_by_reason"][0]["reason"] == "duplicate"
    assert len(body["weekly"]) >= 12


def test_a_backwards_period_is_a_400_with_the_reason(api_as, sophie, organisation):
    response = api_as(sophie, locale="en").get(
        "/api/v1/organisations/cap-avenir/nudge-metrics", start="2026-06-30", end="2026-06-01")

    assert response.status_code == 400
    assert "The period must end after it starts" in response.json()["detail"]


def test_a_date_that_is_not_a_date_is_a_422(api_as, sophie, organisation):
    response = api_as(sophie).get("/api/v1/organisations/cap-avenir/nudge-metrics",
                                  start="soon")

    assert response.status_code == 422


@pytest.mark.parametrize("person", ["lea", "karim"])
def test_learners_and_coaches_may_not_read_the_figures(api_as, request, organisation, person):
    response = api_as(request.getfixturevalue(person)).get(
        "/api/v1/organisations/cap-avenir/nudge-metrics")

    assert response.status_code == 403


def test_a_manager_of_another_organisation_gets_a_403(api_as, oscar, organisation):
    response = api_as(oscar).get("/api/v1/organisations/cap-avenir/nudge-metrics")

    assert response.status_code == 403

"""Web Push, checked against a push service running in the test: the payload it receives
is really encrypted for the browser (we decrypt it with the browser's keys), the VAPID
signature verifies, and its answers (gone, busy) are acted on."""

import base64
import json
import os
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from py_vapid import Vapid02

from parcours.accounts.tests.factories import member
from parcours.core.errors import NotAllowed
from parcours.engagement import tracking
from parcours.engagement.models import DeliveryStatus, PushSubscription
from parcours.engagement.services import dispatch, push
from parcours.engagement.services.dispatch import (
    LEASE,
    LocalDecision,
    deliver_pending,
    dispatch_due,
)
from parcours.engagement.services.outbox import notify
from parcours.engagement.services.push import (
    InvalidSubscription,
    subscribe_push,
    unsubscribe_push,
    vapid_public_key,
)

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class Browser:
    """A subscriber: its ECDH key pair and auth secret, as a browser makes them."""

    def __init__(self):
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        self.p256dh = b64url(self.private_key.public_key().public_bytes(
            Encoding.X962, PublicFormat.UncompressedPoint))

    def decrypt(self, body: bytes) -> dict:
        return json.loads(http_ece.decrypt(body, private_key=self.private_key,
                                           auth_secret=self.auth, version="aes128gcm"))


class FakePushService:
    """A push service on 127.0.0.1: it keeps, per endpoint, the messages still queued for
    the device, replacing one with the same `Topic` as real services do (RFC 8030 §5.4),
    and answers what a test sets per endpoint (201 by default)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.queued: dict[str, dict[str, bytes]] = {}
        self.answers: dict[str, int] = {}
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = {name.lower(): value for name, value in self.headers.items()}
                service.requests.append({"path": self.path, "headers": headers, "body": body})
                status = service.answers.get(self.path, 201)
                if status == 201:
                    queue = service.queued.setdefault(self.path, {})
                    queue[self.headers.get("Topic") or f"untitled-{len(queue)}"] = body
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def endpoint(self, name: str) -> str:
        return f"{self.origin}/push/{name}"


@pytest.fixture
def push_service(monkeypatch):
    service = FakePushService()
    service.thread.start()
    monkeypatch.setattr(push, "INSECURE_HOSTS_ALLOWED", frozenset({"127.0.0.1"}))
    yield service
    service.server.shutdown()
    service.server.server_close()


@pytest.fixture(autouse=True)
def own_vapid_keys(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.VAPID_PRIVATE_KEY = settings.VAPID_PUBLIC_KEY = ""
    settings.VAPID_SUBJECT = "mailto:ops@cap-avenir.example"


@pytest.fixture(autouse=True)
def push_only(monkeypatch):
    monkeypatch.setattr(dispatch, "_policy", lambda: lambda n, *, now: LocalDecision(
        "send", channels=("in_app", "push")))


def subscribed(person, push_service, name="phone"):
    browser = Browser()
    subscribe_push(person, endpoint=push_service.endpoint(name), p256dh=browser.p256dh,
                   auth=b64url(browser.auth), user_agent="Firefox on Android")
    return browser


def send(person, organisation, *, key="k1"):
    notification = notify(person, "organisation_message", organisation=organisation, key=key,
                          variables={"title": "Bravo !", "text": "Quiz réussi à 85 %"},
                          url="/o/cap-avenir/paths/", deliver_after=NOW)
    dispatch_due(now=NOW)
    deliver_pending(now=NOW)
    return notification


def test_the_push_service_gets_a_payload_only_the_browser_can_read(organisation, lea,
                                                                   push_service):
    browser = subscribed(lea, push_service)

    notification = send(lea, organisation)

    [request] = push_service.requests
    assert request["headers"]["content-encoding"] == "aes128gcm"
    assert b"Bravo" not in request["body"]
    assert browser.decrypt(request["body"]) == {
        "title": "Bravo !",
        "body": "Bonjour Léa,\n\nQuiz réussi à 85 %",
        "url": tracking.go_url(notification),
        "tag": notification.token.hex,
    }
    assert request["headers"]["topic"] == notification.token.hex
    assert int(request["headers"]["ttl"]) > 0
    delivery = notification.deliveries.get(channel="push")
    assert (delivery.status, delivery.provider_reference) == ("sent", "1 device(s)")
    assert PushSubscription.objects.get().last_success_at is not None


def test_the_vapid_signature_verifies_with_the_servers_public_key(organisation, lea,
                                                                  push_service):
    subscribed(lea, push_service)

    send(lea, organisation)

    authorization = push_service.requests[0]["headers"]["authorization"]
    assert authorization.startswith("vapid t=")
    assert Vapid02.verify(authorization)
    parts = dict(part.split("=", 1) for part in authorization.split(" ", 1)[1].split(","))
    assert parts["k"] == vapid_public_key()
    claims_part = parts["t"].split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(claims_part + "=" * (-len(claims_part) % 4)))
    assert claims["aud"] == push_service.origin
    assert claims["sub"] == "mailto:ops@cap-avenir.example"
    assert claims["exp"] > datetime.now(UTC).timestamp()


def test_every_device_of_the_person_gets_it(organisation, lea, push_service):
    phone, laptop = subscribed(lea, push_service, "phone"), subscribed(lea, push_service, "pc")

    send(lea, organisation)

    bodies = {r["path"]: r["body"] for r in push_service.requests}
    assert phone.decrypt(bodies["/push/phone"])["title"] == "Bravo !"
    assert laptop.decrypt(bodies["/push/pc"])["title"] == "Bravo !"


@pytest.mark.parametrize("status", [404, 410])
def test_a_subscription_the_push_service_forgot_is_disabled(organisation, lea, push_service,
                                                            status):
    subscribed(lea, push_service)
    push_service.answers["/push/phone"] = status

    notification = send(lea, organisation)

    subscription = PushSubscription.objects.get()
    assert subscription.disabled_at is not None
    assert str(status) in subscription.disabled_reason
    assert notification.deliveries.get(channel="push").status == DeliveryStatus.DEAD
    send(lea, organisation, key="k2")
    assert len(push_service.requests) == 1  # nothing more goes to a forgotten endpoint


def test_one_forgotten_device_does_not_stop_the_others(organisation, lea, push_service):
    subscribed(lea, push_service, "old")
    subscribed(lea, push_service, "new")
    push_service.answers["/push/old"] = 410

    notification = send(lea, organisation)

    assert notification.deliveries.get(channel="push").status == DeliveryStatus.SENT
    assert PushSubscription.objects.filter(disabled_at__isnull=True).count() == 1


@pytest.mark.parametrize("status", [429, 503])
def test_a_busy_push_service_is_retried_later(organisation, lea, push_service, status):
    subscribed(lea, push_service)
    push_service.answers["/push/phone"] = status

    notification = send(lea, organisation)

    delivery = notification.deliveries.get(channel="push")
    assert delivery.status == DeliveryStatus.FAILED
    assert PushSubscription.objects.get().disabled_at is None


def test_a_worker_killed_after_pushing_leaves_one_notification_on_the_device(
        organisation, lea, push_service, monkeypatch):
    subscribed(lea, push_service)
    notification = notify(lea, "organisation_message", organisation=organisation, key="k1",
                          variables={"title": "t", "text": "t"}, deliver_after=NOW)
    dispatch_due(now=NOW)

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # the process dies before recording

    monkeypatch.setattr(dispatch, "_record_sent", killed)
    with pytest.raises(KeyboardInterrupt):
        deliver_pending(now=NOW)
    monkeypatch.undo()
    monkeypatch.setattr(push, "INSECURE_HOSTS_ALLOWED", frozenset({"127.0.0.1"}))
    deliver_pending(now=NOW + LEASE + timedelta(seconds=1))

    assert len(push_service.requests) == 2
    assert {r["headers"]["topic"] for r in push_service.requests} == {notification.token.hex}
    assert len(push_service.queued["/push/phone"]) == 1  # what reaches the phone
    assert notification.deliveries.get(channel="push").status == DeliveryStatus.SENT


def test_the_key_pair_is_made_once_and_kept(settings, tmp_path):
    first = vapid_public_key()

    assert (tmp_path / "vapid" / "private.pem").exists()
    push._keys.clear()  # another process starting
    assert vapid_public_key() == first
    assert len(base64.urlsafe_b64decode(first + "==")) == 65


def test_keys_from_the_settings_win(settings):
    pair = Vapid02()
    pair.generate_keys()
    raw = pair.private_key.private_numbers().private_value.to_bytes(32, "big")
    settings.VAPID_PRIVATE_KEY = b64url(raw)

    assert vapid_public_key() == b64url(pair.public_key.public_bytes(
        Encoding.X962, PublicFormat.UncompressedPoint))


def test_subscribing_again_renews_the_keys_and_turns_it_back_on(lea, push_service):
    subscribed(lea, push_service)
    PushSubscription.objects.update(disabled_at=NOW, disabled_reason="410")

    browser = subscribed(lea, push_service)

    subscription = PushSubscription.objects.get()
    assert (subscription.p256dh, subscription.disabled_at) == (browser.p256dh, None)


def test_a_browser_used_by_someone_else_now_pushes_to_them(organisation, lea, push_service):
    subscribed(lea, push_service)
    colleague = member(organisation, "learner")

    subscribed(colleague, push_service)

    assert PushSubscription.objects.get().user == colleague


@pytest.mark.parametrize("endpoint", [
    "http://push.example.com/abc",  # in clear
    "https://10.0.0.4/abc",  # our own network
    "https://localhost/abc",
    "not a url",
    "",
])
def test_endpoints_that_are_not_a_push_services_are_refused(lea, endpoint):
    browser = Browser()
    with pytest.raises(InvalidSubscription):
        subscribe_push(lea, endpoint=endpoint, p256dh=browser.p256dh,
                       auth=b64url(browser.auth))


@pytest.mark.parametrize(("p256dh", "auth"), [
    ("AAAA", b64url(os.urandom(16))),
    (Browser().p256dh, b64url(os.urandom(8))),
    (Browser().p256dh, "%%%"),
])
def test_keys_that_are_not_a_browsers_are_refused(lea, p256dh, auth):
    with pytest.raises(InvalidSubscription):
        subscribe_push(lea, endpoint="https://push.example.com/abc", p256dh=p256dh,
                       auth=auth)
    assert not PushSubscription.objects.exists()


def test_only_the_person_turns_off_their_device(organisation, lea, karim, push_service):
    subscribed(lea, push_service)
    subscription = PushSubscription.objects.get()

    with pytest.raises(NotAllowed):
        unsubscribe_push(subscription, by=karim)
    unsubscribe_push(subscription, by=lea)

    subscription.refresh_from_db()
    assert subscription.disabled_at is not None

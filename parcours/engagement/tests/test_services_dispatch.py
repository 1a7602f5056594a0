"""The dispatcher asks the policy, then the worker delivers: once, with retries, and the
failures that last end up where administrators see them."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.db import connection

from parcours.accounts.tests.factories import member
from parcours.core.errors import Conflict, NotAllowed
from parcours.core.models import LearningEvent, Verb
from parcours.engagement.channels.base import (
    AlreadySent,
    PermanentFailure,
    TemporaryFailure,
    idempotency_key,
    registry,
)
from parcours.engagement.models import (
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationStatus,
)
from parcours.engagement.services import dispatch
from parcours.engagement.services.dispatch import (
    LEASE,
    LocalDecision,
    deliver_pending,
    dispatch_due,
    retry_dead_deliveries,
    retry_delivery,
)
from parcours.engagement.services.outbox import notify
from parcours.engagement.tasks import dispatch_notifications

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


class WorkerKilled(BaseException):
    """The process dies: nothing catches it, like a SIGKILL between two statements."""


class CollapsingMailbox(BaseEmailBackend):
    """A fake mail provider that behaves like webmail inboxes do: a message whose
    Message-ID it already holds is accepted and dropped. Every hand-over is counted."""

    handed_over: list = []
    inbox: list = []

    def send_messages(self, messages):
        for message in messages:
            CollapsingMailbox.handed_over.append(message)
            held = {m.extra_headers["Message-ID"] for m in CollapsingMailbox.inbox}
            if message.extra_headers["Message-ID"] not in held:
                CollapsingMailbox.inbox.append(message)
        return len(messages)


@pytest.fixture
def decisions(monkeypatch):
    """The policy's answers, per idempotency key; send in the app and by email otherwise
    (the policy part has its own tests)."""
    answers = {}

    def decide(notification, *, now):
        answer = answers.get(notification.idempotency_key, LocalDecision(
            "send", channels=("in_app", "email")))
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(dispatch, "_policy", lambda: decide)
    return answers


@pytest.fixture
def mailbox(settings):
    settings.EMAIL_BACKEND = f"{__name__}.CollapsingMailbox"
    CollapsingMailbox.handed_over, CollapsingMailbox.inbox = [], []
    return CollapsingMailbox


def plan(person, organisation, key, *, deliver_after=NOW, kind="organisation_message",
         **options):
    return notify(person, kind, organisation=organisation, key=key,
                  variables={"title": f"Message {key}", "text": "Bonjour"},
                  deliver_after=deliver_after, url="/notifications/", **options)


def test_due_notifications_go_out_most_important_first(organisation, lea, decisions,
                                                       monkeypatch):
    plan(lea, organisation, "low")
    important = plan(lea, organisation, "high")
    Notification.objects.filter(pk=important.pk).update(priority=90)

    report = dispatch_due(now=NOW, limit=1)

    assert report.sent == 1
    assert Notification.objects.get(idempotency_key="high").status == "sent"
    assert Notification.objects.get(idempotency_key="low").status == "planned"


def test_a_notification_waits_until_it_is_due(organisation, lea, decisions):
    plan(lea, organisation, "later", deliver_after=NOW + timedelta(hours=1))

    assert dispatch_due(now=NOW).handled == 0
    assert Notification.objects.get().status == NotificationStatus.PLANNED


def test_sending_delivers_in_the_app_at_once_and_queues_the_email(organisation, lea,
                                                                  decisions):
    notification = plan(lea, organisation, "k1")

    report = dispatch_due(now=NOW)

    notification.refresh_from_db()
    assert (report.sent, notification.status, notification.sent_at) == (1, "sent", NOW)
    deliveries = {d.channel: d for d in notification.deliveries.all()}
    assert deliveries["in_app"].status == DeliveryStatus.SENT
    assert deliveries["email"].status == DeliveryStatus.PENDING
    event = LearningEvent.objects.get(verb=Verb.NOTIFIED)
    assert (event.actor, event.object_id) == (lea, str(notification.pk))
    assert event.context["kind"] == "organisation_message"
    assert {"campaign", "variant"} <= set(event.context)


def test_a_suppressed_notification_keeps_its_row_and_reason_and_sends_nothing(
        organisation, lea, decisions):
    decisions["k1"] = LocalDecision("suppress", reason="already_done")
    notification = plan(lea, organisation, "k1")

    assert dispatch_due(now=NOW).suppressed == 1

    notification.refresh_from_db()
    assert (notification.status, notification.suppressed_reason) == (
        "suppressed", "already_done")
    assert not notification.deliveries.exists()
    assert not LearningEvent.objects.filter(verb=Verb.NOTIFIED).exists()


def test_a_deferred_notification_waits_for_the_time_the_policy_gave(organisation, lea,
                                                                   decisions):
    tomorrow_at_six = NOW + timedelta(hours=20)
    decisions["k1"] = LocalDecision("defer", until=tomorrow_at_six)
    notification = plan(lea, organisation, "k1")

    assert dispatch_due(now=NOW).deferred == 1

    notification.refresh_from_db()
    assert (notification.status, notification.deliver_after) == ("planned", tomorrow_at_six)
    assert dispatch_due(now=NOW + timedelta(hours=1)).handled == 0


def test_push_is_skipped_for_a_person_without_a_device(organisation, lea, decisions):
    decisions["both"] = LocalDecision("send", channels=("in_app", "push"))
    decisions["push only"] = LocalDecision("send", channels=("push",))
    plan(lea, organisation, "both")
    plan(lea, organisation, "push only")

    dispatch_due(now=NOW)

    both = Notification.objects.get(idempotency_key="both")
    assert [d.channel for d in both.deliveries.all()] == ["in_app"]
    push_only = Notification.objects.get(idempotency_key="push only")
    assert (push_only.status, push_only.suppressed_reason) == ("suppressed", "no_channel")


def test_a_policy_failing_on_one_notification_does_not_hold_up_the_others(
        organisation, lea, decisions):
    decisions["poison"] = RuntimeError("bug in a still_relevant check")
    plan(lea, organisation, "poison")
    plan(lea, organisation, "fine")

    report = dispatch_due(now=NOW)

    assert (report.sent, report.failed_decisions) == (1, 1)
    poison = Notification.objects.get(idempotency_key="poison")
    assert poison.status == "planned" and poison.deliver_after > NOW


def test_a_database_error_in_the_policy_defers_that_one_and_sends_the_rest(
        organisation, lea, monkeypatch):
    def decide(notification, *, now):
        if notification.idempotency_key == "poison":
            with connection.cursor() as cursor:  # aborts the transaction on PostgreSQL
                cursor.execute("SELECT * FROM no_such_table")
        return LocalDecision("send", channels=("in_app",))

    monkeypatch.setattr(dispatch, "_policy", lambda: decide)
    plan(lea, organisation, "poison")
    plan(lea, organisation, "fine")

    report = dispatch_due(now=NOW)

    assert (report.sent, report.failed_decisions) == (1, 1)
    assert Notification.objects.get(idempotency_key="fine").status == "sent"
    assert Notification.objects.get(idempotency_key="poison").deliver_after > NOW


def test_without_the_policy_part_it_sends_in_the_app_and_by_email(monkeypatch):
    monkeypatch.setattr(dispatch, "optional_function", lambda *names: None)

    decision = dispatch._policy()(None, now=NOW)

    assert (decision.action, decision.channels) == ("send", ("in_app", "email"))


def test_the_worker_sends_the_email_once_with_a_stable_message_id(organisation, lea,
                                                                  decisions, mailbox):
    notification = plan(lea, organisation, "k1")
    dispatch_due(now=NOW)

    report = deliver_pending(now=NOW)

    assert report.sent == 1
    [message] = mailbox.inbox
    assert message.to == ["lea@example.org"]
    assert message.subject == "Message k1"
    delivery = notification.deliveries.get(channel="email")
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.provider_reference == message.extra_headers["Message-ID"]
    assert notification.token.hex in delivery.provider_reference
    assert deliver_pending(now=NOW + timedelta(hours=1)).sent == 0


def test_a_worker_killed_after_sending_and_before_recording_sends_no_duplicate(
        organisation, lea, decisions, mailbox, monkeypatch):
    notification = plan(lea, organisation, "k1")
    dispatch_due(now=NOW)
    real_record = dispatch._record_sent

    def die(*args, **kwargs):
        raise WorkerKilled()

    monkeypatch.setattr(dispatch, "_record_sent", die)
    with pytest.raises(WorkerKilled):
        deliver_pending(now=NOW)
    monkeypatch.setattr(dispatch, "_record_sent", real_record)
    delivery = notification.deliveries.get(channel="email")
    assert delivery.status == DeliveryStatus.SENDING  # the provider has it; we never wrote so

    # Another worker leaves it alone while the lease holds (the first may just be slow)…
    assert deliver_pending(now=NOW + LEASE - timedelta(seconds=1)).sent == 0
    # …then takes it over and sends it again under the same key.
    assert deliver_pending(now=NOW + LEASE + timedelta(seconds=1)).sent == 1

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)
    first, second = mailbox.handed_over
    assert first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"]
    assert len(mailbox.inbox) == 1  # what Léa sees


class FakeSmsGateway:
    """A provider with idempotency keys (as SMS and transactional email APIs have): it
    answers "already have it" for a key it accepted before."""

    name = "test_sms"
    in_transaction = False

    def __init__(self):
        self.accepted: dict[str, str] = {}

    def send(self, delivery):
        key = idempotency_key(delivery)
        if key in self.accepted:
            raise AlreadySent(self.accepted[key])
        self.accepted[key] = f"sms-{len(self.accepted) + 1}"
        return self.accepted[key]


@pytest.fixture
def sms(monkeypatch):
    gateway = FakeSmsGateway()
    monkeypatch.setitem(registry, gateway.name, gateway)
    return gateway


def test_a_provider_that_already_has_the_message_says_so_and_it_counts_as_sent(
        organisation, lea, decisions, sms, monkeypatch):
    decisions["k1"] = LocalDecision("send", channels=("test_sms",))
    notification = plan(lea, organisation, "k1")
    dispatch_due(now=NOW)
    monkeypatch.setattr(dispatch, "_record_sent",
                        lambda *a, **k: (_ for _ in ()).throw(WorkerKilled()))
    with pytest.raises(WorkerKilled):
        deliver_pending(now=NOW)
    monkeypatch.undo()
    monkeypatch.setitem(registry, sms.name, sms)

    deliver_pending(now=NOW + LEASE + timedelta(seconds=1))

    delivery = notification.deliveries.get()
    assert (delivery.status, delivery.provider_reference) == ("sent", "sms-1")
    assert len(sms.accepted) == 1


class FlakyChannel:
    name = "test_flaky"
    in_transaction = False

    def __init__(self, failure):
        self.failure = failure
        self.calls = 0

    def send(self, delivery):
        self.calls += 1
        raise self.failure


def _one_delivery_on(channel, decisions, organisation, person):
    decisions["k1"] = LocalDecision("send", channels=(channel.name,))
    notification = plan(person, organisation, "k1")
    dispatch_due(now=NOW)
    return notification.deliveries.get()


def test_a_temporary_failure_is_retried_with_backoff_then_dead(
        organisation, lea, decisions, monkeypatch, settings):
    settings.TASK_MAX_ATTEMPTS, settings.TASK_FIRST_RETRY_SECONDS = 3, 30
    flaky = FlakyChannel(TemporaryFailure("421 try again later"))
    monkeypatch.setitem(registry, flaky.name, flaky)
    delivery = _one_delivery_on(flaky, decisions, organisation, lea)

    deliver_pending(now=NOW)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert delivery.next_attempt_at == NOW + timedelta(seconds=30)
    assert delivery.last_error == "421 try again later"

    assert deliver_pending(now=NOW + timedelta(seconds=29)).retrying == 0
    deliver_pending(now=NOW + timedelta(seconds=30))
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == NOW + timedelta(seconds=30 + 60)

    deliver_pending(now=NOW + timedelta(seconds=90))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, flaky.calls) == ("dead", 3, 3)


def test_a_permanent_failure_is_dead_at_once(organisation, lea, decisions, monkeypatch):
    refused = FlakyChannel(PermanentFailure("550 no such mailbox"))
    monkeypatch.setitem(registry, refused.name, refused)
    delivery = _one_delivery_on(refused, decisions, organisation, lea)

    assert deliver_pending(now=NOW).dead == 1

    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == ("dead", "550 no such mailbox")


def test_an_unexpected_error_is_retried_not_lost(organisation, lea, decisions, monkeypatch):
    broken = FlakyChannel(ZeroDivisionError("oops"))
    monkeypatch.setitem(registry, broken.name, broken)
    delivery = _one_delivery_on(broken, decisions, organisation, lea)

    deliver_pending(now=NOW)

    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert "ZeroDivisionError" in delivery.last_error


def test_a_trigger_evaluated_twice_sends_one_email(organisation, lea, decisions, mailbox):
    plan(lea, organisation, "step_due:7:2026-11-28")
    plan(lea, organisation, "step_due:7:2026-11-28")

    dispatch_due(now=NOW)
    deliver_pending(now=NOW)

    assert len(mailbox.handed_over) == 1


@pytest.fixture
def dead_email(organisation, lea, decisions, monkeypatch):
    refused = FlakyChannel(PermanentFailure("550"))
    monkeypatch.setitem(registry, refused.name, refused)
    delivery = _one_delivery_on(refused, decisions, organisation, lea)
    deliver_pending(now=NOW)
    return delivery


def test_an_administrator_puts_a_dead_delivery_back_in_the_queue(organisation, dead_email):
    admin = member(organisation, "admin")

    retried = retry_delivery(dead_email, by=admin)

    assert (retried.status, retried.attempts) == ("pending", 0)
    with pytest.raises(Conflict):
        retry_delivery(dead_email, by=admin)


def test_a_manager_cannot_retry_deliveries(organisation, sophie, dead_email):
    with pytest.raises(NotAllowed):
        retry_delivery(dead_email, by=sophie)
    with pytest.raises(NotAllowed):
        retry_dead_deliveries(organisation, by=sophie)
    dead_email.refresh_from_db()
    assert dead_email.status == "dead"


def test_retry_all_only_touches_the_administrators_organisation(
        organisation, other_organisation, dead_email, decisions, monkeypatch):
    admin = member(organisation, "admin")
    elsewhere = member(other_organisation, "learner")
    refused = registry["test_flaky"]
    decisions["k2"] = LocalDecision("send", channels=(refused.name,))
    plan(elsewhere, other_organisation, "k2")
    dispatch_due(now=NOW)
    deliver_pending(now=NOW)

    assert retry_dead_deliveries(organisation, by=admin) == 1

    assert Delivery.objects.filter(status="dead").get().notification.recipient == elsewhere


def test_the_fake_mailbox_is_the_one_in_use(mailbox, organisation, lea, decisions):
    # Guards the tests above: Django's test mail outbox must not be the one receiving.
    plan(lea, organisation, "k1")
    dispatch_due(now=NOW)
    deliver_pending(now=NOW)
    assert len(mailbox.inbox) == 1 and mail.outbox == []


def test_the_worker_command_sends_what_is_due_in_one_round(organisation, lea, decisions,
                                                           mailbox):
    plan(lea, organisation, "k1", deliver_after=None)
    out = StringIO()

    call_command("dispatch_notifications", "--once", stdout=out)

    assert "sent 1" in out.getvalue() and "delivered 1" in out.getvalue()
    assert len(mailbox.inbox) == 1


def test_the_dispatch_task_does_the_same_through_the_queue(organisation, lea, decisions,
                                                           mailbox, run_tasks):
    plan(lea, organisation, "k1", deliver_after=None)

    dispatch_notifications.enqueue()
    run_tasks()

    assert Notification.objects.get().status == "sent"
    assert len(mailbox.inbox) == 1


def test_with_the_real_policy_a_message_reaches_the_bell_and_an_opt_out_stops_the_next(
        organisation, lea):
    from parcours.engagement.services.preferences import opt_out

    ten_in_paris = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)  # outside quiet hours
    first = plan(lea, organisation, "k1", deliver_after=ten_in_paris)
    dispatch_due(now=ten_in_paris)
    opt_out(lea, "campaigns", by=lea)
    second = plan(lea, organisation, "k2", deliver_after=ten_in_paris)
    dispatch_due(now=ten_in_paris)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "sent"
    assert first.deliveries.filter(channel="in_app", status="sent").exists()
    assert (second.status, second.suppressed_reason) == ("suppressed", "opted_out")


def test_the_worker_loop_stops_between_rounds_when_asked(organisation, lea, decisions,
                                                         mailbox, monkeypatch):
    from parcours.engagement.management.commands import dispatch_notifications as worker

    plan(lea, organisation, "k1", deliver_after=None)
    monkeypatch.setattr(worker.signal, "signal", lambda *args: None)
    # SIGTERM arrives while the idle worker waits.
    monkeypatch.setattr(worker.Command, "_sleep",
                        lambda self, seconds: setattr(self, "stopping", True))

    call_command("dispatch_notifications", "--interval", "0.1", stdout=StringIO())

    assert len(mailbox.inbox) == 1


def test_the_worker_refuses_a_limit_below_one():
    with pytest.raises(CommandError):
        call_command("dispatch_notifications", "--once", "--limit", "0")

"""Email: the person's language, a one-click way out, tracked links, honest failures,
and the digest that groups what can wait."""

import smtplib
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.utils import timezone

from parcours.accounts.tests.factories import member
from parcours.engagement import tracking
from parcours.engagement.channels.base import PermanentFailure, TemporaryFailure
from parcours.engagement.channels.digest import send_digests
from parcours.engagement.channels.email import send_email
from parcours.engagement.models import DeliveryStatus, NotificationSchedule
from parcours.engagement.services import dispatch
from parcours.engagement.services.dispatch import LocalDecision, deliver_pending, dispatch_due
from parcours.engagement.services.outbox import notify

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


@pytest.fixture
def channels_chosen(monkeypatch):
    """Which channels the policy picks, for every notification of the test."""
    chosen = {"channels": ("in_app", "email")}
    monkeypatch.setattr(dispatch, "_policy", lambda: lambda n, *, now: LocalDecision(
        "send", channels=chosen["channels"]))
    return chosen


def send_to(person, organisation, *, key="k1", title="Votre étape", text="Bonjour",
            url="/paths/3/", when=NOW):
    notification = notify(person, "organisation_message", organisation=organisation, key=key,
                          variables={"title": title, "text": text}, url=url,
                          deliver_after=when)
    dispatch_due(now=when)
    deliver_pending(now=when)
    return notification


def test_the_email_has_html_and_text_in_the_recipients_language(organisation, lea,
                                                                channels_chosen):
    send_to(lea, organisation, text="Votre quiz <b>est</b> corrigé & noté")

    [message] = mail.outbox
    html, _type = message.alternatives[0]
    assert '<html lang="fr">' in html
    assert "Votre quiz &lt;b&gt;est&lt;/b&gt; corrigé &amp; noté" in html
    assert message.body.startswith("Bonjour Léa,\n\nVotre quiz <b>est</b> corrigé & noté")
    assert message.subject == "Votre étape"


def test_the_email_offers_one_click_unsubscribe_for_its_category(organisation, lea,
                                                                 channels_chosen):
    send_to(lea, organisation)

    [message] = mail.outbox
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    signed = link.rstrip("/").rsplit("/", 1)[-1]
    assert tracking.read_unsubscribe_token(signed) == (lea, "campaigns", organisation)
    assert link in message.body


def test_links_go_through_tracking_and_a_pixel_records_the_opening(organisation, lea,
                                                                   channels_chosen):
    notification = send_to(lea, organisation)

    [message] = mail.outbox
    html, _type = message.alternatives[0]
    assert tracking.go_url(notification) in html
    assert tracking.go_url(notification) in message.body
    assert f'src="{tracking.open_url(notification)}"' in html
    assert "/paths/3/" not in html  # never the bare address: the click would not count


def test_a_message_without_a_link_has_no_button(organisation, lea, channels_chosen):
    send_to(lea, organisation, url="")

    html, _type = mail.outbox[0].alternatives[0]
    assert "/go" not in html


class RefusingServer(BaseEmailBackend):
    error: Exception

    def send_messages(self, messages):
        raise RefusingServer.error


@pytest.mark.parametrize(("error", "failure"), [
    (smtplib.SMTPRecipientsRefused({"lea@example.org": (550, b"no such user")}),
     PermanentFailure),
    (smtplib.SMTPRecipientsRefused({"lea@example.org": (452, b"mailbox full")}),
     TemporaryFailure),
    (smtplib.SMTPDataError(554, b"rejected as spam"), PermanentFailure),
    (smtplib.SMTPSenderRefused(451, b"try later", "noreply@parcours"), TemporaryFailure),
    (smtplib.SMTPServerDisconnected("gone"), TemporaryFailure),
    (ConnectionRefusedError(111, "refused"), TemporaryFailure),
])
def test_mail_server_answers_become_temporary_or_permanent_failures(settings, error, failure):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingServer"
    RefusingServer.error = error

    with pytest.raises(failure):
        send_email(mail.EmailMessage("s", "b", to=["lea@example.org"]))


def test_a_refused_address_ends_among_the_dead_letters(organisation, lea, channels_chosen,
                                                       settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingServer"
    RefusingServer.error = smtplib.SMTPRecipientsRefused({"lea@example.org": (550, b"no")})

    notification = send_to(lea, organisation)

    delivery = notification.deliveries.get(channel="email")
    assert delivery.status == DeliveryStatus.DEAD
    assert "550" in delivery.last_error


def test_the_daily_digest_groups_what_was_held_into_one_email(organisation, lea,
                                                              channels_chosen):
    channels_chosen["channels"] = ("in_app", "digest")
    first = send_to(lea, organisation, key="a", title="Nouveau module", url="/m/1/")
    send_to(lea, organisation, key="b", title="Une suggestion", url="")
    assert mail.outbox == []

    report = send_digests("daily", now=NOW + timedelta(hours=8))

    assert (report.people, report.items) == (1, 2)
    [digest] = mail.outbox
    assert digest.to == ["lea@example.org"]
    assert "Nouveau module" in digest.body and "Une suggestion" in digest.body
    assert tracking.go_url(first) in digest.body
    assert "novembre" in digest.body  # dates in Léa's language
    assert first.deliveries.get(channel="digest").status == DeliveryStatus.SENT
    assert send_digests("daily", now=NOW + timedelta(days=1)).people == 0


def test_people_who_chose_a_weekly_digest_wait_for_the_weekly_one(organisation, lea,
                                                                  channels_chosen):
    channels_chosen["channels"] = ("digest",)
    NotificationSchedule.objects.create(user=lea, digest="weekly")
    karim = member(organisation, "learner", email="k@example.org")
    send_to(lea, organisation, key="lea")
    send_to(karim, organisation, key="karim")

    assert send_digests("daily", now=NOW).people == 1
    assert mail.outbox[0].to == ["k@example.org"]
    assert send_digests("weekly", now=NOW).people == 1
    assert mail.outbox[1].to == ["lea@example.org"]


def test_a_digest_that_fails_is_kept_for_the_next_one(organisation, lea, channels_chosen,
                                                      settings):
    channels_chosen["channels"] = ("digest",)
    send_to(lea, organisation)
    settings.EMAIL_BACKEND = f"{__name__}.RefusingServer"
    RefusingServer.error = smtplib.SMTPServerDisconnected("down")

    assert send_digests("daily", now=NOW).failed == 1

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_digests("daily", now=NOW + timedelta(days=1)).items == 1
    assert len(mail.outbox) == 1


def test_the_digest_command_sends_the_weekly_ones(organisation, lea, channels_chosen):
    channels_chosen["channels"] = ("digest",)
    NotificationSchedule.objects.create(user=lea, digest="weekly")
    send_to(lea, organisation, when=timezone.now())
    out = StringIO()

    call_command("send_digests", "--frequency", "weekly", stdout=out)

    assert out.getvalue().startswith("1 digests sent (1 messages)")
    assert len(mail.outbox) == 1

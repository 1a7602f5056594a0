"""Email: HTML and text in the recipient's language, with one-click unsubscribe.

Each message carries a `List-Unsubscribe` header with the signed link for its category
and `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058), so mail clients can
unsubscribe without opening anything; its links go through the click-through and a
1×1 pixel records opens. Its `Message-ID` is derived from the notification's token: the
same on every attempt (see `services.dispatch` for what that guarantees over SMTP).
"""

import smtplib
import threading
from contextlib import contextmanager, suppress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from parcours.classroom.ical import speaking_to
from parcours.engagement import tracking
from parcours.engagement.channels.base import (
    PermanentFailure,
    TemporaryFailure,
    idempotency_key,
    register_channel,
)
from parcours.engagement.models import Channel


def message_id(key: str) -> str:
    return f"<{key}@{urlsplit(settings.SITE_URL).hostname or 'parcours.localhost'}>"


def preferences_url() -> str:
    try:
        return settings.SITE_URL + reverse("engagement:preferences")
    except NoReverseMatch:
        return settings.SITE_URL + "/"


def send_email(message: EmailMultiAlternatives, connection=None) -> None:
    """Hand the message to the mail server, turning its refusals into our failures."""
    message.connection = connection
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as refused:
        codes = [code for code, _text in refused.recipients.values()]
        failure = PermanentFailure if codes and all(c >= 500 for c in codes) else (
            TemporaryFailure)
        raise failure(f"Recipient refused: {refused.recipients}") from refused
    except smtplib.SMTPResponseException as answer:
        failure = PermanentFailure if answer.smtp_code >= 500 else TemporaryFailure
        raise failure(f"SMTP {answer.smtp_code}: {answer.smtp_error!r}") from answer
    except (smtplib.SMTPException, OSError) as trouble:
        raise TemporaryFailure(f"{type(trouble).__name__}: {trouble}") from trouble


class EmailChannel:
    name = Channel.EMAIL
    in_transaction = False

    def __init__(self):
        self._local = threading.local()

    @contextmanager
    def opened(self):
        """One SMTP connection for a batch of deliveries."""
        connection = get_connection()
        try:
            connection.open()
        except (smtplib.SMTPException, OSError):
            connection = None  # each send will try, and fail temporarily, on its own
        self._local.connection = connection
        try:
            yield
        finally:
            self._local.connection = None
            if connection is not None:
                with suppress(smtplib.SMTPException, OSError):
                    connection.close()

    def send(self, delivery) -> str:
        notification = delivery.notification
        key = idempotency_key(delivery)
        message = build_message(notification, message_key=key)
        send_email(message, getattr(self._local, "connection", None))
        return message.extra_headers["Message-ID"]


def build_message(notification, *, message_key: str) -> EmailMultiAlternatives:
    recipient = notification.recipient
    unsubscribe = tracking.unsubscribe_url(recipient, notification.category,
                                           notification.organisation)
    with speaking_to(recipient):
        context = {
            "notification": notification,
            "person": recipient,
            "organisation": notification.organisation,
            "category_label": notification.get_category_display(),
            "link": tracking.go_url(notification) if notification.url else "",
            "pixel": tracking.open_url(notification),
            "unsubscribe_url": unsubscribe,
            "preferences_url": preferences_url(),
        }
        text = render_to_string("engagement/email/notification.txt", context)
        html = render_to_string("engagement/email/notification.html", context)
    message = EmailMultiAlternatives(
        subject=notification.subject, body=text, to=[recipient.email],
        headers={
            "Message-ID": message_id(message_key),
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        })
    message.attach_alternative(html, "text/html")
    return message


register_channel(EmailChannel())

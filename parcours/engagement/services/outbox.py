"""Writing to the outbox: every message the engine sends starts here.

`notify` is called by producers (triggers, campaigns, other apps) inside the
transaction of what caused the message, so the cause and its notification land or fail
together. The row is planned; the dispatcher (`services.dispatch`) later asks the policy
whether, when and on which channels it goes out.
"""

import functools
import importlib
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import router
from django.template import Context, Template, TemplateSyntaxError
from django.utils import timezone

from parcours.classroom.ical import speaking_to
from parcours.engagement.kinds import Kind, kind
from parcours.engagement.models import Notification, NotificationStatus

logger = logging.getLogger(__name__)

SUBJECT_MAX = Notification._meta.get_field("subject").max_length
KEY_MAX = Notification._meta.get_field("idempotency_key").max_length
BATCH_SIZE = 1000


@dataclass
class Planned:
    """One row for `notify_many`: the arguments of `notify`, as a value."""

    recipient: Any
    kind_name: str
    organisation: Any
    key: str
    variables: Mapping[str, Any] | None = None
    url: str = ""
    context: Mapping[str, Any] | None = None
    deliver_after: datetime | None = None
    campaign: Any = None
    variant: Any = None
    subject: str | None = None
    body: str | None = None


def notify(recipient, kind_name: str, *, organisation, key: str,
           variables: Mapping[str, Any] | None = None, url: str = "",
           context: Mapping[str, Any] | None = None, deliver_after: datetime | None = None,
           campaign=None, variant=None, subject: str | None = None,
           body: str | None = None) -> Notification | None:
    """Plan one message for one person; None when a message with this key exists.

    `key` is the idempotency key the producer builds from what makes the message unique
    (`f"reward_quiz:{attempt_id}"`): a trigger evaluated twice plans one message. The
    text is rendered now, in the recipient's language and time zone, from the
    organisation's template for the kind, else the kind's default; `subject`/`body`
    override both (a campaign's variant).
    """
    row = _row(Planned(recipient, kind_name, organisation, key, variables, url, context,
                       deliver_after, campaign, variant, subject, body))
    written = _insert_ignoring_duplicates([row])
    if not written:
        return None
    return row


def notify_many(rows: Iterable[Planned], *, batch_size: int = BATCH_SIZE) -> int:
    """Plan many messages at once (a campaign): one INSERT per `batch_size` rows, rows
    whose key already exists skipped. Returns how many were written.

    Each `Planned` holds the same arguments as `notify`. Pass recipients loaded with
    their `locale` and `time_zone`, and reuse the same template strings: compiled
    templates are cached, so a million rows cost one compilation per text and language.
    """
    written = 0
    batch: list[Notification] = []
    for planned in rows:
        batch.append(_row(planned))
        if len(batch) >= batch_size:
            written += _insert_ignoring_duplicates(batch)
            batch = []
    if batch:
        written += _insert_ignoring_duplicates(batch)
    return written


def render_message(recipient, kind_name: str, *, organisation,
                   variables: Mapping[str, Any] | None = None, subject: str | None = None,
                   body: str | None = None) -> tuple[str, str]:
    """Subject and body as the recipient will read them (also the preview of a template)."""
    message_kind = kind(kind_name)
    with speaking_to(recipient):
        language = recipient.locale
        sources = _sources(message_kind, organisation, language, subject, body)
        values = {"first_name": _first_name(recipient), **(variables or {})}
        rendered_subject = " ".join(_render(sources[0], values).split())
        rendered_body = _render(sources[1], values).strip()
    return rendered_subject[:SUBJECT_MAX], rendered_body


def _row(planned: Planned) -> Notification:
    message_kind = kind(planned.kind_name)
    if not planned.key or len(planned.key) > KEY_MAX:
        raise ValueError(f"An idempotency key is 1 to {KEY_MAX} characters: {planned.key!r}")
    subject, body = render_message(
        planned.recipient, planned.kind_name, organisation=planned.organisation,
        variables=planned.variables, subject=planned.subject, body=planned.body)
    return Notification(
        organisation=planned.organisation,
        recipient=planned.recipient,
        kind=message_kind.name,
        category=message_kind.category,
        nudge=message_kind.nudge,
        urgent=message_kind.urgent,
        priority=message_kind.priority,
        idempotency_key=planned.key,
        subject=subject,
        body=body,
        url=planned.url,
        context=dict(planned.context or {}),
        status=NotificationStatus.PLANNED,
        deliver_after=planned.deliver_after or timezone.now(),
        campaign=planned.campaign,
        variant=planned.variant,
    )


def _insert_ignoring_duplicates(rows: list[Notification]) -> int:
    """INSERT … ON CONFLICT DO NOTHING, then find out which rows are ours.

    `ignore_conflicts` never raises an IntegrityError (which would break the caller's
    transaction on PostgreSQL) and, on PostgreSQL, waits for a concurrent transaction
    holding the same key, then skips. It does not return primary keys, so the rows are
    read back by their token: a token we generated that is in the table is a row we
    wrote; a duplicate key left the other row (with its own token) in place.
    """
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    by_token = {row.token: row for row in rows}
    written = 0
    for pk, token in Notification.objects.filter(token__in=list(by_token)).values_list(
            "pk", "token"):
        row = by_token[token]
        row.pk = pk
        row._state.adding = False
        row._state.db = router.db_for_write(Notification)
        written += 1
    return written


def _sources(message_kind: Kind, organisation, language: str, subject: str | None,
             body: str | None) -> tuple[str, str]:
    """The template strings to render: the override, the organisation's own, the kind's."""
    if subject is not None and body is not None:
        return subject, body
    own = _organisation_template(organisation, message_kind.name, language)
    default_subject, default_body = own or (str(message_kind.subject), str(message_kind.body))
    return (subject if subject is not None else default_subject,
            body if body is not None else default_body)


def _organisation_template(organisation, kind_name: str, language: str):
    lookup = optional_function("parcours.engagement.services.triggers", "message_template_for")
    if lookup is None:
        return None
    return lookup(organisation, kind_name, language)


def optional_function(module_name: str, function_name: str):
    """A function of another part of the engine, or None while it does not exist yet.

    Only the absence of that very module or function is tolerated: an import error
    inside the module is a bug and is raised.
    """
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as missing:
        if missing.name == module_name:
            return None
        raise
    return getattr(module, function_name, None)


def _render(source: str, values: Mapping[str, Any]) -> str:
    try:
        template = _compiled(source)
    except TemplateSyntaxError:
        # An organisation's template is checked when it is saved; one that still fails
        # here must not stop the message (nor the caller's transaction): say so, send
        # the text as written.
        logger.warning("Template does not compile, sent as written: %r", source[:80])
        return source
    # Subjects and bodies are stored as plain text; each channel escapes them itself.
    return template.render(Context(values, autoescape=False))


@functools.lru_cache(maxsize=512)
def _compiled(source: str) -> Template:
    return Template(source)


def _first_name(user) -> str:
    name = (user.display_name or "").strip()
    return name.split()[0] if name else user.email.split("@")[0]

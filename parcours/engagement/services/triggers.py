"""Per organisation settings of the triggers, the organisation's own message texts, and
the run of the time-based triggers."""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.template import Context, Template, TemplateSyntaxError
from django.template.base import Lexer, TokenType
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import Organisation, User
from parcours.accounts.selectors import require_permission
from parcours.core.errors import DomainError
from parcours.core.roles import Permission
from parcours.engagement.kinds import kind as kind_named
from parcours.engagement.models import MessageTemplate, TriggerSetting
from parcours.engagement.triggers.base import TRIGGERS, Trigger, trigger

LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)


class TemplateInvalid(DomainError):
    default_message = _("This text is not a valid template.")


class LanguageUnknown(DomainError):
    default_message = _("Choose one of the languages of the platform.")


class KindNotOfTrigger(DomainError):
    status_code = 404
    default_message = _("This trigger sends no such message.")


def triggers_in_order() -> list[Trigger]:
    return sorted(TRIGGERS.values(), key=lambda spec: spec.name)


@transaction.atomic
def configure_trigger(organisation: Organisation, name: str, *, by: User,
                      enabled: bool | None = None,
                      params: Mapping[str, Any] | None = None) -> TriggerSetting:
    """Switch a trigger on or off for the organisation and set its parameters (each
    checked against the trigger's; those not given keep their value)."""
    require_permission(by, organisation, Permission.MANAGE_NUDGES)
    spec = trigger(name)
    cleaned = spec.clean_params(params or {})
    setting, _created = (TriggerSetting.objects.select_for_update()
                         .get_or_create(organisation=organisation, trigger=name))
    if enabled is not None:
        setting.enabled = bool(enabled)
    merged = {**setting.params, **cleaned}
    if spec.check is not None:
        spec.check({**spec.defaults(), **merged})
    # Only what differs from the defaults is kept: a later change of a default reaches
    # the organisations that never chose otherwise.
    setting.params = {key: value for key, value in merged.items()
                      if value != spec.defaults().get(key)}
    setting.save()
    return setting


def check_template(source: str, *, sample: Mapping[str, Any] | None = None) -> str:
    """The text rendered with sample values, or TemplateInvalid saying what is wrong
    (an unclosed `{{`, an unknown tag or filter)."""
    # Django reads an unclosed `{{ name` as plain text: the learner would get it as is.
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.TEXT and any(
                mark in token.contents for mark in ("{{", "}}", "{%", "%}")):
            raise TemplateInvalid(gettext(
                "A variable or a tag is not closed: write each variable as {{ name }}."))
    try:
        template = Template(source)
    except TemplateSyntaxError as error:
        raise TemplateInvalid(
            gettext("This text is not a valid template: %(error)s") % {"error": error}
        ) from error
    try:
        return template.render(Context(dict(sample or {}), autoescape=False))
    except Exception as error:  # a filter that fails on the sample values
        raise TemplateInvalid(
            gettext("This text cannot be rendered: %(error)s") % {"error": error}
        ) from error


def _kind_of(spec: Trigger, kind_name: str) -> str:
    if kind_name not in spec.kinds:
        raise KindNotOfTrigger()
    return kind_name


@transaction.atomic
def set_message_template(organisation: Organisation, kind_name: str, *, by: User,
                         language: str, subject: str, body: str) -> MessageTemplate | None:
    """The organisation's own subject and body for one kind in one language; both empty
    go back to the default text (returns None). The template syntax is checked first."""
    require_permission(by, organisation, Permission.MANAGE_NUDGES)
    kind_named(kind_name)
    if language not in LANGUAGES:
        raise LanguageUnknown()
    subject, body = (subject or "").strip(), (body or "").strip()
    existing = MessageTemplate.objects.select_for_update().filter(
        organisation=organisation, kind=kind_name, language=language)
    if not subject and not body:
        existing.delete()
        return None
    if not subject or not body:
        raise TemplateInvalid(_("Write both the subject and the body, or leave both empty "
                                "to use the default text."))
    sample = sample_variables(kind_name)
    check_template(subject, sample=sample)
    check_template(body, sample=sample)
    template, _created = MessageTemplate.objects.update_or_create(
        organisation=organisation, kind=kind_name, language=language,
        defaults={"subject": subject, "body": body, "updated_by": by})
    return template


# During a scan, the same few texts are looked up for thousands of messages: one query
# per (organisation, kind, language) and scan is enough (`templates_cached`).
_template_cache: ContextVar[dict | None] = ContextVar("engagement_templates", default=None)


@contextmanager
def templates_cached() -> Iterator[None]:
    """Within the block, each organisation's text is read once (a scan's duration: a
    text saved meanwhile is used from the next scan on)."""
    token = _template_cache.set({})
    try:
        yield
    finally:
        _template_cache.reset(token)


def message_template_for(organisation: Organisation, kind_name: str,
                         language: str) -> tuple[str, str] | None:
    """The organisation's (subject, body) for the kind in the language, or None to use
    the kind's default. Read by the outbox for every message it writes."""
    if organisation is None:
        return None
    cache = _template_cache.get()
    key = (organisation.pk, kind_name, language)
    if cache is not None and key in cache:
        return cache[key]
    row = (MessageTemplate.objects
           .filter(organisation=organisation, kind=kind_name, language=language)
           .values_list("subject", "body").first())
    found = tuple(row) if row else None
    if cache is not None:
        cache[key] = found
    return found


def sample_variables(kind_name: str) -> dict[str, Any]:
    """Example values for the kind's variables (the preview, and the syntax check)."""
    for spec in TRIGGERS.values():
        if kind_name in spec.samples:
            return dict(spec.samples[kind_name])
    return {"first_name": "Léa"}


def preview(kind_name: str, *, subject: str, body: str) -> tuple[str, str]:
    """The subject and body rendered with sample values; TemplateInvalid when broken."""
    sample = sample_variables(kind_name)
    return (" ".join(check_template(subject, sample=sample).split()),
            check_template(body, sample=sample).strip())


def run_triggers(*, now: datetime | None = None,
                 only: list[str] | None = None) -> dict[str, int]:
    """Scan every time-based trigger (or `only` those): how many notifications each
    wrote. Safe to run as often as wanted: the idempotency keys make a second run write
    nothing new. Each trigger runs in its own transaction, so one that fails does not
    undo the others' work."""
    now = now or timezone.now()
    written = {}
    for spec in triggers_in_order():
        if spec.scan is None or (only and spec.name not in only):
            continue
        with transaction.atomic(), templates_cached():
            written[spec.name] = spec.scan(now)
    return written


@dataclass(frozen=True)
class TriggerRow:
    """One trigger as an organisation runs it (the list page and the API)."""

    trigger: Trigger
    enabled: bool
    params: dict[str, Any]
    own_templates: tuple[tuple[str, str], ...]  # (kind, language) the organisation wrote

    @property
    def name(self) -> str:
        return self.trigger.name


def trigger_overview(organisation: Organisation, *, viewer: User) -> list[TriggerRow]:
    """Every trigger with the organisation's settings over the defaults; two queries."""
    require_permission(viewer, organisation, Permission.MANAGE_NUDGES)
    settings_rows = {row.trigger: row
                     for row in TriggerSetting.objects.filter(organisation=organisation)}
    own = list(MessageTemplate.objects.filter(organisation=organisation)
               .values_list("kind", "language"))
    rows = []
    for spec in triggers_in_order():
        setting = settings_rows.get(spec.name)
        rows.append(TriggerRow(
            trigger=spec, enabled=setting.enabled if setting else True,
            params={**spec.defaults(), **(setting.params if setting else {})},
            own_templates=tuple(pair for pair in own if pair[0] in spec.kinds)))
    return rows


def trigger_row(organisation: Organisation, name: str, *, viewer: User) -> TriggerRow:
    """One trigger as the organisation runs it; 404 for a name that is no trigger."""
    if name not in TRIGGERS:
        raise Http404
    return next(row for row in trigger_overview(organisation, viewer=viewer)
                if row.name == name)


def template_texts(organisation: Organisation, kind_name: str, language: str, *,
                   viewer: User) -> tuple[str, str, bool]:
    """(subject, body, is_own) to edit: the organisation's text, else the default one
    in that language."""
    require_permission(viewer, organisation, Permission.MANAGE_NUDGES)
    if language not in LANGUAGES:
        raise LanguageUnknown()
    own = message_template_for(organisation, kind_name, language)
    if own is not None:
        return own[0], own[1], True
    message_kind = kind_named(kind_name)
    with translation.override(language):
        return str(message_kind.subject), str(message_kind.body), False

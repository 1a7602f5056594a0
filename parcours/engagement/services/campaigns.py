"""Segments and campaigns: composing, launching, planning, cancelling.

Planning writes the outbox in bulk with one `INSERT … SELECT` per run, not through
`outbox.notify_many`: that renders each row in Python, which costs minutes for a million
learners, while the target is under 60 s on PostgreSQL. The rows are the same as
`notify` writes (kind `campaign`, status `planned`, the idempotency key
`campaign:{id}:{run}:{user}`, `ON CONFLICT DO NOTHING`), so planning a run twice writes
nothing new. The text is rendered by Django once per (language, variant), with markers
in place of the per-person variables; the database then substitutes each person's first
name, next step title and its due date (formatted in their language's short date
format) with `REPLACE`. Next steps come from a subquery of the same statement.
"""

import json
import re
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.template import Context, Template, TemplateSyntaxError
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import Organisation, User
from parcours.accounts.selectors import require_permission
from parcours.core.errors import Conflict, DomainError
from parcours.core.events import record_event
from parcours.core.models import Verb
from parcours.core.roles import Permission
from parcours.engagement import segments
from parcours.engagement.kinds import Kind, register_kind
from parcours.engagement.models import (
    Campaign,
    CampaignSchedule,
    CampaignStatus,
    Category,
    Notification,
    NotificationStatus,
    Segment,
    Variant,
)
from parcours.journeys.models import Enrolment, PathStep, PathStepStatus

CAMPAIGN_KIND = register_kind(Kind(
    name="campaign",
    category=Category.CAMPAIGNS,
    nudge=True,
    priority=30,
    subject=_("News from your organisation"),
    body=_("Hello {{ first_name }},"),
))

VARIABLES = ("first_name", "step_title", "due_date")
# Plan a weekly run this long before its time, so that a variant sending earlier in the
# day than the campaign's hour is already in the outbox.
PLAN_AHEAD = timedelta(days=1)
SUBJECT_MAX = Notification._meta.get_field("subject").max_length
PLAN_WORK_MEM = "128MB"
CONVERSION_VERBS = ("completed", "enrolled", "launched", "passed", "progressed", "attended",
                    "booked", "submitted", "logged-in")


class InvalidCampaign(DomainError):
    default_message = _("This campaign is not valid.")


class InvalidTemplate(InvalidCampaign):
    pass


class NotADraft(Conflict):
    default_message = _("Only a draft campaign can be changed or launched.")


class NotRunning(Conflict):
    default_message = _("This campaign is not running.")


# --- Segments ---------------------------------------------------------------------------


@transaction.atomic
def create_segment(organisation: Organisation, *, by: User, name: str,
                   rules: Mapping[str, Any]) -> Segment:
    """A named set of rules; refused with the reason when a rule is not valid."""
    require_permission(by, organisation, Permission.MANAGE_NUDGES)
    name = (name or "").strip()
    if not name:
        raise InvalidCampaign(_("Give the segment a name."))
    return Segment.objects.create(organisation=organisation, name=name[:120], created_by=by,
                                  rules=segments.clean_rules(organisation, rules))


@transaction.atomic
def update_segment(segment: Segment, *, by: User, name: str,
                   rules: Mapping[str, Any]) -> Segment:
    require_permission(by, segment.organisation, Permission.MANAGE_NUDGES)
    name = (name or "").strip()
    if not name:
        raise InvalidCampaign(_("Give the segment a name."))
    segment.name = name[:120]
    segment.rules = segments.clean_rules(segment.organisation, rules)
    segment.save(update_fields=["name", "rules", "updated_at"])
    return segment


# --- Composing --------------------------------------------------------------------------


@dataclass
class VariantSpec:
    """One variant as a manager composes it; `weight` is its share in percent."""

    name: str
    weight: int
    messages: dict[str, dict[str, str]] = field(default_factory=dict)
    is_holdout: bool = False
    tone: str = ""
    send_hour: int | None = None
    every_weeks: int = 1


_VARIABLE = re.compile(r"{{\s*([^}|\s]+)")


def check_template(text: str) -> None:
    """Refuse a template that does not compile or uses an unknown variable."""
    try:
        Template(text)
    except TemplateSyntaxError as error:
        raise InvalidTemplate(_("This message does not read as a template: %(error)s")
                              % {"error": error}) from error
    unknown = sorted({name for name in _VARIABLE.findall(text) if name not in VARIABLES})
    if unknown:
        raise InvalidTemplate(_("Unknown variable %(names)s; use %(known)s.") % {
            "names": ", ".join(unknown),
            "known": ", ".join(f"{{{{ {name} }}}}" for name in VARIABLES)})


def _clean_variants(specs: Sequence[VariantSpec]) -> list[VariantSpec]:
    languages = {code for code, _name in settings.LANGUAGES}
    if not any(not spec.is_holdout for spec in specs):
        raise InvalidCampaign(_("A campaign needs at least one message."))
    if sum(1 for spec in specs if spec.is_holdout) > 1:
        raise InvalidCampaign(_("A campaign has at most one holdout group."))
    names = [spec.name.strip() for spec in specs]
    if any(not name for name in names) or len(set(names)) != len(names):
        raise InvalidCampaign(_("Each variant needs a name of its own."))
    if sum(spec.weight for spec in specs) != 100 or any(spec.weight < 0 for spec in specs):
        raise InvalidCampaign(_("The variants' shares must add up to 100 %."))
    for spec in specs:
        spec.name = spec.name.strip()[:40]
        if spec.send_hour is not None and not 0 <= spec.send_hour <= 23:
            raise InvalidCampaign(_("A send hour is from 0 to 23."))
        if not 1 <= spec.every_weeks <= 8:
            raise InvalidCampaign(_("A variant is sent every 1 to 8 weeks."))
        if spec.is_holdout:
            spec.messages = {}
            continue
        messages = {}
        for language, message in (spec.messages or {}).items():
            subject = (message.get("subject") or "").strip()
            body = (message.get("body") or "").strip()
            if not subject and not body:
                continue
            if language not in languages:
                raise InvalidCampaign(_("Unknown language %(language)s.")
                                      % {"language": language})
            if not subject or not body:
                raise InvalidCampaign(_("Variant %(name)s: write both a subject and a body "
                                        "in %(language)s.")
                                      % {"name": spec.name, "language": language})
            check_template(subject)
            check_template(body)
            messages[language] = {"subject": subject, "body": body}
        if not messages:
            raise InvalidCampaign(_("Variant %(name)s has no message: write one in at least "
                                    "one language.") % {"name": spec.name})
        spec.messages = messages
    return list(specs)


def _clean_goal(verb: str, target: str, days: int, *, experiment: bool) -> None:
    if verb and verb not in Verb.values:
        raise InvalidCampaign(_("Unknown conversion goal %(verb)s.") % {"verb": verb})
    if experiment and not verb:
        raise InvalidCampaign(_("An experiment needs a conversion goal to compare its "
                                "variants."))
    if target and (":" not in target or not all(target.split(":", 1))):
        raise InvalidCampaign(_("Write the goal object as “type:id”, e.g. "
                                "catalog.programme:12."))
    if not 1 <= days <= 90:
        raise InvalidCampaign(_("The conversion window is 1 to 90 days."))


def _checked(organisation: Organisation, *, name: str, segment: Segment,
             variants: Sequence[VariantSpec], schedule: str, weekday: int | None,
             hour: int | None, pilot_percent: int, conversion_verb: str,
             conversion_object: str, conversion_days: int) -> tuple[str, list[VariantSpec]]:
    """The rules every campaign follows, created or changed; its name and variants."""
    if segment.organisation_id != organisation.pk:
        raise InvalidCampaign(_("This segment belongs to another organisation."))
    name = (name or "").strip()
    if not name:
        raise InvalidCampaign(_("Give the campaign a name."))
    if schedule not in CampaignSchedule.values:
        raise InvalidCampaign(_("Unknown schedule."))
    if schedule == CampaignSchedule.WEEKLY and (
            weekday is None or hour is None or not 0 <= weekday <= 6 or not 0 <= hour <= 23):
        raise InvalidCampaign(_("A weekly campaign needs a weekday and an hour."))
    if not 1 <= pilot_percent <= 100:
        raise InvalidCampaign(_("The pilot share is 1 to 100 %."))
    specs = _clean_variants(variants)
    if pilot_percent < 100 and sum(not spec.is_holdout for spec in specs) < 2:
        raise InvalidCampaign(_("A pilot compares at least two variants; without one, "
                                "send to the whole segment."))
    _clean_goal(conversion_verb, conversion_object, conversion_days,
                experiment=len(specs) > 1)
    return name[:160], specs


def _write_variants(campaign: Campaign, specs: list[VariantSpec]) -> None:
    Variant.objects.bulk_create([
        Variant(campaign=campaign, name=spec.name, weight=spec.weight,
                is_holdout=spec.is_holdout, tone=spec.tone, messages=spec.messages,
                send_hour=spec.send_hour, every_weeks=spec.every_weeks)
        for spec in specs
    ])


@transaction.atomic
def create_campaign(organisation: Organisation, *, by: User, name: str, segment: Segment,
                    variants: Sequence[VariantSpec], schedule: str = CampaignSchedule.ONCE,
                    starts_at: datetime | None = None, weekday: int | None = None,
                    hour: int | None = None, pilot_percent: int = 100,
                    conversion_verb: str = "", conversion_object: str = "",
                    conversion_days: int = 7, url: str = "") -> Campaign:
    """A draft campaign with its variants (one variant and no holdout: a plain send)."""
    require_permission(by, organisation, Permission.MANAGE_NUDGES)
    name, specs = _checked(
        organisation, name=name, segment=segment, variants=variants, schedule=schedule,
        weekday=weekday, hour=hour, pilot_percent=pilot_percent,
        conversion_verb=conversion_verb, conversion_object=conversion_object,
        conversion_days=conversion_days)
    weekly = schedule == CampaignSchedule.WEEKLY
    campaign = Campaign.objects.create(
        organisation=organisation, name=name, segment=segment, created_by=by,
        schedule=schedule, starts_at=starts_at, weekday=weekday if weekly else None,
        hour=hour if weekly else None, pilot_percent=pilot_percent,
        conversion_verb=conversion_verb, conversion_object=conversion_object,
        conversion_days=conversion_days, url=url[:500])
    _write_variants(campaign, specs)
    return campaign


@transaction.atomic
def update_campaign(campaign: Campaign, *, by: User, name: str, segment: Segment,
                    variants: Sequence[VariantSpec], schedule: str = CampaignSchedule.ONCE,
                    starts_at: datetime | None = None, weekday: int | None = None,
                    hour: int | None = None, pilot_percent: int = 100,
                    conversion_verb: str = "", conversion_object: str = "",
                    conversion_days: int = 7, url: str = "") -> Campaign:
    """Change a draft, its variants included (they are replaced: nothing was sent)."""
    require_permission(by, campaign.organisation, Permission.MANAGE_NUDGES)
    campaign = Campaign.objects.select_for_update().select_related("organisation").get(
        pk=campaign.pk)
    if campaign.status != CampaignStatus.DRAFT:
        raise NotADraft()
    name, specs = _checked(
        campaign.organisation, name=name, segment=segment, variants=variants,
        schedule=schedule, weekday=weekday, hour=hour, pilot_percent=pilot_percent,
        conversion_verb=conversion_verb, conversion_object=conversion_object,
        conversion_days=conversion_days)
    weekly = schedule == CampaignSchedule.WEEKLY
    for attribute, value in (("name", name), ("segment", segment), ("schedule", schedule),
                         ("starts_at", starts_at), ("weekday", weekday if weekly else None),
                         ("hour", hour if weekly else None), ("pilot_percent", pilot_percent),
                         ("conversion_verb", conversion_verb),
                         ("conversion_object", conversion_object),
                         ("conversion_days", conversion_days), ("url", url[:500])):
        setattr(campaign, attribute, value)
    campaign.save()
    campaign.variants.all().delete()
    _write_variants(campaign, specs)
    return campaign


# --- Launching, cancelling --------------------------------------------------------------


def _zone(organisation: Organisation) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(organisation.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _at_local_hour(day: date, hour: int, zone: zoneinfo.ZoneInfo) -> datetime:
    """That local hour of that day, in UTC: built locally, then converted (DST-correct)."""
    return datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)


def next_weekly_run(campaign: Campaign, *, after: datetime) -> datetime:
    """The first weekday-and-hour of the campaign, in its organisation's zone, from `after`."""
    zone = _zone(campaign.organisation)
    day = timezone.localtime(after, zone).date()
    day += timedelta(days=(campaign.weekday - day.weekday()) % 7)
    moment = _at_local_hour(day, campaign.hour, zone)
    if moment < after:
        moment = _at_local_hour(day + timedelta(days=7), campaign.hour, zone)
    return moment


@transaction.atomic
def launch_campaign(campaign: Campaign, *, by: User, now: datetime | None = None) -> int:
    """Start a draft: a one-off campaign is planned at once (for its send time), a weekly
    one gets its first run time. Returns the number of outbox rows written."""
    require_permission(by, campaign.organisation, Permission.MANAGE_NUDGES)
    now = now or timezone.now()
    campaign = Campaign.objects.select_for_update().select_related("organisation").get(
        pk=campaign.pk)
    if campaign.status != CampaignStatus.DRAFT:
        raise NotADraft()
    campaign.status = CampaignStatus.RUNNING
    campaign.launched_at = now
    written = 0
    if campaign.schedule == CampaignSchedule.ONCE:
        campaign.runs = 1
        campaign.save(update_fields=["status", "launched_at", "runs", "updated_at"])
        written = _plan_run(campaign, run=1, now=now)
    else:
        campaign.next_run_at = next_weekly_run(campaign, after=now)
        campaign.save(update_fields=["status", "launched_at", "next_run_at", "updated_at"])
    record_event(by, Verb.PUBLISHED, campaign, organisation=campaign.organisation,
                 context={"campaign": campaign.pk, "planned": written})
    return written


@transaction.atomic
def cancel_campaign(campaign: Campaign, *, by: User, now: datetime | None = None) -> int:
    """Stop a draft or running campaign: its messages not yet sent are withdrawn from the
    outbox (they were never sent, so nothing is lost to the results). Returns how many."""
    require_permission(by, campaign.organisation, Permission.MANAGE_NUDGES)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status not in (CampaignStatus.DRAFT, CampaignStatus.RUNNING):
        raise NotRunning()
    campaign.status = CampaignStatus.CANCELLED
    campaign.cancelled_at = now or timezone.now()
    campaign.next_run_at = None
    campaign.save(update_fields=["status", "cancelled_at", "next_run_at", "updated_at"])
    withdrawn, _detail = Notification.objects.filter(
        campaign=campaign, status=NotificationStatus.PLANNED).delete()
    record_event(by, Verb.CANCELLED, campaign, organisation=campaign.organisation,
                 context={"campaign": campaign.pk, "withdrawn": withdrawn})
    return withdrawn


@transaction.atomic
def finish_campaign(campaign: Campaign, *, by: User, now: datetime | None = None) -> Campaign:
    """End a running campaign: no more runs; what was planned still goes out and every
    result stays (unlike cancelling). A one-off campaign also finishes by itself when its
    conversion window closes."""
    require_permission(by, campaign.organisation, Permission.MANAGE_NUDGES)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != CampaignStatus.RUNNING:
        raise NotRunning()
    campaign.status = CampaignStatus.FINISHED
    campaign.next_run_at = None
    campaign.save(update_fields=["status", "next_run_at", "updated_at"])
    record_event(by, Verb.COMPLETED, campaign, organisation=campaign.organisation,
                 context={"campaign": campaign.pk, "runs": campaign.runs})
    return campaign


@transaction.atomic
def plan_campaign(campaign: Campaign, *, by: User, now: datetime | None = None) -> int:
    """Plan the campaign's current run again: people who joined the segment since get
    their message; everyone else already has theirs (same key), so nothing is doubled."""
    require_permission(by, campaign.organisation, Permission.MANAGE_NUDGES)
    campaign = Campaign.objects.select_for_update(of=("self",)).select_related(
        "organisation", "segment").get(pk=campaign.pk)
    if campaign.status != CampaignStatus.RUNNING or campaign.runs < 1:
        raise NotRunning()
    return _plan_run(campaign, run=campaign.runs, now=now or timezone.now())


def run_due_campaigns(*, now: datetime | None = None) -> dict[str, int]:
    """The scheduler's job (`manage.py run_due_campaigns`): plan each weekly run due
    within PLAN_AHEAD, and finish one-off campaigns whose conversion window has closed.

    Each campaign in its own transaction, locked, so two schedulers never plan one run
    twice (and the keys would make a second one write nothing anyway).
    """
    now = now or timezone.now()
    planned = runs = 0
    due = Campaign.objects.filter(status=CampaignStatus.RUNNING,
                                  schedule=CampaignSchedule.WEEKLY,
                                  next_run_at__lte=now + PLAN_AHEAD)
    for campaign_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            campaign = (Campaign.objects.select_for_update(of=("self",))
                        .select_related("organisation")
                        .filter(pk=campaign_id, status=CampaignStatus.RUNNING,
                                next_run_at__lte=now + PLAN_AHEAD).first())
            if campaign is None:
                continue
            campaign.runs += 1
            run_at = campaign.next_run_at
            if run_at < now:
                # A scheduler stopped for weeks sends the latest run only, not one per
                # week missed, all at once.
                run_at = max(run_at, next_weekly_run(
                    campaign, after=now - timedelta(days=7, seconds=-1)))
            campaign.next_run_at = next_weekly_run(campaign, after=run_at + timedelta(hours=1))
            campaign.save(update_fields=["runs", "next_run_at", "updated_at"])
            planned += _plan_run(campaign, run=campaign.runs, now=now, run_at=run_at)
            runs += 1
    finished = Campaign.objects.filter(
        status=CampaignStatus.RUNNING, schedule=CampaignSchedule.ONCE,
        launched_at__isnull=False).select_related("organisation")
    closed = [
        campaign.pk for campaign in finished
        if max(campaign.starts_at or campaign.launched_at, campaign.launched_at)
        + timedelta(days=campaign.conversion_days + 1) <= now
    ]
    Campaign.objects.filter(pk__in=closed).update(status=CampaignStatus.FINISHED,
                                                  updated_at=now)
    return {"runs": runs, "planned": planned, "finished": len(closed)}


# --- Rendering --------------------------------------------------------------------------


def _marker(name: str) -> str:
    return f"\u27e6{name}\u27e7"


def message_for(variant: Variant, language: str, default_language: str) -> dict[str, str]:
    """The variant's message in this language, else the organisation's, else any."""
    messages = variant.messages or {}
    return (messages.get(language) or messages.get(default_language)
            or next(iter(messages.values()), {"subject": "", "body": ""}))


def _render_with_markers(source: str, language: str, organisation: Organisation) -> str:
    with translation.override(language):
        rendered = Template(source).render(Context(
            {name: _marker(name) for name in VARIABLES}, autoescape=False))
    return rendered


def rendered_templates(variant: Variant, language: str,
                       organisation: Organisation) -> tuple[str, str]:
    """Subject and body of a variant in a language, rendered once, with a marker for each
    per-person variable (what the bulk path substitutes in SQL)."""
    message = message_for(variant, language, organisation.default_locale)
    subject = " ".join(_render_with_markers(message["subject"], language, organisation).split())
    body = _render_with_markers(message["body"], language, organisation).strip()
    return subject, body


def personalise(text: str, values: Mapping[str, str]) -> str:
    """Put a person's values in place of the markers (the preview's way; SQL's is REPLACE)."""
    for name in VARIABLES:
        text = text.replace(_marker(name), values.get(name, ""))
    return text


def first_name(user: User) -> str:
    name = (user.display_name or "").strip()
    return name.split()[0] if name else ""


def short_date(day: date | None, language: str) -> str:
    if day is None:
        return ""
    with translation.override(language):
        return formats.date_format(day, "SHORT_DATE_FORMAT")


def next_step_of(user: User, organisation: Organisation) -> PathStep | None:
    """The step the bulk path calls their next one: the first to do, by position, of their
    earliest enrolment not completed (prerequisites are not read: one subquery per person
    must stay cheap)."""
    return (PathStep.objects.filter(enrolment__learner=user,
                                    enrolment__organisation=organisation,
                                    enrolment__completed_at__isnull=True,
                                    status=PathStepStatus.TODO)
            .order_by("enrolment__start_on", "enrolment_id", "position", "id").first())


def preview(variant: Variant, user: User, organisation: Organisation) -> tuple[str, str]:
    """The subject and body this person would get from this variant, as planned."""
    language = user.locale
    subject, body = rendered_templates(variant, language, organisation)
    step = next_step_of(user, organisation)
    values = {
        "first_name": first_name(user),
        "step_title": step.title if step else "",
        "due_date": short_date((step.due_on or step.planned_on) if step else None, language),
    }
    return personalise(subject, values)[:SUBJECT_MAX], personalise(body, values)


# --- Planning in bulk -------------------------------------------------------------------


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _date_sql(column: str, language: str) -> str:
    """SQL formatting a date column as the language's SHORT_DATE_FORMAT (digits only)."""
    with translation.override(language):
        pattern = formats.get_format("SHORT_DATE_FORMAT")
    postgres = connection.vendor == "postgresql"
    pg = {"d": "DD", "j": "FMDD", "m": "MM", "n": "FMMM", "Y": "YYYY", "y": "YY"}
    # `%%`: the statement runs with parameters, where a lone % would be one.
    lite = {"d": f"strftime('%%d', {column})", "m": f"strftime('%%m', {column})",
            "Y": f"strftime('%%Y', {column})",
            "j": f"CAST(strftime('%%d', {column}) AS INTEGER)",
            "n": f"CAST(strftime('%%m', {column}) AS INTEGER)",
            "y": f"substr(strftime('%%Y', {column}), 3)"}
    if any(char.isalpha() and char not in pg for char in pattern):
        pattern = "Y-m-d"  # a format with words (month names): ISO digits instead
    if postgres:
        return f"to_char({column}, '{''.join(pg.get(char, char) for char in pattern)}')"
    parts = [lite[char] if char in lite else "'" + char.replace("'", "''") + "'"
             for char in pattern]
    return "(" + " || ".join(parts) + ")"


def _first_name_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"split_part(btrim({column}), ' ', 1)"
    return f"substr(trim({column}), 1, instr(trim({column}) || ' ', ' ') - 1)"


def _variant_case(campaign: Campaign, variants: list[Variant], user_column: str) -> str:
    """CASE choosing each person's variant from their bucket, by cumulative shares."""
    if campaign.promoted_variant_id:
        return str(int(campaign.promoted_variant_id))
    bucket = segments.bucket_sql(campaign.pk, user_column)
    whens, upper = [], 0
    weighted = [variant for variant in variants if variant.weight > 0]
    for variant in weighted[:-1]:
        upper += variant.weight * segments.BUCKETS // 100
        whens.append(f"WHEN {bucket} < {upper} THEN {int(variant.pk)}")
    return f"CASE {' '.join(whens)} ELSE {int(weighted[-1].pk)} END" if whens else str(
        int(weighted[-1].pk))


def _deliver_after(campaign: Campaign, variant: Variant, *, now: datetime,
                   run_at: datetime | None) -> datetime:
    moment = run_at or max(campaign.starts_at or now, now)
    if variant.send_hour is not None:
        zone = _zone(campaign.organisation)
        moment = _at_local_hour(timezone.localtime(moment, zone).date(), variant.send_hour, zone)
    return max(moment, now)


def _keeps_time(campaign: Campaign, variant: Variant) -> bool:
    """A time the manager chose (a variant's hour, a weekly hour, a send time) is kept:
    the policy does not move it to each person's most active hour (`keep_time`)."""
    return (variant.send_hour is not None or campaign.schedule == CampaignSchedule.WEEKLY
            or campaign.starts_at is not None)


def _context(campaign: Campaign, *, keep_time: bool = False) -> dict[str, Any]:
    context: dict[str, Any] = {"campaign": campaign.pk}
    if keep_time:
        context["keep_time"] = True
    if campaign.conversion_verb:
        context["conversion_verb"] = campaign.conversion_verb
        context["conversion_days"] = campaign.conversion_days
        if campaign.conversion_object:
            context["conversion_object"] = campaign.conversion_object
    return context


def _plan_run(campaign: Campaign, *, run: int, now: datetime,
              run_at: datetime | None = None, only_outside_pilot: bool = False) -> int:
    """One INSERT … SELECT writing the run's rows; returns how many were new."""
    organisation = campaign.organisation
    variants = list(campaign.variants.all())
    promoted = campaign.promoted_variant_id
    # A variant sent every other week (or less often) sits out the runs in between; its
    # people get nothing that run, as they would under that frequency.
    resting = [] if promoted else [variant.pk for variant in variants
                                   if (run - 1) % variant.every_weeks]
    languages = [code for code, _name in settings.LANGUAGES]
    ids_sql, ids_params = segments.matching_ids(
        organisation, campaign.segment.rules,
        today=timezone.localtime(now, _zone(organisation)).date()).query.sql_with_params()

    user = "u"
    params: list[Any] = []
    pilot = ""
    if only_outside_pilot:
        pilot = (f" AND {segments.bucket_sql(campaign.pk, f'{user}.id', salt=segments.SALT_PILOT)}"
                 f" >= {campaign.pilot_percent * segments.BUCKETS // 100}")
    elif campaign.pilot_percent < 100 and not promoted:
        pilot = (f" AND {segments.bucket_sql(campaign.pk, f'{user}.id', salt=segments.SALT_PILOT)}"
                 f" < {campaign.pilot_percent * segments.BUCKETS // 100}")

    texts = {(variant.pk, language): rendered_templates(variant, language, organisation)
             for variant in variants if not variant.is_holdout for language in languages}
    used = {name for subject, body in texts.values() for name in VARIABLES
            if _marker(name) in subject or _marker(name) in body}
    inner_columns = [f"{user}.id AS uid", f"{user}.locale AS locale",
                     f"{_variant_case(campaign, variants, f'{user}.id')} AS vid"]
    if "first_name" in used:
        inner_columns.append(f"{_first_name_sql(f'{user}.display_name')} AS first_name")
    joins = ""
    if used & {"step_title", "due_date"}:
        # Everyone's next step in one pass (a window over the organisation's steps to
        # do, joined once), not a subquery per person: at a million learners the
        # difference is minutes.
        joins = (
            f" LEFT JOIN (SELECT learner_id, title, due_on FROM (SELECT e.learner_id, "  # noqa: S608
            f"s.title, COALESCE(s.due_on, s.planned_on) AS due_on, ROW_NUMBER() OVER ("
            f"PARTITION BY e.learner_id ORDER BY e.start_on, e.id, s.position, s.id) AS rank "
            f"FROM {_q(PathStep._meta.db_table)} s JOIN {_q(Enrolment._meta.db_table)} e "
            f"ON e.id = s.enrolment_id WHERE e.organisation_id = {int(organisation.pk)} "
            f"AND e.completed_at IS NULL AND s.status = '{PathStepStatus.TODO.value}'"
            f") ranked WHERE rank = 1) ns ON ns.learner_id = {user}.id")
        inner_columns.append("COALESCE(ns.title, '') AS step_title")
        inner_columns.append("ns.due_on AS due_on")
    # Only our identifiers and integers are written into the SQL; every value that
    # comes from people (texts, names, dates) is a parameter.
    inner = (f"SELECT {', '.join(inner_columns)} FROM {_q(User._meta.db_table)} {user}"  # noqa: S608
             f"{joins} WHERE {user}.id IN ({ids_sql}){pilot}")
    params.extend(ids_params)

    def chosen(index: int) -> tuple[str, list[Any]]:
        """CASE over (variant, language) picking the rendered text, markers replaced."""
        whens, values = [], []
        for (variant_id, language), pair in texts.items():
            whens.append(f"WHEN p.vid = {int(variant_id)} AND p.locale = %s THEN %s")
            values.extend([language, pair[index]])
        for variant in variants:
            if not variant.is_holdout:  # a language nobody wrote: the organisation's
                whens.append(f"WHEN p.vid = {int(variant.pk)} THEN %s")
                values.append(texts[(variant.pk, organisation.default_locale
                                     if organisation.default_locale in languages
                                     else languages[0])][index])
        expression = f"CASE {' '.join(whens)} ELSE '' END"
        for name in VARIABLES:
            if name not in used:
                continue
            if name == "due_date":
                value = "CASE " + " ".join(
                    f"WHEN p.locale = '{language}' THEN {_date_sql('p.due_on', language)}"
                    for language in languages) + f" ELSE {_date_sql('p.due_on', languages[0])} END"
                value = f"COALESCE({value}, '')"
            else:
                value = f"p.{name}"
            expression = f"REPLACE({expression}, %s, {value})"
            values.append(_marker(name))
        return expression, values

    subject_sql, subject_params = chosen(0)
    body_sql, body_params = chosen(1)
    ops = connection.ops
    holdout = next((variant.pk for variant in variants if variant.is_holdout), None)
    deliver_whens, deliver_params = [], []
    for variant in variants:
        deliver_whens.append(f"WHEN p.vid = {int(variant.pk)} THEN %s")
        deliver_params.append(ops.adapt_datetimefield_value(
            _deliver_after(campaign, variant, now=now, run_at=run_at)))
    postgres = connection.vendor == "postgresql"
    key_prefix = f"campaign:{int(campaign.pk)}:{int(run)}:"
    values: dict[str, tuple[str, list[Any]]] = {
        "organisation": ("%s", [organisation.pk]),
        "recipient": ("p.uid", []),
        "kind": ("%s", [CAMPAIGN_KIND.name]),
        "category": ("%s", [str(CAMPAIGN_KIND.category)]),
        "nudge": ("%s", [CAMPAIGN_KIND.nudge]),
        "urgent": ("%s", [CAMPAIGN_KIND.urgent]),
        "priority": ("%s", [CAMPAIGN_KIND.priority]),
        "idempotency_key": ("%s || CAST(p.uid AS VARCHAR(20))" if postgres
                            else "%s || CAST(p.uid AS TEXT)", [key_prefix]),
        "subject": (f"SUBSTR({subject_sql}, 1, {SUBJECT_MAX})", subject_params),
        "body": (body_sql, body_params),
        "url": ("%s", [campaign.url]),
        "context": (
            "CAST(" + " ".join(["CASE", *(f"WHEN p.vid = {int(variant.pk)} THEN %s"
                                          for variant in variants), "END"])
            + (" AS jsonb)" if postgres else " AS TEXT)"),
            [json.dumps(_context(campaign, keep_time=_keeps_time(campaign, variant)))
             for variant in variants]),
        "status": (f"CASE WHEN p.vid = {int(holdout)} THEN %s ELSE %s END" if holdout
                   else "%s", ([NotificationStatus.HELD.value] if holdout else [])
                   + [NotificationStatus.PLANNED.value]),
        "suppressed_reason": ("%s", [""]),
        "created_at": ("%s", [ops.adapt_datetimefield_value(now)]),
        "deliver_after": (f"CASE {' '.join(deliver_whens)} END", deliver_params),
        "campaign": ("%s", [campaign.pk]),
        "variant": ("p.vid", []),
        "token": ("gen_random_uuid()" if postgres else "lower(hex(randomblob(16)))", []),
    }
    columns, selects, select_params = [], [], []
    for model_field in Notification._meta.concrete_fields:
        if model_field.primary_key:
            continue
        if model_field.name in values:
            sql, field_params = values[model_field.name]
        elif model_field.null:
            continue
        elif model_field.has_default() and not callable(model_field.default):
            sql, field_params = "%s", [model_field.get_db_prep_save(
                model_field.default, connection)]
        else:
            raise RuntimeError(f"Campaign planning does not fill Notification."
                               f"{model_field.name}: add it to _plan_run.")
        columns.append(_q(model_field.column))
        selects.append(sql)
        select_params.extend(field_params)
    resting_sql = (f" AND p.vid NOT IN ({', '.join(str(int(pk)) for pk in resting)})"
                   if resting else "")
    statement = (
        f"INSERT INTO {_q(Notification._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(selects)} FROM ({inner}) p WHERE 1 = 1{resting_sql} "
        f"ON CONFLICT ({_q('idempotency_key')}) DO NOTHING")
    with connection.cursor() as cursor:
        if postgres and connection.in_atomic_block:
            # The segment's hash joins hold every id of a large segment: with the
            # default 4 MB they spill to disk in batches. For this transaction only.
            cursor.execute(f"SET LOCAL work_mem = '{PLAN_WORK_MEM}'")
        cursor.execute(statement, [*select_params, *params])
        return max(cursor.rowcount, 0)

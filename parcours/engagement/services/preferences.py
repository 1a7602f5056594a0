"""What each person accepts to receive: per category and channel, quiet hours, digest.

A row is written only where the person's choice differs from the default, so that the
defaults can change for everyone who never chose. Every change goes through these
functions, from the preferences page, the API and the one-click unsubscribe link alike.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import Organisation, User
from parcours.accounts.selectors import organisations_of, require_permission
from parcours.core.errors import DomainError, NotAllowed
from parcours.core.events import record_event
from parcours.core.models import Verb
from parcours.core.roles import Permission
from parcours.engagement.models import (
    PREFERENCE_CHANNELS,
    Category,
    Channel,
    DigestFrequency,
    EngagementSettings,
    NotificationPreference,
    NotificationSchedule,
)
from parcours.engagement.models.push import PushSubscription

# Email is on by default for what people cannot afford to miss or asked for; the rest
# (rewards, suggestions, new content, comebacks, campaigns) stays in the app unless the
# person opts in, so that the inbox is not where the engine starts being noise.
EMAIL_BY_DEFAULT = frozenset({
    Category.SCHEDULE, Category.DEADLINES, Category.COACHING, Category.FEEDBACK,
    Category.RECAP, Category.COACH_ALERTS,
})


class InvalidPreference(DomainError):
    default_message = _("This notification setting is not valid.")


def default_enabled(category: str, channel: str) -> bool:
    """What a person gets when they never chose. Push is on by default but only reaches
    people once one of their devices subscribed (`accepted_channels`)."""
    if channel == Channel.EMAIL:
        return category in EMAIL_BY_DEFAULT
    return True


# Plain values, worked out once: the dispatcher builds these for every person it sends to.
_CATEGORIES = [(category.value, category.label) for category in Category]
_CHANNELS = [channel.value for channel in PREFERENCE_CHANNELS]
_DEFAULTS = {(category, channel): default_enabled(category, channel)
             for category, _label in _CATEGORIES for channel in _CHANNELS}


@dataclass(frozen=True)
class PreferenceCell:
    category: str
    channel: str
    enabled: bool      # the person's choice, or the default
    changed: bool      # the person chose something other than the default
    effective: bool    # messages of this category really go out on this channel


@dataclass(frozen=True)
class CategoryPreferences:
    category: str
    label: str
    cells: tuple[PreferenceCell, ...]


@dataclass(frozen=True)
class Preferences:
    """One person's settings as the engine applies them (the page and the API show it)."""

    rows: tuple[CategoryPreferences, ...]
    quiet_hours_start: int
    quiet_hours_end: int
    quiet_hours_are_default: bool
    digest: str
    has_push_device: bool

    def enabled(self, category: str, channel: str) -> bool:
        return self._cell(category, channel).enabled

    def effective(self, category: str, channel: str) -> bool:
        return self._cell(category, channel).effective

    def changed(self, category: str) -> bool:
        return any(cell.changed for cell in self._row(category).cells)

    def accepted_channels(self, category: str) -> list[str]:
        return [cell.channel for cell in self._row(category).cells if cell.effective]

    def _row(self, category: str) -> CategoryPreferences:
        for row in self.rows:
            if row.category == category:
                return row
        raise InvalidPreference(_("Unknown category “%(category)s”.") % {"category": category})

    def _cell(self, category: str, channel: str) -> PreferenceCell:
        for cell in self._row(category).cells:
            if cell.channel == channel:
                return cell
        raise InvalidPreference(_("Unknown channel “%(channel)s”.") % {"channel": channel})


def preferences_of(user: User) -> Preferences:
    """The person's matrix of categories × channels with effective values, their quiet
    hours and digest, in two queries (the dispatcher asks for each message)."""
    return preferences_of_many([user.pk])[user.pk]


def preferences_of_many(user_ids) -> dict[int, Preferences]:
    """The same for many people at once, in two queries whatever their number (the
    dispatcher's batches)."""
    user_ids = list(user_ids)
    chosen: dict[int, dict[tuple[str, str], bool]] = {pk: {} for pk in user_ids}
    for user_id, category, channel, enabled in NotificationPreference.objects.filter(
            user_id__in=user_ids).values_list("user_id", "category", "channel", "enabled"):
        chosen[user_id][(category, channel)] = enabled
    people = (
        User.objects.filter(pk__in=user_ids)
        .annotate(has_device=Exists(PushSubscription.objects.filter(
            user=OuterRef("pk"), disabled_at__isnull=True)))
        .values_list("pk", "has_device", "notification_schedule__quiet_hours_start",
                     "notification_schedule__quiet_hours_end", "notification_schedule__digest")
    )
    return {pk: _preferences(chosen[pk], has_device, start, end, digest)
            for pk, has_device, start, end, digest in people}


def _preferences(chosen: Mapping[tuple[str, str], bool], has_device: bool, start: int | None,
                 end: int | None, digest: str | None) -> Preferences:
    rows = []
    for category, label in _CATEGORIES:
        cells = []
        for channel in _CHANNELS:
            enabled = chosen.get((category, channel), _DEFAULTS[(category, channel)])
            available = has_device if channel == Channel.PUSH.value else True
            cells.append(PreferenceCell(
                category=category, channel=channel, enabled=enabled,
                changed=(category, channel) in chosen, effective=enabled and available))
        rows.append(CategoryPreferences(category, label, tuple(cells)))
    own_hours = start is not None
    return Preferences(
        rows=tuple(rows),
        quiet_hours_start=start if own_hours else settings.QUIET_HOURS_START,
        quiet_hours_end=end if own_hours else settings.QUIET_HOURS_END,
        quiet_hours_are_default=not own_hours,
        digest=digest or DigestFrequency.NONE,
        has_push_device=bool(has_device),
    )


def accepted_channels(user: User, category: str) -> list[str]:
    """The channels a message of this category may use for this person (in_app, email,
    push), before the digest routing of the policy."""
    return preferences_of(user).accepted_channels(category)


@transaction.atomic
def set_preference(user: User, category: str, channel: str, *, enabled: bool,
                   by: User) -> bool:
    """Switch one category on one channel. Returns True when something changed; turning
    a channel off records `opted-out`, which the metrics count."""
    _check_self(user, by)
    return _set(user, category, channel, enabled)


@transaction.atomic
def opt_out(user: User, category: str, *, channel: str | None = None, by: User | None = None,
            organisation=None) -> list[str]:
    """Stop a category on one channel, or on all of them. `by` is None when the signed
    one-click unsubscribe link proved who the person is (they need not sign in).

    Returns the channels that were switched off. The `opted-out` event goes to the
    organisation named, or to each organisation the person belongs to (the metrics of
    each count it).
    """
    if by is not None:
        _check_self(user, by)
    channels = [channel] if channel is not None else [c.value for c in PREFERENCE_CHANNELS]
    switched = [c for c in channels if _set(user, category, c, False, record=False)]
    if switched:
        _record_opt_out(user, category, switched, organisation=organisation)
    return switched


@transaction.atomic
def set_quiet_hours(user: User, *, start: int | None, end: int | None,
                    by: User) -> NotificationSchedule:
    """Set the local hours between which nothing but urgent messages arrives; None for
    both goes back to the defaults."""
    _check_self(user, by)
    if (start is None) != (end is None):
        raise InvalidPreference(_("Give both the start and the end of the quiet hours."))
    for hour in (start, end):
        if hour is not None and not (isinstance(hour, int) and 0 <= hour <= 23):
            raise InvalidPreference(_("Quiet hours are whole hours from 0 to 23."))
    if start is not None and start == end:
        raise InvalidPreference(_("Quiet hours must start and end at different hours."))
    if start == settings.QUIET_HOURS_START and end == settings.QUIET_HOURS_END:
        start = end = None
    schedule, _created = NotificationSchedule.objects.get_or_create(user=user)
    schedule.quiet_hours_start, schedule.quiet_hours_end = start, end
    return _save_schedule(schedule)


@transaction.atomic
def set_digest(user: User, frequency: str, *, by: User) -> NotificationSchedule:
    """Choose whether low-priority emails come one by one, or grouped daily or weekly."""
    _check_self(user, by)
    if frequency not in DigestFrequency.values:
        raise InvalidPreference(_("Choose no digest, a daily or a weekly digest."))
    schedule, _created = NotificationSchedule.objects.get_or_create(user=user)
    schedule.digest = frequency
    return _save_schedule(schedule)


@transaction.atomic
def save_preferences(user: User, *, choices: Mapping[tuple[str, str], bool],
                     quiet_hours: tuple[int | None, int | None], digest: str,
                     by: User) -> Preferences:
    """Everything the preferences page and the API send at once, in one transaction:
    a bad value leaves every setting as it was."""
    _check_self(user, by)
    for category, channel in choices:
        _check_cell(category, channel)
    start, end = quiet_hours
    set_quiet_hours(user, start=start, end=end, by=by)
    set_digest(user, digest, by=by)
    switched_off: dict[str, list[str]] = {}
    for (category, channel), enabled in choices.items():
        if _set(user, category, channel, bool(enabled), record=False) and not enabled:
            switched_off.setdefault(category, []).append(channel)
    for category, channels in switched_off.items():
        _record_opt_out(user, category, channels)
    return preferences_of(user)


# An upper bound that still protects people from an organisation that sets a typo (70).
MAX_NUDGES_PER_WEEK = 14
MAX_BACKOFF_AFTER = 10


def sending_rules_of(organisation: Organisation, *, viewer: User) -> EngagementSettings:
    """The organisation's sending defaults, for the people who manage nudges."""
    from parcours.engagement.timing import engagement_settings_for  # timing reads models only

    require_permission(viewer, organisation, Permission.MANAGE_NUDGES)
    return engagement_settings_for(organisation)


@transaction.atomic
def update_sending_rules(organisation: Organisation, *, default_send_hour: int,
                         nudges_per_week: int, backoff_after: int,
                         by: User) -> EngagementSettings:
    """Set the organisation's sending defaults: the hour nudges go out while a person's
    own active hour is unknown, the weekly cap, and when the engine backs off."""
    require_permission(by, organisation, Permission.MANAGE_NUDGES)
    if not 0 <= default_send_hour <= 23:
        raise InvalidPreference(_("The sending hour is a whole hour from 0 to 23."))
    if not 0 <= nudges_per_week <= MAX_NUDGES_PER_WEEK:
        raise InvalidPreference(_("Allow from 0 to %(max)d nudges per week.")
                                % {"max": MAX_NUDGES_PER_WEEK})
    if not 1 <= backoff_after <= MAX_BACKOFF_AFTER:
        raise InvalidPreference(_("Back off after 1 to %(max)d ignored nudges.")
                                % {"max": MAX_BACKOFF_AFTER})
    rules, _created = EngagementSettings.objects.select_for_update().get_or_create(
        organisation=organisation)
    rules.default_send_hour = default_send_hour
    rules.nudges_per_week = nudges_per_week
    rules.backoff_after = backoff_after
    rules.save()
    return rules


def _save_schedule(schedule: NotificationSchedule) -> NotificationSchedule:
    # Back to every default: no row, like someone who never chose.
    if schedule.quiet_hours_start is None and schedule.digest == DigestFrequency.NONE:
        schedule.delete()
    else:
        schedule.save()
    return schedule


def _set(user: User, category: str, channel: str, enabled: bool, *, record: bool = True) -> bool:
    _check_cell(category, channel)
    current = NotificationPreference.objects.filter(
        user=user, category=category, channel=channel).first()
    before = current.enabled if current is not None else default_enabled(category, channel)
    if enabled == default_enabled(category, channel):
        if current is not None:
            current.delete()
    elif current is None:
        NotificationPreference.objects.create(user=user, category=category, channel=channel,
                                              enabled=enabled)
    if before == enabled:
        return False
    if record and not enabled:
        _record_opt_out(user, category, [channel])
    return True


def _record_opt_out(user: User, category: str, channels: Iterable[str], *,
                    organisation=None) -> None:
    organisations = [organisation] if organisation is not None else list(organisations_of(user))
    for each in organisations or [None]:
        record_event(user, Verb.OPTED_OUT, ("engagement.category", category),
                     organisation=each, context={"category": category,
                                                 "channels": sorted(channels)})


def _check_cell(category: str, channel: str) -> None:
    if category not in Category.values:
        raise InvalidPreference(_("Unknown category “%(category)s”.") % {"category": category})
    if channel not in [c.value for c in PREFERENCE_CHANNELS]:
        raise InvalidPreference(_("Unknown channel “%(channel)s”.") % {"channel": channel})


def _check_self(user: User, by: User) -> None:
    # Preferences are personal: nobody, not even a manager, changes someone else's.
    if by is None or by.pk != user.pk:
        raise NotAllowed(_("Only the person themselves can change their notification "
                           "settings."))

"""What every trigger shares: its declaration, its parameters, the organisation's
settings, and the one way it writes a notification."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from parcours.core.errors import DomainError
from parcours.engagement.models import Notification, TriggerSetting
from parcours.engagement.services.outbox import Planned, notify, notify_many


class UnknownTrigger(DomainError):
    status_code = 404
    default_message = _("There is no such trigger.")


class TriggerParamsInvalid(DomainError):
    default_message = _("These parameters are not valid for this trigger.")


@dataclass(frozen=True)
class Param:
    """One setting of a trigger: a whole number (days, hours, a score), or a list of them."""

    name: str
    label: Promise
    default: int | tuple[int, ...]
    minimum: int = 0
    maximum: int = 10_000
    help_text: Promise | str = ""

    @property
    def many(self) -> bool:
        return isinstance(self.default, tuple)

    def clean(self, value: Any) -> int | list[int]:
        values = value if self.many else [value]
        if self.many and (not isinstance(value, list | tuple) or not value):
            raise TriggerParamsInvalid(
                gettext("“%(param)s”: enter one or more whole numbers.") % {"param": self.label})
        cleaned = []
        for item in values:
            if isinstance(item, bool) or not isinstance(item, int):
                raise TriggerParamsInvalid(
                    gettext("“%(param)s”: enter a whole number.") % {"param": self.label})
            if not self.minimum <= item <= self.maximum:
                raise TriggerParamsInvalid(
                    gettext("“%(param)s”: enter a number from %(min)s to %(max)s.")
                    % {"param": self.label, "min": self.minimum, "max": self.maximum})
            cleaned.append(item)
        return sorted(set(cleaned), reverse=True) if self.many else cleaned[0]


@dataclass(frozen=True)
class Trigger:
    name: str
    label: Promise
    description: Promise
    kinds: tuple[str, ...]
    params: tuple[Param, ...] = ()
    # Variables of each kind with example values: the template editor's preview.
    samples: Mapping[str, Mapping[str, Any]] = field(default_factory=dict, compare=False)
    # Time-based triggers: called by `run_engagement_triggers` with the current time,
    # returns how many notifications it wrote.
    scan: Callable[[datetime], int] | None = field(default=None, compare=False)
    # A rule between parameters (raises TriggerParamsInvalid), given all of them.
    check: Callable[[dict[str, Any]], None] | None = field(default=None, compare=False)

    def defaults(self) -> dict[str, Any]:
        return {param.name: list(param.default) if param.many else param.default
                for param in self.params}

    def clean_params(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """The parameters checked one by one; unknown names are refused, missing ones
        keep their defaults."""
        if not isinstance(raw, Mapping):
            raise TriggerParamsInvalid()
        known = {param.name: param for param in self.params}
        unknown = sorted(set(raw) - set(known))
        if unknown:
            raise TriggerParamsInvalid(
                gettext("Unknown parameter: %(names)s.") % {"names": ", ".join(unknown)})
        return {name: known[name].clean(value) for name, value in raw.items()}


TRIGGERS: dict[str, Trigger] = {}


def register_trigger(trigger: Trigger) -> Trigger:
    TRIGGERS[trigger.name] = trigger
    return trigger


def trigger(name: str) -> Trigger:
    try:
        return TRIGGERS[name]
    except KeyError:
        raise UnknownTrigger() from None


def params_for(organisation_id: int, name: str) -> dict[str, Any] | None:
    """The organisation's parameters for the trigger over its defaults; None when the
    organisation switched it off."""
    setting = TriggerSetting.objects.filter(organisation_id=organisation_id,
                                            trigger=name).first()
    return _merged(trigger(name), setting)


class OrganisationSettings:
    """The settings of one trigger for every organisation, in one query: what a scan
    across organisations reads."""

    def __init__(self, name: str):
        self.trigger = trigger(name)
        self._rows = {row.organisation_id: row
                      for row in TriggerSetting.objects.filter(trigger=name)}

    def params(self, organisation_id: int) -> dict[str, Any] | None:
        return _merged(self.trigger, self._rows.get(organisation_id))

    def widest(self, param: str) -> int:
        """The largest value any organisation gives the parameter (for a scan's window)."""
        values = [self.trigger.defaults()[param]]
        values += [row.params[param] for row in self._rows.values()
                   if row.enabled and param in row.params]
        flat = [value for item in values
                for value in (item if isinstance(item, list) else [item])]
        return max(flat)


def _merged(spec: Trigger, setting: TriggerSetting | None) -> dict[str, Any] | None:
    if setting is None:
        return spec.defaults()
    if not setting.enabled:
        return None
    return {**spec.defaults(), **setting.params}


def emit(recipient, kind_name: str, *, organisation, key: str,
         variables: Mapping[str, Any] | None = None, url: str = "",
         context: Mapping[str, Any] | None = None, deliver_after: datetime | None = None):
    """Write the notification to the outbox (inside the caller's transaction). The
    recipient's first name is always a variable; the key makes it once only."""
    if recipient is None or not recipient.is_active:
        return None
    return notify(recipient, kind_name, organisation=organisation, key=key,
                  variables={"first_name": recipient.get_short_name(), **(variables or {})},
                  url=url, context=context, deliver_after=deliver_after)


def existing_keys(keys: list[str]) -> set[str]:
    """Which of these idempotency keys are in the outbox already (one query)."""
    return set(Notification.objects.filter(idempotency_key__in=keys)
               .values_list("idempotency_key", flat=True))


class Planner:
    """What a scan wants to write, written in batches, skipping the keys already in the
    outbox before anything is rendered.

    A scan runs every few minutes and finds mostly what it already wrote: checking the
    keys of a batch in one query keeps those runs cheap. `variables`, `url` and
    `context` may be functions, called only for a message that is really new (a weekly
    recap is worth computing once). New rows go in with `notify_many` (one INSERT per
    batch, duplicates from a concurrent run ignored).
    """

    def __init__(self, *, batch_size: int = 500):
        self.batch_size = batch_size
        self.written = 0
        self._waiting: dict[str, tuple] = {}

    def plan(self, recipient, kind_name: str, *, organisation, key: str,
             variables: Mapping[str, Any] | Callable[[], Mapping[str, Any]] | None = None,
             url: str | Callable[[], str] = "",
             context: Mapping[str, Any] | Callable[[], Mapping[str, Any]] | None = None,
             deliver_after: datetime | None = None) -> None:
        if recipient is None or not recipient.is_active:
            return
        self._waiting[key] = (recipient, kind_name, organisation, variables, url, context,
                              deliver_after)
        if len(self._waiting) >= self.batch_size:
            self.flush()

    def flush(self) -> int:
        """Write what is waiting; the number written by this planner so far."""
        waiting, self._waiting = self._waiting, {}
        if not waiting:
            return self.written
        existing = existing_keys(list(waiting))
        rows = []
        for key, (recipient, kind_name, organisation, variables, url, context,
                  deliver_after) in waiting.items():
            if key in existing:
                continue
            variables, url, context = (value() if callable(value) else value
                                       for value in (variables, url, context))
            rows.append(Planned(recipient, kind_name, organisation, key, variables, url,
                                context, deliver_after))
        if rows:
            self.written += notify_many(rows)
        return self.written

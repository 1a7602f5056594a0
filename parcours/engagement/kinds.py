"""What the engine can send: each kind of message with its defaults.

A kind says which category people opt out of, whether it is a nudge (counted against
the weekly cap), its priority when several compete, and its default subject and body:
Django template strings marked for translation, rendered in the recipient's language
by `services.outbox.notify`. Parts register their own kinds (the triggers in
`triggers/`, campaigns `campaign`, coaching and classroom theirs); only generic kinds
live here.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from parcours.engagement.models.notifications import Category

if TYPE_CHECKING:
    from parcours.engagement.models import Notification


@dataclass(frozen=True)
class Kind:
    name: str                 # "reward_quiz", "step_due_soon", …
    category: str             # Category value: what people opt out of
    nudge: bool               # counts against the weekly cap
    priority: int             # higher wins when several compete (0–100)
    subject: str              # default Django template strings, marked for translation
    body: str                 #   with gettext_lazy; variables: {{ first_name }}, …
    urgent: bool = False      # goes through quiet hours
    still_relevant: "Callable[[Notification], bool] | None" = None  # checked at send time
    # The policy's defaults when None: the same kind about the same thing twice within
    # 24 hours is a duplicate; a nudge not sent within 3 days is stale.
    window: "timedelta | None" = None
    stale_after: "timedelta | None" = None

    def __post_init__(self):
        if self.category not in Category.values:
            raise ValueError(f"Kind {self.name!r}: unknown category {self.category!r}.")
        if not 0 <= self.priority <= 100:
            raise ValueError(f"Kind {self.name!r}: priority must be between 0 and 100.")
        if not self.name or len(self.name) > 40:
            raise ValueError("A kind's name is 1 to 40 characters (Notification.kind).")


_kinds: dict[str, Kind] = {}


def register_kind(kind: Kind) -> Kind:
    """Make a kind known to the engine. Registering the same kind again is harmless
    (modules are imported more than once in tests); two different kinds under one name
    are a programming error."""
    existing = _kinds.get(kind.name)
    if existing is not None and existing != kind:
        raise ValueError(f"Another kind is already registered as {kind.name!r}.")
    _kinds[kind.name] = kind
    return kind


def kind(name: str) -> Kind:
    """The kind registered under this name; KeyError for an unknown kind."""
    try:
        return _kinds[name]
    except KeyError:
        raise KeyError(f"No kind {name!r} is registered (see engagement.kinds).") from None


def registered_kinds() -> list[Kind]:
    """Every kind, by name (for the pages that let managers write templates per kind)."""
    return sorted(_kinds.values(), key=lambda k: k.name)


# A message an organisation writes by hand to one person ("the office is closed on
# Friday"): transactional, not a nudge. The variables carry the text itself.
ORGANISATION_MESSAGE = register_kind(Kind(
    name="organisation_message",
    category=Category.CAMPAIGNS,
    nudge=False,
    priority=50,
    subject="{{ title }}",
    body=_("Hello {{ first_name }},\n\n{{ text }}"),
))

"""Coaching's reactions to learning events and its hooks into other apps
(appointments in everyone's calendar feed)."""

from parcours.coaching import ical  # noqa: F401  (appointments in calendar feeds)
from parcours.coaching.selectors import (  # noqa: F401  (timeline sources)  # noqa: F401  (timeline sources)
    activities,
    engagements,
    messages,
    notes,
    timeline,  # noqa: F401  (the "path" timeline source)
)
from parcours.coaching.services import actions  # noqa: F401  (the action_due kind)
from parcours.coaching.services import messages as _messages  # noqa: F401  (coach_message kind)

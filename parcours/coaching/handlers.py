"""Coaching's reactions to learning events and its hooks into other apps
(appointments in everyone's calendar feed)."""

from parcours.coaching import ical  # noqa: F401  (appointments in calendar feeds)
from parcours.coaching.selectors import timeline  # noqa: F401  (the "path" timeline source)
from parcours.coaching.selectors import engagements, notes  # noqa: F401  (timeline sources)
from parcours.coaching.services import actions  # noqa: F401  (the action_due kind)
from parcours.coaching.selectors import activities, messages  # noqa: F401  (timeline sources)
from parcours.coaching.services import messages as _messages  # noqa: F401  (coach_message kind)

"""Coaching's reactions to learning events and its hooks into other apps
(appointments in everyone's calendar feed)."""

from parcours.coaching import ical  # noqa: F401  (appointments in calendar feeds)
from parcours.coaching.selectors import timeline  # noqa: F401  (the "path" timeline source)
from parcours.coaching.selectors import engagements, notes  # noqa: F401  (timeline sources)

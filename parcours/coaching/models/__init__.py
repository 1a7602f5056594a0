"""Coaching's data, one module per part (see docs/coaching.md)."""

from parcours.coaching.models.activities import *  # noqa: F401,F403
from parcours.coaching.models.availability import *  # noqa: F401,F403
from parcours.coaching.models.engagements import *  # noqa: F401,F403
from parcours.coaching.models.live import *  # noqa: F401,F403
from parcours.coaching.models.messages import *  # noqa: F401,F403
from parcours.coaching.models.privacy import *  # noqa: F401,F403
from parcours.coaching.models.record import *  # noqa: F401,F403
from parcours.coaching.models.synthesis import *  # noqa: F401,F403

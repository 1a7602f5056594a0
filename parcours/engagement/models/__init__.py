"""The engagement engine's data, one module per part (see docs/engagement.md)."""

from parcours.engagement.models.campaigns import *  # noqa: F401,F403
from parcours.engagement.models.feedback import *  # noqa: F401,F403
from parcours.engagement.models.notifications import *  # noqa: F401,F403
from parcours.engagement.models.preferences import *  # noqa: F401,F403
from parcours.engagement.models.push import *  # noqa: F401,F403
from parcours.engagement.models.triggers import *  # noqa: F401,F403

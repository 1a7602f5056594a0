"""Triggers that react to learning events: each writes to the outbox through
`engagement.services.outbox.notify`, inside the transaction of the event. Importing the
trigger modules registers their kinds, their settings and their `@on_event` handlers;
the time-based ones are scanned by `manage.py run_engagement_triggers`."""

from parcours.engagement.services import (
    campaigns,  # noqa: F401  (registers `campaign`)
    policy,  # noqa: F401  (registers `coach_backoff_alert`)
)
from parcours.engagement.triggers import (  # noqa: F401
    appointment_reminder,
    feedback_request,
    inactivity,
    new_content,
    reward_badge,
    reward_milestone,
    reward_quiz,
    reward_streak,
    session_reminder,
    step_due_soon,
    step_overdue,
    suggestion_next,
    suggestion_related,
    weekly_recap,
)

"""Coaching's data, one module per part (see docs/coaching.md)."""

from parcours.coaching.models.engagements import *  # noqa: F401,F403

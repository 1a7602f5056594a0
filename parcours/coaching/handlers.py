"""Coaching's reactions to learning events and its hooks into other apps
(appointments in everyone's calendar feed)."""

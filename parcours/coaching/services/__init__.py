"""Coaching's use cases, one module per part: engagements.py, appointments.py (closing
and hours), notes.py, actions.py, booking.py, availability.py, activities.py, live.py,
messages.py, synthesis.py, privacy.py."""

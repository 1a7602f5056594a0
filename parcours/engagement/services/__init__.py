"""The engine's use cases, one module per part: outbox.py (notify), dispatch.py,
policy.py, preferences.py, triggers.py, feedback.py, campaigns.py, push.py."""

"""The triggers: what makes the engine write a notification on its own.

Each module registers its trigger (`base.register_trigger`: name, parameters and their
defaults, and the time-based `scan` if it has one) and its kinds (`kinds.register_kind`:
default texts, category, `still_relevant`). Triggers that react to learning events
subscribe with `@on_event` and write through `notify` inside the event's transaction;
time-based ones are scanned by `manage.py run_engagement_triggers`. Every notification
carries an idempotency key built from what makes it unique, so evaluating a trigger twice
never writes two. `engagement.handlers` imports every module here.
"""

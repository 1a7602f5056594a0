"""The one way to write to the learning event record."""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import models

from parcours.core.models import LearningEvent, Verb

Handler = Callable[[LearningEvent], None]
_handlers: dict[str, list[Handler]] = defaultdict(list)

RESULT_KEYS = frozenset({"score", "success", "completion", "duration_minutes", "response"})


def record_event(
    actor,
    verb: str,
    object: models.Model | tuple[str, Any],
    *,
    organisation,
    result: Mapping[str, Any] | None = None,
    context: Mapping[str, Any] | None = None,
) -> LearningEvent:
    """Append what happened to the record.

    Call it inside the transaction of the change it describes, so the event and the
    change land or fail together. `object` is a model instance or a pair
    (type label, id) for things that are not rows.
    """
    _check(verb, result)
    object_type, object_id, object_name = _described(object)
    event = LearningEvent.objects.create(
        actor=actor,
        verb=verb,
        object_type=object_type,
        object_id=str(object_id),
        object_name=object_name[:255],
        organisation=organisation,
        result=dict(result) if result is not None else None,
        context=dict(context or {}),
    )
    for handler in _handlers.get(verb, ()):
        handler(event)
    return event


def _check(verb: str, result: Mapping[str, Any] | None) -> None:
    if verb not in Verb.values:
        raise ValueError(f"Unknown learning event verb {verb!r}; add it to core.models.Verb.")
    if result is not None:
        unknown = set(result) - RESULT_KEYS
        if unknown:
            raise ValueError(
                f"Unknown result keys {sorted(unknown)}; allowed: {sorted(RESULT_KEYS)}."
            )


def _described(thing) -> tuple[str, Any, str]:
    if isinstance(thing, models.Model):
        return thing._meta.label_lower, thing.pk, str(thing)
    (object_type, object_id) = thing
    return object_type, object_id, ""


def record_events(events: Iterable[Mapping[str, Any]]) -> list[LearningEvent]:
    """Append many events in one INSERT, for work done in batches (the dispatcher's
    `notified`). Each mapping holds `record_event`'s arguments (actor, verb, object,
    organisation, result, context); the same checks and the same handlers apply, in the
    caller's transaction."""
    rows = []
    for event in events:
        verb, result, thing = event["verb"], event.get("result"), event["object"]
        _check(verb, result)
        object_type, object_id, object_name = _described(thing)
        rows.append(LearningEvent(
            actor=event["actor"], verb=verb, object_type=object_type,
            object_id=str(object_id), object_name=object_name[:255],
            organisation=event["organisation"],
            result=dict(result) if result is not None else None,
            context=dict(event.get("context") or {})))
    LearningEvent.objects.bulk_create(rows)
    for row in rows:
        for handler in _handlers.get(row.verb, ()):
            handler(row)
    return rows


def on_event(*verbs: str) -> Callable[[Handler], Handler]:
    """Subscribe a handler to verbs: it runs inside the transaction of `record_event`.

    This is how one app reacts to what happened in another (a passed quiz completes a
    path step) without calling into it. Handlers live in `<app>/handlers.py`, imported
    by the app's `ready()`. A handler that raises rolls back the whole change, so keep
    slow work out: enqueue a task with `transaction.on_commit` instead.
    """
    for verb in verbs:
        if verb not in Verb.values:
            raise ValueError(f"Unknown learning event verb {verb!r}.")

    def register(handler: Handler) -> Handler:
        for verb in verbs:
            if handler not in _handlers[verb]:
                _handlers[verb].append(handler)
        return handler

    return register

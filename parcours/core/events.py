"""The one way to write to the learning event record."""

from collections import defaultdict
from collections.abc import Callable, Mapping
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
    if verb not in Verb.values:
        raise ValueError(f"Unknown learning event verb {verb!r}; add it to core.models.Verb.")
    if result is not None:
        unknown = set(result) - RESULT_KEYS
        if unknown:
            raise ValueError(
                f"Unknown result keys {sorted(unknown)}; allowed: {sorted(RESULT_KEYS)}."
            )
    if isinstance(object, models.Model):
        object_type, object_id, object_name = object._meta.label_lower, object.pk, str(object)
    else:
        (object_type, object_id), object_name = object, ""
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

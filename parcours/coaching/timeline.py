"""An engagement's chronological record, assembled from what each part of coaching
registers: appointments, shared notes, actions, activities, messages, documents, and the
beneficiary's path progress from learning events.

Each source runs one query, so the timeline renders with a fixed number of queries
however long the engagement. Sources never return private notes: the timeline is shown
to the beneficiary and to managers too.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from parcours.coaching.models import Engagement
from parcours.coaching.selectors import Capacity


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # "appointment", "note", "action", "activity", "message", "document", "path"
    title: str
    detail: str = ""
    url: str = ""
    actor: str = ""


TimelineSource = Callable[[Engagement, Capacity], list[TimelineEntry]]
_sources: dict[str, TimelineSource] = {}


def timeline_source(kind: str) -> Callable[[TimelineSource], TimelineSource]:
    """Register the function that lists one kind of entry (call at import time, from the
    part's selectors module imported by `coaching/handlers.py`)."""

    def register(source: TimelineSource) -> TimelineSource:
        _sources[kind] = source
        return source

    return register


def timeline_kinds() -> list[str]:
    return sorted(_sources)


def timeline(engagement: Engagement, capacity: Capacity, *,
             kinds: set[str] | None = None) -> list[TimelineEntry]:
    """Entries of the wanted kinds (all when None), newest first."""
    entries: list[TimelineEntry] = []
    for kind, source in _sources.items():
        if kinds is None or kind in kinds:
            entries.extend(source(engagement, capacity))
    return sorted(entries, key=lambda entry: entry.at, reverse=True)

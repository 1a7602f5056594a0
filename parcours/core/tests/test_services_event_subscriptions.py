"""Apps react to what happened elsewhere by subscribing to verbs."""

import pytest

from parcours.core import events
from parcours.core.events import on_event, record_event
from parcours.core.models import LearningEvent, Verb


@pytest.fixture
def heard(monkeypatch):
    monkeypatch.setattr(events, "_handlers", events.defaultdict(list))
    calls = []

    @on_event(Verb.PASSED)
    def note(event):
        calls.append(event)

    return calls


def test_a_subscriber_hears_the_verb_it_asked_for(heard, lea, organisation):
    event = record_event(lea, Verb.PASSED, organisation, organisation=organisation)

    assert heard == [event]


def test_a_subscriber_does_not_hear_other_verbs(heard, lea, organisation):
    record_event(lea, Verb.FAILED, organisation, organisation=organisation)

    assert heard == []


def test_a_failing_subscriber_undoes_the_event_with_the_change(monkeypatch, lea, organisation):
    monkeypatch.setattr(events, "_handlers", events.defaultdict(list))

    @on_event(Verb.PASSED)
    def broken(event):
        raise RuntimeError("the reaction failed")

    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        record_event(lea, Verb.PASSED, organisation, organisation=organisation)

    assert not LearningEvent.objects.filter(verb=Verb.PASSED).exists()


def test_subscribing_to_an_unknown_verb_is_refused():
    with pytest.raises(ValueError):
        on_event("teleported")


def test_events_recorded_in_a_batch_reach_their_subscribers_too(monkeypatch, lea, karim,
                                                                 organisation):
    monkeypatch.setattr(events, "_handlers", events.defaultdict(list))
    heard = []
    events.on_event(Verb.OPENED)(heard.append)

    rows = events.record_events([
        {"actor": lea, "verb": Verb.OPENED, "object": ("engagement.notification", 1),
         "organisation": organisation},
        {"actor": karim, "verb": Verb.OPENED, "object": ("engagement.notification", 2),
         "organisation": organisation, "context": {"kind": "reward_quiz"}},
    ])

    assert [row.actor for row in rows] == [lea, karim]
    assert LearningEvent.objects.filter(verb=Verb.OPENED).count() == 2
    assert [event.object_id for event in heard] == ["1", "2"]


def test_a_batch_with_an_unknown_verb_is_refused_whole(lea, organisation):
    with pytest.raises(ValueError):
        events.record_events([
            {"actor": lea, "verb": Verb.OPENED, "object": ("x", 1), "organisation": organisation},
            {"actor": lea, "verb": "teleported", "object": ("x", 2), "organisation": organisation},
        ])
    assert not LearningEvent.objects.exists()

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

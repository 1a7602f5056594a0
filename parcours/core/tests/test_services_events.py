"""The learning event record: written through record_event, never rewritten."""

from datetime import UTC, datetime

import pytest
from django.db import DatabaseError, connection, transaction

from parcours.core.events import record_event
from parcours.core.models import LearningEvent, Verb


@pytest.fixture
def event(lea, organisation):
    return record_event(lea, Verb.COMPLETED, ("catalog.step", 42), organisation=organisation,
                        result={"score": 80, "success": True}, context={"programme": 7})


def test_record_event_writes_who_did_what_to_what_where_and_how_it_went(lea, organisation):
    recorded = record_event(
        lea, Verb.PASSED, organisation, organisation=organisation,
        result={"score": 85, "success": True, "duration_minutes": 25},
        context={"programme": 3, "session": 12},
    )

    event = LearningEvent.objects.get(pk=recorded.pk)
    assert event.actor == lea
    assert event.verb == "passed"
    assert (event.object_type, event.object_id) == ("accounts.organisation", str(organisation.pk))
    assert event.object_name == "Cap Avenir Formation"
    assert event.organisation == organisation
    assert event.result == {"score": 85, "success": True, "duration_minutes": 25}
    assert event.context == {"programme": 3, "session": 12}


def test_an_object_that_is_not_a_row_is_recorded_by_type_and_id(lea, organisation):
    event = record_event(lea, Verb.OPENED, ("engagement.nudge", 9), organisation=organisation)

    event.refresh_from_db()
    assert (event.object_type, event.object_id, event.object_name) == ("engagement.nudge", "9", "")
    assert event.result is None
    assert event.context == {}


def test_an_unknown_verb_is_refused(lea, organisation):
    with pytest.raises(ValueError, match="Unknown learning event verb 'liked'"):
        record_event(lea, "liked", organisation, organisation=organisation)

    assert not LearningEvent.objects.exists()


def test_an_unknown_result_key_is_refused(lea, organisation):
    with pytest.raises(ValueError, match="Unknown result keys \\['grade'\\]"):
        record_event(lea, Verb.PASSED, organisation, organisation=organisation,
                     result={"grade": "A"})

    assert not LearningEvent.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"verb": Verb.FAILED},
        {"object_type": "catalog.module"},
        {"object_id": "43"},
        {"object_name": "Another step"},
        {"occurred_at": datetime(2020, 1, 1, tzinfo=UTC)},
        {"result": {"score": 100, "success": True}},
        {"context": {}},
        {"organisation": None},
    ],
    ids=lambda change: next(iter(change)),
)
def test_the_database_refuses_to_rewrite_an_event(event, change):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        LearningEvent.objects.filter(pk=event.pk).update(**change)

    event.refresh_from_db()
    assert (event.verb, event.object_id, event.result) == ("completed", "42",
                                                           {"score": 80, "success": True})


def test_the_database_refuses_to_give_an_event_to_someone_else(event, karim):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        LearningEvent.objects.filter(pk=event.pk).update(actor=karim)

    event.refresh_from_db()
    assert event.actor_id is not None and event.actor_id != karim.pk


def test_erasing_a_person_keeps_their_events_without_the_actor(event, lea):
    lea.delete()

    event.refresh_from_db()
    assert event.actor is None
    assert event.verb == "completed"


def test_the_record_has_indexes_for_a_persons_history_an_organisations_and_an_objects(db):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "core_learningevent")

    indexes = {name: c["columns"] for name, c in constraints.items() if c["index"]}
    assert indexes["event_actor_time_idx"] == ["actor_id", "occurred_at"]
    assert indexes["event_org_time_idx"] == ["organisation_id", "occurred_at"]
    assert indexes["event_object_idx"] == ["object_type", "object_id"]

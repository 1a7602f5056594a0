"""What Karim reads about Léa: her paths with their evidence, the changes made, and her
timeline, in the same number of queries however long her paths."""

from datetime import timedelta

import pytest
from django.utils import timezone

from parcours.core.errors import NotAllowed
from parcours.core.events import record_event
from parcours.core.models import Verb
from parcours.journeys.models import Adaptation, AdaptationKind, Evidence, EvidenceKind
from parcours.journeys.selectors import learner_record
from parcours.journeys.tests.pages_for_tests import enrolled, step_of

pytestmark = pytest.mark.django_db


def record(viewer, learner, organisation, **options):
    return learner_record(organisation, viewer=viewer, learner_id=learner.pk,
                          today=timezone.localdate(), **options)


@pytest.mark.parametrize("steps", [5, 40])
def test_the_learner_record_takes_the_same_queries_whatever_the_path_length(
        karim, lea, organisation, django_assert_num_queries, steps):
    for title in ("Prendre la parole en public", "Écrire son CV"):
        enrolment = enrolled(lea, organisation, title=title, steps=steps, done=3)
        Evidence.objects.create(path_step=step_of(enrolment, 1), kind=EvidenceKind.ENGAGED_TIME,
                                recorded_by=lea, recorded_at=timezone.now())

    # roles, the learner, enrolments, steps, prerequisites, evidence, submissions,
    # adaptations, the events' count and their page
    with django_assert_num_queries(10):
        found = record(karim, lea, organisation)

    assert [len(path.steps) for path in found.paths] == [steps, steps]


def test_the_timeline_merges_events_and_changes_newest_first(karim, lea, organisation):
    enrolment = enrolled(lea, organisation, steps=3)
    now = timezone.now()
    record_event(lea, Verb.LAUNCHED, step_of(enrolment, 1), organisation=organisation)
    Adaptation.objects.create(enrolment=enrolment, path_step=step_of(enrolment, 2),
                              kind=AdaptationKind.SKIPPED, reason="Déjà acquis.", made_by=karim,
                              made_at=now + timedelta(minutes=1))

    items = record(karim, lea, organisation).timeline.items

    assert [bool(item.adaptation) for item in items] == [True, False]


def test_a_learner_cannot_read_a_learner_record(lea, organisation):
    with pytest.raises(NotAllowed):
        record(lea, lea, organisation)

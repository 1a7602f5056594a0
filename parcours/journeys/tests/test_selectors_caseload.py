"""Karim's caseload: every enrolment with its status, progress and activity, computed in
the database in a fixed number of queries, sortable and filterable."""

from datetime import timedelta

import pytest
from django.utils import timezone

from parcours.accounts.tests.factories import member
from parcours.catalog.models import StepKind
from parcours.core.errors import NotAllowed
from parcours.journeys import progress
from parcours.journeys.models import (
    Enrolment,
    EnrolmentStatus,
    PathStep,
    PathStepStatus,
    Submission,
)
from parcours.journeys.selectors import caseload, with_progress
from parcours.journeys.tests.pages_for_tests import enrolled, step_of
from parcours.journeys.tests.paths_for_tests import programme_row

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def learners(organisation, count, prefix="Apprenant"):
    return [member(organisation, "learner", display_name=f"{prefix} {n:02d}")
            for n in range(count)]


@pytest.mark.parametrize("sort", ["name", "-progress"])
@pytest.mark.parametrize("size", [3, 30])
def test_the_caseload_takes_six_queries_whatever_its_size(
        karim, organisation, django_assert_num_queries, size, sort):
    programme = programme_row(organisation)
    for number, learner in enumerate(learners(organisation, size)):
        enrolment = enrolled(learner, organisation, programme=programme, steps=6,
                             done=number % 6)
        Submission.objects.create(path_step=step_of(enrolment, 6), text="Mon travail")

    # roles, the count, the page's figures, its enrolments with learners and programmes,
    # their work waiting for review, the programmes of the filter
    with django_assert_num_queries(6):
        page = caseload(organisation, viewer=karim, today=today(), sort=sort)

    assert page.total == size
    assert all(row.pending_reviews == 1 for row in page.rows)


def _set(enrolment, number, **fields):
    PathStep.objects.filter(enrolment=enrolment, position=number).update(**fields)


def test_the_status_in_the_database_is_the_status_of_progress(organisation):
    """The caseload's SQL and `progress.enrolment_status` give the same answers."""
    now = timezone.now()
    past, future = today() - timedelta(days=3), today() + timedelta(days=3)
    people = iter(learners(organisation, 12))

    def path(**fields):
        return enrolled(next(people), organisation, title=f"Programme {next(counter)}",
                        start_on=today(), **fields)

    counter = iter(range(100))
    on_track = path(steps=4, done=1)
    behind = path(steps=4, last_activity_at=now - timedelta(days=2))
    _set(behind, 1, planned_on=past)
    at_risk = path(steps=4, last_activity_at=now - timedelta(days=7))
    _set(at_risk, 2, planned_on=past)
    never_came = path(steps=4)
    Enrolment.objects.filter(pk=never_came.pk).update(created_at=now - timedelta(days=10))
    _set(never_came, 1, due_on=past)
    due_later = path(steps=4, last_activity_at=now)
    _set(due_later, 1, planned_on=past, due_on=future)  # the due date wins over the plan
    optional_late = path(steps=4)
    _set(optional_late, 1, planned_on=past, required=False)
    completed = path(steps=3, done=3)
    skipped = path(steps=2, done=1)
    _set(skipped, 2, status=PathStepStatus.SKIPPED, change_reason="Déjà acquis.")
    all_optional = path(steps=2, done=2)
    PathStep.objects.filter(enrolment=all_optional).update(required=False)
    empty = path(steps=0)
    closed = path(steps=3, completed_at=now)

    expected = {
        on_track: EnrolmentStatus.ON_TRACK, behind: EnrolmentStatus.BEHIND,
        at_risk: EnrolmentStatus.AT_RISK, never_came: EnrolmentStatus.AT_RISK,
        due_later: EnrolmentStatus.ON_TRACK, optional_late: EnrolmentStatus.ON_TRACK,
        completed: EnrolmentStatus.COMPLETED, skipped: EnrolmentStatus.COMPLETED,
        all_optional: EnrolmentStatus.COMPLETED, empty: EnrolmentStatus.ON_TRACK,
        closed: EnrolmentStatus.COMPLETED,
    }
    in_sql = {e.pk: (e.status, e.progress_percent)
              for e in with_progress(Enrolment.objects.all(), today=today())}
    in_python = {}
    for enrolment in Enrolment.objects.all():
        steps = list(enrolment.steps.prefetch_related("prerequisites"))
        in_python[enrolment.pk] = (
            progress.enrolment_status(enrolment, steps, today=today()),
            progress.progress_percent(steps))

    assert in_sql == in_python
    assert {pk: status for pk, (status, _) in in_sql.items()} == {
        enrolment.pk: status for enrolment, status in expected.items()}


@pytest.fixture
def group(organisation):
    """Three learners of one programme: Alice on track, Bruno behind, Chloé done."""
    programme = programme_row(organisation)
    alice, bruno, chloe = (member(organisation, "learner", display_name=name)
                           for name in ("Alice Petit", "Bruno Roux", "Chloé Blanc"))
    now = timezone.now()
    a = enrolled(alice, organisation, programme=programme, steps=4, done=1,
                 start_on=today(), last_activity_at=now - timedelta(days=1))
    b = enrolled(bruno, organisation, programme=programme, steps=4, done=2,
                 last_activity_at=now - timedelta(days=3))
    _set(b, 3, planned_on=today() - timedelta(days=2))
    c = enrolled(chloe, organisation, programme=programme, steps=4, done=4,
                 last_activity_at=now - timedelta(days=20))
    return programme, {"alice": a, "bruno": b, "chloe": c}


def names(page):
    return [row.learner.display_name for row in page.rows]


@pytest.mark.parametrize(("sort", "expected"), [
    ("name", ["Alice Petit", "Bruno Roux", "Chloé Blanc"]),
    ("-name", ["Chloé Blanc", "Bruno Roux", "Alice Petit"]),
    ("status", ["Bruno Roux", "Alice Petit", "Chloé Blanc"]),
    ("progress", ["Alice Petit", "Bruno Roux", "Chloé Blanc"]),
    ("-progress", ["Chloé Blanc", "Bruno Roux", "Alice Petit"]),
    ("last_activity", ["Chloé Blanc", "Bruno Roux", "Alice Petit"]),
    ("-days_inactive", ["Chloé Blanc", "Bruno Roux", "Alice Petit"]),
    ("days_inactive", ["Alice Petit", "Bruno Roux", "Chloé Blanc"]),
    ("nonsense", ["Alice Petit", "Bruno Roux", "Chloé Blanc"]),
])
def test_the_caseload_sorts_by_each_column(karim, organisation, group, sort, expected):
    assert names(caseload(organisation, viewer=karim, today=today(), sort=sort)) == expected


def test_the_caseload_filters_by_status(karim, organisation, group):
    page = caseload(organisation, viewer=karim, today=today(),
                    status_filter=EnrolmentStatus.BEHIND)

    assert names(page) == ["Bruno Roux"]
    assert page.rows[0].status_label == EnrolmentStatus.BEHIND.label


def test_the_caseload_filters_by_programme(karim, organisation, group, lea):
    enrolled(lea, organisation, title="Écrire son CV", steps=2)
    programme, _ = group

    page = caseload(organisation, viewer=karim, today=today(), programme_filter=programme.pk)

    assert page.total == 3
    assert "Léa Martin" not in names(page)
    assert [p.title for p in page.programmes] == ["Prendre la parole en public",
                                                  "Écrire son CV"]


def test_the_caseload_searches_names_and_emails(karim, organisation, group):
    assert names(caseload(organisation, viewer=karim, today=today(), search="bru")) == [
        "Bruno Roux"]


def test_each_row_has_progress_activity_and_days_inactive(karim, organisation, group):
    rows = {row.learner.display_name: row
            for row in caseload(organisation, viewer=karim, today=today()).rows}

    assert (rows["Bruno Roux"].percent, rows["Bruno Roux"].counted_finished,
            rows["Bruno Roux"].counted_total) == (50, 2, 4)
    assert rows["Bruno Roux"].days_inactive == 3
    assert rows["Chloé Blanc"].days_inactive == 20
    assert rows["Alice Petit"].last_activity is not None


def test_the_caseload_is_paginated(karim, organisation):
    programme = programme_row(organisation)
    for learner in learners(organisation, 5):
        enrolled(learner, organisation, programme=programme, steps=1)

    page = caseload(organisation, viewer=karim, today=today(), per_page=2, page=3)

    assert (page.page, page.pages, len(page.rows)) == (3, 3, 1)
    assert page.has_previous and not page.has_next


def test_a_learner_has_no_caseload(lea, organisation):
    with pytest.raises(NotAllowed):
        caseload(organisation, viewer=lea, today=today())


def test_the_caseload_never_shows_another_organisation(karim, organisation, oscar,
                                                       other_organisation):
    someone = member(other_organisation, "learner", display_name="Zoé Horizon")
    enrolled(someone, other_organisation, steps=2, kinds=(StepKind.CHECKPOINT,))

    assert caseload(organisation, viewer=karim, today=today()).total == 0

"""Karim adapts Léa's path: every change says who, when, what and why, and Léa reads why."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone, translation

from parcours.accounts.tests.factories import member
from parcours.catalog.models import StepKind
from parcours.core.errors import Conflict, DomainError, NotAllowed
from parcours.core.models import LearningEvent, Verb
from parcours.journeys import progress
from parcours.journeys.models import Adaptation, AdaptationKind, PathStepStatus
from parcours.journeys.services import (
    change_due_date,
    enrol_learner,
    insert_step,
    pull_step_forward,
    push_step_back,
    reorder_path,
    skip_step,
)
from parcours.journeys.tests.paths_for_tests import (
    MONDAY,
    module_row,
    path_step,
    programme_row,
    speaking_programme,
    step_row,
    titles,
)

REASON = "Son entretien d'embauche est jeudi"


@pytest.fixture(autouse=True)
def monday_morning():
    with translation.override("en"), time_machine.travel(
            datetime(2026, 9, 7, 7, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def programme(organisation):
    return speaking_programme(organisation)


@pytest.fixture
def enrolment(programme, lea, karim):
    return enrol_learner(programme, lea, by=karim, start_on=MONDAY, minutes_per_week=120)


def step(enrolment, title):
    return path_step(enrolment, title)


def done(enrolment, title):
    row = step(enrolment, title)
    row.status, row.completed_at = PathStepStatus.DONE, timezone.now()
    row.save()
    return row


def next_of(enrolment):
    steps = enrolment.steps.prefetch_related("prerequisites")
    return progress.next_step(steps, today=MONDAY)


# Pulling a step forward


def test_karim_pulls_a_later_step_forward_and_it_becomes_the_next_one(enrolment, karim):
    pull_step_forward(step(enrolment, "Bilan"), by=karim, reason=REASON)

    assert titles(enrolment) == ["Bilan", "Respirer", "Structurer", "Pitch", "Atelier"]
    assert next_of(enrolment).step.title == "Bilan"


def test_lea_reads_why_her_coach_moved_the_step(enrolment, karim):
    pull_step_forward(step(enrolment, "Bilan"), by=karim, reason=REASON)

    nxt = next_of(enrolment)
    assert nxt.reason_code == "moved_by_coach"
    assert nxt.reason_text == f"Your coach moved this step earlier: {REASON}"


def test_a_pulled_step_is_marked_adapted_with_its_reason(enrolment, karim):
    pulled = pull_step_forward(step(enrolment, "Bilan"), by=karim, reason=f"  {REASON}  ")

    pulled.refresh_from_db()
    assert pulled.adapted
    assert pulled.change_reason == REASON
    assert pulled.last_change == AdaptationKind.PULLED_FORWARD


def test_a_pulled_step_goes_before_the_next_step_and_done_steps_keep_their_place(
    enrolment, karim
):
    done(enrolment, "Respirer")

    pull_step_forward(step(enrolment, "Atelier"), by=karim, reason=REASON)

    assert titles(enrolment) == ["Respirer", "Atelier", "Structurer", "Pitch", "Bilan"]
    assert step(enrolment, "Respirer").position == 1


def test_the_next_step_cannot_be_pulled_forward(enrolment, karim):
    with pytest.raises(Conflict, match="already the next one"):
        pull_step_forward(step(enrolment, "Respirer"), by=karim, reason=REASON)


def test_a_step_cannot_come_before_its_prerequisites(enrolment, karim):
    step(enrolment, "Bilan").prerequisites.add(step(enrolment, "Pitch"))

    with pytest.raises(DomainError, match="needs “Pitch” done first"):
        pull_step_forward(step(enrolment, "Bilan"), by=karim, reason=REASON)


def test_moving_a_step_plans_the_dates_again_in_the_new_order(enrolment, karim):
    pull_step_forward(step(enrolment, "Bilan"), by=karim, reason=REASON)

    assert step(enrolment, "Bilan").planned_on == MONDAY + timedelta(days=1)
    assert step(enrolment, "Respirer").planned_on == MONDAY + timedelta(days=3)


# Pushing a step back


def test_karim_pushes_a_step_after_the_following_one(enrolment, karim):
    push_step_back(step(enrolment, "Respirer"), by=karim, reason="Pas le moment")

    assert titles(enrolment) == ["Structurer", "Respirer", "Pitch", "Bilan", "Atelier"]
    assert step(enrolment, "Respirer").last_change == AdaptationKind.PUSHED_BACK


def test_pushing_back_jumps_over_done_steps_which_stay_in_place(enrolment, karim):
    done(enrolment, "Structurer")

    push_step_back(step(enrolment, "Respirer"), by=karim, reason="Pas le moment")

    assert titles(enrolment) == ["Pitch", "Structurer", "Respirer", "Bilan", "Atelier"]


def test_the_last_step_cannot_be_pushed_back(enrolment, karim):
    with pytest.raises(Conflict, match="already the last"):
        push_step_back(step(enrolment, "Atelier"), by=karim, reason="Plus tard")


# Inserting a step


def test_karim_writes_an_extra_step_on_the_spot(enrolment, karim):
    added = insert_step(enrolment, by=karim, reason=REASON, position=2,
                        kind=StepKind.LESSON, title="Préparer l'entretien",
                        body="Relisez l'offre.", estimated_minutes=45)

    assert titles(enrolment) == ["Respirer", "Préparer l'entretien", "Structurer", "Pitch",
                                 "Bilan", "Atelier"]
    added.refresh_from_db()
    assert added.added_by_coach and added.adapted
    assert added.body == "Relisez l'offre."
    assert added.estimated_minutes == 45
    assert added.module_title == "Se préparer"
    assert added.planned_on is not None
    assert [s.position for s in enrolment.steps.order_by("position")] == [1, 2, 3, 4, 5, 6]


def test_lea_reads_why_her_coach_added_a_step(enrolment, karim):
    insert_step(enrolment, by=karim, reason=REASON, position=1, kind=StepKind.CHECKPOINT,
                title="Appel de préparation")

    nxt = next_of(enrolment)
    assert nxt.step.title == "Appel de préparation"
    assert nxt.reason_text == f"Your coach added this step to your path: {REASON}"


def test_karim_adds_a_step_copied_from_another_programme_of_the_organisation(
    enrolment, karim, organisation
):
    other = programme_row(organisation, "Entretien d'embauche")
    source = step_row(module_row(other, "Préparer"), StepKind.EXTERNAL, "Salon de l'emploi",
                      external_url="https://example.org/salon", needs_coach_confirmation=True)

    added = insert_step(enrolment, by=karim, reason=REASON, position=6, from_step=source)

    assert titles(enrolment)[-1] == "Salon de l'emploi"
    assert added.source_step == source
    assert added.needs_coach_confirmation
    assert added.external_url == "https://example.org/salon"
    assert added.module_title == "S'exercer"


def test_a_step_from_another_organisation_cannot_be_copied(
    enrolment, karim, other_organisation
):
    foreign = speaking_programme(other_organisation).steps.first()

    with pytest.raises(DomainError, match="another organisation"):
        insert_step(enrolment, by=karim, reason=REASON, position=1, from_step=foreign)


@pytest.mark.parametrize(("content", "message"), [
    ({"kind": StepKind.LESSON, "title": "  "}, "title"),
    ({"kind": "dance", "title": "Danser"}, "kind of step"),
    ({"kind": StepKind.EXTERNAL, "title": "Salon"}, "link"),
    ({"kind": StepKind.QUIZ, "title": "Quiz"}, "quiz"),
    ({"kind": StepKind.LESSON, "title": "Lire", "estimated_minutes": 0}, "duration"),
    ({"kind": StepKind.LESSON, "title": "Lire", "colour": "red"}, "Unknown step fields"),
])
def test_an_extra_step_must_be_complete(enrolment, karim, content, message):
    with pytest.raises(DomainError, match=message):
        insert_step(enrolment, by=karim, reason=REASON, position=1, **content)

    assert enrolment.steps.count() == 5


@pytest.mark.parametrize("position", [0, 7])
def test_an_extra_step_goes_somewhere_in_the_path(enrolment, karim, position):
    with pytest.raises(DomainError, match="from 1 to 6"):
        insert_step(enrolment, by=karim, reason=REASON, position=position,
                    kind=StepKind.LESSON, title="Lire")


# Skipping a step


def test_karim_skips_a_step_with_a_reason(enrolment, karim):
    skip_step(step(enrolment, "Structurer"), by=karim, reason="Déjà acquis en formation")

    skipped = step(enrolment, "Structurer")
    assert skipped.status == PathStepStatus.SKIPPED
    assert skipped.change_reason == "Déjà acquis en formation"
    assert skipped.completed_at is None


def test_skipping_the_last_required_step_completes_the_path(enrolment, karim, lea):
    for title in ["Respirer", "Structurer", "Pitch", "Bilan"]:
        done(enrolment, title)

    skip_step(step(enrolment, "Atelier"), by=karim, reason="Atelier annulé")

    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    event = LearningEvent.objects.get(verb=Verb.COMPLETED, object_type="catalog.programme")
    assert event.actor == lea


# Changing a due date


def test_karim_changes_a_due_date(enrolment, karim):
    change_due_date(step(enrolment, "Pitch"), by=karim, reason=REASON,
                    due_on=MONDAY + timedelta(days=3))

    assert step(enrolment, "Pitch").due_on == MONDAY + timedelta(days=3)
    adaptation = Adaptation.objects.get()
    assert adaptation.details == {"due_on": {"before": None, "after": "2026-09-10"}}


def test_a_due_date_can_be_removed(enrolment, karim):
    change_due_date(step(enrolment, "Pitch"), by=karim, reason=REASON, due_on=MONDAY)

    change_due_date(step(enrolment, "Pitch"), by=karim, reason="Plus d'urgence", due_on=None)

    assert step(enrolment, "Pitch").due_on is None


def test_the_same_due_date_changes_nothing(enrolment, karim):
    with pytest.raises(Conflict):
        change_due_date(step(enrolment, "Pitch"), by=karim, reason=REASON, due_on=None)


# Reordering


def test_karim_reorders_the_steps_to_do(enrolment, karim):
    order = [step(enrolment, t).pk for t in ["Pitch", "Respirer", "Structurer", "Atelier",
                                               "Bilan"]]

    moved = reorder_path(enrolment, by=karim, reason=REASON, order=order)

    assert titles(enrolment) == ["Pitch", "Respirer", "Structurer", "Atelier", "Bilan"]
    assert {s.title for s in moved} == {"Pitch", "Respirer", "Structurer", "Atelier", "Bilan"}
    assert all(s.last_change == AdaptationKind.REORDERED for s in moved)


def test_reordering_keeps_done_steps_in_their_place_and_marks_only_moved_steps(
    enrolment, karim
):
    done(enrolment, "Structurer")
    order = [step(enrolment, t).pk for t in ["Respirer", "Pitch", "Atelier", "Bilan"]]

    reorder_path(enrolment, by=karim, reason=REASON, order=order)

    assert titles(enrolment) == ["Respirer", "Structurer", "Pitch", "Atelier", "Bilan"]
    assert not step(enrolment, "Respirer").adapted
    assert step(enrolment, "Atelier").adapted


def test_reordering_records_the_order_before_and_after(enrolment, karim):
    before = [s.pk for s in enrolment.steps.order_by("position")]
    after = list(reversed(before))

    reorder_path(enrolment, by=karim, reason=REASON, order=after)

    adaptation = Adaptation.objects.get()
    assert adaptation.path_step is None
    assert adaptation.details == {"order": {"before": before, "after": after}}
    event = LearningEvent.objects.get(verb=Verb.PATH_ADAPTED)
    assert (event.object_type, event.object_id) == ("journeys.enrolment", str(enrolment.pk))


def test_an_order_must_name_every_step_to_do_once(enrolment, karim):
    done_step = done(enrolment, "Respirer")
    todo = [s.pk for s in enrolment.steps.filter(status="todo").order_by("position")]

    for order in ([*todo[:-1]], [*todo, todo[0]], [done_step.pk, *todo], [*todo[:-1], 999]):
        with pytest.raises(DomainError, match="every step still to do"):
            reorder_path(enrolment, by=karim, reason=REASON, order=order)


def test_the_same_order_changes_nothing(enrolment, karim):
    order = [s.pk for s in enrolment.steps.order_by("position")]

    with pytest.raises(Conflict, match="already in this order"):
        reorder_path(enrolment, by=karim, reason=REASON, order=order)


# What every adaptation records


def test_every_adaptation_records_who_when_what_and_why(enrolment, karim):
    bilan = step(enrolment, "Bilan")

    pull_step_forward(bilan, by=karim, reason=REASON)

    adaptation = Adaptation.objects.get()
    assert adaptation.made_by == karim
    assert adaptation.made_at == timezone.now()
    assert adaptation.kind == AdaptationKind.PULLED_FORWARD
    assert adaptation.reason == REASON
    assert adaptation.path_step == bilan
    assert adaptation.details == {"position": {"before": 4, "after": 1}}


def test_every_adaptation_is_a_learning_event_on_the_learners_timeline(enrolment, karim, lea):
    bilan = step(enrolment, "Bilan")

    pull_step_forward(bilan, by=karim, reason=REASON)

    event = LearningEvent.objects.get(verb=Verb.PATH_ADAPTED)
    assert event.actor == karim
    assert (event.object_type, event.object_id) == ("journeys.pathstep", str(bilan.pk))
    assert event.context == {
        "programme": enrolment.programme_id, "enrolment": enrolment.pk, "learner": lea.pk,
        "path_step": bilan.pk, "kind": "pulled_forward", "reason": REASON}
    assert LearningEvent.objects.filter(context__learner=lea.pk, verb=Verb.PATH_ADAPTED).exists()


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_an_adaptation_needs_a_reason(enrolment, karim, reason):
    with pytest.raises(DomainError, match="Say why"):
        pull_step_forward(step(enrolment, "Bilan"), by=karim, reason=reason)

    assert titles(enrolment)[0] == "Respirer"
    assert not Adaptation.objects.exists()


@pytest.mark.parametrize("adapt", [
    lambda s, by: pull_step_forward(s, by=by, reason=REASON),
    lambda s, by: push_step_back(s, by=by, reason=REASON),
    lambda s, by: skip_step(s, by=by, reason=REASON),
    lambda s, by: change_due_date(s, by=by, reason=REASON, due_on=MONDAY),
])
def test_a_done_step_cannot_be_adapted(enrolment, karim, adapt):
    done(enrolment, "Pitch")

    with pytest.raises(Conflict, match="This step is done"):
        adapt(step(enrolment, "Pitch"), karim)

    assert step(enrolment, "Pitch").status == PathStepStatus.DONE
    assert not Adaptation.objects.exists()


def test_a_skipped_step_cannot_be_moved(enrolment, karim):
    skip_step(step(enrolment, "Pitch"), by=karim, reason="Inutile")

    with pytest.raises(Conflict, match="skipped"):
        pull_step_forward(step(enrolment, "Pitch"), by=karim, reason=REASON)


def test_a_completed_path_cannot_be_adapted(enrolment, karim):
    enrolment.completed_at = timezone.now()
    enrolment.save()

    with pytest.raises(Conflict, match="completed"):
        insert_step(enrolment, by=karim, reason=REASON, position=1, kind=StepKind.LESSON,
                    title="Bonus")


# Who may adapt


def test_lea_cannot_adapt_her_own_path(enrolment, lea):
    with pytest.raises(NotAllowed):
        pull_step_forward(step(enrolment, "Bilan"), by=lea, reason="Je préfère")
    with pytest.raises(NotAllowed):
        skip_step(step(enrolment, "Bilan"), by=lea, reason="Je préfère")

    assert titles(enrolment)[0] == "Respirer"


def test_sophie_a_manager_does_not_adapt_paths(enrolment, sophie):
    with pytest.raises(NotAllowed):
        reorder_path(enrolment, by=sophie, reason=REASON,
                     order=[s.pk for s in enrolment.steps.order_by("-position")])


def test_a_coach_of_another_organisation_cannot_adapt_a_path_here(
    enrolment, other_organisation
):
    coach_elsewhere = member(other_organisation, "coach")

    with pytest.raises(NotAllowed):
        change_due_date(step(enrolment, "Pitch"), by=coach_elsewhere, reason=REASON,
                        due_on=MONDAY)


def test_oscar_from_another_organisation_cannot_insert_a_step_here(enrolment, oscar):
    with pytest.raises(NotAllowed):
        insert_step(enrolment, by=oscar, reason=REASON, position=1, kind=StepKind.LESSON,
                    title="Intrus")

    assert enrolment.steps.count() == 5


def test_a_path_adapted_later_is_planned_from_the_learners_today(enrolment, karim):
    with time_machine.travel(datetime(2026, 9, 21, 7, 0, tzinfo=UTC), tick=False):
        pull_step_forward(step(enrolment, "Bilan"), by=karim, reason=REASON)

    assert step(enrolment, "Bilan").planned_on == MONDAY + timedelta(days=15)

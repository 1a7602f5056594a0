"""Sophie changes a programme: running paths keep their steps until she applies the change,
and then what a coach adapted, and what learners did, stays as it was."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from parcours.accounts.tests.factories import member
from parcours.catalog.models import StepKind
from parcours.core.errors import DomainError, NotAllowed
from parcours.core.models import LearningEvent, Verb
from parcours.journeys.models import Adaptation, AdaptationKind, PathStepStatus
from parcours.journeys.services import (
    apply_programme_update,
    enrol_learner,
    pull_step_forward,
)
from parcours.journeys.tests.paths_for_tests import (
    MONDAY,
    path_step,
    speaking_programme,
    step_row,
    template_step,
    titles,
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def programme(organisation):
    return speaking_programme(organisation)


@pytest.fixture
def enrolment(programme, lea, karim):
    return enrol_learner(programme, lea, by=karim, start_on=MONDAY, minutes_per_week=120)


@pytest.fixture
def nina(organisation):
    return member(organisation, "learner", display_name="Nina Roux")


def publish_new_version(programme):
    programme.version += 1
    programme.save()


def edit(programme, step_title, **changes):
    step = template_step(programme, step_title)
    for name, value in changes.items():
        setattr(step, name, value)
    step.save()
    return step


def test_a_running_path_keeps_its_steps_when_the_programme_changes(programme, enrolment):
    edit(programme, "Respirer", title="Respirer par le ventre", body="Nouveau texte")

    assert titles(enrolment)[0] == "Respirer"


def test_applying_the_update_changes_the_steps_still_to_do(programme, enrolment, sophie):
    edit(programme, "Respirer", title="Respirer par le ventre", body="Nouveau texte",
         estimated_minutes=45)
    publish_new_version(programme)

    summary = apply_programme_update(programme, by=sophie)

    step = path_step(enrolment, "Respirer par le ventre")
    assert (step.body, step.estimated_minutes) == ("Nouveau texte", 45)
    assert (summary.paths_updated, summary.steps_updated, summary.steps_added) == (1, 1, 0)
    enrolment.refresh_from_db()
    assert enrolment.programme_version == 2


def test_the_update_plans_the_dates_again(programme, enrolment, sophie):
    edit(programme, "Respirer", estimated_minutes=120)
    publish_new_version(programme)

    apply_programme_update(programme, by=sophie)

    assert path_step(enrolment, "Structurer").planned_on > MONDAY + timedelta(days=3)


def test_a_new_due_offset_gives_the_path_a_new_due_date(programme, enrolment, sophie):
    edit(programme, "Pitch", due_offset_days=14)
    publish_new_version(programme)

    apply_programme_update(programme, by=sophie)

    assert path_step(enrolment, "Pitch").due_on == MONDAY + timedelta(days=14)


def test_a_step_a_coach_adapted_is_not_overwritten(programme, enrolment, sophie, karim):
    pull_step_forward(path_step(enrolment, "Bilan"), by=karim, reason="Entretien jeudi")
    edit(programme, "Bilan", title="Bilan à mi-parcours")
    publish_new_version(programme)

    summary = apply_programme_update(programme, by=sophie)

    assert titles(enrolment)[0] == "Bilan"
    assert summary.steps_left_alone == 1
    assert summary.paths_updated == 0


def test_a_done_step_keeps_what_the_learner_did(programme, enrolment, sophie):
    done = path_step(enrolment, "Respirer")
    done.status, done.completed_at = PathStepStatus.DONE, timezone.now()
    done.save()
    edit(programme, "Respirer", title="Respirer autrement")
    publish_new_version(programme)

    apply_programme_update(programme, by=sophie)

    assert path_step(enrolment, "Respirer").status == PathStepStatus.DONE


def test_a_new_step_is_added_in_its_place(programme, enrolment, sophie):
    pitch = template_step(programme, "Pitch")
    new = step_row(pitch.module, StepKind.LESSON, "Se filmer", position=1)
    edit(programme, "Bilan", position=2)
    edit(programme, "Atelier", position=3)
    new.prerequisites.add(pitch)
    publish_new_version(programme)

    summary = apply_programme_update(programme, by=sophie)

    assert titles(enrolment) == ["Respirer", "Structurer", "Pitch", "Se filmer", "Bilan",
                                 "Atelier"]
    added = path_step(enrolment, "Se filmer")
    assert added.source_step == new
    assert list(added.prerequisites.all()) == [path_step(enrolment, "Pitch")]
    assert added.module_title == "S'exercer"
    assert not added.adapted
    assert summary.steps_added == 1


def test_a_step_removed_from_the_programme_stays_in_running_paths(programme, enrolment, sophie):
    template_step(programme, "Atelier").delete()
    publish_new_version(programme)

    summary = apply_programme_update(programme, by=sophie)

    assert titles(enrolment)[-1] == "Atelier"
    assert summary.steps_left_alone == 1


def test_completed_paths_are_left_as_they_were(programme, enrolment, sophie):
    enrolment.completed_at = timezone.now()
    enrolment.save()
    edit(programme, "Respirer", title="Respirer autrement")
    publish_new_version(programme)

    summary = apply_programme_update(programme, by=sophie)

    assert titles(enrolment)[0] == "Respirer"
    assert summary.paths_updated == 0


def test_every_running_path_is_updated(programme, enrolment, nina, karim, sophie):
    other = enrol_learner(programme, nina, by=karim, start_on=MONDAY, minutes_per_week=60)
    edit(programme, "Pitch", title="Pitch filmé")
    publish_new_version(programme)

    summary = apply_programme_update(programme, by=sophie)

    assert summary.paths_updated == 2
    assert "Pitch filmé" in titles(enrolment)
    assert "Pitch filmé" in titles(other)


def test_the_update_is_recorded_on_each_path_it_changed(programme, enrolment, sophie, lea):
    edit(programme, "Pitch", title="Pitch filmé")
    publish_new_version(programme)

    apply_programme_update(programme, by=sophie)

    adaptation = Adaptation.objects.get()
    assert adaptation.kind == AdaptationKind.TEMPLATE_APPLIED
    assert adaptation.made_by == sophie
    assert adaptation.details["version"] == {"before": 1, "after": 2}
    assert adaptation.details["updated"] == [path_step(enrolment, "Pitch filmé").pk]
    event = LearningEvent.objects.get(verb=Verb.PATH_ADAPTED)
    assert (event.actor, event.context["kind"], event.context["learner"]) == (
        sophie, "template_applied", lea.pk)


def test_the_reason_is_written_in_the_learners_language(programme, enrolment, sophie):
    edit(programme, "Pitch", title="Pitch filmé")
    publish_new_version(programme)

    apply_programme_update(programme, by=sophie)

    assert "Prendre la parole en public" in Adaptation.objects.get().reason


def test_applying_twice_changes_nothing_the_second_time(programme, enrolment, sophie):
    edit(programme, "Pitch", title="Pitch filmé")
    publish_new_version(programme)
    apply_programme_update(programme, by=sophie)

    summary = apply_programme_update(programme, by=sophie)

    assert summary.paths_updated == 0
    assert str(summary) == "every running path was already up to date."
    assert Adaptation.objects.count() == 1


def test_the_summary_reads_as_a_sentence(programme, enrolment, sophie):
    edit(programme, "Pitch", title="Pitch filmé")
    publish_new_version(programme)

    summary = apply_programme_update(programme, by=sophie)

    assert str(summary).startswith("1 path updated; 1 step changed, 0 steps added")


def test_unpublished_changes_are_not_applied(programme, enrolment, sophie):
    edit(programme, "Pitch", title="Pas encore publié")
    programme.has_unpublished_changes = True
    programme.save()

    with pytest.raises(DomainError, match="Publish"):
        apply_programme_update(programme, by=sophie)

    assert "Pitch" in titles(enrolment)


@pytest.mark.parametrize("who", ["karim", "lea", "oscar"])
def test_only_a_manager_of_the_organisation_applies_an_update(programme, enrolment, who,
                                                               request):
    edit(programme, "Pitch", title="Pitch filmé")
    publish_new_version(programme)

    with pytest.raises(NotAllowed):
        apply_programme_update(programme, by=request.getfixturevalue(who))

    assert "Pitch" in titles(enrolment)


def test_a_step_that_now_needs_a_new_step_waits_for_it(programme, enrolment, sophie):
    pitch = template_step(programme, "Pitch")
    rehearsal = step_row(pitch.module, StepKind.LESSON, "Répéter", position=9)
    pitch.prerequisites.add(rehearsal)
    publish_new_version(programme)

    apply_programme_update(programme, by=sophie)

    assert list(path_step(enrolment, "Pitch").prerequisites.all()) == [
        path_step(enrolment, "Répéter")]

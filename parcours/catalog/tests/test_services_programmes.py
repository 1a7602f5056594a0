"""Authoring programmes: what managers can build, and the rules that keep it sound."""

from contextlib import contextmanager

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from parcours.catalog import services
from parcours.catalog.models import Programme, Step, Tag
from parcours.catalog.services import (
    AlreadyPublished,
    AttachmentRefused,
    NothingToPublish,
    PrerequisitesInvalid,
    ProgrammeInvalid,
    PublishedProgrammeNeedsAStep,
    StepInvalid,
)
from parcours.core.errors import NotAllowed
from parcours.core.models import LearningEvent


@contextmanager
def refused(error, match=None):
    """The service refuses with this error, and tells why (checked in English, whatever
    the French catalogue says)."""
    with translation.override("en"), pytest.raises(error, match=match):
        yield


PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"


def titles(module):
    return list(module.steps.order_by("position").values_list("title", flat=True))


def positions(module):
    return list(module.steps.order_by("position").values_list("position", flat=True))


# Creating and describing


def test_sophie_creates_a_draft_programme_with_its_themes_and_skills(programme, organisation):
    programme.refresh_from_db()

    assert programme.status == "draft"
    assert programme.version == 1
    assert programme.estimated_minutes == 0
    assert {(t.kind, t.name) for t in programme.tags.all()} == {("theme", "Emploi"),
                                                                ("skill", "CV")}
    assert Tag.objects.filter(organisation=organisation).count() == 2


def test_a_tag_typed_again_in_another_case_is_the_same_tag(programme, sophie, organisation):
    services.update_programme(programme, by=sophie, tags=["emploi", " Numérique ", ""])

    assert sorted(programme.tags.filter(kind="theme").values_list("name", flat=True)) == [
        "Emploi", "Numérique"]
    assert Tag.objects.filter(organisation=organisation, kind="theme").count() == 2


def test_tags_belong_to_their_organisation(programme, oscar, other_organisation):
    services.create_programme(other_organisation, by=oscar, title="Conseil", language="fr",
                              tags=["Emploi"])

    assert Tag.objects.filter(name="Emploi").count() == 2


def test_a_programme_needs_a_title_and_a_known_language(organisation, sophie):
    with refused(ProgrammeInvalid, match="title"):
        services.create_programme(organisation, by=sophie, title="  ", language="fr")
    with refused(ProgrammeInvalid, match="languages"):
        services.create_programme(organisation, by=sophie, title="Anglais", language="xx")

    assert not Programme.objects.exists()


@pytest.mark.parametrize("person", ["lea", "karim"])
def test_learners_and_coaches_cannot_author_programmes(organisation, person, request):
    with refused(NotAllowed):
        services.create_programme(organisation, by=request.getfixturevalue(person),
                                  title="Mon parcours", language="fr")


def test_oscar_cannot_change_a_programme_of_another_organisation(programme, module, oscar):
    with refused(NotAllowed):
        services.update_programme(programme, by=oscar, title="Pris")
    with refused(NotAllowed):
        services.add_step(module, by=oscar, kind="lesson", title="Intrus")

    programme.refresh_from_db()
    assert programme.title == "Retour à l'emploi"
    assert not Step.objects.exists()


# Duration and order


def test_the_programme_lasts_as_long_as_its_required_steps(programme, module, add_lesson,
                                                          sophie):
    first = add_lesson(module, "Se présenter", estimated_minutes=30)
    add_lesson(module, "Pour aller plus loin", estimated_minutes=20, required=False)
    last = add_lesson(module, "Son projet", estimated_minutes=15)
    programme.refresh_from_db()
    assert programme.estimated_minutes == 45

    services.update_step(last, by=sophie, required=False)
    services.delete_step(first, by=sophie)

    programme.refresh_from_db()
    assert programme.estimated_minutes == 0


def test_deleting_a_step_closes_the_gap(module, add_lesson, sophie):
    add_lesson(module, "Un")
    two = add_lesson(module, "Deux")
    add_lesson(module, "Trois")

    services.delete_step(two, by=sophie)

    assert titles(module) == ["Un", "Trois"]
    assert positions(module) == [0, 1]


def test_moving_a_step_up_puts_it_before_its_neighbour(module, add_lesson, sophie):
    add_lesson(module, "Un")
    add_lesson(module, "Deux")
    three = add_lesson(module, "Trois")

    services.move_step(three, by=sophie, direction="up")

    assert titles(module) == ["Un", "Trois", "Deux"]
    assert positions(module) == [0, 1, 2]


def test_a_step_moved_up_from_the_top_of_a_module_ends_the_module_before(
    programme, module, add_lesson, sophie
):
    add_lesson(module, "Bilan 1")
    second = services.add_module(programme, by=sophie, title="Projet")
    moving = add_lesson(second, "Projet 1")
    add_lesson(second, "Projet 2")

    services.move_step(moving, by=sophie, direction="up")

    assert titles(module) == ["Bilan 1", "Projet 1"]
    assert titles(second) == ["Projet 2"]
    assert positions(second) == [0]


def test_the_very_first_step_stays_first(module, add_lesson, sophie):
    first = add_lesson(module, "Un")
    add_lesson(module, "Deux")

    services.move_step(first, by=sophie, direction="up")

    assert titles(module) == ["Un", "Deux"]


def test_modules_move_and_stay_numbered_without_gaps(programme, module, sophie):
    second = services.add_module(programme, by=sophie, title="Projet")
    third = services.add_module(programme, by=sophie, title="Emploi")

    services.move_module(third, by=sophie, direction="up")
    services.delete_module(module, by=sophie)

    assert list(programme.modules.order_by("position").values_list("title", "position")) == [
        ("Emploi", 0), ("Projet", 1)]
    second.refresh_from_db()
    assert second.position == 1


def test_deleting_a_module_deletes_its_steps_and_their_duration(programme, module, add_lesson,
                                                                sophie):
    add_lesson(module, "Se présenter", estimated_minutes=30)

    services.delete_module(module, by=sophie)

    programme.refresh_from_db()
    assert not programme.steps.exists()
    assert programme.estimated_minutes == 0


# Prerequisites


def test_a_step_can_need_other_steps_of_the_programme(module, add_lesson, sophie):
    cv = add_lesson(module, "Écrire son CV")
    letter = add_lesson(module, "Écrire une lettre")

    services.set_prerequisites(letter, by=sophie, prerequisites=[cv])

    assert list(letter.prerequisites.all()) == [cv]
    assert list(cv.unlocks.all()) == [letter]


def test_a_step_cannot_be_its_own_prerequisite(module, add_lesson, sophie):
    cv = add_lesson(module, "Écrire son CV")

    with refused(PrerequisitesInvalid, match="own prerequisite"):
        services.set_prerequisites(cv, by=sophie, prerequisites=[cv])


def test_prerequisites_never_go_round_in_a_circle(module, add_lesson, sophie):
    one, two, three = (add_lesson(module, title) for title in ("Un", "Deux", "Trois"))
    services.set_prerequisites(two, by=sophie, prerequisites=[one])
    services.set_prerequisites(three, by=sophie, prerequisites=[two])

    with refused(PrerequisitesInvalid, match="circle"):
        services.set_prerequisites(one, by=sophie, prerequisites=[three])

    assert not one.prerequisites.exists()


def test_prerequisites_come_from_the_same_programme(organisation, module, add_lesson, sophie):
    other = services.create_programme(organisation, by=sophie, title="Autre", language="fr")
    elsewhere = add_lesson(services.add_module(other, by=sophie, title="M"), "Ailleurs")
    step = add_lesson(module, "Ici")

    with refused(PrerequisitesInvalid, match="same programme"):
        services.set_prerequisites(step, by=sophie, prerequisites=[elsewhere])


def test_steps_that_needed_a_deleted_step_no_longer_wait_for_it(module, add_lesson, sophie):
    cv = add_lesson(module, "Écrire son CV")
    letter = services.add_step(module, by=sophie, kind="lesson", title="Lettre",
                               prerequisites=[cv])

    services.delete_step(cv, by=sophie)

    assert not letter.prerequisites.exists()


# What each kind of step needs


def test_a_quiz_step_asks_for_a_quiz_of_the_organisation(module, sophie, quiz):
    step = services.add_step(module, by=sophie, kind="quiz", title="Quiz CV", quiz=quiz)

    assert step.quiz == quiz


def test_a_quiz_step_without_a_quiz_is_refused(module, sophie):
    with refused(StepInvalid, match="quiz"):
        services.add_step(module, by=sophie, kind="quiz", title="Quiz")

    assert not Step.objects.exists()


def test_a_quiz_of_another_organisation_is_refused(module, sophie, other_quiz):
    with refused(StepInvalid, match="your organisation"):
        services.add_step(module, by=sophie, kind="quiz", title="Quiz", quiz=other_quiz)


def test_an_external_activity_needs_a_web_link(module, sophie):
    with refused(StepInvalid, match="link"):
        services.add_step(module, by=sophie, kind="external", title="MOOC")
    with refused(StepInvalid, match="http"):
        services.add_step(module, by=sophie, kind="external", title="MOOC",
                          external_url="javascript:alert(1)")

    step = services.add_step(module, by=sophie, kind="external", title="MOOC",
                             external_url="https://www.fun-mooc.fr/", needs_coach_confirmation=True)
    assert step.needs_coach_confirmation


def test_a_step_keeps_only_the_fields_of_its_kind(module, sophie, quiz):
    step = services.add_step(module, by=sophie, kind="lesson", title="Lecture", quiz=quiz,
                             external_url="https://example.org")

    step.refresh_from_db()
    assert step.quiz is None
    assert step.external_url == ""


def test_card_reviews_need_a_deck(module, sophie, deck):
    with refused(StepInvalid, match="deck"):
        services.add_step(module, by=sophie, kind="lesson", title="Vocabulaire",
                          reviews_required=5)

    step = services.add_step(module, by=sophie, kind="lesson", title="Vocabulaire", deck=deck,
                             reviews_required=5)
    assert step.reviews_required == 5


def test_a_step_needs_a_duration(module, sophie):
    with refused(StepInvalid, match="duration"):
        services.add_step(module, by=sophie, kind="checkpoint", title="Bilan", estimated_minutes=0)


# Publishing


def test_a_programme_without_steps_cannot_be_published(programme, sophie):
    with refused(NothingToPublish, match="at least one step"):
        services.publish_programme(programme, by=sophie)

    programme.refresh_from_db()
    assert programme.status == "draft"


def test_publishing_records_the_programme_with_its_themes_and_skills(published, sophie):
    event = LearningEvent.objects.get(verb="published")

    assert published.status == "published"
    assert published.published_at is not None
    assert event.actor == sophie
    assert (event.object_type, event.object_id) == ("catalog.programme", str(published.pk))
    themes = list(published.tags.filter(kind="theme").values_list("pk", flat=True))
    skills = list(published.tags.filter(kind="skill").values_list("pk", flat=True))
    assert event.context == {"programme": published.pk, "version": 1, "tags": themes,
                             "skills": skills}


def test_publishing_changes_raises_the_version(published, module, add_lesson, sophie):
    add_lesson(module, "Nouvelle leçon")
    published.refresh_from_db()
    assert published.has_unpublished_changes

    services.publish_programme(published, by=sophie)

    published.refresh_from_db()
    assert published.version == 2
    assert not published.has_unpublished_changes
    assert LearningEvent.objects.filter(verb="published").count() == 2


def test_publishing_again_without_changes_is_refused(published, sophie):
    with refused(AlreadyPublished):
        services.publish_programme(published, by=sophie)

    published.refresh_from_db()
    assert published.version == 1


def test_editing_a_draft_is_not_a_change_to_publish(programme, module, add_lesson, sophie):
    add_lesson(module, "Leçon")
    services.update_programme(programme, by=sophie, title="Retour à l'emploi 2027")

    programme.refresh_from_db()
    assert not programme.has_unpublished_changes
    assert services.publish_programme(programme, by=sophie).version == 1


def test_the_last_step_of_a_published_programme_stays(published, module, sophie):
    with refused(PublishedProgrammeNeedsAStep):
        services.delete_step(module.steps.get(), by=sophie)
    with refused(PublishedProgrammeNeedsAStep):
        services.delete_module(module, by=sophie)

    assert published.steps.count() == 1


def test_a_learner_cannot_publish(programme, module, add_lesson, lea):
    add_lesson(module, "Leçon")

    with refused(NotAllowed):
        services.publish_programme(programme, by=lea)


# Attachments


def test_a_pdf_is_attached_to_a_lesson(module, add_lesson):
    step = add_lesson(module, "Guide", attachment=SimpleUploadedFile("guide.pdf", PDF))

    step.refresh_from_db()
    assert step.attachment.name.endswith(".pdf")
    assert step.attachment.read() == PDF


def test_a_file_over_ten_megabytes_is_refused(module, add_lesson):
    big = SimpleUploadedFile("gros.pdf", PDF + b"0" * (10 * 1024 * 1024))

    with refused(AttachmentRefused, match="10 MB"):
        add_lesson(module, "Guide", attachment=big)


@pytest.mark.parametrize("name, content", [
    ("page.html", b"<script>alert(1)</script>"),
    ("outil.exe", b"MZ\x90\x00"),
    ("image.svg", b"<svg onload='alert(1)'/>"),
])
def test_files_of_other_types_are_refused(module, add_lesson, name, content):
    with refused(AttachmentRefused, match="type"):
        add_lesson(module, "Guide", attachment=SimpleUploadedFile(name, content))


def test_a_file_renamed_to_look_like_a_pdf_is_refused(module, add_lesson):
    with refused(AttachmentRefused, match="does not match"):
        add_lesson(module, "Guide", attachment=SimpleUploadedFile("guide.pdf", b"MZ\x90\x00"))


def test_replacing_an_attachment_removes_the_old_file_once_saved(
    module, add_lesson, sophie, django_capture_on_commit_callbacks
):
    step = add_lesson(module, "Guide", attachment=SimpleUploadedFile("v1.pdf", PDF))
    old = step.attachment.name

    with django_capture_on_commit_callbacks(execute=True):
        services.update_step(step, by=sophie, attachment=SimpleUploadedFile("v2.pdf", PDF))

    assert not step.attachment.storage.exists(old)
    assert step.attachment.storage.exists(step.attachment.name)

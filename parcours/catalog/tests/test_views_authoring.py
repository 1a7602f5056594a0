"""Sophie authors programmes in the web pages; nobody else may."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from parcours.catalog import services
from parcours.catalog.models import Programme, Step
from parcours.catalog.services import NothingToPublish
from parcours.journeys.services import UnpublishedChanges, enrol_learner

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"


def url(name, *args, slug="cap-avenir"):
    return reverse(f"catalog:{name}", args=[slug, *args])


def step_fields(**values):
    """What the step form posts for a lesson, with these values changed."""
    return {"title": "Se présenter", "body": "", "video_url": "", "min_engaged_seconds": "0",
            "check_question": "", "deck": "", "reviews_required": "0",
            "estimated_minutes": "20", "required": "on", "due_offset_days": "", **values}


@pytest.fixture
def as_sophie(client, sophie):
    client.force_login(sophie)
    return client


# Who may author


def authoring_pages(programme, module, step):
    return [url("programme_new"), url("programme_edit", programme.pk),
            url("programme_preview", programme.pk),
            url("step_new", programme.pk, module.pk) + "?kind=lesson",
            url("step_edit", programme.pk, step.pk)]


@pytest.mark.parametrize("person", ["lea", "karim"])
def test_learners_and_coaches_cannot_open_the_authoring_pages(client, programme, module,
                                                              add_lesson, person, request):
    step = add_lesson(module, "Leçon")
    client.force_login(request.getfixturevalue(person))

    for page in authoring_pages(programme, module, step):
        assert client.get(page).status_code == 403, page


def test_a_learner_cannot_change_a_programme_by_posting(client, lea, programme, module,
                                                        add_lesson):
    step = add_lesson(module, "Leçon")
    client.force_login(lea)

    assert client.post(url("programme_publish", programme.pk)).status_code == 403
    assert client.post(url("step_delete", programme.pk, step.pk)).status_code == 403
    assert client.post(url("module_add", programme.pk),
                       {"new-module-title": "Intrus"}).status_code == 403
    assert programme.modules.count() == 1
    assert Step.objects.filter(pk=step.pk).exists()


def test_oscar_gets_404_on_the_authoring_pages_of_another_organisation(client, oscar, programme,
                                                                      module, add_lesson):
    step = add_lesson(module, "Leçon")
    client.force_login(oscar)

    for page in authoring_pages(programme, module, step):
        assert client.get(page).status_code == 404, page
    assert client.post(url("step_delete", programme.pk, step.pk)).status_code == 404


def test_oscar_cannot_reach_cap_avenirs_programme_through_his_own_organisation(
    client, oscar, programme
):
    client.force_login(oscar)

    response = client.get(url("programme_edit", programme.pk, slug="horizon"))

    assert response.status_code == 404


# Creating and editing a programme


def test_sophie_creates_a_programme_and_lands_on_its_editor(as_sophie, organisation):
    response = as_sophie.post(url("programme_new"), {
        "title": "Numérique au quotidien", "description": "Les bases.", "objectives": "",
        "audience": "Tout public", "language": "fr", "tags": "Numérique, Autonomie",
        "skills": "Messagerie", "allows_self_enrolment": "on",
    })

    programme = Programme.objects.get(title="Numérique au quotidien")
    assert response.status_code == 302
    assert response["Location"] == url("programme_edit", programme.pk)
    assert programme.allows_self_enrolment
    assert sorted(programme.tags.values_list("name", flat=True)) == [
        "Autonomie", "Messagerie", "Numérique"]
    assert programme.created_by.email == "sophie@example.org"


def test_a_programme_without_a_title_is_explained_and_nothing_is_lost(as_sophie):
    response = as_sophie.post(url("programme_new"), {
        "title": "", "description": "Une description déjà écrite", "language": "fr",
        "tags": "Numérique",
    })

    assert response.status_code == 400
    assert response.context["form"].errors["title"]
    page = response.content.decode()
    assert "Une description déjà écrite" in page
    assert 'value="Numérique"' in page
    assert not Programme.objects.exists()


def test_sophie_changes_the_programme_details(as_sophie, programme):
    response = as_sophie.post(url("programme_edit", programme.pk), {
        "title": "Retour à l'emploi 2027", "description": "", "objectives": "",
        "audience": "", "language": "en", "tags": "", "skills": "CV, Entretien",
    })

    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.title == "Retour à l'emploi 2027"
    assert programme.language == "en"
    assert sorted(programme.tags.values_list("name", flat=True)) == ["CV", "Entretien"]


# Modules


def test_sophie_adds_a_module(as_sophie, programme):
    as_sophie.post(url("module_add", programme.pk), {"new-module-title": "Projet"})

    assert list(programme.modules.values_list("title", flat=True)) == ["Bilan", "Projet"]


def test_a_module_renamed_to_nothing_keeps_its_name_and_shows_why(as_sophie, programme, module):
    response = as_sophie.post(url("module_rename", programme.pk, module.pk),
                              {f"module-{module.pk}-title": "  "})

    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    module.refresh_from_db()
    assert module.title == "Bilan"


def test_sophie_moves_a_module_down(as_sophie, programme, module, sophie):
    services.add_module(programme, by=sophie, title="Projet")

    as_sophie.post(url("module_move", programme.pk, module.pk), {"direction": "down"})

    assert list(programme.modules.order_by("position").values_list("title", flat=True)) == [
        "Projet", "Bilan"]


def test_sophie_deletes_a_module(as_sophie, programme, module):
    response = as_sophie.post(url("module_delete", programme.pk, module.pk))

    assert response.status_code == 302
    assert not programme.modules.exists()


# Steps


def test_sophie_adds_a_lesson_with_its_content(as_sophie, programme, module):
    response = as_sophie.post(
        url("step_new", programme.pk, module.pk) + "?kind=lesson",
        step_fields(body="## Bienvenue", video_url="https://video.example.org/v/1",
                    min_engaged_seconds="120", attachment=SimpleUploadedFile("guide.pdf", PDF)),
    )

    assert response.status_code == 302
    step = module.steps.get()
    assert (step.kind, step.title, step.estimated_minutes) == ("lesson", "Se présenter", 20)
    assert step.min_engaged_seconds == 120
    assert step.attachment.name.endswith(".pdf")
    programme.refresh_from_db()
    assert programme.estimated_minutes == 20


@pytest.mark.parametrize("kind", ["lesson", "quiz", "assignment", "checkpoint", "external",
                                  "live_session", "appointment"])
def test_every_kind_of_step_has_its_form(as_sophie, programme, module, kind):
    response = as_sophie.get(url("step_new", programme.pk, module.pk) + f"?kind={kind}")

    assert response.status_code == 200
    assert 'name="title"' in response.content.decode()
    assert 'enctype="multipart/form-data"' in response.content.decode()


def test_the_step_form_shows_only_the_fields_of_its_kind(as_sophie, programme, module, quiz,
                                                        other_quiz):
    response = as_sophie.get(url("step_new", programme.pk, module.pk) + "?kind=quiz")

    form = response.context["form"]
    assert "quiz" in form.fields
    assert "external_url" not in form.fields and "attachment" not in form.fields
    assert list(form.fields["quiz"].queryset) == [quiz]
    assert "Quiz d&#x27;Horizon" not in response.content.decode()


def test_a_quiz_step_is_added_with_the_chosen_quiz(as_sophie, programme, module, quiz):
    as_sophie.post(url("step_new", programme.pk, module.pk) + "?kind=quiz",
                   {"title": "Quiz CV", "quiz": quiz.pk, "estimated_minutes": "10",
                    "required": "on", "due_offset_days": "14"})

    step = module.steps.get()
    assert (step.kind, step.quiz, step.due_offset_days) == ("quiz", quiz, 14)


def test_a_quiz_of_another_organisation_cannot_be_posted(as_sophie, programme, module,
                                                        other_quiz):
    response = as_sophie.post(url("step_new", programme.pk, module.pk) + "?kind=quiz",
                              {"title": "Quiz", "quiz": other_quiz.pk, "estimated_minutes": "10"})

    assert response.status_code == 400
    assert response.context["form"].errors["quiz"]
    assert not Step.objects.exists()


def test_an_external_activity_without_a_link_is_explained_and_the_title_kept(as_sophie,
                                                                            programme, module):
    response = as_sophie.post(url("step_new", programme.pk, module.pk) + "?kind=external",
                              {"title": "MOOC emploi", "external_url": "",
                               "estimated_minutes": "60"})

    assert response.status_code == 400
    assert response.context["form"].errors["external_url"]
    assert 'value="MOOC emploi"' in response.content.decode()


def test_an_unknown_kind_of_step_sends_back_to_the_editor(as_sophie, programme, module):
    response = as_sophie.get(url("step_new", programme.pk, module.pk) + "?kind=potion")

    assert response.status_code == 302
    assert response["Location"] == url("programme_edit", programme.pk)


def test_a_wrong_attachment_is_explained_next_to_the_field(as_sophie, programme, module):
    response = as_sophie.post(
        url("step_new", programme.pk, module.pk) + "?kind=lesson",
        step_fields(body="Mon texte", attachment=SimpleUploadedFile("outil.exe", b"MZ\x90")),
    )

    assert response.status_code == 400
    assert response.context["form"].errors["attachment"]
    assert "Mon texte" in response.content.decode()
    assert not Step.objects.exists()


def test_sophie_edits_a_step_and_its_prerequisites(as_sophie, programme, module, add_lesson):
    cv = add_lesson(module, "Écrire son CV")
    letter = add_lesson(module, "Lettre")

    response = as_sophie.post(url("step_edit", programme.pk, letter.pk),
                              step_fields(title="Lettre de motivation", required="",
                                          prerequisites=[cv.pk]))

    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.title == "Lettre de motivation"
    assert not letter.required
    assert list(letter.prerequisites.all()) == [cv]


def test_prerequisites_in_a_circle_are_refused_on_the_page(as_sophie, programme, module,
                                                           add_lesson, sophie):
    cv = add_lesson(module, "Écrire son CV")
    letter = add_lesson(module, "Lettre")
    services.set_prerequisites(letter, by=sophie, prerequisites=[cv])

    response = as_sophie.post(url("step_edit", programme.pk, cv.pk),
                              step_fields(title="Écrire son CV", prerequisites=[letter.pk]))

    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert 'role="alert"' in response.content.decode()
    assert not cv.prerequisites.exists()


def test_sophie_removes_an_attachment(as_sophie, programme, module, add_lesson):
    step = add_lesson(module, "Guide", attachment=SimpleUploadedFile("guide.pdf", PDF))

    as_sophie.post(url("step_edit", programme.pk, step.pk),
                   step_fields(title="Guide", **{"attachment-clear": "on"}))

    step.refresh_from_db()
    assert not step.attachment


def test_moving_a_step_reloads_the_editor(as_sophie, programme, module, add_lesson):
    add_lesson(module, "Un")
    two = add_lesson(module, "Deux")

    response = as_sophie.post(url("step_move", programme.pk, two.pk), {"direction": "up"})

    assert response.status_code == 302
    assert list(module.steps.order_by("position").values_list("title", flat=True)) == [
        "Deux", "Un"]


def test_with_htmx_moving_a_step_answers_with_the_outline_only(as_sophie, programme, module,
                                                               add_lesson):
    add_lesson(module, "Un")
    two = add_lesson(module, "Deux")

    response = as_sophie.post(url("step_move", programme.pk, two.pk), {"direction": "up"},
                              HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<section id="outline-editor"')
    assert page.index("Deux") < page.index("Un<")
    assert f'id="step-{two.pk}-up"' in page  # focus comes back to the same button


def test_sophie_deletes_a_step(as_sophie, programme, module, add_lesson):
    step = add_lesson(module, "Un")

    as_sophie.post(url("step_delete", programme.pk, step.pk))

    assert not Step.objects.exists()


# Publishing, preview, applying changes


def test_publishing_an_empty_programme_explains_what_is_missing(as_sophie, programme):
    response = as_sophie.post(url("programme_publish", programme.pk), follow=True)

    assert escape(str(NothingToPublish.default_message)) in response.content.decode()
    programme.refresh_from_db()
    assert programme.status == "draft"


def test_sophie_publishes_the_programme(as_sophie, programme, module, add_lesson):
    add_lesson(module, "Un")

    response = as_sophie.post(url("programme_publish", programme.pk), follow=True)

    programme.refresh_from_db()
    assert programme.is_published
    assert [m.level_tag for m in response.context["messages"]] == ["success"]


def test_the_preview_shows_every_step_as_a_learner_would(as_sophie, programme, module,
                                                         add_lesson, sophie):
    add_lesson(module, "Se présenter", body="Présentez-vous en **deux minutes**.",
               attachment=SimpleUploadedFile("guide.pdf", PDF))
    services.add_step(module, by=sophie, kind="external", title="MOOC",
                      external_url="https://www.fun-mooc.fr/cours/1")

    page = as_sophie.get(url("programme_preview", programme.pk)).content.decode()

    assert "<strong>deux minutes</strong>" in page
    assert 'href="https://www.fun-mooc.fr/cours/1"' in page
    step = module.steps.get(title="Se présenter")
    assert url("step_attachment", programme.pk, step.pk) in page


def test_sophie_applies_the_published_changes_to_running_paths(as_sophie, published, module,
                                                               sophie, lea):
    enrol_learner(published, lea, by=sophie, start_on=published.published_at.date(),
                  minutes_per_week=120)
    services.update_step(module.steps.get(), by=sophie, title="Se présenter en 2 minutes")
    services.publish_programme(published, by=sophie)

    response = as_sophie.post(url("programme_apply", published.pk), follow=True)

    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    assert lea.enrolments.get().steps.get().title == "Se présenter en 2 minutes"


def test_changes_not_yet_published_are_not_applied(as_sophie, published, module, sophie):
    services.update_step(module.steps.get(), by=sophie, title="Brouillon de titre")

    response = as_sophie.post(url("programme_apply", published.pk), follow=True)

    assert escape(str(UnpublishedChanges.default_message)) in response.content.decode()


def test_a_learner_cannot_apply_changes_to_running_paths(client, lea, published):
    client.force_login(lea)

    assert client.post(url("programme_apply", published.pk)).status_code == 403

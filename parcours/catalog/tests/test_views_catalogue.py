"""The catalogue and a programme's page: what each person sees, and self-enrolment."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parcours.catalog import services

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"


def catalogue(slug="cap-avenir"):
    return reverse("catalog:catalogue", args=[slug])


def detail(programme, slug="cap-avenir"):
    return reverse("catalog:programme", args=[slug, programme.pk])


@pytest.fixture
def draft(organisation, sophie):
    return services.create_programme(organisation, by=sophie, title="Brouillon secret",
                                     language="fr")


# The list


def test_lea_sees_the_published_programmes_but_not_the_drafts(client, lea, published, draft):
    client.force_login(lea)

    response = client.get(catalogue())

    assert response.status_code == 200
    page = response.content.decode()
    assert "Retour à l&#x27;emploi" in page
    assert "Brouillon secret" not in page
    assert reverse("catalog:programme_new", args=["cap-avenir"]) not in page


def test_sophie_sees_her_drafts_and_can_start_a_new_programme(client, sophie, published, draft):
    client.force_login(sophie)

    response = client.get(catalogue())

    assert [p.title for p in response.context["programmes"]] == ["Brouillon secret",
                                                                 "Retour à l'emploi"]
    assert reverse("catalog:programme_new", args=["cap-avenir"]) in response.content.decode()


def test_the_catalogue_shows_only_the_programmes_of_a_skill(client, lea, published,
                                                            organisation, sophie):
    other = services.create_programme(organisation, by=sophie, title="Prise de parole",
                                      language="fr", skills=["Oral"])
    services.add_step(services.add_module(other, by=sophie, title="M"), by=sophie,
                      kind="checkpoint", title="Bilan")
    services.publish_programme(other, by=sophie)
    cv = published.tags.get(name="CV")
    client.force_login(lea)

    response = client.get(catalogue(), {"tag": cv.pk})

    assert [p.title for p in response.context["programmes"]] == ["Retour à l'emploi"]
    assert "Prise de parole" not in response.content.decode()


def test_the_catalogue_takes_the_same_queries_however_many_programmes(client, lea, published,
                                                                     organisation, sophie):
    client.force_login(lea)
    client.get(catalogue())
    with CaptureQueriesContext(connection) as few:
        client.get(catalogue())
    for n in range(5):
        programme = services.create_programme(organisation, by=sophie, title=f"Parcours {n}",
                                              language="fr", tags=[f"Thème {n}"])
        services.add_step(services.add_module(programme, by=sophie, title="M"), by=sophie,
                          kind="checkpoint", title="Bilan")
        services.publish_programme(programme, by=sophie)
    with CaptureQueriesContext(connection) as many:
        response = client.get(catalogue())

    assert len(response.context["programmes"]) == 6
    assert len(many) == len(few)


def test_an_unknown_tag_in_the_address_shows_every_programme(client, lea, published):
    client.force_login(lea)

    response = client.get(catalogue(), {"tag": "quatre"})

    assert response.status_code == 200
    assert len(response.context["programmes"]) == 1


def test_oscar_from_another_organisation_sees_nothing_of_its_catalogue(client, oscar, published):
    client.force_login(oscar)

    assert client.get(catalogue()).status_code == 404
    assert client.get(detail(published)).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(client, published):
    response = client.get(catalogue())

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# A programme's page


def test_lea_reads_what_a_programme_is_about_and_its_outline(client, lea, published, module,
                                                              add_lesson, sophie):
    add_lesson(module, "Lectures conseillées", estimated_minutes=75, required=False)
    client.force_login(lea)

    page = client.get(detail(published)).content.decode()

    assert "<strong>reprendre pied</strong>" in page
    assert "<li>Écrire son CV</li>" in page
    assert "Demandeurs d&#x27;emploi" in page
    assert "30 min" in page  # only the required lesson counts
    assert "Se présenter" in page and "Lectures conseillées" in page


def test_a_draft_is_a_404_for_a_learner(client, lea, draft):
    client.force_login(lea)

    assert client.get(detail(draft)).status_code == 404


def test_the_outline_page_takes_the_same_queries_however_many_steps(client, lea, published,
                                                                    module, add_lesson,
                                                                    sophie, programme):
    client.force_login(lea)
    client.get(detail(published))
    with CaptureQueriesContext(connection) as few:
        client.get(detail(published))

    second = services.add_module(programme, by=sophie, title="Projet")
    steps = [add_lesson(second if n % 2 else module, f"Leçon {n}") for n in range(8)]
    services.set_prerequisites(steps[-1], by=sophie, prerequisites=steps[:3])
    with CaptureQueriesContext(connection) as many:
        response = client.get(detail(published))

    assert "Leçon 7" in response.content.decode()
    assert len(many) == len(few)


# Attachments


def test_lea_downloads_the_file_attached_to_a_published_lesson(client, lea, published, module,
                                                               add_lesson):
    step = add_lesson(module, "Guide", attachment=SimpleUploadedFile("guide.pdf", PDF))
    client.force_login(lea)

    response = client.get(reverse("catalog:step_attachment",
                                  args=["cap-avenir", published.pk, step.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"


def test_files_of_drafts_and_of_other_organisations_stay_hidden(client, lea, oscar, draft,
                                                               add_lesson, sophie, published):
    step = add_lesson(services.add_module(draft, by=sophie, title="M"), "Guide",
                      attachment=SimpleUploadedFile("guide.pdf", PDF))
    url = reverse("catalog:step_attachment", args=["cap-avenir", draft.pk, step.pk])
    client.force_login(lea)
    assert client.get(url).status_code == 404

    client.force_login(oscar)
    assert client.get(url).status_code == 404


# Self-enrolment


@pytest.fixture
def open_programme(published, sophie):
    return services.update_programme(published, by=sophie, allows_self_enrolment=True)


def test_lea_is_offered_to_enrol_herself_when_the_programme_allows_it(client, lea,
                                                                      open_programme):
    client.force_login(lea)

    response = client.get(detail(open_programme))

    form = response.context["form"]
    assert form is not None
    assert form["start_on"].value() is not None
    assert 'name="hours_per_week"' in response.content.decode()


def test_no_enrolment_form_when_the_programme_does_not_allow_it(client, lea, published):
    client.force_login(lea)

    response = client.get(detail(published))

    assert response.context["form"] is None
    assert client.post(detail(published), {"start_on": "2027-01-04",
                                           "hours_per_week": "3"}).status_code == 302


def test_coaches_are_not_offered_to_enrol(client, karim, open_programme):
    client.force_login(karim)

    assert client.get(detail(open_programme)).context["form"] is None


def test_a_bad_pace_is_explained_and_the_date_kept(client, lea, open_programme):
    client.force_login(lea)

    response = client.post(detail(open_programme), {"start_on": "2027-01-04",
                                                    "hours_per_week": "0"})

    assert response.status_code == 400
    assert response.context["form"].errors["hours_per_week"]
    assert 'value="2027-01-04"' in response.content.decode()


def test_lea_enrols_herself_at_her_own_pace(client, lea, open_programme):
    client.force_login(lea)

    response = client.post(detail(open_programme), {"start_on": "2027-01-04",
                                                    "hours_per_week": "2.5"})

    assert response.status_code == 302
    enrolment = lea.enrolments.get()
    assert enrolment.programme == open_programme
    assert str(enrolment.start_on) == "2027-01-04"
    assert enrolment.minutes_per_week == 150
    page = client.get(detail(open_programme))
    assert page.context["enrolled"]
    assert page.context["form"] is None


# The step content, shared with the learner's path pages


def test_a_learners_copy_of_a_step_shows_the_programme_steps_attachment(published, module,
                                                                        add_lesson, organisation):
    from parcours.journeys.models import PathStep

    step = add_lesson(module, "Guide", body="Lisez le *guide*.",
                      video_url="https://video.example.org/v/1",
                      attachment=SimpleUploadedFile("guide.pdf", PDF))
    copy = PathStep(kind="lesson", title="Guide", body=step.body, video_url=step.video_url,
                    source_step=step)

    html = render_to_string("catalog/_step_content.html",
                            {"step": copy, "organisation": organisation})

    assert "<em>guide</em>" in html
    assert 'href="https://video.example.org/v/1"' in html
    assert reverse("catalog:step_attachment",
                   args=["cap-avenir", published.pk, step.pk]) in html


def test_a_step_a_coach_added_shows_its_content_without_attachment(organisation):
    from parcours.journeys.models import PathStep

    html = render_to_string("catalog/_step_content.html", {
        "step": PathStep(kind="external", title="Forum", external_url="https://forum.example.org"),
        "organisation": organisation,
    })

    assert 'href="https://forum.example.org"' in html
    assert "attachment" not in html

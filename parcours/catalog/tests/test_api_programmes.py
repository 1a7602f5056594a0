"""The programmes in the API: the same rules as the pages, in JSON."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from parcours.catalog import services
from parcours.catalog.models import Programme
from parcours.core.models import LearningEvent

PROGRAMMES = "/api/v1/organisations/cap-avenir/programmes"


def one(programme):
    return f"{PROGRAMMES}/{programme.pk}"


def test_lea_lists_the_published_programmes_only(api_as, lea, published, organisation, sophie):
    services.create_programme(organisation, by=sophie, title="Brouillon", language="fr")

    response = api_as(lea).get(PROGRAMMES)

    assert response.status_code == 200
    [item] = response.json()
    assert item["title"] == "Retour à l'emploi"
    assert item["status"] == "published"
    assert item["estimated_minutes"] == 30
    assert (item["tags"], item["skills"]) == (["Emploi"], ["CV"])


def test_sophie_also_lists_the_drafts(api_as, sophie, published, organisation):
    services.create_programme(organisation, by=sophie, title="Brouillon", language="fr")

    titles = [item["title"] for item in api_as(sophie).get(PROGRAMMES).json()]

    assert titles == ["Brouillon", "Retour à l'emploi"]


def test_the_list_keeps_the_programmes_of_a_skill(api_as, lea, published):
    skill = published.tags.get(name="CV")

    assert len(api_as(lea).get(PROGRAMMES, tag=skill.pk).json()) == 1
    assert api_as(lea).get(PROGRAMMES, tag=skill.pk + 100).json() == []


def test_a_programme_comes_with_its_modules_and_steps(api_as, lea, published, module,
                                                      add_lesson, sophie):
    first = module.steps.get()
    second = services.add_step(module, by=sophie, kind="external", title="MOOC",
                               external_url="https://www.fun-mooc.fr/", required=False,
                               prerequisites=[first])
    services.publish_programme(published, by=sophie)

    body = api_as(lea).get(one(published)).json()

    assert body["version"] == 2
    assert body["description"] == "Un parcours pour **reprendre pied**."
    [bilan] = body["modules"]
    assert bilan["title"] == "Bilan"
    assert [(s["id"], s["kind"], s["required"]) for s in bilan["steps"]] == [
        (first.pk, "lesson", True), (second.pk, "external", False)]
    assert bilan["steps"][1]["prerequisites"] == [first.pk]
    assert bilan["steps"][1]["external_url"] == "https://www.fun-mooc.fr/"


def test_reading_a_programme_takes_the_same_queries_however_many_steps(api_as, lea, published,
                                                                       module, add_lesson):
    caller = api_as(lea)
    caller.get(one(published))  # the first call notes the token's use
    with CaptureQueriesContext(connection) as few:
        caller.get(one(published))
    for n in range(6):
        add_lesson(module, f"Leçon {n}")
    with CaptureQueriesContext(connection) as many:
        response = caller.get(one(published))

    assert len(response.json()["modules"][0]["steps"]) == 7
    assert len(many) == len(few)


def test_a_draft_is_a_404_for_a_learner(api_as, lea, programme):
    response = api_as(lea).get(one(programme))

    assert response.status_code == 404
    assert response.json()["detail"]


def test_sophie_creates_a_programme(api_as, sophie, organisation):
    response = api_as(sophie).post(PROGRAMMES, {
        "title": "Numérique au quotidien", "tags": ["Numérique"], "skills": ["Messagerie"],
        "allows_self_enrolment": True,
    })

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "draft"
    assert body["language"] == organisation.default_locale
    assert (body["tags"], body["skills"], body["modules"]) == (["Numérique"], ["Messagerie"], [])
    assert Programme.objects.get(pk=body["id"]).created_by == sophie


def test_a_programme_without_a_title_gets_422_with_the_field(api_as, sophie):
    response = api_as(sophie).post(PROGRAMMES, {"description": "Sans titre"})

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["title"]


def test_an_empty_title_or_an_unknown_language_gets_a_reason(api_as, sophie):
    blank = api_as(sophie).post(PROGRAMMES, {"title": "  "})
    klingon = api_as(sophie).post(PROGRAMMES, {"title": "Klingon", "language": "tlh"})

    assert blank.status_code == 400
    assert blank.json()["detail"]
    assert klingon.status_code == 422
    assert klingon.json()["errors"][0]["field"] == "language"
    assert not Programme.objects.exists()


def test_sophie_changes_only_the_fields_she_sends(api_as, sophie, programme):
    response = api_as(sophie).patch(one(programme), {"title": "Retour à l'emploi 2027",
                                                     "skills": ["CV", "Entretien"]})

    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Retour à l'emploi 2027"
    assert body["skills"] == ["CV", "Entretien"]
    assert body["tags"] == ["Emploi"]
    assert body["description"] == "Un parcours pour **reprendre pied**."


def test_null_for_a_field_that_needs_a_value_gets_422(api_as, sophie, programme):
    response = api_as(sophie).patch(one(programme), {"allows_self_enrolment": None})

    assert response.status_code == 422


def test_sophie_publishes_a_programme(api_as, sophie, programme, module, add_lesson):
    add_lesson(module, "Se présenter")

    response = api_as(sophie).post(f"{one(programme)}/publish")

    assert response.status_code == 200
    assert response.json()["status"] == "published"
    assert LearningEvent.objects.filter(verb="published").count() == 1


def test_publishing_an_empty_programme_gets_400_and_again_without_changes_409(
    api_as, sophie, programme, published
):
    empty = services.create_programme(programme.organisation, by=sophie, title="Vide",
                                      language="fr")

    assert api_as(sophie).post(f"{one(empty)}/publish").status_code == 400
    assert api_as(sophie).post(f"{one(published)}/publish").status_code == 409


def test_lea_gets_403_on_every_write(api_as, lea, published):
    caller = api_as(lea)

    assert caller.post(PROGRAMMES, {"title": "Le mien"}).status_code == 403
    assert caller.patch(one(published), {"title": "Pris"}).status_code == 403
    assert caller.post(f"{one(published)}/publish").status_code == 403
    published.refresh_from_db()
    assert published.title == "Retour à l'emploi"


def test_oscar_gets_403_on_another_organisations_programmes(api_as, oscar, published):
    caller = api_as(oscar)

    assert caller.get(PROGRAMMES).status_code == 403
    assert caller.get(one(published)).status_code == 403
    assert caller.patch(one(published), {"title": "Pris"}).status_code == 403
    assert caller.post(f"{one(published)}/publish").status_code == 403


def test_oscar_cannot_reach_them_through_his_own_organisation(api_as, oscar, published):
    response = api_as(oscar).get(f"/api/v1/organisations/horizon/programmes/{published.pk}")

    assert response.status_code == 404


def test_anonymous_callers_get_401(client, published):
    assert client.get(PROGRAMMES).status_code == 401
    assert client.post(PROGRAMMES, {}, content_type="application/json").status_code == 401

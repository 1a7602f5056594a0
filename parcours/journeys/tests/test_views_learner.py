"""Karim opens Léa's page: her paths with the evidence, the changes made, her timeline;
and adapts her path, validates and confirms, with a reason she will read."""

import html
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from parcours.accounts.tests.factories import member
from parcours.catalog.models import StepKind
from parcours.core.events import record_event
from parcours.core.models import Verb
from parcours.journeys.models import Adaptation, AdaptationKind, PathStepStatus
from parcours.journeys.services import (
    declare_external_done,
    enrol_learner,
    pull_step_forward,
    record_heartbeat,
)
from parcours.journeys.tests.pages_for_tests import in_english
from parcours.journeys.tests.paths_for_tests import (
    MONDAY,
    module_row,
    path_step,
    speaking_programme,
    step_row,
    titles,
)

pytestmark = pytest.mark.django_db

START = datetime(2026, 9, 7, 7, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock(lea, karim, sophie):
    in_english(lea, karim, sophie)
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def enrolment(organisation, lea, karim):
    programme = speaking_programme(organisation)
    step_row(module_row(programme, "Compléments", 2), StepKind.EXTERNAL, "Salon",
             needs_coach_confirmation=True)
    return enrol_learner(programme, lea, by=karim, start_on=MONDAY, minutes_per_week=120)


def learner_page(user, slug="cap-avenir"):
    return reverse("journeys:learner", args=[slug, user.pk])


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_karim_sees_leas_path_evidence_changes_and_timeline(client, karim, lea, enrolment,
                                                           clock):
    respirer = path_step(enrolment, "Respirer")
    record_heartbeat(respirer, by=lea, seconds=0)
    clock.shift(timedelta(minutes=5))
    pull_step_forward(path_step(enrolment, "Pitch"), by=karim, reason="Entretien jeudi.")
    client.force_login(karim)

    response = client.get(learner_page(lea))

    body = text(response)
    assert response.status_code == 200
    assert "<h1>Léa Martin</h1>" in body
    assert "Prendre la parole en public" in body
    assert "Entretien jeudi." in body
    record = response.context["record"]
    assert [item.step.title for item in record.paths[0].steps][:3] == [
        "Pitch", "Respirer", "Structurer"]
    assert record.timeline.items[0].adaptation.kind == AdaptationKind.PULLED_FORWARD
    assert any(item.event and item.event.verb == "launched" for item in record.timeline.items)


def test_the_timeline_is_paginated_newest_first(client, karim, lea, organisation,
                                                enrolment, clock):
    lesson = path_step(enrolment, "Respirer")
    for _ in range(40):
        clock.shift(timedelta(minutes=10))
        record_event(lea, Verb.PROGRESSED, lesson, organisation=organisation)
    client.force_login(karim)

    first = client.get(learner_page(lea)).context["record"].timeline
    second = client.get(learner_page(lea), {"page": 2}).context["record"].timeline

    assert (first.page, first.pages, second.page) == (1, 2, 2)
    assert first.items[0].at >= first.items[-1].at >= second.items[0].at


def test_karim_pulls_a_step_forward_with_a_reason(client, karim, lea, enrolment):
    client.force_login(karim)
    pitch = path_step(enrolment, "Pitch")

    response = client.post(
        reverse("journeys:adapt_step", args=["cap-avenir", pitch.pk, "pull-forward"]),
        {"reason": "Ton entretien est jeudi."})

    assert response.status_code == 302
    assert response["Location"].endswith(f"#step-{pitch.pk}")
    assert titles(enrolment)[0] == "Pitch"
    assert Adaptation.objects.get().reason == "Ton entretien est jeudi."


def test_an_adaptation_without_a_reason_shows_the_form_again(client, karim, enrolment):
    client.force_login(karim)
    pitch = path_step(enrolment, "Pitch")

    response = client.post(
        reverse("journeys:adapt_step", args=["cap-avenir", pitch.pk, "skip"]), {"reason": " "})

    assert response.status_code == 400
    assert response.context["form"].errors["reason"]
    assert not Adaptation.objects.exists()


def test_a_refused_adaptation_keeps_the_reason_typed(client, karim, enrolment):
    client.force_login(karim)
    first = path_step(enrolment, "Respirer")

    response = client.post(
        reverse("journeys:adapt_step", args=["cap-avenir", first.pk, "pull-forward"]),
        {"reason": "Pour commencer plus tôt."})

    assert response.status_code == 409
    assert "Pour commencer plus tôt." in text(response)
    assert response.context["form"].non_field_errors()


def test_karim_changes_a_due_date(client, karim, enrolment):
    client.force_login(karim)
    pitch = path_step(enrolment, "Pitch")

    client.post(reverse("journeys:adapt_step", args=["cap-avenir", pitch.pk, "due-date"]),
                {"reason": "Avant le forum.", "due_on": "2026-09-20"})

    pitch.refresh_from_db()
    assert pitch.due_on.isoformat() == "2026-09-20"


def test_karim_adds_a_step_for_lea(client, karim, enrolment):
    client.force_login(karim)

    response = client.post(
        reverse("journeys:insert_step", args=["cap-avenir", enrolment.pk]),
        {"title": "Regarder une conférence", "kind": StepKind.LESSON, "body": "",
         "external_url": "", "estimated_minutes": 20, "position": 2,
         "reason": "Pour voir un orateur à l'aise."})

    assert response.status_code == 302
    assert titles(enrolment)[:2] == ["Respirer", "Regarder une conférence"]


def test_an_external_step_added_without_its_link_is_refused_with_what_was_typed(
        client, karim, enrolment):
    client.force_login(karim)

    response = client.post(
        reverse("journeys:insert_step", args=["cap-avenir", enrolment.pk]),
        {"title": "Atelier théâtre", "kind": StepKind.EXTERNAL, "estimated_minutes": 60,
         "position": 1, "reason": "Pour oser."})

    assert response.status_code == 400
    assert response.context["form"].errors["external_url"]
    assert 'value="Atelier théâtre"' in text(response)


def test_karim_reorders_the_steps_to_do(client, karim, enrolment):
    client.force_login(karim)
    steps = list(enrolment.steps.order_by("position"))
    new_places = {f"position_{step.pk}": len(steps) - number
                  for number, step in enumerate(steps)}

    response = client.post(reverse("journeys:reorder", args=["cap-avenir", enrolment.pk]),
                           {**new_places, "reason": "On commence par la fin."})

    assert response.status_code == 302
    assert titles(enrolment) == [step.title for step in reversed(steps)]


def test_two_steps_at_the_same_place_are_refused(client, karim, enrolment):
    client.force_login(karim)
    steps = list(enrolment.steps.order_by("position"))

    response = client.post(reverse("journeys:reorder", args=["cap-avenir", enrolment.pk]),
                           {**{f"position_{step.pk}": 1 for step in steps}, "reason": "x"})

    assert response.status_code == 400
    assert titles(enrolment) == [step.title for step in steps]


def test_karim_validates_a_checkpoint(client, karim, enrolment):
    client.force_login(karim)
    bilan = path_step(enrolment, "Bilan")

    client.post(reverse("journeys:validate_step", args=["cap-avenir", bilan.pk]),
                {"comment": "Bel entretien."})

    bilan.refresh_from_db()
    assert bilan.status == PathStepStatus.DONE
    assert bilan.evidence.get().comment == "Bel entretien."


def test_karim_confirms_an_external_activity_lea_declared(client, karim, lea, enrolment):
    salon = path_step(enrolment, "Salon")
    declare_external_done(salon, by=lea, note="J'y suis allée.")
    client.force_login(karim)
    assert "Confirm the activity" in text(client.get(learner_page(lea)))

    client.post(reverse("journeys:validate_step", args=["cap-avenir", salon.pk]), {})

    salon.refresh_from_db()
    assert salon.status == PathStepStatus.DONE


def test_confirming_before_the_learner_declared_says_why_not(client, karim, enrolment):
    client.force_login(karim)
    salon = path_step(enrolment, "Salon")

    response = client.post(reverse("journeys:validate_step", args=["cap-avenir", salon.pk]),
                           {"comment": "Vu au salon."})

    assert response.status_code == 400
    assert "Vu au salon." in text(response)
    assert response.context["form"].non_field_errors()


def test_a_manager_follows_learners_but_does_not_adapt_paths(client, sophie, lea, enrolment):
    client.force_login(sophie)
    pitch = path_step(enrolment, "Pitch")

    page = client.get(learner_page(lea))
    adapt = client.post(
        reverse("journeys:adapt_step", args=["cap-avenir", pitch.pk, "skip"]),
        {"reason": "Non."})

    assert page.status_code == 200
    assert not page.context["can_adapt"]
    assert adapt.status_code == 403


@pytest.mark.parametrize("name", ["learner", "adapt", "insert", "reorder", "validate"])
def test_a_learner_cannot_open_coach_pages(client, lea, enrolment, name):
    client.force_login(lea)

    assert client.get(coach_url(name, lea, enrolment)).status_code == 403


@pytest.mark.parametrize("name", ["learner", "adapt", "insert", "reorder", "validate"])
def test_oscar_from_another_organisation_gets_a_404(client, oscar, lea, enrolment, name):
    client.force_login(oscar)

    assert client.get(coach_url(name, lea, enrolment)).status_code == 404


def test_someone_outside_the_organisation_has_no_learner_page(client, karim, oscar):
    client.force_login(karim)

    assert client.get(learner_page(oscar)).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, lea, enrolment):
    response = client.get(learner_page(lea))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_unknown_change_is_a_404(client, karim, enrolment):
    client.force_login(karim)

    response = client.get(reverse("journeys:adapt_step", args=[
        "cap-avenir", path_step(enrolment, "Pitch").pk, "teleport"]))

    assert response.status_code == 404


def coach_url(name, learner, enrolment):
    pitch, bilan = path_step(enrolment, "Pitch"), path_step(enrolment, "Bilan")
    return {
        "learner": learner_page(learner),
        "adapt": reverse("journeys:adapt_step", args=["cap-avenir", pitch.pk, "skip"]),
        "insert": reverse("journeys:insert_step", args=["cap-avenir", enrolment.pk]),
        "reorder": reverse("journeys:reorder", args=["cap-avenir", enrolment.pk]),
        "validate": reverse("journeys:validate_step", args=["cap-avenir", bilan.pk]),
    }[name]


def test_another_coachs_learner_in_the_same_organisation_is_visible(client, organisation,
                                                                    lea, enrolment):
    trainer = member(organisation, "trainer", display_name="Tina Formatrice")
    client.force_login(trainer)

    assert client.get(learner_page(lea)).status_code == 200

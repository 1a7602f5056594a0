"""When a programme is published, the learners who follow it or work on one of its
themes or skills hear about it; nobody else, and never someone of another organisation."""

import pytest

from parcours.accounts.tests.factories import member
from parcours.catalog.models import ProgrammeStatus, StepKind, Tag, TagKind
from parcours.catalog.services import publish_programme
from parcours.engagement.kinds import kind
from parcours.engagement.services.triggers import configure_trigger
from parcours.engagement.tests.triggers_for_tests import notifications, speaking_path
from parcours.journeys.tests.paths_for_tests import module_row, programme_row, step_row

NAME = "new_content"


@pytest.fixture
def voice(organisation):
    return Tag.objects.create(organisation=organisation, name="Voix", kind=TagKind.SKILL)


@pytest.fixture
def new_programme(organisation, voice):
    programme = programme_row(organisation, "Animer une réunion", published=False)
    step_row(module_row(programme, "Préparer"), StepKind.LESSON, "L'ordre du jour")
    programme.tags.add(voice)
    return programme


def test_learners_working_on_a_skill_of_the_programme_hear_of_it(
        organisation, lea, karim, sophie, voice, new_programme):
    enrolment = speaking_path(organisation, lea, by=karim)
    enrolment.programme.tags.add(voice)
    hugo = member(organisation, "learner", display_name="Hugo Petit")
    speaking_path(organisation, hugo, by=karim, title="Bureautique")

    publish_programme(new_programme, by=sophie)

    [news] = notifications(NAME)
    assert news.recipient == lea
    assert "Animer une réunion" in news.subject
    assert news.url == f"/o/cap-avenir/programmes/{new_programme.pk}/"


def test_learners_of_a_programme_hear_of_its_new_version_once(organisation, lea, karim,
                                                              sophie):
    enrolment = speaking_path(organisation, lea, by=karim)
    programme = enrolment.programme
    programme.has_unpublished_changes = True
    programme.save()

    publish_programme(programme, by=sophie)

    [news] = notifications(NAME)
    assert news.recipient == lea
    assert news.idempotency_key == f"{NAME}:{programme.pk}:v2:{lea.pk}"


def test_nobody_outside_the_organisation_is_told(organisation, other_organisation, lea,
                                                 karim, sophie, voice, new_programme):
    outsider = member(other_organisation, "learner")
    elsewhere = speaking_path(other_organisation, outsider,
                              by=member(other_organisation, "coach"))
    elsewhere.programme.tags.add(voice)  # even a tag shared by mistake

    publish_programme(new_programme, by=sophie)

    assert notifications(NAME) == []


def test_a_programme_withdrawn_before_the_message_went_out_is_not_announced(
        organisation, lea, karim, sophie, voice, new_programme):
    speaking_path(organisation, lea, by=karim).programme.tags.add(voice)
    publish_programme(new_programme, by=sophie)
    [news] = notifications(NAME)

    new_programme.status = ProgrammeStatus.ARCHIVED
    new_programme.save()

    assert not kind(NAME).still_relevant(news)


def test_nothing_is_announced_when_the_organisation_switched_it_off(
        organisation, lea, karim, sophie, voice, new_programme):
    speaking_path(organisation, lea, by=karim).programme.tags.add(voice)
    configure_trigger(organisation, NAME, by=sophie, enabled=False)

    publish_programme(new_programme, by=sophie)

    assert notifications(NAME) == []

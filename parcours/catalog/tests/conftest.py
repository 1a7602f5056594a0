"""Fixtures of the catalogue's tests, on top of the shared cast (root conftest.py)."""

import pytest

from parcours.assessments.models import Deck, QuestionBank, Quiz
from parcours.catalog import services


@pytest.fixture
def programme(organisation, sophie):
    """Sophie's draft "Retour à l'emploi": one module, "Bilan", with no step yet."""
    programme = services.create_programme(
        organisation, by=sophie, title="Retour à l'emploi", language="fr",
        description="Un parcours pour **reprendre pied**.", objectives="- Écrire son CV",
        audience="Demandeurs d'emploi", tags=["Emploi"], skills=["CV"],
    )
    services.add_module(programme, by=sophie, title="Bilan")
    return programme


@pytest.fixture
def module(programme):
    return programme.modules.get()


@pytest.fixture
def add_lesson(sophie):
    """Add a lesson to a module: `add_lesson(module, "Titre", estimated_minutes=20)`."""

    def add(module, title, **content):
        return services.add_step(module, by=sophie, kind="lesson", title=title, **content)

    return add


@pytest.fixture
def published(programme, module, add_lesson, sophie):
    """The programme, published with one lesson."""
    add_lesson(module, "Se présenter", estimated_minutes=30)
    return services.publish_programme(programme, by=sophie)


@pytest.fixture
def quiz(organisation):
    bank = QuestionBank.objects.create(organisation=organisation, title="Questions CV")
    return Quiz.objects.create(organisation=organisation, title="Quiz CV", bank=bank)


@pytest.fixture
def other_quiz(other_organisation):
    bank = QuestionBank.objects.create(organisation=other_organisation, title="Autres")
    return Quiz.objects.create(organisation=other_organisation, title="Quiz d'Horizon", bank=bank)


@pytest.fixture
def deck(organisation):
    return Deck.objects.create(organisation=organisation, title="Vocabulaire du CV")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded attachments land in a folder of their own, removed after the test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT

"""Staff open the assessments admin pages without errors."""

import pytest
from django.urls import reverse

from parcours.accounts.tests.factories import UserFactory
from parcours.assessments import services
from parcours.assessments.tests import factories as make

pytestmark = pytest.mark.django_db


def test_staff_open_the_admin_lists_and_forms(client, organisation, sophie, lea, bank):
    question = make.single(bank, sophie)
    quiz = services.create_quiz(organisation, by=sophie, title="Quiz", bank=bank)
    attempt = services.start_attempt(quiz, by=lea)
    deck = make.deck_of(organisation, sophie)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    for page in [
        reverse("admin:assessments_questionbank_change", args=[bank.pk]),
        reverse("admin:assessments_question_change", args=[question.pk]),
        reverse("admin:assessments_quiz_changelist"),
        reverse("admin:assessments_attempt_change", args=[attempt.pk]),
        reverse("admin:assessments_deck_change", args=[deck.pk]),
    ]:
        assert client.get(page).status_code == 200

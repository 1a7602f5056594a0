"""Staff look at programmes in the admin; changes go through the authoring pages."""

import pytest
from django.urls import reverse

from parcours.accounts.tests.factories import UserFactory


@pytest.fixture
def staff(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_staff_see_programmes_with_their_modules_steps_and_tags(staff, published):
    step = published.steps.get()
    tag = published.tags.first()

    for page in [reverse("admin:catalog_programme_changelist"),
                 reverse("admin:catalog_programme_change", args=[published.pk]),
                 reverse("admin:catalog_step_changelist"),
                 reverse("admin:catalog_step_change", args=[step.pk]),
                 reverse("admin:catalog_tag_change", args=[tag.pk])]:
        assert staff.get(page).status_code == 200, page


def test_staff_cannot_change_a_programme_behind_the_services_back(staff, published):
    response = staff.post(reverse("admin:catalog_programme_change", args=[published.pk]),
                          {"title": "Changé", "estimated_minutes": "1"})

    assert response.status_code == 403
    published.refresh_from_db()
    assert published.title == "Retour à l'emploi"

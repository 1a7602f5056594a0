"""Staff look at paths in the admin; every change goes through the services."""

import pytest
from django.urls import reverse

from parcours.accounts.tests.factories import UserFactory
from parcours.journeys.models import Adaptation, Evidence, Submission
from parcours.journeys.services import (
    enrol_learner,
    pull_step_forward,
    submit_assignment,
    validate_checkpoint,
)
from parcours.journeys.tests.paths_for_tests import MONDAY, path_step, speaking_programme


@pytest.fixture
def staff(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def enrolment(organisation, lea, karim):
    enrolment = enrol_learner(speaking_programme(organisation), lea, by=karim, start_on=MONDAY,
                              minutes_per_week=120)
    validate_checkpoint(path_step(enrolment, "Bilan"), by=karim, comment="Bien")
    submit_assignment(path_step(enrolment, "Pitch"), by=lea, text="Mon pitch")
    pull_step_forward(path_step(enrolment, "Atelier"), by=karim, reason="Atelier demain")
    return enrolment


@pytest.mark.parametrize(("model", "row"), [
    ("enrolment", lambda enrolment: enrolment),
    ("evidence", lambda enrolment: Evidence.objects.get()),
    ("submission", lambda enrolment: Submission.objects.get()),
    ("adaptation", lambda enrolment: Adaptation.objects.get()),
])
def test_staff_see_paths_evidence_submissions_and_adaptations_but_change_nothing(
    staff, enrolment, model, row
):
    pk = row(enrolment).pk

    listing = staff.get(reverse(f"admin:journeys_{model}_changelist"))
    detail = staff.get(reverse(f"admin:journeys_{model}_change", args=[pk]))
    add = staff.get(reverse(f"admin:journeys_{model}_add"))
    delete = staff.get(reverse(f"admin:journeys_{model}_delete", args=[pk]))

    assert listing.status_code == 200
    assert detail.status_code == 200
    assert b'type="submit"' not in detail.content.split(b'id="content-main"')[1]
    assert add.status_code == 403
    assert delete.status_code == 403


def test_an_enrolment_shows_its_path_steps(staff, enrolment):
    detail = staff.get(reverse("admin:journeys_enrolment_change", args=[enrolment.pk]))

    page = detail.content.decode()
    for title in ("Respirer", "Structurer", "Pitch", "Bilan", "Atelier"):
        assert title in page
    assert "Atelier demain" in page

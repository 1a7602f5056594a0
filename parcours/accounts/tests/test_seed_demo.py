"""`manage.py seed_demo` fills the demo with a French organisation, once."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from parcours.accounts.management.commands.seed_demo import DEMO_PASSWORD
from parcours.accounts.models import Membership, MembershipRole, Organisation, User
from parcours.core.models import LearningEvent


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def roles_count(slug: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for role in MembershipRole.objects.filter(membership__organisation__slug=slug).values_list(
        "role", flat=True
    ):
        counts[role] = counts.get(role, 0) + 1
    return counts


def snapshot() -> dict:
    return {
        "organisations": list(Organisation.objects.order_by("pk").values()),
        "users": list(User.objects.order_by("pk").values()),
        "memberships": list(Membership.objects.order_by("pk").values()),
        "roles": list(MembershipRole.objects.order_by("pk").values()),
        "events": LearningEvent.objects.count(),
    }


@pytest.fixture
def seeded(db):
    return seed()


def test_the_demo_organisation_is_a_french_training_organisation(seeded):
    cap_avenir = Organisation.objects.get(slug="cap-avenir")

    assert cap_avenir.name == "Cap Avenir Formation"
    assert (cap_avenir.default_locale, cap_avenir.time_zone) == ("fr", "Europe/Paris")


def test_the_demo_has_staff_and_thirty_french_speaking_learners(seeded):
    assert roles_count("cap-avenir") == {
        "admin": 1, "manager": 1, "coach": 2, "trainer": 1, "learner": 31,
    }
    learners = User.objects.filter(
        memberships__organisation__slug="cap-avenir", memberships__roles__role="learner"
    )
    assert learners.filter(locale="fr").count() == 30
    assert learners.get(locale="en").display_name == "Emily Carter"
    lea = learners.get(display_name="Léa Martin")
    assert (lea.email, lea.locale, lea.time_zone) == (
        "lea.martin@cap-avenir.example", "fr", "Europe/Paris",
    )


@pytest.mark.parametrize("email", [
    "nathalie.girard@cap-avenir.example", "lea.martin@cap-avenir.example",
    "emily.carter@cap-avenir.example", "oscar.dupont@horizon-conseil.example",
])
def test_demo_people_sign_in_with_the_demo_password(seeded, email):
    assert authenticate(email=email, password=DEMO_PASSWORD)


def test_a_second_organisation_shows_isolation(seeded):
    assert roles_count("horizon") == {"manager": 1, "coach": 1, "learner": 2}
    oscar = User.objects.get(email="oscar.dupont@horizon-conseil.example")
    assert list(oscar.memberships.values_list("organisation__slug", flat=True)) == ["horizon"]


def test_karim_coaches_in_both_organisations(seeded):
    karim = User.objects.get(email="karim.benali@cap-avenir.example")

    assert sorted(karim.memberships.values_list("organisation__slug", flat=True)) == [
        "cap-avenir", "horizon",
    ]


def test_running_it_again_changes_nothing(seeded):
    before = snapshot()

    output = seed()

    assert snapshot() == before
    assert "nothing to change" in output


def test_what_a_person_changed_during_the_demo_is_kept(seeded):
    lea = User.objects.get(email="lea.martin@cap-avenir.example")
    lea.locale = "en"
    lea.set_password("my-own-secret-42")
    lea.save()

    seed()

    lea.refresh_from_db()
    assert lea.locale == "en"
    assert lea.check_password("my-own-secret-42")


def test_it_prints_the_logins(seeded):
    assert DEMO_PASSWORD in seeded
    assert "nathalie.girard@cap-avenir.example" in seeded
    assert "lea.martin@cap-avenir.example" in seeded
    assert "oscar.dupont@horizon-conseil.example" in seeded


def test_the_demo_has_two_published_programmes_with_learners_at_various_stages(seeded):
    from parcours.catalog.models import Programme
    from parcours.journeys.models import Enrolment, Evidence, PathStep

    programmes = Programme.objects.filter(organisation__slug="cap-avenir", status="published")
    titles = set(programmes.values_list("title", flat=True))
    assert {"Construire son projet professionnel", "Anglais professionnel : de A2 à B1"} <= titles
    assert any(step.deck_id for step in PathStep.objects.all())  # the language course's cards
    lea = User.objects.get(email="lea.martin@cap-avenir.example")
    assert Enrolment.objects.filter(learner=lea).count() >= 2
    done_counts = {
        enrolment.pk: enrolment.steps.filter(status="done").count()
        for enrolment in Enrolment.objects.all()
    }
    assert 0 in done_counts.values() and max(done_counts.values()) >= 6
    # Every done step carries its evidence: nothing was ticked by hand.
    for step in PathStep.objects.filter(status="done"):
        assert Evidence.objects.filter(path_step=step).exists()

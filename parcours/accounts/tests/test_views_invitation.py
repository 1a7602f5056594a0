from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from parcours.accounts import services
from parcours.accounts.models import User
from parcours.accounts.selectors import invitation_token, roles_in
from parcours.core.models import LearningEvent


@pytest.fixture
def invitation(sophie, organisation):
    return services.invite_member(organisation, by=sophie, email="nadia@example.org",
                                  roles=["learner", "trainer"])


def link(invitation):
    return reverse("accounts:invitation", args=[invitation_token(invitation)])


def join(client, invitation, **overrides):
    data = {"display_name": "Nadia Haddad", "password1": "un-chemin-de-traverse",
            "password2": "un-chemin-de-traverse", "locale": "fr", "time_zone": "Europe/Paris"}
    return client.post(link(invitation), {**data, **overrides})


def test_nadia_creates_her_account_from_the_link_and_joins_with_her_roles(
        client, invitation, organisation):
    response = join(client, invitation)

    assert response.status_code == 302
    nadia = User.objects.get(email="nadia@example.org")
    assert roles_in(nadia, organisation) == {"learner", "trainer"}
    assert LearningEvent.objects.filter(actor=nadia, verb="joined").exists()
    assert client.get(reverse("web:home")).status_code == 302  # signed in: sent on to her page
    invitation.refresh_from_db()
    assert invitation.accepted_by == nadia


def test_the_link_works_only_once(client, invitation):
    join(client, invitation)
    client.logout()

    response = client.get(link(invitation), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 410
    assert "already been used" in response.content.decode()


def test_an_expired_link_is_refused_with_a_clear_message(client, invitation):
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        response = client.get(link(invitation), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_a_withdrawn_invitation_no_longer_opens(client, invitation, sophie):
    services.revoke_invitation(invitation, by=sophie)

    response = client.get(link(invitation), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert not User.objects.filter(email="nadia@example.org").exists()


def test_a_tampered_link_is_refused(client, invitation):
    response = client.get(reverse("accounts:invitation", args=["not-a-real-token"]))

    assert response.status_code == 404


def test_mismatched_passwords_are_refused_and_her_name_stays_typed(client, invitation):
    response = join(client, invitation, password2="something-else-entirely")

    assert response.status_code == 200
    assert 'value="Nadia Haddad"' in response.content.decode()
    assert not User.objects.filter(email="nadia@example.org").exists()


def test_a_weak_password_is_refused_with_the_reason(client, invitation):
    response = join(client, invitation, password1="12345678", password2="12345678")

    assert response.status_code == 200
    assert response.context["form"].errors["password1"]
    assert not User.objects.filter(email="nadia@example.org").exists()


def test_someone_with_an_account_is_asked_to_sign_in_first(client, sophie, organisation, oscar):
    invitation = services.invite_member(organisation, by=sophie, email=oscar.email,
                                        roles=["coach"])

    response = client.get(link(invitation))

    assert response.status_code == 200
    assert reverse("accounts:login") in response.content.decode()


def test_a_signed_in_person_accepts_an_invitation_to_their_address(
        client, sophie, organisation, oscar):
    invitation = services.invite_member(organisation, by=sophie, email=oscar.email,
                                        roles=["coach"])
    client.force_login(oscar)

    client.post(link(invitation))

    assert roles_in(oscar, organisation) == {"coach"}


def test_an_invitation_for_another_address_cannot_be_accepted(client, invitation, karim,
                                                              organisation):
    client.force_login(karim)

    response = client.post(link(invitation))

    assert response.status_code == 400
    assert roles_in(karim, organisation) == {"coach"}

import pytest
from django.core import mail

from parcours.accounts import services
from parcours.accounts.models import Invitation
from parcours.core.errors import NotAllowed
from parcours.core.models import LearningEvent


def test_sophie_invites_a_new_learner_who_gets_an_email_in_french(sophie, run_tasks):
    invitation = services.invite_member(sophie.memberships.get().organisation, by=sophie,
                                        email="Nadia@Example.org", roles=["learner"])

    run_tasks()

    assert invitation.email == "nadia@example.org"
    assert LearningEvent.objects.filter(verb="invited", actor=sophie).exists()
    [message] = mail.outbox
    assert message.to == ["nadia@example.org"]
    assert "Cap Avenir Formation" in message.subject
    assert message.subject.startswith("Vous êtes invité")
    assert "/invitations/" in message.body
    assert "Ouvrez ce lien" in message.body


def test_the_invitation_email_is_in_english_when_asked(sophie, organisation, run_tasks):
    services.invite_member(organisation, by=sophie, email="sam@example.org",
                           roles=["learner"], locale="en")

    run_tasks()

    assert "Open this link to accept" in mail.outbox[0].body


def test_inviting_again_withdraws_the_earlier_pending_invitation(sophie, organisation):
    first = services.invite_member(organisation, by=sophie, email="sam@example.org",
                                   roles=["learner"])
    second = services.invite_member(organisation, by=sophie, email="sam@example.org",
                                    roles=["learner", "coach"])

    first.refresh_from_db()
    assert first.revoked_at is not None
    assert second.is_pending


@pytest.mark.parametrize("who", ["lea", "karim"])
def test_learners_and_coaches_cannot_invite(request, who, organisation):
    person = request.getfixturevalue(who)

    with pytest.raises(NotAllowed):
        services.invite_member(organisation, by=person, email="x@example.org", roles=["learner"])

    assert not Invitation.objects.exists()


def test_oscar_cannot_invite_into_another_organisation(oscar, organisation):
    with pytest.raises(NotAllowed):
        services.invite_member(organisation, by=oscar, email="x@example.org", roles=["admin"])


def test_inviting_someone_who_already_holds_the_roles_is_refused(sophie, lea, organisation):
    with pytest.raises(services.AlreadyMember):
        services.invite_member(organisation, by=sophie, email=lea.email, roles=["learner"])


def test_an_unknown_role_is_refused(sophie, organisation):
    with pytest.raises(services.UnknownRole):
        services.invite_member(organisation, by=sophie, email="x@example.org", roles=["wizard"])

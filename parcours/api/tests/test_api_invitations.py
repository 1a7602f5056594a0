import pytest
from django.core import mail
from django.utils import translation

from parcours.accounts.models import Invitation
from parcours.core.models import LearningEvent

INVITATIONS = "/api/v1/organisations/cap-avenir/invitations"


def french(message: str) -> str:
    with translation.override("fr"):
        return translation.gettext(message)


def test_sophie_invites_someone_who_then_gets_the_email(api_as, sophie, run_tasks):
    response = api_as(sophie).post(
        INVITATIONS, {"email": "Camille@Example.org", "roles": ["learner"], "locale": "en"}
    )

    assert response.status_code == 201
    body = response.json()
    assert body["email"] == "camille@example.org"
    assert body["roles"] == ["learner"]
    assert body["locale"] == "en"
    assert body["status"] == "pending"
    assert body["expires_at"]
    invitation = Invitation.objects.get(pk=body["id"])
    assert invitation.invited_by == sophie
    assert LearningEvent.objects.filter(verb="invited", actor=sophie,
                                        object_id=str(invitation.pk)).exists()
    assert mail.outbox == []  # the email leaves through the worker, after the commit
    run_tasks()
    [message] = mail.outbox
    assert message.to == ["camille@example.org"]
    assert "Open this link to accept" in message.body


@pytest.mark.parametrize("who", ["lea", "karim"])
def test_learners_and_coaches_get_403_when_inviting(request, api_as, who):
    person = request.getfixturevalue(who)

    response = api_as(person).post(INVITATIONS, {"email": "x@example.org", "roles": ["learner"]})

    assert response.status_code == 403
    assert response.json()["detail"]
    assert not Invitation.objects.exists()


def test_oscar_gets_403_when_inviting_into_another_organisation(api_as, oscar, organisation):
    response = api_as(oscar).post(INVITATIONS, {"email": "x@example.org", "roles": ["admin"]})

    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_inviting_an_existing_member_to_the_roles_they_hold_gets_409(api_as, sophie, lea):
    sophie.locale = "en"
    sophie.save()

    response = api_as(sophie).post(INVITATIONS, {"email": "lea@example.org",
                                                 "roles": ["learner"]})

    assert response.status_code == 409
    assert "already a member" in response.json()["detail"]


def test_an_unknown_role_gets_400_with_a_reason(api_as, sophie):
    sophie.locale = "en"
    sophie.save()

    response = api_as(sophie).post(INVITATIONS, {"email": "x@example.org",
                                                 "roles": ["wizard"]})

    assert response.status_code == 400
    assert "role" in response.json()["detail"]
    assert not Invitation.objects.exists()


def test_a_malformed_email_gets_422_naming_the_field_in_the_callers_language(api_as, sophie):
    response = api_as(sophie).post(INVITATIONS, {"email": "not-an-address",
                                                 "roles": ["learner"]})

    assert response.status_code == 422
    body = response.json()
    assert body["detail"]
    assert body["errors"] == [{"location": "body", "field": "email",
                               "message": french("Enter a valid email address.")}]


def test_missing_fields_and_an_unknown_language_each_get_a_reason(api_as, sophie):
    sophie.locale = "en"
    sophie.save()

    response = api_as(sophie).post(INVITATIONS, {"locale": "de"})

    assert response.status_code == 422
    reasons = {error["field"]: error["message"] for error in response.json()["errors"]}
    assert reasons["email"] == "This field is required."
    assert reasons["roles"] == "This field is required."
    assert "fr" in reasons["locale"]


def test_a_body_that_is_not_json_gets_400_with_a_reason(client, token_for, sophie):
    sophie.locale = "en"
    sophie.save()

    response = client.post(INVITATIONS, "{oops", content_type="application/json",
                           headers={"Authorization": f"Bearer {token_for(sophie)}"})

    assert response.status_code == 400
    assert response.json()["detail"] == "The request body is not valid JSON."


def test_sophie_lists_the_pending_invitations(api_as, sophie):
    caller = api_as(sophie)
    caller.post(INVITATIONS, {"email": "camille@example.org", "roles": ["coach"]})

    response = caller.get(INVITATIONS)

    assert response.status_code == 200
    assert [(i["email"], i["roles"], i["status"]) for i in response.json()] == [
        ("camille@example.org", ["coach"], "pending")
    ]


@pytest.mark.parametrize("who", ["lea", "karim", "oscar"])
def test_only_managers_of_the_organisation_list_invitations(request, api_as, organisation, who):
    person = request.getfixturevalue(who)

    response = api_as(person).get(INVITATIONS)

    assert response.status_code == 403

"""Who may open which page of an organisation: deny by default, tenants apart."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from parcours.accounts.models import Invitation
from parcours.accounts.services import add_member, invite_member
from parcours.accounts.tests.factories import member
from parcours.core.events import record_event

pytestmark = pytest.mark.django_db


def page(name, slug="cap-avenir"):
    return reverse(name, args=[slug])


@pytest.mark.parametrize("name", ["journeys:dashboard", "journeys:caseload", "web:members",
                                  "web:activity", "web:organisation_home"])
def test_oscar_from_another_organisation_sees_nothing_of_cap_avenir(client, oscar, lea, name):
    client.force_login(oscar)

    response = client.get(page(name))

    assert response.status_code == 404
    assert "Léa" not in response.content.decode()


@pytest.mark.parametrize("name", ["journeys:caseload", "web:members", "web:activity"])
def test_a_learner_cannot_open_coach_or_manager_pages(client, lea, name):
    client.force_login(lea)

    response = client.get(page(name), HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 403
    assert "Vous ne pouvez pas ouvrir cette page" in response.content.decode()


def test_a_coach_sees_members_but_cannot_invite(client, karim, organisation):
    client.force_login(karim)

    response = client.post(page("web:members"), {"email": "x@example.org", "roles": ["learner"],
                                                 "locale": "fr"})

    assert response.status_code == 200
    assert not response.context["can_invite"]
    assert not Invitation.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login_page(client, organisation):
    response = client.get(page("web:members"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_person_with_one_organisation_lands_on_the_page_of_their_role(client, karim):
    client.force_login(karim)

    response = client.get(reverse("web:home"), follow=True)

    assert response.redirect_chain[-1][0] == page("journeys:caseload")


def test_a_person_in_two_organisations_chooses_where_to_go(client, lea, other_organisation):
    add_member(other_organisation, lea, roles=["learner"])
    client.force_login(lea)

    response = client.get(reverse("web:home"))

    assert response.status_code == 200
    assert [o.slug for o in response.context["organisations"]] == ["cap-avenir", "horizon"]


def test_the_menu_shows_only_what_the_role_allows(client, lea, karim):
    client.force_login(lea)
    learner_page = client.get(page("journeys:dashboard")).content.decode()
    client.force_login(karim)
    coach_page = client.get(page("journeys:caseload")).content.decode()

    assert page("web:members") not in learner_page
    assert page("web:members") in coach_page
    assert page("web:activity") not in coach_page


def test_the_coach_sees_each_members_last_activity_in_his_time_zone(client, karim, lea,
                                                                      organisation):
    with time_machine.travel(datetime(2026, 3, 2, 14, 30, tzinfo=UTC)):
        record_event(lea, "logged-in", organisation, organisation=organisation)
    karim.time_zone = "America/Montreal"
    karim.save()
    client.force_login(karim)

    page_html = client.get(page("web:members")).content.decode()

    assert "Léa Martin" in page_html
    assert "2026-03-02T09:30:00-05:00" in page_html


def test_sophie_invites_from_the_members_page(client, sophie):
    client.force_login(sophie)

    response = client.post(page("web:members"), {
        "email": "nadia@example.org", "roles": ["learner", "coach"], "locale": "fr"})

    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.roles) == ("nadia@example.org", ["coach", "learner"])


def test_an_invitation_with_a_bad_email_keeps_what_was_typed(client, sophie):
    client.force_login(sophie)

    response = client.post(page("web:members"), {"email": "nadia@", "roles": ["coach"],
                                                 "locale": "fr"})

    assert response.status_code == 400
    assert 'value="nadia@"' in response.content.decode()
    assert not Invitation.objects.exists()


def test_sophie_withdraws_an_invitation_with_htmx(client, sophie, organisation):
    invitation = invite_member(organisation, by=sophie, email="n@example.org", roles=["learner"])
    client.force_login(sophie)

    response = client.post(
        reverse("web:revoke_invitation", args=["cap-avenir", invitation.pk]),
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert f'id="invitation-{invitation.pk}"' in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_oscar_cannot_withdraw_an_invitation_of_cap_avenir(client, sophie, oscar, organisation):
    invitation = invite_member(organisation, by=sophie, email="n@example.org", roles=["learner"])
    client.force_login(oscar)

    response = client.post(reverse("web:revoke_invitation", args=["cap-avenir", invitation.pk]))

    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.is_pending


def test_the_members_page_runs_the_same_queries_for_5_or_50_members(
        client, sophie, organisation, django_assert_max_num_queries):
    for _ in range(5):
        member(organisation, "learner")
    client.force_login(sophie)
    with django_assert_max_num_queries(40) as small:
        client.get(page("web:members"))
    for _ in range(45):
        member(organisation, "learner")

    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(page("web:members"))

    assert response.context["member_total"] == 51
    assert len(response.context["members"]) == 50


def test_the_members_list_is_shown_fifty_at_a_time(client, sophie, organisation):
    for _ in range(50):
        member(organisation, "learner")
    client.force_login(sophie)

    second = client.get(page("web:members") + "?page=2")

    assert len(second.context["members"]) == 1
    assert "Page 2 sur 2" in second.content.decode()


def test_the_menu_shows_sessions_once_to_a_coach_and_reports_to_a_manager(client, karim, sophie):
    client.force_login(karim)
    coach_menu = client.get(page("journeys:caseload")).context["nav_items"]
    client.force_login(sophie)
    manager_menu = [item["url"] for item in client.get(page("web:members")).context["nav_items"]]

    assert [item["url"] for item in coach_menu].count(page("classroom:calendar")) == 1
    assert page("classroom:hours_report") in manager_menu
    assert page("classroom:hours_report") not in [item["url"] for item in coach_menu]

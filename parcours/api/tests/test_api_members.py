from django.db import connection
from django.test.utils import CaptureQueriesContext

from parcours.accounts.tests.factories import member
from parcours.core.events import record_event

MEMBERS = "/api/v1/organisations/cap-avenir/members"


def test_karim_lists_the_members_with_their_roles_and_last_activity(
    api_as, karim, lea, sophie, organisation
):
    record_event(lea, "logged-in", organisation, organisation=organisation)

    response = api_as(karim).get(MEMBERS)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    by_email = {item["email"]: item for item in body["items"]}
    assert by_email["lea@example.org"]["roles"] == ["learner"]
    assert by_email["lea@example.org"]["display_name"] == "Léa Martin"
    assert by_email["lea@example.org"]["id"] == lea.pk
    assert by_email["lea@example.org"]["last_activity"] is not None
    assert by_email["sophie@example.org"]["roles"] == ["manager"]
    assert by_email["sophie@example.org"]["last_activity"] is None


def test_lea_a_learner_gets_403_on_the_members(api_as, lea):
    response = api_as(lea).get(MEMBERS)

    assert response.status_code == 403
    assert response.json()["detail"]


def test_oscar_gets_403_on_another_organisations_members(api_as, oscar, lea):
    response = api_as(oscar).get(MEMBERS)

    assert response.status_code == 403


def test_members_come_a_page_at_a_time(api_as, sophie, lea, karim):
    caller = api_as(sophie)

    first = caller.get(MEMBERS, limit=2).json()
    rest = caller.get(MEMBERS, limit=2, offset=2).json()

    assert first["count"] == rest["count"] == 3
    assert (first["limit"], first["offset"]) == (2, 0)
    assert len(first["items"]) == 2
    assert len(rest["items"]) == 1
    emails = {i["email"] for i in first["items"]} | {i["email"] for i in rest["items"]}
    assert emails == {"lea@example.org", "karim@example.org", "sophie@example.org"}


def test_a_page_size_out_of_range_gets_422_with_a_reason(api_as, sophie):
    response = api_as(sophie).get(MEMBERS, limit=0)

    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["location"] == "query"
    assert error["field"] == "limit"
    assert "1" in error["message"]


def test_listing_members_takes_the_same_queries_whatever_their_number(
    api_as, sophie, organisation
):
    caller = api_as(sophie)
    caller.get(MEMBERS)  # the first call notes the token's use: one write, once a minute

    with CaptureQueriesContext(connection) as few:
        assert caller.get(MEMBERS).status_code == 200
    for _n in range(10):
        member(organisation, "learner", "coach")
    with CaptureQueriesContext(connection) as many:
        response = caller.get(MEMBERS)

    assert response.json()["count"] == 11
    assert len(many) == len(few)


def test_listing_members_stays_within_a_fixed_number_of_queries(
    api_as, sophie, organisation, django_assert_max_num_queries
):
    for _n in range(20):
        member(organisation, "learner")
    caller = api_as(sophie)

    # token, its last use, organisation, caller's roles, count, members, their roles
    with django_assert_max_num_queries(7):
        caller.get(MEMBERS)

"""Léa reads and changes her notification settings through the API, with her token."""

import pytest

from parcours.engagement.models import Category
from parcours.engagement.services.preferences import preferences_of

URL = "/api/v1/me/notification-preferences"


def body(**changes) -> dict:
    data = {"channels": {}, "quiet_hours": {"start": None, "end": None}, "digest": "none"}
    data.update(changes)
    return data


def test_lea_reads_her_settings(api_as, lea):
    response = api_as(lea).get(URL)

    data = response.json()
    assert response.status_code == 200
    assert data["channels"]["schedule"] == {"in_app": True, "email": True, "push": True}
    assert data["channels"]["rewards"]["email"] is False
    assert data["effective"]["schedule"] == ["in_app", "email"]
    assert data["effective"]["rewards"] == ["in_app"]
    assert data["quiet_hours"] == {"start": 21, "end": 8, "is_default": True}
    assert data["digest"] == "none"
    assert data["has_push_device"] is False
    assert set(data["channels"]) == set(Category.values)


def test_lea_changes_her_settings_and_reads_them_back(api_as, lea):
    response = api_as(lea).put(URL, body(
        channels={"rewards": {"in_app": False}, "new_content": {"email": True}},
        quiet_hours={"start": 22, "end": 6}, digest="daily"))

    data = response.json()
    assert response.status_code == 200
    assert data["effective"]["rewards"] == []
    assert data["effective"]["new_content"] == ["in_app", "email"]
    assert data["quiet_hours"] == {"start": 22, "end": 6, "is_default": False}
    assert data["digest"] == "daily"
    assert preferences_of(lea).accepted_channels(Category.REWARDS) == []


def test_cells_left_out_keep_their_value(api_as, lea):
    caller = api_as(lea)
    caller.put(URL, body(channels={"rewards": {"in_app": False}}))

    caller.put(URL, body(channels={"recap": {"email": False}}))

    preferences = preferences_of(lea)
    assert not preferences.enabled(Category.REWARDS, "in_app")
    assert not preferences.enabled(Category.RECAP, "email")


@pytest.mark.parametrize("bad", [
    {"channels": {"gossip": {"email": False}}},
    {"channels": {"rewards": {"fax": True}}},
    {"channels": {"rewards": {"email": "maybe"}}},
    {"quiet_hours": {"start": 25, "end": 6}},
    {"quiet_hours": {"start": 22, "end": None}},
    {"quiet_hours": {"start": 7, "end": 7}},
    {"digest": "hourly"},
    {"quiet_hours": None},
])
def test_bad_values_get_422_with_a_reason_and_change_nothing(api_as, lea, bad):
    # Each body also turns the recap email off: none of it may be saved.
    sent = body(**bad)
    sent["channels"] = {**sent["channels"], "recap": {"email": False}}

    response = api_as(lea, locale="en").put(URL, sent)

    assert response.status_code == 422
    assert response.json()["detail"]
    assert preferences_of(lea).enabled(Category.RECAP, "email")
    assert preferences_of(lea).quiet_hours_are_default


def test_the_reason_for_hours_that_meet_is_readable(api_as, lea):
    response = api_as(lea, locale="en").put(URL, body(quiet_hours={"start": 7, "end": 7}))

    assert response.json()["detail"] == "Quiet hours must start and end at different hours."


def test_an_anonymous_caller_gets_401(client, lea):
    assert client.get(URL).status_code == 401
    response = client.put(URL, body(digest="daily"), content_type="application/json")
    assert response.status_code == 401


def test_a_signed_in_browser_without_a_token_gets_401(client, lea):
    client.force_login(lea)

    assert client.get(URL).status_code == 401


def test_oscar_changes_only_his_own_settings(api_as, oscar, lea):
    api_as(oscar).put(URL, body(channels={"rewards": {"in_app": False}}))

    assert preferences_of(lea).enabled(Category.REWARDS, "in_app")
    assert not preferences_of(oscar).enabled(Category.REWARDS, "in_app")


# --- The organisation's sending rules ---------------------------------------------------

RULES = "/api/v1/organisations/cap-avenir/sending-rules"


def test_sophie_reads_and_changes_the_sending_rules(api_as, sophie, organisation):
    caller = api_as(sophie)

    before = caller.get(RULES).json()
    response = caller.put(RULES, {"default_send_hour": 9, "nudges_per_week": 3,
                                  "backoff_after": 4})

    assert before == {"default_send_hour": 18, "nudges_per_week": 2, "backoff_after": 3}
    assert response.status_code == 200
    assert caller.get(RULES).json() == {"default_send_hour": 9, "nudges_per_week": 3,
                                        "backoff_after": 4}


def test_sending_rules_out_of_bounds_get_422(api_as, sophie):
    response = api_as(sophie).put(RULES, {"default_send_hour": 9, "nudges_per_week": 70,
                                          "backoff_after": 4})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "nudges_per_week"


@pytest.mark.parametrize("person", ["lea", "karim", "oscar"])
def test_only_managers_of_the_organisation_see_or_change_the_rules(api_as, request, person):
    caller = api_as(request.getfixturevalue(person))

    assert caller.get(RULES).status_code == 403
    assert caller.put(RULES, {"default_send_hour": 9, "nudges_per_week": 3,
                              "backoff_after": 4}).status_code == 403


def test_an_anonymous_caller_cannot_read_the_rules(client, organisation):
    assert client.get(RULES).status_code == 401

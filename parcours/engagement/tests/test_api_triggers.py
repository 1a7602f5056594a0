"""The triggers API: Sophie lists and changes her organisation's triggers; learners,
other organisations and anonymous callers are refused."""

import pytest

from parcours.engagement.models import TriggerSetting

URL = "/api/v1/organisations/cap-avenir/nudges/triggers"


def test_sophie_lists_every_trigger_with_its_parameters(api_as, sophie, organisation):
    response = api_as(sophie).get(URL)

    assert response.status_code == 200
    triggers = {row["name"]: row for row in response.json()}
    assert len(triggers) == 14
    assert triggers["session_reminder"]["time_based"] is True
    assert triggers["reward_quiz"]["time_based"] is False
    [threshold] = triggers["reward_quiz"]["params"]
    assert threshold == {"name": "min_score", "label": threshold["label"], "value": 80,
                         "default": 80, "minimum": 1, "maximum": 100}


def test_sophie_changes_a_parameter_and_switches_a_trigger_off(api_as, sophie, organisation):
    response = api_as(sophie).patch(URL + "/step_due_soon",
                                    {"enabled": False, "params": {"days_before": 5}})

    assert response.status_code == 200
    assert response.json()["enabled"] is False
    assert response.json()["params"][0]["value"] == 5
    setting = TriggerSetting.objects.get(organisation=organisation, trigger="step_due_soon")
    assert (setting.enabled, setting.params) == (False, {"days_before": 5})


def test_a_bad_parameter_is_a_400_with_the_reason(api_as, sophie, organisation):
    response = api_as(sophie, locale="en").patch(URL + "/reward_quiz",
                                                 {"params": {"min_score": 150}})

    assert response.status_code == 400
    assert "from 1 to 100" in response.json()["detail"]
    assert not TriggerSetting.objects.exists()


def test_an_unknown_trigger_is_a_404(api_as, sophie, organisation):
    assert api_as(sophie).patch(URL + "/horoscope", {"enabled": False}).status_code == 404


@pytest.mark.parametrize("who", ["lea", "karim"])
def test_learners_and_coaches_are_refused(api_as, request, who, organisation):
    caller = api_as(request.getfixturevalue(who))

    assert caller.get(URL).status_code == 403
    assert caller.patch(URL + "/reward_quiz", {"enabled": False}).status_code == 403
    assert not TriggerSetting.objects.exists()


def test_another_organisation_is_refused(api_as, oscar, organisation):
    assert api_as(oscar).get(URL).status_code == 403
    assert api_as(oscar).patch(URL + "/reward_quiz", {"enabled": False}).status_code == 403


def test_an_anonymous_caller_is_refused(client, organisation):
    assert client.get(URL).status_code == 401

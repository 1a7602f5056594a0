"""The campaigns API: segments and campaigns for managers, refusals for everyone else."""

import pytest

from parcours.accounts.tests.factories import member
from parcours.engagement.models import Campaign, Notification, Segment

BASE = "/api/v1/organisations/cap-avenir"
TEXT = {"fr": {"subject": "Bonjour {{ first_name }}", "body": "On reprend ?"}}


@pytest.fixture
def learners(organisation, lea):
    return [lea, *(member(organisation, "learner", display_name=f"Apprenant {n:02}")
                   for n in range(40))]


def new_segment(api):
    response = api.post(f"{BASE}/segments", {"name": "Apprenants",
                                              "rules": {"roles": ["learner"]}})
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def new_campaign(api, segment_id, **extra):
    body = {"name": "Relance", "segment": segment_id, "conversion_verb": "completed",
            "variants": [{"name": "A", "weight": 100, "messages": TEXT}], **extra}
    return api.post(f"{BASE}/campaigns", body)


def test_a_manager_previews_creates_launches_and_reads_results(api_as, sophie, learners):
    api = api_as(sophie, locale="en")
    preview = api.post(f"{BASE}/segments/preview", {"rules": {"roles": ["learner"]}})
    assert preview.status_code == 200
    assert preview.json()["count"] == 41
    assert len(preview.json()["sample"]) == 5

    segment_id = new_segment(api)
    assert api.get(f"{BASE}/segments").json()[0]["rules"] == {"roles": ["learner"]}
    assert api.get(f"{BASE}/segments/{segment_id}/preview").json()["count"] == 41
    created = new_campaign(api, segment_id, variants=[
        {"name": "A", "weight": 45, "messages": TEXT},
        {"name": "B", "weight": 45, "tone": "friendly", "messages": TEXT},
        {"name": "Témoin", "weight": 10, "is_holdout": True}], pilot_percent=50)
    assert created.status_code == 201, created.json()
    campaign = created.json()
    assert campaign["status"] == "draft" and len(campaign["variants"]) == 3

    launched = api.post(f"{BASE}/campaigns/{campaign['id']}/launch")
    assert launched.status_code == 200
    assert launched.json()["campaign"]["status"] == "running"
    assert launched.json()["planned"] == Notification.objects.count() > 0

    results = api.get(f"{BASE}/campaigns/{campaign['id']}/results").json()
    assert [v["name"] for v in results["variants"]] == ["A", "B", "Témoin"]
    assert results["verdict"]

    b = next(v["id"] for v in campaign["variants"] if v["name"] == "B")
    promoted = api.post(f"{BASE}/campaigns/{campaign['id']}/promote", {"variant": b})
    assert promoted.status_code == 200
    assert promoted.json()["campaign"]["promoted_variant"] == b
    assert Notification.objects.count() == 41
    again = api.post(f"{BASE}/campaigns/{campaign['id']}/promote", {"variant": b})
    assert again.status_code == 409


def test_bad_rules_get_a_400_naming_the_rule(api_as, sophie):
    response = api_as(sophie, locale="en").post(f"{BASE}/segments", {
        "name": "X", "rules": {"colour": ["blue"]}})
    assert response.status_code == 400
    assert "colour" in response.json()["detail"]
    assert not Segment.objects.exists()


def test_shares_that_do_not_add_up_get_a_400(api_as, sophie):
    api = api_as(sophie, locale="en")
    response = new_campaign(api, new_segment(api), variants=[
        {"name": "A", "weight": 60, "messages": TEXT}])
    assert response.status_code == 400
    assert "100" in response.json()["detail"]


def test_launching_twice_is_a_conflict(api_as, sophie, learners):
    api = api_as(sophie)
    campaign = new_campaign(api, new_segment(api)).json()
    assert api.post(f"{BASE}/campaigns/{campaign['id']}/launch").status_code == 200
    assert api.post(f"{BASE}/campaigns/{campaign['id']}/launch").status_code == 409


def test_cancelling_withdraws_planned_messages(api_as, sophie, learners):
    api = api_as(sophie)
    campaign = new_campaign(api, new_segment(api)).json()
    api.post(f"{BASE}/campaigns/{campaign['id']}/launch")
    response = api.post(f"{BASE}/campaigns/{campaign['id']}/cancel")
    assert response.status_code == 200
    assert response.json()["planned"] == -41
    assert not Notification.objects.exists()


@pytest.mark.parametrize("person", ["karim", "lea"])
def test_coaches_and_learners_get_403(api_as, request, sophie, person):
    api = api_as(request.getfixturevalue(person))
    assert api.get(f"{BASE}/segments").status_code == 403
    assert api.get(f"{BASE}/campaigns").status_code == 403
    assert api.post(f"{BASE}/segments", {"name": "X", "rules": {}}).status_code == 403
    assert api.post(f"{BASE}/segments/preview", {"rules": {}}).status_code == 403


def test_another_organisations_manager_gets_403_and_changes_nothing(api_as, sophie, oscar,
                                                                    learners):
    mine = api_as(sophie)
    campaign = new_campaign(mine, new_segment(mine)).json()
    theirs = api_as(oscar)
    assert theirs.get(f"{BASE}/campaigns").status_code == 403
    assert theirs.get(f"{BASE}/campaigns/{campaign['id']}").status_code == 403
    assert theirs.post(f"{BASE}/campaigns/{campaign['id']}/launch").status_code == 403
    assert theirs.get(f"{BASE}/campaigns/{campaign['id']}/results").status_code == 403
    assert Campaign.objects.get().status == "draft"


def test_a_campaign_id_from_another_organisation_is_not_found_in_ones_own(
        api_as, sophie, oscar, learners):
    mine = api_as(sophie)
    campaign = new_campaign(mine, new_segment(mine)).json()
    theirs = api_as(oscar)
    response = theirs.post(f"/api/v1/organisations/horizon/campaigns/{campaign['id']}/launch")
    assert response.status_code == 404
    segment_elsewhere = theirs.post("/api/v1/organisations/horizon/campaigns", {
        "name": "Vol", "segment": campaign["segment"], "variants": [
            {"name": "A", "weight": 100, "messages": TEXT}]})
    assert segment_elsewhere.status_code == 404
    assert Campaign.objects.get().status == "draft"


def test_anonymous_callers_get_401(client):
    assert client.get(f"{BASE}/campaigns").status_code == 401
    assert client.post(f"{BASE}/segments/preview", {}, content_type="application/json"
                       ).status_code == 401


def test_a_draft_is_changed_with_put_until_it_is_launched(api_as, sophie, learners):
    api = api_as(sophie)
    segment_id = new_segment(api)
    campaign = new_campaign(api, segment_id).json()
    body = {"name": "Relance de janvier", "segment": segment_id,
            "conversion_verb": "completed", "variants": [
                {"name": "A", "weight": 50, "messages": TEXT},
                {"name": "B", "weight": 50, "messages": TEXT}]}

    changed = api.put(f"{BASE}/campaigns/{campaign['id']}", body)

    assert changed.status_code == 200
    assert changed.json()["name"] == "Relance de janvier"
    assert [v["name"] for v in changed.json()["variants"]] == ["A", "B"]
    api.post(f"{BASE}/campaigns/{campaign['id']}/launch")
    assert api.put(f"{BASE}/campaigns/{campaign['id']}", body).status_code == 409

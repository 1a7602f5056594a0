"""The API's dead letters: administrators only, their organisation only."""

import pytest

from parcours.accounts.tests.factories import member
from parcours.engagement.models import Delivery, DeliveryStatus
from parcours.engagement.services.outbox import notify

BASE = "/api/v1/organisations/cap-avenir/failed-deliveries"


def dead_delivery(person, organisation, key):
    notification = notify(person, "organisation_message", organisation=organisation, key=key,
                          variables={"title": f"Message {key}", "text": "t"})
    return Delivery.objects.create(notification=notification, channel="push",
                                   status=DeliveryStatus.DEAD, attempts=1,
                                   last_error="410 gone")


@pytest.fixture
def admin(organisation):
    return member(organisation, "admin")


def test_an_administrator_lists_the_failed_deliveries(api_as, admin, organisation, lea):
    delivery = dead_delivery(lea, organisation, "k1")

    response = api_as(admin).get(BASE)

    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 1
    [item] = body["items"]
    assert (item["id"], item["channel"], item["recipient_email"], item["last_error"]) == (
        delivery.pk, "push", "lea@example.org", "410 gone")


def test_an_administrator_retries_one_then_it_is_no_longer_failed(api_as, admin,
                                                                  organisation, lea):
    delivery = dead_delivery(lea, organisation, "k1")
    caller = api_as(admin, locale="en")

    response = caller.post(f"{BASE}/{delivery.pk}/retry")
    again = caller.post(f"{BASE}/{delivery.pk}/retry")

    assert response.status_code == 200 and response.json()["attempts"] == 0
    assert again.status_code == 409
    assert again.json()["detail"] == "This delivery is not among the failed ones any more."


def test_an_administrator_retries_them_all(api_as, admin, organisation, lea):
    dead_delivery(lea, organisation, "k1")
    dead_delivery(lea, organisation, "k2")

    response = api_as(admin).post(f"{BASE}/retry")

    assert response.json() == {"retried": 2}
    assert not Delivery.objects.filter(status="dead").exists()


def test_a_delivery_of_another_organisation_is_a_404(api_as, admin, other_organisation):
    elsewhere = dead_delivery(member(other_organisation, "learner"), other_organisation, "x")

    assert api_as(admin).post(f"{BASE}/{elsewhere.pk}/retry").status_code == 404


@pytest.mark.parametrize("who", ["sophie", "karim", "lea"])
def test_everyone_but_administrators_is_refused(api_as, request, organisation, lea, who):
    delivery = dead_delivery(lea, organisation, "k1")
    caller = api_as(request.getfixturevalue(who))

    assert caller.get(BASE).status_code == 403
    assert caller.post(f"{BASE}/retry").status_code == 403
    assert caller.post(f"{BASE}/{delivery.pk}/retry").status_code == 403
    delivery.refresh_from_db()
    assert delivery.status == "dead"


def test_another_organisations_administrator_is_refused(api_as, other_organisation):
    assert api_as(member(other_organisation, "admin")).get(BASE).status_code == 403


def test_an_anonymous_caller_is_refused(client):
    assert client.get(BASE).status_code == 401

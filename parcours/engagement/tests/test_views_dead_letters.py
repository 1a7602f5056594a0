"""The dead-letter page: administrators see what failed for good and put it back in the
queue; nobody else sees it."""

import pytest
from django.urls import reverse

from parcours.accounts.tests.factories import member
from parcours.engagement.models import Delivery, DeliveryStatus
from parcours.engagement.services.outbox import notify


def dead_delivery(person, organisation, key, *, error="550 5.1.1 no such mailbox"):
    notification = notify(person, "organisation_message", organisation=organisation, key=key,
                          variables={"title": f"Message {key}", "text": "t"})
    return Delivery.objects.create(notification=notification, channel="email",
                                   status=DeliveryStatus.DEAD, attempts=5, last_error=error)


@pytest.fixture
def admin(organisation):
    return member(organisation, "admin", email="ada@example.org", display_name="Ada Admin")


@pytest.fixture
def page(organisation):
    return reverse("engagement:dead_letters", args=[organisation.slug])


def test_an_administrator_sees_the_failed_deliveries_of_the_organisation(
        client, admin, organisation, other_organisation, lea, page):
    dead_delivery(lea, organisation, "mine", error="550 no such mailbox")
    elsewhere = member(other_organisation, "learner", email="far@example.org")
    dead_delivery(elsewhere, other_organisation, "theirs")
    client.force_login(admin)

    response = client.get(page)

    assert response.status_code == 200
    html = response.content.decode()
    assert "lea@example.org" in html and "550 no such mailbox" in html
    assert "far@example.org" not in html


def test_the_page_takes_the_same_queries_for_3_or_30_failures(
        client, admin, organisation, lea, page, django_assert_max_num_queries):
    for i in range(3):
        dead_delivery(lea, organisation, f"a{i}")
    client.force_login(admin)
    client.get(page)  # the session and the menu warm up
    with django_assert_max_num_queries(12) as few:
        client.get(page)
    for i in range(27):
        dead_delivery(member(organisation, "learner"), organisation, f"b{i}")

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(page)

    assert response.content.decode().count("<form method=\"post\" action=") == 31


def test_an_administrator_retries_one_delivery(client, admin, organisation, lea, page):
    delivery = dead_delivery(lea, organisation, "k1")
    client.force_login(admin)

    response = client.post(reverse("engagement:retry_dead_letter",
                                   args=[organisation.slug, delivery.pk]), follow=True)

    assert response.redirect_chain[-1][0] == page
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 0)


def test_an_administrator_retries_them_all(client, admin, organisation, lea):
    first, second = dead_delivery(lea, organisation, "k1"), dead_delivery(lea, organisation, "k2")
    client.force_login(admin)

    client.post(reverse("engagement:retry_dead_letters", args=[organisation.slug]))

    assert set(Delivery.objects.filter(pk__in=[first.pk, second.pk])
               .values_list("status", flat=True)) == {"pending"}


def test_retrying_a_delivery_of_another_organisation_is_a_404(client, admin, other_organisation,
                                                             organisation):
    elsewhere = dead_delivery(member(other_organisation, "learner"), other_organisation, "x")
    client.force_login(admin)

    response = client.post(reverse("engagement:retry_dead_letter",
                                   args=[organisation.slug, elsewhere.pk]))

    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.status == "dead"


@pytest.mark.parametrize("who", ["sophie", "karim", "lea"])
def test_managers_coaches_and_learners_are_refused(client, request, organisation, lea, page,
                                                   who):
    delivery = dead_delivery(lea, organisation, "k1")
    client.force_login(request.getfixturevalue(who))

    assert client.get(page).status_code == 403
    assert client.post(reverse("engagement:retry_dead_letter",
                               args=[organisation.slug, delivery.pk])).status_code == 403
    assert client.post(reverse("engagement:retry_dead_letters",
                               args=[organisation.slug])).status_code == 403
    delivery.refresh_from_db()
    assert delivery.status == "dead"


def test_an_administrator_of_another_organisation_gets_a_404(client, other_organisation,
                                                            page):
    client.force_login(member(other_organisation, "admin"))

    assert client.get(page).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(client, page):
    response = client.get(page)

    assert response.status_code == 302 and "login" in response["Location"]

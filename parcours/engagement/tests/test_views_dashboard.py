"""Sophie reads how the nudges did: figures, charts and the CSV of the same figures."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.engagement.models import Campaign, NotificationStatus, Segment, Variant
from parcours.engagement.tests.notifications_for_tests import sent

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(sophie):
    sophie.locale = "en"
    sophie.save(update_fields=["locale"])
    return sophie


def dashboard_url(organisation):
    return reverse("engagement:dashboard", args=[organisation.slug])


def test_sophie_sees_the_figures_per_kind_with_their_rates(
        client, english, lea, karim, organisation):
    sent(lea, organisation, kind="reward_quiz", clicked_at=timezone.now(),
         converted_at=timezone.now())
    sent(karim, organisation, kind="reward_quiz")
    sent(lea, organisation, kind="reward_quiz", status=NotificationStatus.SUPPRESSED,
         reason="capped")
    client.force_login(english)

    response = client.get(dashboard_url(organisation))

    page = response.content.decode()
    assert response.status_code == 200
    assert "reward_quiz" in page
    assert "50.0 %" in page  # CTR and conversion rate: 1 of the 2 sent
    assert "Weekly cap reached" in page


def test_the_charts_are_svg_drawn_by_the_server_with_a_name_and_a_description(
        client, english, lea, organisation):
    sent(lea, organisation)
    client.force_login(english)

    page = client.get(dashboard_url(organisation)).content.decode()

    assert '<svg class="chart"' in page and 'role="img"' in page
    assert "<title" in page and "Notifications week by week" in page
    assert "<desc" in page
    assert "cdn" not in page.lower()


def test_filters_narrow_the_figures(client, english, lea, organisation):
    sent(lea, organisation, kind="reward_quiz", subject="x")
    sent(lea, organisation, kind="step_due_soon")
    client.force_login(english)
    today = timezone.localdate()

    page = client.get(dashboard_url(organisation), {
        "start": (today - timedelta(days=7)).isoformat(), "end": today.isoformat(),
        "kind": "step_due_soon"}).content.decode()

    table = page[page.index('id="table-kind"'):page.index('id="table-campaign"')]
    assert "step_due_soon" in table and "reward_quiz" not in table


def test_a_period_backwards_is_a_clear_error_and_keeps_what_was_typed(
        client, english, organisation):
    client.force_login(english)

    response = client.get(dashboard_url(organisation),
                          {"start": "2026-06-30", "end": "2026-06-01"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "The period must end after it starts" in page
    assert 'value="2026-06-30"' in page and 'value="2026-06-01"' in page


def test_a_date_that_is_not_a_date_is_an_error_not_a_crash(client, english, organisation):
    client.force_login(english)

    response = client.get(dashboard_url(organisation), {"start": "yesterday", "end": "x"})

    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()


def test_experiments_are_listed_with_a_way_to_their_results(
        client, english, lea, karim, organisation):
    segment = Segment.objects.create(organisation=organisation, name="Everyone")
    campaign = Campaign.objects.create(organisation=organisation, name="Welcome back",
                                       segment=segment)
    a = Variant.objects.create(campaign=campaign, name="A")
    b = Variant.objects.create(campaign=campaign, name="B")
    sent(lea, organisation, kind="campaign", campaign=campaign, variant=a)
    sent(karim, organisation, kind="campaign", campaign=campaign, variant=b)
    client.force_login(english)

    page = client.get(dashboard_url(organisation)).content.decode()

    assert "Welcome back — A" in page and "Welcome back — B" in page
    assert "Experiments" in page


def test_the_csv_holds_the_same_figures(client, sophie, lea, organisation):
    sent(lea, organisation, kind="reward_quiz", clicked_at=timezone.now())
    sent(lea, organisation, kind="reward_quiz")
    client.force_login(sophie)

    response = client.get(reverse("engagement:dashboard_csv", args=[organisation.slug]))

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    quiz = next(row for row in rows if row["section"] == "kind" and row["key"] == "reward_quiz")
    assert (quiz["sent"], quiz["clicked"], quiz["ctr"]) == ("2", "1", "50.0")
    assert next(row for row in rows if row["section"] == "total")["sent"] == "2"


def test_a_campaign_name_cannot_become_a_spreadsheet_formula(client, sophie, lea, organisation):
    segment = Segment.objects.create(organisation=organisation, name="Everyone")
    campaign = Campaign.objects.create(organisation=organisation, name="=HYPERLINK(1)",
                                       segment=segment)
    sent(lea, organisation, kind="campaign", campaign=campaign)
    client.force_login(sophie)

    content = client.get(reverse("engagement:dashboard_csv",
                                 args=[organisation.slug])).content.decode("utf-8-sig")

    assert "'=HYPERLINK(1)" in content


def test_the_dashboard_has_a_fixed_number_of_queries(
        client, sophie, lea, karim, organisation, django_assert_max_num_queries):
    for number in range(30):
        sent(lea if number % 2 else karim, organisation, kind=f"kind_{number % 6}",
             clicked_at=timezone.now())
    client.force_login(sophie)

    with django_assert_max_num_queries(14):
        client.get(dashboard_url(organisation))


@pytest.mark.parametrize("person", ["lea", "karim"])
def test_learners_and_coaches_may_not_see_the_dashboard(client, request, organisation, person):
    client.force_login(request.getfixturevalue(person))

    assert client.get(dashboard_url(organisation)).status_code == 403
    assert client.get(reverse("engagement:dashboard_csv",
                              args=[organisation.slug])).status_code == 403


def test_a_manager_of_another_organisation_gets_a_404(client, oscar, organisation):
    client.force_login(oscar)

    assert client.get(dashboard_url(organisation)).status_code == 404
    assert client.get(reverse("engagement:dashboard_csv",
                              args=[organisation.slug])).status_code == 404


def test_a_visitor_is_sent_to_sign_in(client, organisation):
    response = client.get(dashboard_url(organisation))

    assert response.status_code == 302 and "/login/" in response["Location"]

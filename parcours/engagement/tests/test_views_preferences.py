"""Léa's notification settings page: a table of categories and channels, quiet hours
and the digest, saved through the services; a mistake keeps what she ticked."""

import pytest
from django.urls import reverse
from django.utils import translation

from parcours.engagement.models import Category
from parcours.engagement.services.preferences import preferences_of

URL = "/notifications/preferences/"


def form_data(**changes) -> dict:
    """What the page posts when Léa leaves the defaults as they are."""
    data = {"quiet_hours_start": "21", "quiet_hours_end": "8", "digest": "none"}
    for category in Category:
        data[f"{category}__in_app"] = "on"
        data[f"{category}__push"] = "on"
    for category in ("schedule", "deadlines", "coaching", "feedback", "recap",
                     "coach_alerts"):
        data[f"{category}__email"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def as_lea(client, lea):
    client.force_login(lea)
    return client


def test_the_page_has_its_name_in_the_engagement_urls():
    assert reverse("engagement:preferences") == URL


def test_lea_sees_a_table_of_categories_and_channels_with_her_defaults(as_lea):
    lea = as_lea
    with translation.override("en"):
        response = lea.get(URL, HTTP_ACCEPT_LANGUAGE="en")

    page = response.content.decode()
    assert response.status_code == 200
    assert "<caption>" in page and 'scope="row"' in page
    assert 'id="id_schedule__email" checked' in page
    assert 'id="id_rewards__email" checked' not in page
    assert 'id="id_rewards__in_app" checked' in page


def test_lea_turns_rewards_off_and_reads_a_confirmation(as_lea, lea):
    response = as_lea.post(URL, form_data(rewards__in_app=None, rewards__push=None,
                                          quiet_hours_start="22", quiet_hours_end="7",
                                          digest="weekly"), follow=True)

    preferences = preferences_of(lea)
    assert response.redirect_chain == [(URL, 302)]
    assert preferences.accepted_channels(Category.REWARDS) == []
    assert (preferences.quiet_hours_start, preferences.quiet_hours_end) == (22, 7)
    assert preferences.digest == "weekly"
    assert 'class="message success"' in response.content.decode()


def test_quiet_hours_that_start_when_they_end_are_refused_and_the_ticks_stay(as_lea, lea):
    lea.locale = "en"
    lea.save(update_fields=["locale"])

    response = as_lea.post(URL, form_data(rewards__in_app=None, quiet_hours_start="7",
                                          quiet_hours_end="7"))

    page = response.content.decode()
    assert response.status_code == 400
    assert "Quiet hours must start and end at different hours." in page
    assert 'id="id_rewards__in_app" checked' not in page  # still as she left it
    assert '<option value="7" selected>' in page
    assert preferences_of(lea).enabled(Category.REWARDS, "in_app")  # nothing saved


def test_an_hour_outside_the_day_is_a_form_error_not_a_crash(as_lea, lea):
    response = as_lea.post(URL, form_data(quiet_hours_start="25"))

    assert response.status_code == 400
    assert preferences_of(lea).quiet_hours_are_default


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_anonymous_post_changes_nothing(client, lea):
    response = client.post(URL, form_data(rewards__in_app=None))

    assert response.status_code == 302
    assert preferences_of(lea).enabled(Category.REWARDS, "in_app")


def test_oscar_saving_his_page_never_touches_lea_s_settings(client, oscar, lea):
    client.force_login(oscar)

    client.post(URL, form_data(rewards__in_app=None))

    assert preferences_of(lea).enabled(Category.REWARDS, "in_app")
    assert not preferences_of(oscar).enabled(Category.REWARDS, "in_app")


def test_the_page_reads_a_fixed_number_of_queries(as_lea, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):
        as_lea.get(URL)

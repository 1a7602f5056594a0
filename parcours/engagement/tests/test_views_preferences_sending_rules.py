"""Sophie sets how often and when her organisation's people may be nudged; nobody else
can, and Oscar from another organisation does not even learn the page exists."""

import pytest

from parcours.engagement.timing import engagement_settings_for

URL = "/o/cap-avenir/nudges/sending-rules/"


def test_sophie_reads_the_current_rules(client, sophie):
    client.force_login(sophie)

    response = client.get(URL)

    page = response.content.decode()
    assert response.status_code == 200
    assert '<option value="18" selected>' in page
    assert 'name="nudges_per_week" value="2"' in page


def test_sophie_changes_the_rules_and_reads_a_confirmation(client, sophie, organisation):
    client.force_login(sophie)

    response = client.post(URL, {"default_send_hour": "9", "nudges_per_week": "3",
                                 "backoff_after": "4"}, follow=True)

    rules = engagement_settings_for(organisation)
    assert response.redirect_chain == [(URL, 302)]
    assert (rules.default_send_hour, rules.nudges_per_week, rules.backoff_after) == (9, 3, 4)
    assert 'class="message success"' in response.content.decode()


def test_a_mistake_keeps_what_sophie_typed(client, sophie, organisation):
    client.force_login(sophie)

    response = client.post(URL, {"default_send_hour": "9", "nudges_per_week": "70",
                                 "backoff_after": "4"})

    page = response.content.decode()
    assert response.status_code == 400
    assert 'name="nudges_per_week" value="70"' in page
    assert '<option value="9" selected>' in page
    assert engagement_settings_for(organisation).pk is None


@pytest.mark.parametrize(("person", "status"), [("lea", 403), ("karim", 403), ("oscar", 404)])
def test_learners_coaches_and_outsiders_are_refused(client, request, organisation, person,
                                                    status):
    client.force_login(request.getfixturevalue(person))

    assert client.get(URL).status_code == status
    assert client.post(URL, {"default_send_hour": "9", "nudges_per_week": "3",
                             "backoff_after": "4"}).status_code == status
    assert engagement_settings_for(organisation).pk is None


def test_an_anonymous_visitor_is_sent_to_sign_in(client, organisation):
    response = client.get(URL)

    assert response.status_code == 302
    assert "/login/" in response["Location"]

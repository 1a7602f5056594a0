"""Léa's notification centre and bell: what was delivered in the app, newest first."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from parcours.engagement.models import Channel, NotificationStatus
from parcours.engagement.selectors import centre as selectors
from parcours.engagement.services.centre import mark_all_read, mark_read
from parcours.engagement.templatetags.engagement_bell import notification_bell
from parcours.engagement.tests.notifications_for_tests import sent

pytestmark = pytest.mark.django_db


def english(person):
    person.locale = "en"
    person.save(update_fields=["locale"])
    return person


def test_the_centre_lists_lea_s_in_app_notifications_newest_first(client, lea, organisation):
    now = timezone.now()
    sent(lea, organisation, subject="Older one", at=now - timedelta(days=2))
    sent(lea, organisation, subject="Newer one", at=now - timedelta(hours=1))
    client.force_login(lea)

    page = client.get(reverse("engagement:centre")).content.decode()

    assert page.index("Newer one") < page.index("Older one")


def test_the_centre_leaves_out_what_did_not_reach_the_app(client, lea, organisation):
    sent(lea, organisation, subject="Only by email", channels=(Channel.EMAIL,))
    sent(lea, organisation, subject="Waiting for the digest", channels=(Channel.DIGEST,))
    sent(lea, organisation, subject="Still planned", status=NotificationStatus.PLANNED)
    sent(lea, organisation, subject="Stopped", status=NotificationStatus.SUPPRESSED,
         reason="capped")
    sent(lea, organisation, subject="In the app too", channels=(Channel.IN_APP, Channel.EMAIL))
    client.force_login(lea)

    page = client.get(reverse("engagement:centre")).content.decode()

    assert "In the app too" in page
    for hidden in ("Only by email", "Waiting for the digest", "Still planned", "Stopped"):
        assert hidden not in page


def test_lea_never_sees_karim_s_notifications(client, lea, karim, organisation):
    sent(karim, organisation, subject="For Karim only")
    client.force_login(lea)

    assert "For Karim only" not in client.get(reverse("engagement:centre")).content.decode()


def test_unread_notifications_are_emphasised_and_can_be_shown_alone(client, lea, organisation):
    sent(lea, organisation, subject="Already read", read_at=timezone.now())
    sent(lea, organisation, subject="Not read yet")
    client.force_login(english(lea))

    everything = client.get(reverse("engagement:centre")).content.decode()
    unread = client.get(reverse("engagement:centre"), {"unread": "1"}).content.decode()

    assert "1 unread notification." in everything
    assert 'class="unread"' in everything
    assert "Not read yet" in unread and "Already read" not in unread


def test_the_centre_is_paginated(client, lea, organisation):
    for number in range(25):
        sent(lea, organisation, subject=f"Message {number:02d}",
             at=timezone.now() - timedelta(minutes=number))
    client.force_login(english(lea))

    first = client.get(reverse("engagement:centre")).content.decode()
    second = client.get(reverse("engagement:centre"), {"page": 2}).content.decode()

    assert "Message 00" in first and "Message 24" not in first
    assert "Message 24" in second and "Page 2" in second
    assert 'rel="next"' in first and 'rel="next"' not in second


def test_lea_marks_one_notification_read(client, lea, organisation):
    notification = sent(lea, organisation)
    client.force_login(lea)

    response = client.post(reverse("engagement:mark_read", args=[notification.pk]))

    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_marking_read_with_htmx_answers_the_item_without_its_button(client, lea, organisation):
    notification = sent(lea, organisation, subject="Well done")
    client.force_login(english(lea))

    response = client.post(reverse("engagement:mark_read", args=[notification.pk]),
                           headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert "Well done" in response.content.decode()
    assert "Mark as read" not in response.content.decode()


def test_lea_cannot_mark_karim_s_notification_read(client, lea, karim, organisation):
    notification = sent(karim, organisation)
    client.force_login(lea)

    response = client.post(reverse("engagement:mark_read", args=[notification.pk]))

    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_the_service_refuses_anyone_but_the_recipient(lea, karim, organisation):
    from django.http import Http404

    notification = sent(karim, organisation)

    with pytest.raises(Http404):
        mark_read(notification, by=lea)


def test_marking_all_read_leaves_other_people_s_notifications_alone(
        client, lea, karim, organisation):
    mine = [sent(lea, organisation), sent(lea, organisation)]
    karims = sent(karim, organisation)
    client.force_login(lea)

    response = client.post(reverse("engagement:mark_all_read"))

    assert response.status_code == 302
    assert all(n.read_at for n in (mine[0].__class__.objects.filter(recipient=lea)))
    karims.refresh_from_db()
    assert karims.read_at is None


def test_mark_all_read_counts_what_it_changed(lea, organisation):
    sent(lea, organisation)
    sent(lea, organisation, read_at=timezone.now())

    assert mark_all_read(lea) == 1
    assert mark_all_read(lea) == 0


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, lea, organisation):
    notification = sent(lea, organisation, url="/o/cap-avenir/my-path/")
    client.force_login(lea)

    response = client.get(reverse("engagement:open_notification", args=[notification.pk]))

    assert response.status_code == 302
    assert response["Location"] == selectors.link_of(notification)
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_redirect_after_marking_read_never_leaves_the_site(client, lea, organisation):
    notification = sent(lea, organisation)
    client.force_login(lea)

    response = client.post(reverse("engagement:mark_read", args=[notification.pk]),
                           {"next": "https://evil.example/"})

    assert response["Location"] == reverse("engagement:centre")


def test_the_centre_needs_signing_in(client):
    response = client.get(reverse("engagement:centre"))

    assert response.status_code == 302
    assert "/login/" in response["Location"]


# --- The bell ---------------------------------------------------------------------------


def test_the_bell_says_how_many_are_unread_in_its_name(client, lea, organisation):
    for _number in range(3):
        sent(lea, organisation)
    sent(lea, organisation, read_at=timezone.now())
    client.force_login(english(lea))

    bell = client.get(reverse("engagement:bell")).content.decode()

    assert 'aria-label="Notifications, 3 unread"' in bell


def test_the_bell_shows_the_latest_five(client, lea, organisation):
    for number in range(7):
        sent(lea, organisation, subject=f"Message {number}",
             at=timezone.now() - timedelta(minutes=number))
    client.force_login(lea)

    bell = client.get(reverse("engagement:bell")).content.decode()

    assert all(f"Message {n}" in bell for n in range(5))
    assert "Message 5" not in bell and "Message 6" not in bell


def test_the_bell_takes_two_queries_whatever_the_history(
        client, lea, organisation, django_assert_num_queries):
    for _number in range(30):
        sent(lea, organisation)
    client.force_login(lea)
    client.get(reverse("engagement:bell"))  # the session and the person, loaded once

    # The session, the person, then the unread count and the latest five.
    with django_assert_num_queries(4):
        client.get(reverse("engagement:bell"))


def test_the_centre_page_has_a_fixed_number_of_queries(
        client, lea, organisation, django_assert_max_num_queries):
    for _number in range(30):
        sent(lea, organisation)
    client.force_login(lea)

    # Session, person, the menu's organisations and roles, the page, the unread count.
    with django_assert_max_num_queries(6):
        client.get(reverse("engagement:centre"))


def test_the_bell_tag_renders_a_placeholder_without_any_query(
        rf, lea, django_assert_num_queries):
    request = rf.get("/")
    request.user = lea

    with django_assert_num_queries(0):
        html = notification_bell({"request": request})

    assert f'hx-get="{reverse("engagement:bell")}"' in html
    assert 'hx-trigger="load, every 60s' in html


def test_the_bell_tag_renders_nothing_for_a_visitor(rf):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()

    assert notification_bell({"request": request}) == ""


def test_the_bell_speaks_french_by_default(client, lea, organisation):
    sent(lea, organisation)
    client.force_login(lea)

    with translation.override("fr"):
        bell = client.get(reverse("engagement:bell")).content.decode()

    assert "Notifications" in bell


def test_the_bell_stops_counting_at_a_hundred(client, lea, organisation, settings):
    from parcours.engagement.selectors.centre import UNREAD_COUNTED

    for _number in range(UNREAD_COUNTED + 3):
        sent(lea, organisation)
    client.force_login(english(lea))

    bell = client.get(reverse("engagement:bell")).content.decode()

    assert "99+" in bell
    assert 'aria-label="Notifications, more than 99 unread"' in bell

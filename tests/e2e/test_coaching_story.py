"""Léa, in Montréal, books an hour and a half with Karim, in Paris, on her own clock; after
the appointment Karim closes it with 90 minutes and a shared note; Léa then reads the note
and sees what is left of her 24 contracted hours."""

import zoneinfo
from datetime import timedelta

import pytest
import time_machine

from parcours.coaching.models import Appointment, AppointmentStatus
from parcours.coaching.tests.booking_for_tests import weekly
from parcours.coaching.tests.factories import engagement

pytestmark = pytest.mark.e2e

MONTREAL = zoneinfo.ZoneInfo("America/Montreal")
SCREEN = {"viewport": {"width": 1280, "height": 800}, "locale": "en-GB"}
SHARED_NOTE = "We compared three trades; you will call two bakers before we meet again."


@pytest.fixture
def lea_engagement(organisation, lea, karim):
    lea.locale, lea.time_zone = "en", "America/Montreal"
    lea.save()
    karim.locale, karim.time_zone = "en", "Europe/Paris"
    karim.save()
    # Karim's mornings on his Paris clock: 03:00 or 04:00 for Léa, never 09:00.
    for weekday in range(7):
        weekly(karim, organisation, weekday, "09:00", "12:00")
    return engagement(organisation, lea, karim, contracted_minutes=24 * 60)


def sign_in(browser, live_server, person, password, timezone_id):
    page = browser.new_context(**SCREEN, timezone_id=timezone_id).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/login/")
    page.locator("input[name=username]").fill(person.email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    return page


def test_lea_books_on_her_clock_karim_closes_ninety_minutes_and_lea_sees_the_hours_left(
    browser, live_server, lea, karim, lea_engagement, password, screenshots
):
    from playwright.sync_api import expect

    site = f"{live_server.url}/o/cap-avenir"

    # Léa books an hour and a half, choosing among times shown in her zone.
    learner = sign_in(browser, live_server, lea, password, "America/Montreal")
    learner.goto(f"{site}/coaching/engagements/{lea_engagement.pk}/book/")
    expect(learner.locator("main")).to_contain_text("America/Montreal")
    learner.get_by_label("Length", exact=True).select_option("90")
    learner.get_by_role("button", name="Show the open times").click()
    first = learner.locator("input[name=slot]").first
    shown = first.locator("xpath=..").locator("span").first.inner_text()
    learner.screenshot(path=screenshots / "coaching-story-slots.png", full_page=True)
    first.check()
    learner.locator("input[name=mode][value=video]").check()
    learner.get_by_role("button", name="Book this time").click()
    expect(learner.locator("h1")).to_contain_text("Appointment on")

    booked = Appointment.objects.get(engagement=lea_engagement)
    assert booked.ends_at - booked.starts_at == timedelta(minutes=90)
    assert booked.starts_at.astimezone(MONTREAL).strftime("%H:%M") == shown
    # Paris 09:00–12:00 is 03:00–06:00 in Montréal (02:00 or 04:00 for the weeks when
    # only one side has moved to summer time): never the coach's own clock.
    assert booked.starts_at.astimezone(MONTREAL).hour in range(2, 6)
    expect(learner.locator("main")).to_contain_text(shown)

    # An appointment can only be closed once it has started: the clock moves to the next day.
    with time_machine.travel(booked.ends_at + timedelta(hours=20), tick=True):
        coach = sign_in(browser, live_server, karim, password, "Europe/Paris")
        coach.goto(f"{site}/coaching/engagements/{lea_engagement.pk}/")
        coach.get_by_role("link", name="Close the appointment").click()
        expect(coach.get_by_label("Actual duration (minutes)")).to_have_value("90")
        coach.get_by_label("Actual duration (minutes)").fill("90")
        coach.get_by_label("Shared note").fill(SHARED_NOTE)
        coach.get_by_role("button", name="Close and record the hours").click()
        expect(coach.locator("main")).to_contain_text("The appointment is closed")
        coach.screenshot(path=screenshots / "coaching-story-closed.png", full_page=True)

        booked.refresh_from_db()
        assert (booked.status, booked.actual_minutes) == (AppointmentStatus.CLOSED, 90)

        # Léa finds the note and her hours from her own coaching space.
        learner.goto(f"{site}/my-coaching/")
        expect(learner.locator("#notes")).to_contain_text(SHARED_NOTE)
        expect(learner.locator("#hours")).to_contain_text("1 h 30 used of 24 h contracted")
        expect(learner.locator("#hours")).to_contain_text("22 h 30 left")
        learner.screenshot(path=screenshots / "coaching-story-hours-left.png", full_page=True)

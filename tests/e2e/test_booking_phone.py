"""On her phone, with the keyboard only, Léa (in Montréal) books a slot of her coach
(in Paris) shown on her own clock; the appointment page says the same time."""

import zoneinfo

import pytest

from parcours.coaching.models import Appointment
from parcours.coaching.tests.booking_for_tests import weekly
from parcours.coaching.tests.factories import engagement

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True,
         "locale": "en-GB", "timezone_id": "America/Montreal"}


@pytest.fixture
def lea_engagement(organisation, lea, karim):
    lea.locale, lea.time_zone = "en", "America/Montreal"
    lea.save()
    for weekday in range(7):
        weekly(karim, organisation, weekday, "09:00", "12:00")
    return engagement(organisation, lea, karim)


def test_lea_books_on_her_phone_on_her_own_clock(browser, live_server, lea, lea_engagement,
                                                 password, screenshots):
    from playwright.sync_api import expect

    page = browser.new_context(**PHONE).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/login/")
    page.locator("input[name=username]").fill(lea.email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/o/cap-avenir/coaching/engagements/{lea_engagement.pk}/book/")
    expect(page.locator("main")).to_contain_text("America/Montreal")
    first = page.locator("input[name=slot]").first
    label = first.locator("xpath=..").locator("span").first.inner_text()
    page.screenshot(path=screenshots / "booking-phone-slots.png", full_page=True)
    first.focus()
    page.keyboard.press("Space")
    page.locator("input[name=mode][value=video]").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Book this time").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()

    expect(page.locator("h1")).to_contain_text("Appointment on")
    booked = Appointment.objects.get()
    local = booked.starts_at.astimezone(zoneinfo.ZoneInfo("America/Montreal"))
    assert local.strftime("%H:%M") == label
    # Paris 09:00 is 03:00 or 04:00 in Montréal, depending on summer time on each side.
    assert local.hour in (2, 3, 4)
    expect(page.locator("main")).to_contain_text(label)
    page.screenshot(path=screenshots / "booking-phone-appointment.png", full_page=True)


def test_karim_publishes_his_tuesday_mornings_on_his_phone(browser, live_server, karim,
                                                           password, screenshots):
    from playwright.sync_api import expect

    karim.locale = "en"
    karim.save()
    page = browser.new_context(**{**PHONE, "timezone_id": "Europe/Paris"}).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/login/")
    page.locator("input[name=username]").fill(karim.email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/o/cap-avenir/coaching/availability/")
    page.locator("#id_week-0-weekday").select_option("1")
    page.locator("#id_week-0-start_time").fill("09:00")
    page.locator("#id_week-0-end_time").fill("12:00")
    page.locator("#id_week-0-modes_2").check()  # by video
    page.get_by_role("button", name="Save my week").click()
    page.wait_for_load_state()
    page.screenshot(path=screenshots / "availability-phone.png", full_page=True)

    expect(page.locator(".messages")).to_contain_text("Your usual week is saved.")
    page.screenshot(path=screenshots / "availability-phone.png", full_page=True)
    row = karim.weekly_availability.get()
    assert (row.weekday, row.start_time.isoformat(), row.modes) == (1, "09:00:00", ["video"])

"""On her phone, Léa sorts her values by keyboard (no dragging): each card's column is
chosen in its list, the card moves into that column, the draft saves itself, and she
returns the card sort to Karim."""

import pytest

from parcours.coaching.models import AssignmentStatus
from parcours.coaching.services.activities import assign_activity
from parcours.coaching.tests import factories
from parcours.coaching.tests.activities_for_tests import card_sort

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True,
         "locale": "en-GB", "timezone_id": "Europe/Paris"}


@pytest.fixture
def assignment(organisation, lea, karim):
    lea.locale = "en"
    lea.save()
    engagement = factories.engagement(organisation, lea, karim)
    return assign_activity(card_sort(organisation, karim), engagement, by=karim)


def test_lea_sorts_her_values_by_keyboard_on_her_phone(
    browser, live_server, assignment, lea, password, screenshots
):
    from playwright.sync_api import expect

    page = browser.new_context(**PHONE).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/login/")
    page.locator("input[name=username]").fill(lea.email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/o/cap-avenir/coaching/assignments/{assignment.pk}/")

    autonomy = page.get_by_label("Column for “Autonomy”")
    autonomy.focus()
    # The keyboard alone: arrow down through the list picks "Essential".
    page.keyboard.press("ArrowDown")
    expect(autonomy).to_have_value("0")
    essential = page.locator('.sort-column[data-column="0"]')
    expect(essential.locator(".sort-card")).to_contain_text("Autonomy")
    expect(page.get_by_role("status")).to_contain_text("Draft saved at", timeout=5000)
    assignment.refresh_from_db()
    assert assignment.answers == {"cards": {"0": 0}}

    page.get_by_label("Column for “Security”").select_option(label="Less important")
    page.get_by_label("Column for “Recognition”").select_option(label="Important")
    expect(page.locator('.sort-column[data-column="2"] .sort-card')).to_contain_text(
        "Security")
    page.screenshot(path=screenshots / "card-sort-phone.png", full_page=True)
    page.get_by_role("button", name="Return to my coach").click()

    expect(page.locator(".messages")).to_contain_text("Returned to your coach")
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.RETURNED
    assert assignment.answers == {"cards": {"0": 0, "1": 2, "2": 1}}

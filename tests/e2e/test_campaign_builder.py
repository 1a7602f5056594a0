"""Sophie builds a segment: the count of who matches follows her rules as she ticks them,
then she composes a campaign, previews it and sees it as a learner will read it."""

import pytest

from parcours.accounts.tests.factories import member

pytestmark = pytest.mark.e2e


@pytest.fixture
def english_page(browser):
    context = browser.new_context(locale="en-GB", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_the_live_count_follows_the_rules_and_the_preview_speaks_to_the_learner(
        organisation, sophie, lea, password, live_server, english_page, screenshots):
    from playwright.sync_api import expect

    sophie.locale = "en"
    sophie.save()
    member(organisation, "learner", display_name="Bruno Petit", locale="en")
    page = english_page
    page.goto(f"{live_server.url}/login/")
    page.locator("input[name=username], input[name=email]").first.fill(sophie.email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()

    page.goto(f"{live_server.url}/o/{organisation.slug}/nudges/segments/new/")
    page.get_by_label("Name").fill("English learners")
    page.get_by_label("English", exact=True).check()
    expect(page.locator("#segment-preview")).to_contain_text("1 person matches now.")
    expect(page.locator("#segment-preview")).to_contain_text("Bruno Petit")
    page.get_by_label("English", exact=True).uncheck()
    expect(page.locator("#segment-preview")).to_contain_text("2 people match now.")
    page.get_by_label("English", exact=True).check()
    page.screenshot(path=screenshots / "campaigns-segment.png", full_page=True)
    page.get_by_role("button", name="Save the segment").click()
    expect(page.get_by_role("cell", name="English learners")).to_be_visible()

    page.goto(f"{live_server.url}/o/{organisation.slug}/nudges/campaigns/new/")
    page.get_by_label("Name", exact=True).first.fill("Come back")
    page.locator("#id_a-subject_en").fill("Hello {{ first_name }}")
    page.locator("#id_a-body_en").fill("Your path is waiting.")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".message-preview")).to_contain_text("Hello Bruno")
    page.screenshot(path=screenshots / "campaigns-preview.png", full_page=True)
    page.get_by_role("button", name="Save as a draft").click()
    page.get_by_role("button", name="Launch").click()
    expect(page.locator(".messages")).to_contain_text("1 message planned")
    page.screenshot(path=screenshots / "campaigns-detail.png", full_page=True)

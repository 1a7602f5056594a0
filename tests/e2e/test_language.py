"""Léa signs in from a French browser, works in French, then switches to English."""

import pytest

pytestmark = pytest.mark.e2e


@pytest.fixture
def french_page(browser):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_a_learner_signs_in_in_french_and_switches_to_english(
    lea, password, live_server, french_page, screenshots
):
    from playwright.sync_api import expect

    page = french_page
    page.goto(f"{live_server.url}/login/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion à Parcours")

    page.get_by_label("Adresse e-mail").fill(lea.email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Léa")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("navigation")).to_contain_text("Mon parcours")
    page.screenshot(path=screenshots / "language-fr.png", full_page=True)

    page.select_option("#language-select", "en")
    page.locator("form.language-switcher button[type=submit]").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello Léa")
    expect(page.get_by_role("navigation")).to_contain_text("My path")
    page.screenshot(path=screenshots / "language-en.png", full_page=True)
    lea.refresh_from_db()
    assert lea.locale == "en"

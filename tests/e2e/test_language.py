"""Léa signs in from a French browser, works in French, then switches to English."""

import os
from pathlib import Path

import pytest
from django.db import connections

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--no-first-run",
    "--disable-sync",
]
RESULTS = Path(__file__).resolve().parents[2] / "test-results"

pytestmark = pytest.mark.e2e


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the test still needs the
    # ORM (fixtures, refresh_from_db), which Django would otherwise refuse in that case.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: apt-get install chromium"
        if os.environ.get("PARCOURS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"PARCOURS_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        # While Playwright's event loop runs, Django keeps database connections per
        # context, not per thread: one opened by the test body would outlive the test
        # and keep PostgreSQL from dropping the test database.
        connections.close_all()
        browser.close()


@pytest.fixture
def french_page(browser):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_a_learner_signs_in_in_french_and_switches_to_english(
    lea, password, live_server, french_page
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
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=RESULTS / "language-fr.png", full_page=True)

    page.select_option("#language-select", "en")
    page.locator("form.language-switcher button[type=submit]").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello Léa")
    expect(page.get_by_role("navigation")).to_contain_text("My path")
    page.screenshot(path=RESULTS / "language-en.png", full_page=True)
    lea.refresh_from_db()
    assert lea.locale == "en"

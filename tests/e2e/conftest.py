"""What every browser test shares: Debian's Chromium driven by Playwright."""

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


@pytest.fixture
def screenshots() -> Path:
    """Where browser tests leave their screenshots (test-results/, ignored by git)."""
    RESULTS.mkdir(exist_ok=True)
    return RESULTS


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

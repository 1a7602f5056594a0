"""A live poll in a group session: Karim opens the poll on his screen, Léa and Malik
answer from their phones with the code, and Karim's screen shows each answer within two
seconds, without reloading."""

import pytest

from parcours.accounts.tests.factories import member
from parcours.classroom.tests.attendance_for_tests import session_row
from parcours.coaching.models import LiveActivity, LiveStatus

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True,
         "locale": "en-GB", "timezone_id": "Europe/Paris"}
SCREEN = {"viewport": {"width": 1280, "height": 800}, "locale": "en-GB",
          "timezone_id": "Europe/Paris"}


@pytest.fixture
def malik(organisation):
    return member(organisation, "learner", email="malik@example.org",
                  display_name="Malik Haddad")


@pytest.fixture
def session(organisation, karim, lea, malik):
    for person in (lea, karim, malik):
        person.locale = "en"
        person.save()
    return session_row(organisation, title="Job search workshop", trainers=[karim],
                       learners=[lea, malik])


def sign_in(browser, live_server, person, password, context):
    page = browser.new_context(**context).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/login/")
    page.locator("input[name=username]").fill(person.email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    return page


def answer_from_a_phone(browser, live_server, person, password, code, option, screenshots):
    phone = sign_in(browser, live_server, person, password, PHONE)
    phone.goto(f"{live_server.url}/live/")
    phone.get_by_label("Code shown on the screen").fill(code.lower())
    phone.get_by_role("button", name="Join").click()
    phone.get_by_role("radio", name=option).check()
    phone.get_by_role("button", name="Send").click()
    from playwright.sync_api import expect

    expect(phone.get_by_role("status")).to_contain_text("Your answer is in")
    phone.screenshot(path=screenshots / f"live-poll-{person.email.split('@')[0]}.png",
                     full_page=True)


def test_the_coachs_screen_shows_each_answer_within_two_seconds(
    browser, live_server, session, karim, lea, malik, password, screenshots
):
    from playwright.sync_api import expect

    # Karim prepares the poll from the session's live activities and opens it.
    screen = sign_in(browser, live_server, karim, password, SCREEN)
    screen.goto(f"{live_server.url}/o/cap-avenir/coaching/live/?session={session.pk}")
    screen.get_by_label("Kind").select_option("poll")
    screen.get_by_label("Question").fill("How useful was this morning?")
    screen.get_by_label("Answers offered (poll), one a line").fill("Very\nA little\nNot at all")
    screen.get_by_role("button", name="Prepare").click()
    screen.get_by_role("button", name="Open the answers").click()
    live = LiveActivity.objects.get()
    assert live.status == LiveStatus.OPEN and live.session == session
    expect(screen.locator(".live-code")).to_have_text(live.code)
    # A page that reloaded would lose this mark.
    screen.evaluate("window.stillTheSamePage = true")
    polled = []
    screen.on("response", lambda response: polled.append(response.status)
              if "/results/" in response.url else None)
    very = screen.locator('[data-count="0"]')
    a_little = screen.locator('[data-count="1"]')
    expect(very).to_have_text("0 votes")

    answer_from_a_phone(browser, live_server, lea, password, live.code, "Very", screenshots)
    expect(very).to_have_text("1 vote", timeout=2000)

    answer_from_a_phone(browser, live_server, malik, password, live.code, "A little",
                        screenshots)
    expect(a_little).to_have_text("1 vote", timeout=2000)
    expect(screen.locator("#live-participants")).to_have_text("2 participants", timeout=2000)

    assert screen.evaluate("window.stillTheSamePage") is True
    # Between answers the screen asked every second and was told nothing changed.
    screen.wait_for_timeout(1500)
    assert 204 in polled and 200 in polled
    screen.screenshot(path=screenshots / "live-poll-coach-screen.png", full_page=True)

"""Léa works through her path in a real browser; Karim moves a step earlier for her.

The lesson is completed by time really spent with the page visible (heartbeats), the
quiz by a pass mark; then the coach's change and its reason reach Léa's dashboard.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from parcours.assessments import services as assessments
from parcours.assessments.models import QuestionKind
from parcours.catalog import services as catalog
from parcours.catalog.models import StepKind
from parcours.journeys import services as journeys
from parcours.journeys.models import Evidence

pytestmark = pytest.mark.e2e


@pytest.fixture
def enrolment(organisation, sophie, karim, lea):
    bank = assessments.create_bank(organisation, by=sophie, title="Basics")
    question = assessments.add_question(
        bank, by=sophie, kind=QuestionKind.SINGLE_CHOICE, prompt="Which city is the capital?",
        choices=[{"text": "Paris", "is_correct": True}, {"text": "Lyon", "is_correct": False}],
    )
    quiz = assessments.create_quiz(organisation, by=sophie, title="Capitals", bank=bank,
                                   pass_mark_percent=100)
    programme = catalog.create_programme(organisation, by=sophie, title="Getting started",
                                         language="en")
    module = catalog.add_module(programme, by=sophie, title="First steps")
    catalog.add_step(module, by=sophie, kind=StepKind.LESSON, title="Read the welcome",
                     body="Welcome **aboard**.", estimated_minutes=5, min_engaged_seconds=3)
    catalog.add_step(module, by=sophie, kind=StepKind.QUIZ, title="Capitals quiz", quiz=quiz,
                     estimated_minutes=5)
    catalog.add_step(module, by=sophie, kind=StepKind.CHECKPOINT, title="Talk with Karim",
                     estimated_minutes=30)
    catalog.add_step(module, by=sophie, kind=StepKind.EXTERNAL, title="Visit a workplace",
                     external_url="https://example.org/", estimated_minutes=60)
    catalog.publish_programme(programme, by=sophie)
    for person in (lea, karim):
        person.locale = "en"
        person.save()
    enrolment = journeys.enrol_learner(programme, lea, by=karim,
                                       start_on=timezone.localdate() - timedelta(days=1),
                                       minutes_per_week=120)
    enrolment.question = question
    return enrolment


def sign_in(context, live_server, person, password):
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/login/")
    page.locator("input[name=username]").fill(person.email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    return page


def test_lea_proves_her_steps_and_sees_the_step_karim_moved_earlier(
    browser, live_server, settings, enrolment, lea, karim, password, screenshots
):
    from playwright.sync_api import expect

    settings.HEARTBEAT_SECONDS = 1
    learner = sign_in(browser.new_context(locale="en-GB"), live_server, lea, password)
    next_card = learner.locator("section.next-step")
    expect(next_card).to_contain_text("Read the welcome")
    progress = learner.locator("main progress").first
    expect(progress).to_have_attribute("value", "0")

    # The lesson: the page stays open and visible until the minimum time is reached.
    learner.get_by_role("link", name="Open “Read the welcome”").click()
    expect(learner.locator("main")).to_contain_text("Welcome aboard.")
    expect(learner.get_by_role("link", name="See my next step").first).to_be_visible(
        timeout=20_000)
    assert Evidence.objects.filter(path_step__title="Read the welcome",
                                   kind="engaged_time").exists()

    # The quiz: started from the path step, passed with the right answer.
    learner.get_by_role("link", name="See my next step").first.click()
    expect(next_card).to_contain_text("Capitals quiz")
    expect(progress).not_to_have_attribute("value", "0")
    learner.get_by_role("link", name="Open “Capitals quiz”").click()
    learner.get_by_role("button", name="Start the quiz").click()
    learner.get_by_label("Paris").check()
    learner.get_by_role("button", name="Send my answers").click()
    expect(learner.locator("main")).to_contain_text("100")
    learner.goto(f"{live_server.url}/o/cap-avenir/my-path/")
    expect(next_card).to_contain_text("Talk with Karim")
    learner.screenshot(path=screenshots / "path-after-quiz.png", full_page=True)

    # Karim moves the workplace visit earlier, with the reason Léa will read.
    coach = sign_in(browser.new_context(locale="en-GB"), live_server, karim, password)
    coach.goto(f"{live_server.url}/o/cap-avenir/learners/{lea.pk}/")
    visit = enrolment.steps.get(title="Visit a workplace")
    coach.get_by_text("Adapt “Visit a workplace”").click()
    coach.locator(f"#pull-{visit.pk}").fill("A workplace opened its doors this week.")
    coach.locator(f"#pull-{visit.pk}").locator("xpath=ancestor::form").locator(
        "button[type=submit]").click()
    expect(coach.locator("main")).to_contain_text("moved earlier")

    learner.reload()
    expect(next_card).to_contain_text("Visit a workplace")
    expect(next_card).to_contain_text("A workplace opened its doors this week.")
    learner.screenshot(path=screenshots / "path-after-coach-change.png", full_page=True)

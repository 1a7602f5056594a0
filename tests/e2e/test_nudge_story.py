"""Léa is congratulated in French on her quiz, in the bell; she turns congratulations
off, and the next quiz she passes brings none.

The whole engine runs: the `reward_quiz` trigger writes the notification when the quiz
is passed, the dispatcher decides and delivers it in the app, the bell shows it; the
preferences page turns the category off on every channel and the policy suppresses the
next one (`opted_out`).
"""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.assessments import services as assessments
from parcours.assessments.models import QuestionKind
from parcours.catalog import services as catalog
from parcours.catalog.models import StepKind
from parcours.engagement.models import Notification, NotificationStatus
from parcours.engagement.services.dispatch import dispatch_due
from parcours.engagement.services.triggers import set_message_template
from parcours.journeys import services as journeys

pytestmark = pytest.mark.e2e


def quiz_of(organisation, sophie, title, right, wrong):
    """A quiz where the first question is worth 17 points and the second 3: one right
    and one wrong answer score 85 %."""
    bank = assessments.create_bank(organisation, by=sophie, title=title)
    for (good, bad), points in zip((right, wrong), (17, 3), strict=True):
        assessments.add_question(
            bank, by=sophie, kind=QuestionKind.SINGLE_CHOICE, points=points,
            prompt=f"{good} ou {bad} ?",
            choices=[{"text": good, "is_correct": True}, {"text": bad, "is_correct": False}])
    return assessments.create_quiz(organisation, by=sophie, title=title, bank=bank,
                                   pass_mark_percent=80)


@pytest.fixture
def enrolment(organisation, sophie, lea):
    first = quiz_of(organisation, sophie, "Quiz des capitales", ("Paris", "Lyon"),
                    ("Loire", "Seine"))
    second = quiz_of(organisation, sophie, "Quiz des fleuves", ("Rome", "Milan"),
                     ("Tibre", "Pô"))
    programme = catalog.create_programme(organisation, by=sophie, title="Géographie",
                                         language="fr")
    module = catalog.add_module(programme, by=sophie, title="Europe")
    for quiz in (first, second):
        catalog.add_step(module, by=sophie, kind=StepKind.QUIZ, title=quiz.title, quiz=quiz,
                         estimated_minutes=5)
    catalog.publish_programme(programme, by=sophie)
    # The organisation's own French wording of the congratulation (Léa reads French).
    set_message_template(organisation, "reward_quiz", by=sophie, language="fr",
                         subject="Bravo {{ first_name }} : {{ score }} % à « {{ quiz_title }} » !",
                         body="Vous progressez, continuez ainsi.")
    return journeys.enrol_learner(programme, lea, by=sophie, start_on=timezone.localdate(),
                                  minutes_per_week=120)


def deliver_what_is_planned() -> None:
    """Run the dispatcher as its worker would, until nothing is left planned: a nudge
    waits for the person's best hour, so run it again at the time it was deferred to."""
    for _round in range(4):
        waiting = (Notification.objects.filter(status=NotificationStatus.PLANNED)
                   .order_by("deliver_after").first())
        if waiting is None:
            return
        dispatch_due(now=max(timezone.now(), waiting.deliver_after))
    raise AssertionError("The dispatcher left notifications planned.")


def sign_in(context, live_server, person, password):
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/login/")
    page.locator("input[name=username]").fill(person.email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    return page


def pass_quiz(page, live_server, organisation, path_step, answers):
    page.goto(live_server.url + reverse("journeys:step", args=[organisation.slug, path_step.pk]))
    page.get_by_role("button", name="Commencer le quiz").click()
    for answer in answers:
        page.get_by_label(answer, exact=True).check()
    page.get_by_role("button", name="Envoyer mes réponses").click()
    page.wait_for_load_state()


def test_lea_is_congratulated_in_french_then_turns_congratulations_off(
        browser, live_server, organisation, enrolment, lea, password, screenshots):
    from playwright.sync_api import expect

    first, second = enrolment.steps.order_by("position")
    learner = sign_in(browser.new_context(locale="fr-FR"), live_server, lea, password)

    pass_quiz(learner, live_server, organisation, first, ["Paris", "Seine"])
    deliver_what_is_planned()

    learner.reload()
    bell = learner.get_by_role("button", name=re.compile(r"^Notifications"))
    expect(bell).to_have_accessible_name(re.compile(r"\d"))
    # The quiz's congratulation, and the milestone it reached, both unread.
    unread_before = bell.get_attribute("aria-label")
    bell.click()
    panel = learner.locator("#bell-panel")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("Bravo Léa : 85 % à « Quiz des capitales » !")
    learner.screenshot(path=screenshots / "nudge-bell-congratulation.png", full_page=True)

    # Léa turns congratulations off, on every channel.
    learner.goto(live_server.url + reverse("engagement:preferences"))
    for channel in ("in_app", "email", "push"):
        learner.locator(f"input[name=rewards__{channel}]").uncheck()
    learner.locator("main form button[type=submit]").click()
    learner.wait_for_load_state()

    pass_quiz(learner, live_server, organisation, second, ["Rome", "Pô"])
    deliver_what_is_planned()

    congratulation = Notification.objects.get(kind="reward_quiz", context__path_step=second.pk)
    assert congratulation.suppressed_reason == "opted_out"
    learner.reload()
    bell = learner.get_by_role("button", name=re.compile(r"^Notifications"))
    expect(bell).to_have_accessible_name(unread_before)
    bell.click()
    expect(learner.locator("#bell-panel")).to_contain_text("Quiz des capitales")
    expect(learner.locator("#bell-panel")).not_to_contain_text("Quiz des fleuves")
    learner.screenshot(path=screenshots / "nudge-bell-after-opt-out.png", full_page=True)

"""The activity pages: Karim builds and gives activities, Léa fills one in (autosave,
explicit save, return) and reads Karim's comment. Everyone else is refused."""

import pytest

from parcours.accounts.tests.factories import member
from parcours.coaching.models import Activity, AssignmentStatus
from parcours.coaching.services import activities as services
from parcours.coaching.tests import factories
from parcours.coaching.tests.activities_for_tests import COMPLETE_ANSWERS, card_sort, worksheet


def signed_in(client, user):
    user.locale = "en"
    user.save(update_fields=["locale"])
    client.force_login(user)
    return client


@pytest.fixture
def engagement(organisation, lea, karim):
    return factories.engagement(organisation, lea, karim)


@pytest.fixture
def assignment(organisation, engagement, karim):
    return services.assign_activity(worksheet(organisation, karim), engagement, by=karim)


def url(assignment, suffix=""):
    return f"/o/cap-avenir/coaching/assignments/{assignment.pk}/{suffix}"


def test_a_coach_sees_the_library(client, organisation, karim):
    worksheet(organisation, karim)

    page = signed_in(client, karim).get("/o/cap-avenir/coaching/activities/")

    assert page.status_code == 200
    assert "My motivations" in page.content.decode()


def test_a_learner_is_refused_the_library_and_an_outsider_does_not_see_it(
        client, organisation, lea, oscar):
    assert signed_in(client, lea).get("/o/cap-avenir/coaching/activities/").status_code == 403
    assert signed_in(client, oscar).get("/o/cap-avenir/coaching/activities/").status_code == 404


def test_a_coach_builds_a_worksheet_one_question_a_line(client, organisation, karim):
    page = signed_in(client, karim).post("/o/cap-avenir/coaching/activities/new/", {
        "kind": "worksheet", "title": "Strengths", "instructions": "",
        "questions": "text: What are you proud of?\n"
                     "scale 0-10: Energy today | empty | full\n"
                     "choices: You like = people; ideas; things\n"
                     "ranking: Order = a; b; c",
    })

    activity = Activity.objects.get(title="Strengths")
    assert page.status_code == 302
    assert [f["kind"] for f in activity.definition["fields"]] == [
        "text", "scale", "choice", "ranking"]
    assert activity.definition["fields"][1]["max"] == 10
    assert activity.definition["fields"][2]["multiple"] is True


def test_a_line_the_builder_cannot_read_is_shown_with_what_was_typed(client, organisation,
                                                                    karim):
    typed = "text: First question\nsomething odd here"
    page = signed_in(client, karim).post("/o/cap-avenir/coaching/activities/new/", {
        "kind": "worksheet", "title": "Strengths", "questions": typed})

    assert page.status_code == 400
    assert "Line 2" in page.content.decode()
    assert "something odd here" in page.content.decode()
    assert not Activity.objects.exists()


def test_a_card_sort_without_enough_cards_is_refused_with_a_reason(client, organisation,
                                                                  karim):
    page = signed_in(client, karim).post("/o/cap-avenir/coaching/activities/new/", {
        "kind": "card_sort", "title": "Values", "cards": "Autonomy",
        "columns": "Essential\nImportant"})

    assert page.status_code == 400
    assert "at least 2 cards" in page.content.decode()
    assert "Autonomy" in page.content.decode()


def test_a_coach_gives_an_activity_from_its_page(client, organisation, engagement, karim):
    activity = card_sort(organisation, karim)

    page = signed_in(client, karim).post(f"/o/cap-avenir/coaching/activities/{activity.pk}/",
                                         {"engagement": engagement.pk, "due_on": "2026-12-15"})

    given = activity.assignments.get()
    assert page.status_code == 302 and page["Location"] == url(given)
    assert given.engagement == engagement and str(given.due_on) == "2026-12-15"


def test_a_coach_cannot_give_an_activity_in_someone_elses_engagement(client, organisation,
                                                                   lea, karim):
    nadia = member(organisation, "coach")
    elsewhere = factories.engagement(organisation, lea, nadia)
    activity = card_sort(organisation, karim)

    page = signed_in(client, karim).post(f"/o/cap-avenir/coaching/activities/{activity.pk}/",
                                         {"engagement": elsewhere.pk})

    assert page.status_code == 400  # not among the engagements offered
    assert not activity.assignments.exists()


def test_lea_saves_a_draft_and_finds_it_again(client, assignment, lea):
    signed_in(client, lea)
    page = client.post(url(assignment), {"action": "save", "f-motivation": "Helping",
                                          "f-confidence": "4", "f-matters-0": "2"})

    assert page.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.DRAFT
    assert assignment.answers == {"motivation": "Helping", "confidence": 4}
    again = client.get(url(assignment)).content.decode()
    assert "Helping</textarea>" in again
    assert 'value="4" checked' in again


def test_the_page_autosaves_a_draft_as_lea_types(client, assignment, lea):
    page = signed_in(client, lea).post(url(assignment, "draft/"),
                                       {"f-motivation": "Helping peo"},
                                       headers={"HX-Request": "true"})

    assert page.status_code == 200
    assert "Draft saved at" in page.content.decode()
    assignment.refresh_from_db()
    assert assignment.answers == {"motivation": "Helping peo"}


def test_returning_with_a_missing_answer_keeps_everything_typed(client, assignment, lea):
    page = signed_in(client, lea).post(url(assignment), {
        "action": "return", "f-motivation": "A long answer I do not want to lose",
        "f-place": "Remote"})

    content = page.content.decode()
    assert page.status_code == 400
    assert "A long answer I do not want to lose</textarea>" in content
    assert 'value="Remote" checked' in content
    assert "Answer this question." in content
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ASSIGNED


def test_lea_returns_the_worksheet_and_reads_karims_comment(client, assignment, lea, karim):
    signed_in(client, lea).post(url(assignment), {
        "action": "return", "f-motivation": "Helping", "f-confidence": "5",
        "f-place": "Both", "f-enjoy": ["People", "Numbers"],
        "f-matters-0": "3", "f-matters-1": "1", "f-matters-2": "2"})
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.RETURNED
    assert assignment.answers["matters"] == ["Team", "Learning", "Salary"]

    signed_in(client, karim)
    assert "Helping" in client.get(url(assignment)).content.decode()
    client.post(url(assignment), {"action": "comment", "comment": "Team first, noted."})

    signed_in(client, lea)
    page = client.get(url(assignment)).content.decode()
    assert "Team first, noted." in page
    assert "Your coach's comment" in page
    assert 'name="action" value="return"' not in page  # no longer editable


def test_the_coach_does_not_read_a_draft_before_it_is_returned(client, assignment, lea,
                                                              karim):
    services.save_draft(assignment, by=lea, answers={"motivation": "Secret first thoughts"})

    page = signed_in(client, karim).get(url(assignment)).content.decode()

    assert "Secret first thoughts" not in page


def test_the_card_sort_works_without_dragging_a_select_per_card(client, organisation,
                                                               engagement, lea, karim):
    assignment = services.assign_activity(card_sort(organisation, karim), engagement,
                                          by=karim)

    page = signed_in(client, lea).get(url(assignment)).content.decode()

    for index in range(3):
        assert f'<select id="id-card-{index}" name="card-{index}"' in page
    assert 'for="id-card-0"' in page  # each select is labelled with its card
    client.post(url(assignment), {"action": "return", "card-0": "0", "card-1": "2",
                                  "card-2": "1"})
    assignment.refresh_from_db()
    assert assignment.answers == {"cards": {"0": 0, "1": 2, "2": 1}}


@pytest.mark.parametrize("who", ["other_learner", "sophie", "oscar"])
def test_nobody_else_opens_an_assignment(client, organisation, assignment, sophie, oscar, who):
    person = {"other_learner": member(organisation, "learner"), "sophie": sophie,
              "oscar": oscar}[who]

    assert signed_in(client, person).get(url(assignment)).status_code == 404
    assert client.post(url(assignment, "draft/"), {"f-motivation": "x"}).status_code == 404


def test_the_engagement_panel_lists_its_activities(client, assignment, engagement, lea):
    page = signed_in(client, lea).get(
        f"/o/cap-avenir/coaching/engagements/{engagement.pk}/activities/",
        headers={"HX-Request": "true"})

    assert page.status_code == 200
    assert "My motivations" in page.content.decode()
    assert "<html" not in page.content.decode()


def test_a_manager_does_not_see_an_engagements_activities(client, engagement, sophie):
    page = signed_in(client, sophie).get(
        f"/o/cap-avenir/coaching/engagements/{engagement.pk}/activities/")

    assert page.status_code == 404


def test_the_returned_answers_reach_the_page_unchanged(client, assignment, lea, karim):
    services.return_assignment(assignment, by=lea, answers=COMPLETE_ANSWERS)

    page = signed_in(client, karim).get(url(assignment)).content.decode()

    assert 'value="Making things" checked' in page and "disabled" in page

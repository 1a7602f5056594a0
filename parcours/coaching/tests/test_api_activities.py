"""The activities API: the library, giving an activity, answers as a draft, returning,
commenting; live activities and answering by code. With the refusals."""

import pytest

from parcours.accounts.tests.factories import member
from parcours.coaching.models import AssignmentStatus, LiveKind
from parcours.coaching.services import activities as services
from parcours.coaching.services import live as live_services
from parcours.coaching.tests import factories
from parcours.coaching.tests.activities_for_tests import COMPLETE_ANSWERS, journal, worksheet

API = "/api/v1/organisations/cap-avenir"


@pytest.fixture
def engagement(organisation, lea, karim):
    return factories.engagement(organisation, lea, karim)


@pytest.fixture
def assignment(organisation, engagement, karim):
    return services.assign_activity(worksheet(organisation, karim), engagement, by=karim)


def test_a_coach_lists_and_adds_to_the_library(api_as, organisation, karim):
    journal(organisation, karim)
    coach = api_as(karim)

    created = coach.post(f"{API}/coaching/activities", {
        "kind": "card_sort", "title": "Values",
        "definition": {"cards": ["Autonomy", "Security"], "columns": ["Yes", "No"]}})

    assert created.status_code == 201
    assert created.json()["definition"]["columns"] == ["Yes", "No"]
    assert [a["title"] for a in coach.get(f"{API}/coaching/activities").json()] == [
        "This week", "Values"]


def test_an_incomplete_activity_gets_every_reason(api_as, karim):
    answer = api_as(karim, locale="en").post(f"{API}/coaching/activities", {
        "kind": "worksheet", "title": "Empty", "definition": {"fields": []}})

    assert answer.status_code == 400
    assert answer.json()["errors"] == ["Add at least one question."]


def test_a_learner_cannot_read_the_library(api_as, lea):
    assert api_as(lea).get(f"{API}/coaching/activities").status_code == 403


def test_another_organisation_is_refused(api_as, oscar):
    assert api_as(oscar).get(f"{API}/coaching/activities").status_code == 403


def test_an_anonymous_caller_is_refused(client, assignment):
    assert client.get(f"{API}/coaching/activities").status_code == 401
    assert client.get(f"{API}/coaching/assignments/{assignment.pk}").status_code == 401


def test_a_coach_gives_an_activity(api_as, organisation, engagement, karim):
    activity = journal(organisation, karim)

    answer = api_as(karim).post(f"{API}/engagements/{engagement.pk}/activities",
                                {"activity": activity.pk, "due_on": "2026-12-20"})

    assert answer.status_code == 201
    assert answer.json()["status"] == "assigned" and answer.json()["due_on"] == "2026-12-20"


def test_lea_saves_a_draft_returns_it_and_reads_the_comment(api_as, assignment, lea, karim):
    beneficiary, coach = api_as(lea), api_as(karim)
    path = f"{API}/coaching/assignments/{assignment.pk}"

    draft = beneficiary.put(f"{path}/answers", {"answers": {"motivation": "People"}})
    assert draft.status_code == 200 and draft.json()["status"] == "draft"
    assert coach.get(path).json()["answers"] is None  # a draft is Léa's until returned

    returned = beneficiary.post(f"{path}/return", {"answers": COMPLETE_ANSWERS})
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    assert coach.get(path).json()["answers"]["place"] == "Both"

    commented = coach.post(f"{path}/comment", {"comment": "Let us talk about the team."})
    assert commented.json()["status"] == AssignmentStatus.COMMENTED
    assert beneficiary.get(path).json()["comment"] == "Let us talk about the team."


def test_a_malformed_answer_says_which_question(api_as, assignment, lea):
    answer = api_as(lea, locale="en").put(
        f"{API}/coaching/assignments/{assignment.pk}/answers",
        {"answers": {"confidence": 12}})

    assert answer.status_code == 400
    assert answer.json()["errors"] == {"confidence": "Choose a value from 1 to 5."}


def test_returning_the_draft_needs_every_required_answer(api_as, assignment, lea):
    answer = api_as(lea).post(f"{API}/coaching/assignments/{assignment.pk}/return")

    assert answer.status_code == 400
    assert set(answer.json()["errors"]) == {"motivation", "confidence", "place", "matters"}


def test_a_returned_activity_cannot_be_changed(api_as, assignment, lea):
    services.return_assignment(assignment, by=lea, answers=COMPLETE_ANSWERS)

    answer = api_as(lea).put(f"{API}/coaching/assignments/{assignment.pk}/answers",
                             {"answers": {}})

    assert answer.status_code == 409


@pytest.mark.parametrize("who", ["other_learner", "sophie", "oscar"])
def test_nobody_else_reads_or_answers_an_assignment(api_as, organisation, assignment, sophie,
                                                    oscar, who):
    person = {"other_learner": member(organisation, "learner"), "sophie": sophie,
              "oscar": oscar}[who]
    caller = api_as(person)
    path = f"{API}/coaching/assignments/{assignment.pk}"

    expected = 403 if who == "oscar" else 404
    assert caller.get(path).status_code == expected
    assert caller.put(f"{path}/answers", {"answers": {}}).status_code == expected


def test_the_coach_cannot_fill_in_for_the_beneficiary(api_as, assignment, karim):
    answer = api_as(karim).put(f"{API}/coaching/assignments/{assignment.pk}/answers",
                               {"answers": {"motivation": "For her"}})

    assert answer.status_code == 403


def test_a_coach_runs_a_poll_and_reads_its_results(api_as, organisation, karim, lea):
    coach = api_as(karim)
    created = coach.post(f"{API}/coaching/live", {
        "kind": "poll", "question": "Break now?", "options": ["Yes", "No"]})
    live = created.json()
    assert created.status_code == 201 and len(live["code"]) == 6

    assert coach.post(f"{API}/coaching/live/{live['id']}/open").json()["status"] == "open"
    voted = api_as(lea).post(f"/api/v1/live/{live['code']}/answers", {"text": "Yes"})
    assert voted.status_code == 201

    results = coach.get(f"{API}/coaching/live/{live['id']}/results").json()
    assert results["participants"] == 1
    assert [(c["text"], c["count"]) for c in results["counts"]] == [("Yes", 1), ("No", 0)]
    assert coach.post(f"{API}/coaching/live/{live['id']}/close").json()["status"] == "closed"
    assert api_as(lea).post(f"/api/v1/live/{live['code']}/answers",
                            {"text": "No"}).status_code == 409


def test_only_members_answer_by_code_and_learners_do_not_run_live_activities(
        api_as, organisation, karim, lea, oscar):
    live = live_services.open_live_activity(live_services.create_live_activity(
        organisation, by=karim, kind=LiveKind.WORD_CLOUD, question="One word"), by=karim)

    assert api_as(oscar).post(f"/api/v1/live/{live.code}/answers",
                              {"text": "hello"}).status_code == 404
    learner = api_as(lea)
    assert learner.get(f"{API}/coaching/live/{live.pk}/results").status_code == 403
    assert learner.post(f"{API}/coaching/live", {"kind": "board",
                                                 "question": "Mine"}).status_code == 403

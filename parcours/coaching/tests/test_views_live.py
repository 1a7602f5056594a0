"""The live activity pages: Karim prepares and opens a poll, participants answer from
their phones with the code, Karim's screen polls a small partial of the results."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parcours.accounts.tests.factories import member
from parcours.coaching.models import LiveActivity, LiveKind, LiveStatus
from parcours.coaching.services import live as services


def signed_in(client, user):
    user.locale = "en"
    user.save(update_fields=["locale"])
    client.force_login(user)
    return client


@pytest.fixture
def poll(organisation, karim):
    activity = services.create_live_activity(
        organisation, by=karim, kind=LiveKind.POLL, question="How was the morning?",
        options=["Great", "Fine", "Hard"])
    return services.open_live_activity(activity, by=karim)


def test_karim_prepares_a_poll_and_opens_it(client, organisation, karim):
    signed_in(client, karim)
    page = client.post("/o/cap-avenir/coaching/live/", {
        "kind": "poll", "question": "Ready?", "options": "Yes\nNot yet\n"})

    live = LiveActivity.objects.get()
    assert page.status_code == 302
    assert page["Location"] == f"/o/cap-avenir/coaching/live/{live.pk}/"
    assert live.options == ["Yes", "Not yet"] and live.status == LiveStatus.DRAFT

    screen = client.get(page["Location"]).content.decode()
    assert live.code in screen and f"/live/{live.code}/" in screen
    assert 'hx-trigger="every 1s"' in screen
    client.post(page["Location"], {"action": "open"})
    live.refresh_from_db()
    assert live.status == LiveStatus.OPEN


def test_a_poll_with_one_answer_is_refused_and_the_question_kept(client, organisation,
                                                                karim):
    page = signed_in(client, karim).post("/o/cap-avenir/coaching/live/", {
        "kind": "poll", "question": "Ready for the next part?", "options": "Yes"})

    assert page.status_code == 400
    assert "Ready for the next part?" in page.content.decode()
    assert "A poll offers from 2" in page.content.decode()


def test_a_participant_answers_with_the_code_and_can_change_their_vote(client, poll, lea):
    signed_in(client, lea)
    page = client.get(f"/live/{poll.code.lower()}/")
    assert page.status_code == 200 and "How was the morning?" in page.content.decode()

    client.post(f"/live/{poll.code}/", {"text": "Great"})
    again = client.post(f"/live/{poll.code}/", {"text": "Hard"})

    assert again.status_code == 302
    assert list(poll.answers.values_list("text", flat=True)) == ["Hard"]
    assert 'value="Hard" required checked' in client.get(f"/live/{poll.code}/").content.decode()


def test_typing_the_code_leads_to_the_activity(client, poll, lea):
    page = signed_in(client, lea).get("/live/", {"code": f" {poll.code.lower()} "})

    assert page.status_code == 302 and page["Location"] == f"/live/{poll.code}/"


def test_a_closed_poll_says_so_and_takes_no_answer(client, poll, lea, karim):
    services.close_live_activity(poll, by=karim)
    signed_in(client, lea)

    assert "The answers are closed" in client.get(f"/live/{poll.code}/").content.decode()
    assert client.post(f"/live/{poll.code}/", {"text": "Great"}).status_code == 409
    assert not poll.answers.exists()


def test_an_answer_too_long_for_the_word_cloud_is_refused_and_kept(client, organisation,
                                                                  karim, lea):
    cloud = services.open_live_activity(services.create_live_activity(
        organisation, by=karim, kind=LiveKind.WORD_CLOUD, question="One word"), by=karim)

    page = signed_in(client, lea).post(f"/live/{cloud.code}/",
                                       {"text": "several words in a row here"})

    assert page.status_code == 400
    assert 'value="several words in a row here"' in page.content.decode()


def test_outsiders_do_not_learn_that_a_code_exists(client, poll, oscar):
    assert signed_in(client, oscar).get(f"/live/{poll.code}/").status_code == 404
    assert client.post(f"/live/{poll.code}/", {"text": "Great"}).status_code == 404


def test_an_anonymous_visitor_is_asked_to_sign_in(client, poll):
    page = client.get(f"/live/{poll.code}/")

    assert page.status_code == 302 and "/login/" in page["Location"]


def test_a_learner_cannot_open_the_coachs_screen(client, poll, lea):
    signed_in(client, lea)

    assert client.get(f"/o/cap-avenir/coaching/live/{poll.pk}/").status_code == 403
    assert client.get(f"/o/cap-avenir/coaching/live/{poll.pk}/results/").status_code == 403
    assert client.post(f"/o/cap-avenir/coaching/live/{poll.pk}/",
                       {"action": "close"}).status_code == 403


def test_the_results_partial_shows_the_votes(client, poll, organisation, karim, lea):
    services.answer_live_activity(poll, by=lea, text="Fine")

    page = signed_in(client, karim).get(f"/o/cap-avenir/coaching/live/{poll.pk}/results/")

    content = page.content.decode()
    assert page.status_code == 200 and "<html" not in content
    assert '<strong data-count="1">1 vote</strong>' in content
    assert '<strong data-count="0">0 votes</strong>' in content


def test_the_results_partial_runs_the_same_few_queries_however_many_answer(
        client, poll, organisation, karim):
    signed_in(client, karim)
    results = f"/o/cap-avenir/coaching/live/{poll.pk}/results/"
    services.answer_live_activity(poll, by=member(organisation, "learner"), text="Great")
    with CaptureQueriesContext(connection) as few:
        client.get(results)

    for _ in range(15):
        services.answer_live_activity(poll, by=member(organisation, "learner"), text="Fine")
    with CaptureQueriesContext(connection) as many:
        client.get(results)

    # Session, person, organisation, roles, the activity, the counts.
    assert len(many) == len(few) == 6


def test_the_results_are_kept_on_the_classroom_session(client, organisation, karim, lea):
    from parcours.classroom.tests.attendance_for_tests import session_row

    session = session_row(organisation, title="Workshop", trainers=[karim], learners=[lea])
    signed_in(client, karim)
    client.post(f"/o/cap-avenir/coaching/live/?session={session.pk}", {
        "kind": "word_cloud", "question": "One word for today", "session": session.pk})
    live = LiveActivity.objects.get()
    assert live.session == session
    services.open_live_activity(live, by=karim)
    services.answer_live_activity(live, by=lea, text="Energy")

    panel = client.get(f"/o/cap-avenir/coaching/live/sessions/{session.pk}/").content.decode()

    assert "One word for today" in panel and "energy" in panel
    assert "1 time" in panel  # the word cloud's accessible count


def test_a_learner_cannot_read_a_sessions_live_results(client, organisation, lea):
    page = signed_in(client, lea).get("/o/cap-avenir/coaching/live/sessions/1/")

    assert page.status_code == 403


def test_an_unchanged_result_is_not_sent_again(client, poll, organisation, karim, lea):
    signed_in(client, karim)
    results = f"/o/cap-avenir/coaching/live/{poll.pk}/results/"
    first = client.get(results).content.decode()
    version = first.split('data-live-version="')[1].split('"')[0]

    assert client.get(results, {"v": version}).status_code == 204

    services.answer_live_activity(poll, by=lea, text="Great")
    changed = client.get(results, {"v": version})
    assert changed.status_code == 200 and "1 vote" in changed.content.decode()

"""Karim runs live activities in a group session: a poll with one vote per person that
can change, a word cloud of short words, a board of notes; only members answer, only
while it is open."""

import pytest

from parcours.accounts.tests.factories import member
from parcours.coaching.models import LiveAnswer, LiveKind, LiveStatus
from parcours.coaching.selectors.live import live_results, session_live_results
from parcours.coaching.services import live as services
from parcours.core.errors import NotAllowed


@pytest.fixture
def poll(organisation, karim):
    activity = services.create_live_activity(
        organisation, by=karim, kind=LiveKind.POLL, question="How was the morning?",
        options=["Great", "Fine", "Hard"])
    return services.open_live_activity(activity, by=karim)


@pytest.fixture
def cloud(organisation, karim):
    activity = services.create_live_activity(
        organisation, by=karim, kind=LiveKind.WORD_CLOUD, question="One word for today")
    return services.open_live_activity(activity, by=karim)


def test_a_live_activity_gets_a_short_code_to_type_on_a_phone(organisation, karim):
    activity = services.create_live_activity(organisation, by=karim, kind=LiveKind.BOARD,
                                             question="Ideas for next week")

    assert len(activity.code) == 6 and activity.code.isupper()
    assert not set(activity.code) & set("01IO")
    assert activity.status == LiveStatus.DRAFT


def test_a_poll_needs_two_different_answers_to_offer(organisation, karim):
    with pytest.raises(services.InvalidLiveActivity):
        services.create_live_activity(organisation, by=karim, kind=LiveKind.POLL,
                                      question="Yes?", options=["Yes"])
    with pytest.raises(services.InvalidLiveActivity):
        services.create_live_activity(organisation, by=karim, kind=LiveKind.POLL,
                                      question="Yes?", options=["Yes", "yes"])


def test_a_learner_cannot_run_a_live_activity(organisation, lea):
    with pytest.raises(NotAllowed):
        services.create_live_activity(organisation, by=lea, kind=LiveKind.BOARD,
                                      question="Me?")


def test_a_live_activity_is_kept_on_a_classroom_session(organisation, karim, lea):
    from parcours.classroom.tests.attendance_for_tests import session_row

    session = session_row(organisation, title="Job search workshop", trainers=[karim],
                          learners=[lea])
    activity = services.create_live_activity(
        organisation, by=karim, kind=LiveKind.POLL, question="Useful?",
        options=["Yes", "No"], session=session)
    services.open_live_activity(activity, by=karim)
    services.answer_live_activity(activity, by=lea, text="Yes")
    services.close_live_activity(activity, by=karim)

    [kept] = session_live_results(karim, organisation, session.pk)
    assert kept.activity == activity
    assert [(row.text, row.count) for row in kept.counts] == [("Yes", 1), ("No", 0)]


def test_a_session_of_another_organisation_cannot_hold_it(organisation, other_organisation,
                                                         karim, oscar):
    from parcours.classroom.tests.attendance_for_tests import session_row

    elsewhere = session_row(other_organisation, title="Elsewhere", trainers=[], learners=[])
    with pytest.raises(NotAllowed):
        services.create_live_activity(organisation, by=karim, kind=LiveKind.BOARD,
                                      question="Ideas", session=elsewhere)


def test_one_vote_per_participant_which_they_can_change(poll, lea, karim):
    services.answer_live_activity(poll, by=lea, text="Great")
    services.answer_live_activity(poll, by=lea, text="Hard")
    services.answer_live_activity(poll, by=karim, text="Hard")

    assert LiveAnswer.objects.filter(activity=poll).count() == 2
    results = live_results(poll)
    assert [(row.text, row.count) for row in results.counts] == [
        ("Great", 0), ("Fine", 0), ("Hard", 2)]
    assert results.participants == 2


def test_a_vote_must_be_one_of_the_answers_offered(poll, lea):
    with pytest.raises(services.InvalidLiveAnswer):
        services.answer_live_activity(poll, by=lea, text="Something else")


def test_nobody_answers_before_it_opens_or_after_it_closes(organisation, karim, lea):
    activity = services.create_live_activity(organisation, by=karim, kind=LiveKind.BOARD,
                                             question="Ideas")
    with pytest.raises(services.LiveActivityNotOpen):
        services.answer_live_activity(activity, by=lea, text="Too early")

    services.open_live_activity(activity, by=karim)
    services.answer_live_activity(activity, by=lea, text="More role play")
    services.close_live_activity(activity, by=karim)
    with pytest.raises(services.LiveActivityNotOpen):
        services.answer_live_activity(activity, by=lea, text="Too late")

    assert live_results(activity).notes == ["More role play"]


def test_someone_outside_the_organisation_cannot_answer(poll, oscar):
    with pytest.raises(NotAllowed):
        services.answer_live_activity(poll, by=oscar, text="Great")


def test_the_word_cloud_takes_short_words_and_counts_them_together(cloud, organisation, lea,
                                                                   karim):
    sophia = member(organisation, "learner")
    services.answer_live_activity(cloud, by=lea, text="Confiance")
    services.answer_live_activity(cloud, by=sophia, text="  confiance ")
    services.answer_live_activity(cloud, by=karim, text="Energy")

    with pytest.raises(services.InvalidLiveAnswer):
        services.answer_live_activity(cloud, by=lea, text="a sentence far too long to be a word")
    results = live_results(cloud)
    assert [(row.text, row.count) for row in results.counts] == [("confiance", 2),
                                                                 ("energy", 1)]
    assert results.counts[0].size > results.counts[1].size
    assert results.participants == 3


def test_a_participant_gives_at_most_three_words(cloud, lea):
    for word in ("one", "two", "three"):
        services.answer_live_activity(cloud, by=lea, text=word)

    with pytest.raises(services.TooManyAnswers):
        services.answer_live_activity(cloud, by=lea, text="four")


def test_a_note_on_the_board_has_a_length_limit(organisation, karim, lea):
    board = services.open_live_activity(services.create_live_activity(
        organisation, by=karim, kind=LiveKind.BOARD, question="Ideas"), by=karim)

    with pytest.raises(services.InvalidLiveAnswer):
        services.answer_live_activity(board, by=lea, text="x" * 201)


def test_results_are_read_in_one_query_whatever_the_number_of_answers(
        cloud, organisation, django_assert_num_queries):
    for index in range(12):
        services.answer_live_activity(cloud, by=member(organisation, "learner"),
                                      text=f"word{index % 4}")

    with django_assert_num_queries(2):
        results = live_results(cloud)

    assert len(results.counts) == 4 and results.participants == 12

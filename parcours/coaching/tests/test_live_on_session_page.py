"""The session page shows its live activities to the people who run them: Karim, who
trains it, sees the panel; Léa, registered, does not."""

from django.urls import reverse

from parcours.classroom.tests.documents_for_tests import session_on


def _page(client, person, session) -> str:
    client.force_login(person)
    response = client.get(reverse("classroom:session", args=["cap-avenir", session.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_trainer_sees_the_live_activities_of_the_session(client, organisation, lea,
                                                             karim):
    session = session_on(organisation, title="Atelier CV", first_day="2026-03-02", days=1,
                         trainers=[karim], learners=[lea])
    assert 'id="live-session-title"' in _page(client, karim, session)


def test_a_learner_does_not_see_the_live_activities_panel(client, organisation, lea, karim):
    session = session_on(organisation, title="Atelier CV", first_day="2026-03-02", days=1,
                         trainers=[karim], learners=[lea])
    assert 'id="live-session-title"' not in _page(client, lea, session)

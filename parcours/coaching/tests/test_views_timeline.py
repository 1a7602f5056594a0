"""An engagement's timeline: what happened, newest first, with filters."""

from django.urls import reverse

from parcours.accounts.tests.factories import member
from parcours.coaching.tests.factories import engagement
from parcours.core.events import record_event
from parcours.core.models import Verb


def _url(followed, **query):
    return reverse("coaching:timeline", args=[followed.organisation.slug, followed.pk])


def test_path_progress_shows_on_the_timeline(client, organisation, lea, karim):
    followed = engagement(organisation, lea, karim)
    record_event(lea, Verb.PASSED, ("assessments.quiz", 7), organisation=organisation,
                 result={"score": 85.0, "success": True})
    client.force_login(karim)

    entries = client.get(_url(followed)).context["entries"]

    path = [entry for entry, label in entries if entry.kind == "path"]
    assert len(path) == 1 and "85" in path[0].detail


def test_the_timeline_filters_by_kind(client, organisation, lea, karim):
    followed = engagement(organisation, lea, karim)
    record_event(lea, Verb.PASSED, ("assessments.quiz", 7), organisation=organisation,
                 result={"score": 85.0})
    client.force_login(karim)

    kinds = {entry.kind for entry, _label in client.get(
        _url(followed), {"kinds": ["appointment"]}).context["entries"]}

    assert "path" not in kinds


def test_another_learner_cannot_open_the_timeline(client, organisation, lea, karim):
    followed = engagement(organisation, lea, karim)
    client.force_login(member(organisation, "learner"))
    assert client.get(_url(followed)).status_code == 404


def test_another_organisation_cannot_open_the_timeline(client, organisation, lea, karim, oscar):
    followed = engagement(organisation, lea, karim)
    client.force_login(oscar)
    assert client.get(_url(followed)).status_code == 404


def test_a_long_timeline_is_read_a_page_at_a_time(client, organisation, lea, karim):
    followed = engagement(organisation, lea, karim)
    for number in range(205):
        record_event(lea, Verb.COMPLETED, ("journeys.pathstep", number),
                     organisation=organisation)
    client.force_login(karim)

    first = client.get(_url(followed))
    second = client.get(_url(followed), {"page": 2})

    assert len(first.context["entries"]) == 200 and first.context["total"] == 205
    assert len(second.context["entries"]) == 5
    assert first.context["entries"][0][0].at >= second.context["entries"][0][0].at

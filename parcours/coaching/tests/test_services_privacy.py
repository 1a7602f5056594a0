"""Retention: closed engagements are anonymised when their time runs out, private notes
first; and a beneficiary downloads what coaching holds about them."""

import json
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.coaching.models import (
    AnonymisationRecord,
    Engagement,
    EngagementStatus,
    Message,
    Note,
    NoteVisibility,
)
from parcours.coaching.services.privacy import (
    NotClosedYet,
    anonymise_due,
    anonymise_engagement,
    set_retention,
)
from parcours.coaching.tests.factories import engagement
from parcours.core.errors import NotAllowed
from parcours.core.models import LearningEvent, Verb


def _closed(organisation, lea, karim, *, ended_days_ago):
    followed = engagement(organisation, lea, karim,
                          starts_on=date.today() - timedelta(days=ended_days_ago + 90),
                          ends_on=date.today() - timedelta(days=ended_days_ago))
    followed.status = EngagementStatus.CLOSED
    followed.closed_at = timezone.now() - timedelta(days=ended_days_ago)
    followed.save()
    Note.objects.create(engagement=followed, author=karim, visibility=NoteVisibility.PRIVATE,
                        body="Léa mentioned her divorce.")
    Note.objects.create(engagement=followed, author=karim, visibility=NoteVisibility.SHARED,
                        shared_at=timezone.now(), body="Explore the care sector.")
    Message.objects.create(engagement=followed, author=lea, body="Here is my CV")
    return followed


def test_a_closed_engagement_past_retention_is_anonymised(organisation, lea, karim, sophie):
    set_retention(organisation, by=sophie, days=30)
    old = _closed(organisation, lea, karim, ended_days_ago=31)
    recent = _closed(organisation, lea, karim, ended_days_ago=10)

    records = anonymise_due()

    assert [record.engagement_reference for record in records] == [old.pk]
    old.refresh_from_db()
    assert old.status == EngagementStatus.ANONYMISED
    assert old.beneficiary is None
    assert "Léa" not in old.title
    assert not Note.objects.filter(engagement=old).exists()
    assert not Message.objects.filter(engagement=old).exists()
    assert Note.objects.filter(engagement=recent).count() == 2


def test_anonymisation_leaves_a_record_and_an_event(organisation, lea, karim, sophie):
    set_retention(organisation, by=sophie, days=1)
    old = _closed(organisation, lea, karim, ended_days_ago=5)

    anonymise_due()

    record = AnonymisationRecord.objects.get(engagement=old)
    assert record.erased["private_notes"] == 1
    assert record.erased["shared_notes"] == 1
    assert record.retention_days == 1
    assert LearningEvent.objects.filter(verb=Verb.ANONYMISED, object_id=str(old.pk)).exists()


def test_hours_survive_anonymisation_for_the_funders(organisation, lea, karim):
    from parcours.coaching.models import AppointmentStatus
    from parcours.coaching.tests.factories import appointment

    old = _closed(organisation, lea, karim, ended_days_ago=5000)
    appointment(old, karim, starts_at=timezone.now() - timedelta(days=5100),
                status=AppointmentStatus.CLOSED, actual_minutes=120, closed_at=timezone.now(),
                place="12 rue des Lilas")

    anonymise_due()

    held = old.appointments.get()
    assert held.actual_minutes == 120 and held.place == ""
    assert Engagement.objects.get(pk=old.pk).funder == old.funder


def test_an_active_engagement_is_never_anonymised(organisation, lea, karim):
    active = engagement(organisation, lea, karim, starts_on=date(2010, 1, 1))
    assert anonymise_due() == []
    with pytest.raises(NotClosedYet):
        anonymise_engagement(active)


def test_only_managers_set_the_retention_period(organisation, karim):
    with pytest.raises(NotAllowed):
        set_retention(organisation, by=karim, days=10)


def test_the_retention_page_refuses_a_period_of_zero_days(client, organisation, sophie):
    client.force_login(sophie)
    response = client.post(reverse("coaching:retention", args=[organisation.slug]),
                           {"days": "0"})
    assert response.status_code == 400
    assert response.context["form"].errors["days"]


def test_a_coach_cannot_open_the_retention_page(client, organisation, karim):
    client.force_login(karim)
    assert client.get(reverse("coaching:retention", args=[organisation.slug])
                      ).status_code == 403


def test_a_beneficiary_downloads_their_data_without_private_notes(client, organisation, lea,
                                                                  karim):
    followed = engagement(organisation, lea, karim)
    Note.objects.create(engagement=followed, author=karim, visibility=NoteVisibility.PRIVATE,
                        body="Seems anxious about money")
    Note.objects.create(engagement=followed, author=karim, visibility=NoteVisibility.SHARED,
                        shared_at=timezone.now(), body="Three leads to follow")
    Message.objects.create(engagement=followed, author=lea, body="Thank you!")
    client.force_login(lea)
    url = reverse("coaching:my_data", args=[organisation.slug])

    response = client.get(url, {"format": "json"})

    data = json.loads(response.content)
    text = response.content.decode()
    assert data["engagements"][0]["shared_notes"][0]["body"] == "Three leads to follow"
    assert data["engagements"][0]["messages"][0]["body"] == "Thank you!"
    assert "anxious" not in text
    pdf = client.get(url, {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_the_export_holds_only_the_persons_own_engagements(client, organisation, lea, karim):
    from parcours.accounts.tests.factories import member

    other = member(organisation, "learner")
    engagement(organisation, other, karim, title="Someone else's bilan")
    client.force_login(lea)
    response = client.get(reverse("coaching:my_data", args=[organisation.slug]),
                          {"format": "json"})
    assert json.loads(response.content)["engagements"] == []

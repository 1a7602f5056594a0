"""Producers write to the outbox with `notify`: once per key, in the person's words."""

import sys
import types
from datetime import UTC, datetime

import pytest
from django.db import transaction

from parcours.accounts.tests.factories import member
from parcours.engagement.kinds import Kind, kind, register_kind
from parcours.engagement.models import Category, Notification, NotificationStatus
from parcours.engagement.services import outbox
from parcours.engagement.services.outbox import Planned, notify, notify_many

DUE_SOON = register_kind(Kind(
    name="test_outbox_due", category=Category.DEADLINES, nudge=True, priority=60,
    subject="{{ step_title }}: due {{ due|date:'l' }}",
    body="Hello {{ first_name }}, “{{ step_title }}” is due at {{ due|time:'H:i' }}.",
))
TRIGGERS = "parcours.engagement.services.triggers"


def due_soon(person, organisation, *, key="due:1", **options):
    variables = {"step_title": "Sécurité incendie",
                 "due": datetime(2026, 12, 4, 16, 30, tzinfo=UTC)}
    return notify(person, "test_outbox_due", organisation=organisation, key=key,
                  variables=variables, url="/paths/1/", **options)


@pytest.fixture
def organisation_templates(monkeypatch):
    """The triggers part's `message_template_for`, answering what a test sets."""
    templates = {}

    def message_template_for(organisation, kind_name, language):
        return templates.get((kind_name, language))

    if TRIGGERS in sys.modules or _exists(TRIGGERS):
        monkeypatch.setattr(f"{TRIGGERS}.message_template_for", message_template_for)
    else:
        module = types.ModuleType(TRIGGERS)
        module.message_template_for = message_template_for
        monkeypatch.setitem(sys.modules, TRIGGERS, module)
    return templates


def _exists(name):
    try:
        __import__(name)
    except ModuleNotFoundError:
        return False
    return True


def test_a_notification_is_planned_in_the_learners_language_and_time_zone(
        organisation, lea, organisation_templates):
    notification = due_soon(lea, organisation)

    notification.refresh_from_db()
    assert notification.status == NotificationStatus.PLANNED
    assert notification.subject == "Sécurité incendie: due vendredi"
    # 16:30 UTC is 17:30 in Paris in December.
    assert notification.body == "Hello Léa, “Sécurité incendie” is due at 17:30."
    assert (notification.category, notification.nudge, notification.priority) == (
        "deadlines", True, 60)
    assert notification.url == "/paths/1/"


def test_an_english_speaker_in_montreal_reads_it_in_english_at_their_hour(
        organisation, organisation_templates):
    jo = member(organisation, "learner", display_name="Jo Tremblay", locale="en",
                time_zone="America/Montreal")

    notification = due_soon(jo, organisation)

    assert notification.subject == "Sécurité incendie: due Friday"
    assert notification.body.endswith("is due at 11:30.")


def test_a_trigger_evaluated_twice_plans_one_notification(organisation, lea,
                                                          organisation_templates):
    first = due_soon(lea, organisation, key="due:42:2026-12-04")
    second = due_soon(lea, organisation, key="due:42:2026-12-04")

    assert first is not None and second is None
    assert Notification.objects.filter(idempotency_key="due:42:2026-12-04").count() == 1


def test_a_duplicate_key_does_not_break_the_callers_transaction(organisation, lea,
                                                                organisation_templates):
    with transaction.atomic():
        due_soon(lea, organisation, key="same")
        due_soon(lea, organisation, key="same")
        # On PostgreSQL an IntegrityError would have aborted the transaction here.
        due_soon(lea, organisation, key="other")

    assert Notification.objects.filter(recipient=lea).count() == 2


def test_the_organisations_own_template_wins_over_the_kinds_default(
        organisation, lea, organisation_templates):
    organisation_templates[("test_outbox_due", "fr")] = (
        "À faire : {{ step_title }}", "Bonjour {{ first_name }} !")

    notification = due_soon(lea, organisation)

    assert (notification.subject, notification.body) == (
        "À faire : Sécurité incendie", "Bonjour Léa !")


def test_a_campaign_variants_text_overrides_every_template(organisation, lea,
                                                           organisation_templates):
    organisation_templates[("test_outbox_due", "fr")] = ("Modèle", "Modèle")

    notification = due_soon(lea, organisation, subject="Variante B pour {{ first_name }}",
                             body="Reprenez « {{ step_title }} »")

    assert notification.subject == "Variante B pour Léa"
    assert notification.body == "Reprenez « Sécurité incendie »"


def test_a_broken_template_is_sent_as_written_rather_than_lost(organisation, lea,
                                                              organisation_templates):
    organisation_templates[("test_outbox_due", "fr")] = ("{% if %}", "Texte")

    notification = due_soon(lea, organisation)

    assert notification.subject == "{% if %}"


def test_text_is_stored_unescaped_each_channel_escapes_it(organisation, lea,
                                                         organisation_templates):
    notification = notify(lea, "organisation_message", organisation=organisation, key="m:1",
                          variables={"title": "Salles <B> & <C>", "text": "Fermé"})

    assert notification.subject == "Salles <B> & <C>"


def test_an_unknown_kind_is_a_programming_error(organisation, lea):
    with pytest.raises(KeyError):
        notify(lea, "no_such_kind", organisation=organisation, key="x")
    with pytest.raises(KeyError):
        kind("no_such_kind")


def test_registering_another_kind_under_a_taken_name_is_refused():
    with pytest.raises(ValueError):
        register_kind(Kind(name="test_outbox_due", category=Category.RECAP, nudge=True,
                           priority=1, subject="", body=""))


def test_a_campaign_plans_many_in_one_insert_per_batch_skipping_known_keys(
        organisation, lea, django_assert_num_queries, organisation_templates):
    people = [member(organisation, "learner", display_name=f"Personne {i}") for i in range(5)]
    notify(people[0], "organisation_message", organisation=organisation, key="camp:1:0",
           variables={"title": "Déjà", "text": "Déjà"})
    rows = [Planned(person, "organisation_message", organisation, f"camp:1:{i}",
                    subject="Nouveau {{ first_name }}", body="Bienvenue")
            for i, person in enumerate(people)]

    with django_assert_num_queries(4):  # per batch of 3: one INSERT, one read-back
        written = notify_many(rows, batch_size=3)

    assert written == 4
    assert Notification.objects.get(idempotency_key="camp:1:4").subject == "Nouveau Personne"
    assert Notification.objects.get(idempotency_key="camp:1:0").subject == "Déjà"


def test_a_key_longer_than_the_column_is_refused_before_writing(organisation, lea):
    with pytest.raises(ValueError):
        notify(lea, "organisation_message", organisation=organisation, key="k" * 201,
               variables={"title": "t", "text": "t"})
    assert outbox.KEY_MAX == 200

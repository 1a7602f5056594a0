"""Sophie tunes her organisation's triggers and writes its own texts; the outbox uses
them. Learners and other organisations cannot."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parcours.accounts.tests.factories import member
from parcours.core.errors import NotAllowed
from parcours.core.events import record_event
from parcours.core.models import Verb
from parcours.engagement.models import MessageTemplate, TriggerSetting
from parcours.engagement.services.triggers import (
    LanguageUnknown,
    TemplateInvalid,
    configure_trigger,
    message_template_for,
    preview,
    run_triggers,
    set_message_template,
)
from parcours.engagement.tests.triggers_for_tests import (
    MONDAY,
    at,
    notifications,
    path_from_monday,
    session_with_seat,
)
from parcours.engagement.triggers.base import (
    TriggerParamsInvalid,
    UnknownTrigger,
    params_for,
)
from parcours.journeys.tests.paths_for_tests import quiz_row


def test_only_what_differs_from_the_defaults_is_kept(organisation, sophie):
    configure_trigger(organisation, "inactivity", by=sophie,
                      params={"learner_days": 10, "coach_days": 14})

    setting = TriggerSetting.objects.get(organisation=organisation, trigger="inactivity")
    assert setting.params == {"learner_days": 10}
    assert params_for(organisation.pk, "inactivity") == {"learner_days": 10, "coach_days": 14}


def test_a_trigger_switched_off_has_no_parameters_to_run_with(organisation, sophie):
    configure_trigger(organisation, "reward_quiz", by=sophie, enabled=False)

    assert params_for(organisation.pk, "reward_quiz") is None


def test_a_list_parameter_is_sorted_and_deduplicated(organisation, sophie):
    configure_trigger(organisation, "session_reminder", by=sophie,
                      params={"hours_before": [1, 24, 1]})

    assert params_for(organisation.pk, "session_reminder")["hours_before"] == [24, 1]


@pytest.mark.parametrize("params", [
    {"min_score": 0}, {"min_score": 101}, {"min_score": "80"}, {"min_score": True},
    {"min_score": 80.5}, {"threshold": 80},
])
def test_bad_parameters_are_refused_with_a_reason(organisation, sophie, params):
    with pytest.raises(TriggerParamsInvalid) as refused:
        configure_trigger(organisation, "reward_quiz", by=sophie, params=params)

    assert str(refused.value.message)
    assert not TriggerSetting.objects.exists()


def test_an_empty_list_of_hours_is_refused(organisation, sophie):
    with pytest.raises(TriggerParamsInvalid):
        configure_trigger(organisation, "session_reminder", by=sophie,
                          params={"hours_before": []})


def test_the_coach_cannot_be_told_before_the_learner(organisation, sophie):
    configure_trigger(organisation, "inactivity", by=sophie, params={"coach_days": 10})

    with pytest.raises(TriggerParamsInvalid):
        configure_trigger(organisation, "inactivity", by=sophie, params={"learner_days": 12})
    assert params_for(organisation.pk, "inactivity") == {"learner_days": 7, "coach_days": 10}


def test_an_unknown_trigger_is_refused(organisation, sophie):
    with pytest.raises(UnknownTrigger):
        configure_trigger(organisation, "horoscope", by=sophie)


def test_a_learner_cannot_configure_triggers(organisation, lea):
    with pytest.raises(NotAllowed):
        configure_trigger(organisation, "reward_quiz", by=lea, enabled=False)


def test_a_manager_of_another_organisation_cannot_configure_ours(organisation, oscar):
    with pytest.raises(NotAllowed):
        configure_trigger(organisation, "reward_quiz", by=oscar, enabled=False)
    with pytest.raises(NotAllowed):
        set_message_template(organisation, "reward_quiz", by=oscar, language="fr",
                             subject="Bravo", body="Bravo")


def test_a_broken_template_is_refused_and_nothing_is_saved(organisation, sophie):
    with pytest.raises(TemplateInvalid) as refused:
        set_message_template(organisation, "reward_quiz", by=sophie, language="fr",
                             subject="Bravo {{ first_name", body="Score : {{ score }}")

    assert "template" in str(refused.value.message).lower() or refused.value.message
    assert not MessageTemplate.objects.exists()


def test_an_unknown_tag_is_refused_too(organisation, sophie):
    with pytest.raises(TemplateInvalid):
        set_message_template(organisation, "reward_quiz", by=sophie, language="fr",
                             subject="Bravo", body="{% url_magique %}")


def test_a_subject_without_a_body_is_refused(organisation, sophie):
    with pytest.raises(TemplateInvalid):
        set_message_template(organisation, "reward_quiz", by=sophie, language="fr",
                             subject="Bravo", body="")


def test_an_unknown_language_is_refused(organisation, sophie):
    with pytest.raises(LanguageUnknown):
        set_message_template(organisation, "reward_quiz", by=sophie, language="de",
                             subject="Gut", body="Gut gemacht")


def test_the_outbox_writes_the_organisations_own_text_in_the_learners_language(
        organisation, sophie, lea):
    set_message_template(organisation, "reward_quiz", by=sophie, language="fr",
                         subject="Chapeau {{ first_name }} : {{ score }} % !",
                         body="Tu as réussi « {{ quiz_title }} ».")
    quiz = quiz_row(organisation)

    record_event(lea, Verb.PASSED, quiz, organisation=organisation,
                 result={"score": 90, "success": True}, context={"attempt": 5})

    [reward] = notifications("reward_quiz")
    assert reward.subject == "Chapeau Léa : 90 % !"
    assert reward.body == "Tu as réussi « Quiz de prise de parole »."


def test_both_texts_empty_go_back_to_the_default(organisation, sophie):
    set_message_template(organisation, "reward_quiz", by=sophie, language="en",
                         subject="Nice", body="Nice one")
    assert message_template_for(organisation, "reward_quiz", "en") == ("Nice", "Nice one")

    assert set_message_template(organisation, "reward_quiz", by=sophie, language="en",
                                subject="", body="") is None
    assert message_template_for(organisation, "reward_quiz", "en") is None


def test_another_organisations_text_is_never_used(organisation, other_organisation, sophie):
    set_message_template(organisation, "reward_quiz", by=sophie, language="fr",
                         subject="Bravo", body="Bravo")

    assert message_template_for(other_organisation, "reward_quiz", "fr") is None


def test_the_preview_fills_in_sample_values():
    subject, body = preview("step_due_soon", subject="{{ step_title }} pour le {{ due_on }}",
                            body="Bonjour {{ first_name }}")

    assert subject == "Structurer son propos pour le 14/10/2026"
    assert body == "Bonjour Léa"


def test_running_the_scans_twice_writes_nothing_twice(organisation, lea, sophie):
    seat = session_with_seat(organisation, lea, by=sophie)
    with time_machine.travel(seat.session.starts_at - timedelta(hours=30)):
        first = run_triggers()
        call_command("run_engagement_triggers", verbosity=0)
        second = run_triggers()

    assert first["session_reminder"] == 1
    assert sum(second.values()) == 0


def test_a_scan_with_nothing_new_to_say_costs_the_same_for_one_learner_or_many(
        organisation, sophie, karim):
    def second_run_queries() -> int:
        with at(MONDAY + timedelta(days=1)):
            run_triggers(only=["step_due_soon"])
            with CaptureQueriesContext(connection) as queries:
                assert run_triggers(only=["step_due_soon"]) == {"step_due_soon": 0}
        return len(queries)

    path_from_monday(organisation, member(organisation, "learner"), by=karim)
    one = second_run_queries()
    for n in range(4):
        path_from_monday(organisation, member(organisation, "learner"), by=karim,
                         title=f"Parcours {n}")

    assert second_run_queries() == one

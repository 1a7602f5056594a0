"""Sophie's trigger pages: the list, a trigger's settings, its texts with a preview.
Learners get the 403 page, other organisations a 404, visitors the sign-in page."""

import pytest
from django.utils import translation

from parcours.engagement.models import MessageTemplate, TriggerSetting
from parcours.engagement.services.triggers import configure_trigger, set_message_template

LIST = "/o/cap-avenir/nudges/triggers/"
QUIZ = LIST + "reward_quiz/"
QUIZ_FR = QUIZ + "templates/reward_quiz/fr/"


@pytest.fixture
def as_sophie(client, sophie):
    sophie.locale = "en"
    sophie.save()
    client.force_login(sophie)
    return client


def test_sophie_sees_every_trigger_with_its_state(as_sophie, organisation, sophie):
    configure_trigger(organisation, "weekly_recap", by=sophie, enabled=False)
    configure_trigger(organisation, "step_due_soon", by=sophie, params={"days_before": 4})

    page = as_sophie.get(LIST).content.decode()

    assert "Weekly recap" in page and "Step due soon" in page
    assert "Days before the due date: 4" in page
    assert page.count("<strong>On</strong>") == 13  # fourteen triggers, one off


def test_the_list_reads_the_settings_in_a_fixed_number_of_queries(
        as_sophie, organisation, sophie, django_assert_max_num_queries):
    for name in ("weekly_recap", "inactivity", "reward_quiz"):
        configure_trigger(organisation, name, by=sophie, enabled=False)
    set_message_template(organisation, "reward_quiz", by=sophie, language="fr",
                         subject="Bravo", body="Bravo")

    with django_assert_max_num_queries(10):
        assert as_sophie.get(LIST).status_code == 200


def test_sophie_changes_a_threshold(as_sophie, organisation):
    response = as_sophie.post(QUIZ, {"enabled": "on", "min_score": "90"})

    assert response.status_code == 302
    setting = TriggerSetting.objects.get(organisation=organisation, trigger="reward_quiz")
    assert setting.enabled and setting.params == {"min_score": 90}


def test_a_value_out_of_range_is_shown_with_what_she_typed(as_sophie):
    response = as_sophie.post(QUIZ, {"enabled": "on", "min_score": "180"})

    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="180"' in page
    assert "less than or equal to 100" in page
    assert not TriggerSetting.objects.exists()


def test_hours_are_typed_as_a_list(as_sophie, organisation):
    as_sophie.post(LIST + "session_reminder/", {"enabled": "on", "hours_before": "24, 2"})

    assert TriggerSetting.objects.get(trigger="session_reminder").params == {
        "hours_before": [24, 2]}


def test_words_instead_of_hours_are_refused_and_kept(as_sophie):
    response = as_sophie.post(LIST + "session_reminder/",
                              {"enabled": "on", "hours_before": "deux jours"})

    assert 'value="deux jours"' in response.content.decode()
    assert "whole numbers" in response.content.decode()


def test_sophie_switches_a_trigger_off(as_sophie):
    as_sophie.post(QUIZ, {"min_score": "80"})

    assert TriggerSetting.objects.get(trigger="reward_quiz").enabled is False


def test_sophie_switches_a_trigger_off_and_on_from_the_list(as_sophie, organisation, sophie):
    configure_trigger(organisation, "reward_quiz", by=sophie, params={"min_score": 90})

    response = as_sophie.post(QUIZ + "switch/", {"enabled": "0"})
    assert response.status_code == 302
    assert TriggerSetting.objects.get(trigger="reward_quiz").enabled is False

    as_sophie.post(QUIZ + "switch/", {"enabled": "1"})
    setting = TriggerSetting.objects.get(trigger="reward_quiz")
    assert setting.enabled and setting.params == {"min_score": 90}


def test_the_switch_only_answers_a_post(as_sophie):
    assert as_sophie.get(QUIZ + "switch/").status_code == 405


def test_the_template_page_starts_from_the_default_text_in_that_language(as_sophie):
    page = as_sophie.get(QUIZ + "templates/reward_quiz/en/").content.decode()

    with translation.override("en"):
        assert "Well done, {{ first_name }}" in page


def test_the_preview_renders_sample_values_without_saving(as_sophie):
    response = as_sophie.post(QUIZ_FR, {"action": "preview",
                                        "subject": "Bravo {{ first_name }}",
                                        "body": "{{ score }} % à « {{ quiz_title }} »"})

    page = response.content.decode()
    assert "Bravo Léa" in page
    assert "85 % à « Quiz de prise de parole »" in page
    assert not MessageTemplate.objects.exists()


def test_a_broken_template_is_a_form_error_and_the_text_is_kept(as_sophie):
    response = as_sophie.post(QUIZ_FR, {"action": "save", "subject": "Bravo {{ first_name",
                                        "body": "Texte"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "not closed" in page
    assert "Bravo {{ first_name" in page
    assert not MessageTemplate.objects.exists()


def test_sophie_saves_then_resets_a_text(as_sophie, organisation):
    as_sophie.post(QUIZ_FR, {"action": "save", "subject": "Bravo {{ first_name }}",
                             "body": "Score : {{ score }} %"})
    assert MessageTemplate.objects.get(organisation=organisation, language="fr").subject == (
        "Bravo {{ first_name }}")

    as_sophie.post(QUIZ_FR, {"action": "reset", "subject": "", "body": ""})
    assert not MessageTemplate.objects.exists()


def test_an_unknown_trigger_kind_or_language_is_a_404(as_sophie):
    assert as_sophie.get(LIST + "horoscope/").status_code == 404
    assert as_sophie.get(QUIZ + "templates/step_due_soon/fr/").status_code == 404
    assert as_sophie.get(QUIZ + "templates/reward_quiz/de/").status_code == 404


def test_a_learner_gets_the_403_page(client, lea):
    client.force_login(lea)

    assert client.get(LIST).status_code == 403
    assert client.post(QUIZ, {"min_score": "10"}).status_code == 403
    assert client.post(QUIZ + "switch/", {"enabled": "0"}).status_code == 403
    assert not TriggerSetting.objects.exists()


def test_a_coach_cannot_set_up_triggers_either(client, karim):
    client.force_login(karim)

    assert client.get(QUIZ_FR).status_code == 403


def test_another_organisations_manager_gets_a_404(client, oscar, organisation):
    client.force_login(oscar)

    assert client.get(LIST).status_code == 404
    assert client.post(QUIZ, {"min_score": "10"}).status_code == 404
    assert client.post(QUIZ + "switch/", {"enabled": "0"}).status_code == 404


def test_a_visitor_is_sent_to_sign_in(client, organisation):
    response = client.get(LIST)

    assert response.status_code == 302
    assert "login" in response["Location"] or "sign" in response["Location"]

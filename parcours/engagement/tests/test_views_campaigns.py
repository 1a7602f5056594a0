"""The segments and campaigns pages, as Sophie (manager) uses them, and who is refused."""

import pytest
from django.conf import settings
from django.urls import reverse

from parcours.accounts.tests.factories import member
from parcours.engagement.models import Campaign, CampaignStatus, Notification, Segment
from parcours.engagement.services.campaigns import (
    VariantSpec,
    create_campaign,
    create_segment,
    launch_campaign,
)

TEXT = {"fr": {"subject": "Bonjour {{ first_name }}", "body": "On reprend ?"}}


@pytest.fixture
def learners(organisation, lea):
    return [lea, *(member(organisation, "learner", display_name=f"Apprenant {n}")
                   for n in range(5))]


@pytest.fixture
def segment(organisation, sophie):
    return create_segment(organisation, by=sophie, name="Apprenants",
                          rules={"roles": ["learner"]})


@pytest.fixture
def as_sophie(client, sophie):
    client.force_login(sophie)
    return client


def url(name, organisation, *args):
    return reverse(f"engagement:{name}", args=[organisation.slug, *args])


def campaign_post(segment, **extra) -> dict:
    data = {
        "name": "Relance de décembre", "segment": segment.pk, "schedule": "once",
        "starts_at": "", "weekday": "", "hour": "", "pilot_percent": 100,
        "holdout_percent": 0, "conversion_verb": "completed", "conversion_object": "",
        "conversion_days": 7, "url": "",
        "a-name": "A", "a-weight": 100, "a-every_weeks": 1,
        "a-subject_fr": "Bonjour {{ first_name }}", "a-body_fr": "Votre étape : {{ step_title }}",
        "a-subject_en": "", "a-body_en": "",
        "b-name": "B", "b-weight": 0, "b-every_weeks": 1,
        "c-name": "C", "c-weight": 0, "c-every_weeks": 1,
    }
    data.update(extra)
    return data


def test_sophie_builds_a_segment_and_sees_who_it_matches(as_sophie, organisation, learners):
    response = as_sophie.get(url("segment_preview", organisation),
                             {"roles": ["learner"], "name": ""})
    assert response.status_code == 200
    assert "6" in response.content.decode()
    assert "Apprenant 0" in response.content.decode()

    response = as_sophie.post(url("segment_new", organisation),
                              {"name": "Apprenants francophones", "roles": ["learner"],
                               "languages": ["fr"]})

    assert response.status_code == 302
    segment = Segment.objects.get(organisation=organisation)
    assert segment.rules == {"roles": ["learner"], "languages": ["fr"]}
    assert as_sophie.get(url("segments", organisation)).status_code == 200


def test_a_segment_without_a_name_keeps_the_rules_typed(as_sophie, organisation, learners):
    response = as_sophie.post(url("segment_new", organisation),
                              {"name": "", "roles": ["learner"], "inactive_for_days": 14})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="14"' in page
    assert not Segment.objects.exists()


def test_editing_a_segment_changes_its_rules(as_sophie, organisation, segment):
    response = as_sophie.post(url("segment", organisation, segment.pk),
                              {"name": "Anglophones", "languages": ["en"]})
    assert response.status_code == 302
    segment.refresh_from_db()
    assert segment.rules == {"languages": ["en"]} and segment.name == "Anglophones"


def test_sophie_composes_previews_then_saves_a_campaign(as_sophie, organisation, segment,
                                                        learners):
    preview = as_sophie.post(url("campaign_new", organisation),
                             {**campaign_post(segment), "preview": "1"})
    assert preview.status_code == 200
    assert "Bonjour Apprenant" in preview.content.decode()
    assert not Campaign.objects.exists()

    response = as_sophie.post(url("campaign_new", organisation), campaign_post(segment))

    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response.url == url("campaign", organisation, campaign.pk)
    assert campaign.status == CampaignStatus.DRAFT
    assert campaign.variants.get().messages["fr"]["subject"] == "Bonjour {{ first_name }}"


def test_an_experiment_with_a_holdout_is_composed_in_one_form(as_sophie, organisation,
                                                              segment, learners):
    response = as_sophie.post(url("campaign_new", organisation), campaign_post(
        segment, **{"a-weight": 45, "b-weight": 45, "holdout_percent": 10, "pilot_percent": 20,
                    "b-subject_fr": "Salut {{ first_name }}", "b-body_fr": "On s'y remet ?",
                    "b-tone": "friendly"}))
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert sorted((v.is_holdout, v.weight, v.name) for v in campaign.variants.all())[:2] == [
        (False, 45, "A"), (False, 45, "B")]
    assert campaign.variants.get(is_holdout=True).weight == 10
    assert campaign.pilot_percent == 20


def test_a_bad_template_is_shown_with_what_was_typed(as_sophie, organisation, segment):
    response = as_sophie.post(url("campaign_new", organisation), campaign_post(
        segment, **{"a-body_fr": "Bonjour {{ prénom }}"}))
    assert response.status_code == 400
    page = response.content.decode()
    assert "prénom" in page and "Relance de décembre" in page
    assert not Campaign.objects.exists()


def test_shares_that_do_not_add_up_are_refused_with_the_reason(as_sophie, organisation,
                                                               segment):
    response = as_sophie.post(url("campaign_new", organisation), campaign_post(
        segment, **{"a-weight": 50, "b-weight": 30, "b-subject_fr": "B", "b-body_fr": "B"}))
    assert response.status_code == 400
    assert "100" in response.content.decode()


def test_launching_from_the_page_plans_the_messages(as_sophie, organisation, sophie, segment,
                                                   learners):
    campaign = create_campaign(organisation, by=sophie, name="Relance", segment=segment,
                               variants=[VariantSpec(name="A", weight=100, messages=TEXT)])
    response = as_sophie.post(url("campaign_launch", organisation, campaign.pk))
    assert response.status_code == 302
    assert Notification.objects.filter(campaign=campaign).count() == 6
    page = as_sophie.get(url("campaign", organisation, campaign.pk))
    assert page.status_code == 200
    assert "Bonjour Apprenant" in page.content.decode()

    as_sophie.post(url("campaign_cancel", organisation, campaign.pk))
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CANCELLED


def test_promoting_from_the_page(as_sophie, organisation, sophie, segment, learners):
    for n in range(30):
        member(organisation, "learner", display_name=f"Autre {n}")
    campaign = create_campaign(organisation, by=sophie, name="Test", segment=segment,
                               conversion_verb="completed", pilot_percent=30, variants=[
                                   VariantSpec(name="A", weight=50, messages=TEXT),
                                   VariantSpec(name="B", weight=50, messages=TEXT)])
    launch_campaign(campaign, by=sophie)
    b = campaign.variants.get(name="B")
    sophie.locale = "en"
    sophie.save()
    assert "Send B to everyone" in as_sophie.get(
        url("campaign", organisation, campaign.pk)).content.decode()

    response = as_sophie.post(url("campaign_promote", organisation, campaign.pk, b.pk))

    assert response.status_code == 302
    assert Notification.objects.filter(campaign=campaign).count() == 36


def test_the_campaigns_list_takes_a_fixed_number_of_queries(
        as_sophie, organisation, sophie, segment, learners, django_assert_max_num_queries):
    for n in range(8):
        campaign = create_campaign(organisation, by=sophie, name=f"C{n}", segment=segment,
                                   variants=[VariantSpec(name="A", weight=100, messages=TEXT)])
        launch_campaign(campaign, by=sophie)
    with django_assert_max_num_queries(12):
        response = as_sophie.get(url("campaigns", organisation))
    assert response.content.decode().count("C7") == 1


@pytest.mark.parametrize("name", ["segments", "segment_new", "campaigns", "campaign_new"])
def test_coaches_and_learners_are_refused(client, organisation, karim, lea, name):
    for person in (karim, lea):
        client.force_login(person)
        assert client.get(url(name, organisation)).status_code == 403


def test_another_organisations_manager_gets_a_not_found(client, organisation, oscar, sophie,
                                                        segment):
    campaign = create_campaign(organisation, by=sophie, name="Relance", segment=segment,
                               variants=[VariantSpec(name="A", weight=100, messages=TEXT)])
    client.force_login(oscar)
    assert client.get(url("campaign", organisation, campaign.pk)).status_code == 404
    assert client.post(url("campaign_launch", organisation, campaign.pk)).status_code == 404


def test_a_campaign_of_another_organisation_is_not_found_from_ones_own(
        client, organisation, other_organisation, oscar, sophie, segment):
    campaign = create_campaign(organisation, by=sophie, name="Relance", segment=segment,
                               variants=[VariantSpec(name="A", weight=100, messages=TEXT)])
    client.force_login(oscar)
    assert client.get(url("campaign", other_organisation, campaign.pk)).status_code == 404
    assert client.post(url("campaign_launch", other_organisation, campaign.pk)).status_code == 404
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT


def test_anonymous_visitors_go_to_sign_in(client, organisation):
    response = client.get(url("campaigns", organisation))
    assert response.status_code == 302
    assert response.url.startswith(reverse(settings.LOGIN_URL))


def test_the_live_preview_takes_a_fixed_number_of_queries(
        as_sophie, organisation, learners, django_assert_max_num_queries):
    for n in range(20):
        member(organisation, "learner", display_name=f"Encore {n}")
    with django_assert_max_num_queries(9):
        response = as_sophie.get(url("segment_preview", organisation),
                                 {"roles": ["learner"], "inactive_for_days": 7})
    assert "26" in response.content.decode()


def test_the_campaign_page_takes_a_fixed_number_of_queries(
        as_sophie, organisation, sophie, segment, learners, django_assert_max_num_queries):
    campaign = create_campaign(organisation, by=sophie, name="Test", segment=segment,
                               conversion_verb="completed", variants=[
                                   VariantSpec(name="A", weight=45, messages=TEXT),
                                   VariantSpec(name="B", weight=45, messages=TEXT),
                                   VariantSpec(name="T", weight=10, is_holdout=True)])
    launch_campaign(campaign, by=sophie)
    with django_assert_max_num_queries(16):
        response = as_sophie.get(url("campaign", organisation, campaign.pk))
    assert response.status_code == 200


def test_sophie_changes_a_draft_and_its_variants(as_sophie, organisation, sophie, segment):
    campaign = create_campaign(organisation, by=sophie, name="Relance", segment=segment,
                               variants=[VariantSpec(name="A", weight=100, messages=TEXT)])
    form = as_sophie.get(url("campaign_edit", organisation, campaign.pk))
    assert form.status_code == 200
    assert "Bonjour {{ first_name }}" in form.content.decode()

    response = as_sophie.post(url("campaign_edit", organisation, campaign.pk), campaign_post(
        segment, **{"name": "Relance de janvier", "a-weight": 50, "b-weight": 50,
                    "b-subject_fr": "Salut", "b-body_fr": "On s'y remet ?"}))

    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.name == "Relance de janvier"
    assert sorted(campaign.variants.values_list("name", "weight")) == [("A", 50), ("B", 50)]


def test_a_launched_campaign_cannot_be_changed(as_sophie, organisation, sophie, segment,
                                               learners):
    campaign = create_campaign(organisation, by=sophie, name="Relance", segment=segment,
                               variants=[VariantSpec(name="A", weight=100, messages=TEXT)])
    launch_campaign(campaign, by=sophie)
    response = as_sophie.post(url("campaign_edit", organisation, campaign.pk),
                              campaign_post(segment, name="Autre"))
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.name == "Relance"

"""The demo's campaigns: a finished experiment with a clear winner, a running campaign."""

from django.utils import translation

from parcours.accounts.management.commands._demo_engagement import (
    EXPERIMENT,
    RUNNING,
    seed_engagement,
)
from parcours.accounts.tests.factories import member
from parcours.engagement import experiments
from parcours.engagement.models import Campaign, CampaignStatus


def test_the_demo_shows_a_finished_experiment_won_by_b_and_a_running_campaign(
        organisation, sophie, lea):
    learners = [lea, *(member(organisation, "learner", display_name=f"Apprenant {n:02}")
                       for n in range(30))]

    assert seed_engagement(organisation, manager=sophie, learners=learners) == 2
    assert seed_engagement(organisation, manager=sophie, learners=learners) == 0

    experiment = Campaign.objects.get(name=EXPERIMENT)
    assert experiment.status == CampaignStatus.FINISHED
    with translation.override("en"):
        outcome = experiments.results(experiment)
    assert outcome.winner is not None and outcome.winner.name == "B"
    assert outcome.verdict.startswith("B raises conversion by")
    assert all(row.notified > 0 for row in outcome.variants)
    assert Campaign.objects.get(name=RUNNING).status == CampaignStatus.RUNNING


"""The demo's campaigns: a finished experiment with a clear winner, and a running one.

Called by `seed_demo` after the people exist:

    seed_engagement(organisation, manager=sophie, learners=learners)

Everything goes through the campaigns' services (segments, composing, launching, the
weekly runs of `run_due_campaigns`), as a manager would. Only what happened to the
messages afterwards is simulated, because nobody read them: the experiment's runs are
marked sent and delivered in the app, and opened, clicked and converted at fixed rates
per variant (seeded, so every demo shows the same figures), variant B clearly ahead.
"""

import random
from datetime import datetime, timedelta

EXPERIMENT = "Relance du lundi : sobre ou chaleureuse ?"
RUNNING = "Rappel hebdomadaire des inactifs"
RUNS = 16
# Per variant: shares of the messages opened, clicked, converted (a step completed).
RATES = {"A": (0.48, 0.18, 0.12), "B": (0.66, 0.36, 0.38), None: (0.0, 0.0, 0.08)}

SOBER = {
    "fr": {"subject": "{{ first_name }}, votre prochaine étape vous attend",
           "body": "Bonjour {{ first_name }},\n\nVotre prochaine étape : {{ step_title }} "
                   "(pour le {{ due_date }})."},
    "en": {"subject": "{{ first_name }}, your next step is waiting",
           "body": "Hello {{ first_name }},\n\nYour next step: {{ step_title }} "
                   "(due {{ due_date }})."},
}
WARM = {
    "fr": {"subject": "{{ first_name }}, 20 minutes pour avancer cette semaine ?",
           "body": "Bonjour {{ first_name }} !\n\nVous y êtes presque : « {{ step_title }} » "
                   "ne prend qu'un moment. On s'y met ensemble avant le {{ due_date }} ?"},
    "en": {"subject": "{{ first_name }}, 20 minutes to move on this week?",
           "body": "Hello {{ first_name }}!\n\nYou are nearly there: “{{ step_title }}” "
                   "only takes a moment. Shall we do it before {{ due_date }}?"},
}
REMINDER = {
    "fr": {"subject": "On ne vous a pas vu depuis une semaine, {{ first_name }}",
           "body": "Bonjour {{ first_name }},\n\nReprenez là où vous en étiez : "
                   "{{ step_title }}."},
    "en": {"subject": "We have not seen you for a week, {{ first_name }}",
           "body": "Hello {{ first_name }},\n\nPick up where you left off: {{ step_title }}."},
}


def seed_engagement(organisation, *, manager, learners, now: datetime | None = None) -> int:
    """Create the two demo campaigns; returns how many were created (0 when they exist)."""
    from django.utils import timezone

    from parcours.engagement.models import Campaign

    if Campaign.objects.filter(organisation=organisation, name=EXPERIMENT).exists():
        return 0
    now = now or timezone.now()
    _experiment(organisation, manager, now)
    _running(organisation, manager, now)
    return 2


def _experiment(organisation, manager, now: datetime) -> None:
    from parcours.engagement.services import campaigns

    everyone = campaigns.create_segment(organisation, by=manager, name="Tous les apprenants",
                                        rules={"roles": ["learner"]})
    campaigns.create_segment(organisation, by=manager, name="Débutants en retard",
                             rules={"roles": ["learner"], "level": ["beginner"],
                                    "status": ["behind", "at_risk"]})
    campaign = campaigns.create_campaign(
        organisation, by=manager, name=EXPERIMENT, segment=everyone, schedule="weekly",
        weekday=0, hour=9, pilot_percent=50, conversion_verb="completed", conversion_days=7,
        variants=[
            campaigns.VariantSpec(name="A", weight=45, tone="neutral", messages=SOBER),
            campaigns.VariantSpec(name="B", weight=45, tone="friendly", messages=WARM),
            campaigns.VariantSpec(name="Témoin", weight=10, is_holdout=True),
        ])
    started = now - timedelta(weeks=RUNS + 1)
    campaigns.launch_campaign(campaign, by=manager, now=started)
    for _run in range(RUNS):
        campaign.refresh_from_db()
        campaigns.run_due_campaigns(now=campaign.next_run_at)
    _simulate_reading(campaign, now)
    campaigns.finish_campaign(campaign, by=manager, now=now - timedelta(days=6))


def _simulate_reading(campaign, now: datetime) -> None:
    """Mark the runs sent and delivered in the app; open, click and convert at RATES."""
    from parcours.engagement.models import Delivery, Notification, NotificationStatus

    chance = random.Random(2026)  # noqa: S311 - a seeded demo, not a secret
    rows = list(Notification.objects.filter(campaign=campaign, deliver_after__lt=now)
                .select_related("variant").order_by("pk"))
    deliveries = []
    for row in rows:
        name = None if row.variant.is_holdout else row.variant.name
        opened, clicked, converted = RATES[name]
        if name is not None:
            row.status = NotificationStatus.SENT
            row.sent_at = row.deliver_after
            deliveries.append(Delivery(notification=row, channel="in_app", status="sent",
                                       sent_at=row.sent_at, attempts=1))
            if chance.random() < opened:
                row.opened_at = row.sent_at + timedelta(hours=chance.randint(1, 30))
                row.read_at = row.opened_at
                if chance.random() < clicked / opened:
                    row.clicked_at = row.opened_at + timedelta(minutes=chance.randint(1, 20))
        if chance.random() < converted:
            row.converted_at = row.deliver_after + timedelta(hours=chance.randint(2, 150))
    Notification.objects.bulk_update(
        rows, ["status", "sent_at", "opened_at", "read_at", "clicked_at", "converted_at"],
        batch_size=500)
    Delivery.objects.bulk_create(deliveries, batch_size=500)


def _running(organisation, manager, now: datetime) -> None:
    from parcours.engagement.services import campaigns

    inactive = campaigns.create_segment(organisation, by=manager, name="Inactifs depuis 7 jours",
                                        rules={"roles": ["learner"], "inactive_for_days": 7})
    campaign = campaigns.create_campaign(
        organisation, by=manager, name=RUNNING, segment=inactive, schedule="weekly",
        weekday=0, hour=10, conversion_verb="launched", conversion_days=3,
        variants=[campaigns.VariantSpec(name="A", weight=100, tone="friendly",
                                        messages=REMINDER)])
    campaigns.launch_campaign(campaign, by=manager, now=now)

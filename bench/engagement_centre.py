"""How the bell, the notification centre, the nudges dashboard and the coaches' view hold
up as notifications pile up.

    .venv/bin/python bench/engagement_centre.py                        # SQLite file
    .venv/bin/python bench/engagement_centre.py --notifications 20000 --requests 20
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours_bench_e5 \
        .venv/bin/python bench/engagement_centre.py

A throwaway database with one organisation of `--learners` learners, a manager and a
coach, and `--notifications` notifications spread over 12 weeks (a quarter of them to
one learner, whose bell and centre are timed), each sent in the app and half by email
too, with opens, clicks and conversions, one in eight suppressed, some in a campaign
with two variants. Pages are timed through Django's test client; p50/p95 and the
queries of one request are printed. Targets: the bell under 30 ms (it is loaded on
every page, every minute), the dashboard under 500 ms for 12 weeks of 100,000
notifications (p95).
"""

import argparse
import random
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from harness import run_pages, throwaway_database  # noqa: E402 - bench/ is on sys.path

SLUG = "bench-nudges"
KINDS = ("reward_quiz", "step_due_soon", "step_overdue", "inactivity", "weekly_recap",
         "suggestion_next", "campaign")
REASONS = ("capped", "opted_out", "duplicate", "already_done", "backing_off")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=2000)
    parser.add_argument("--notifications", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=50, help="requests measured per page")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    with throwaway_database():
        run_pages(seed, measures, args, width=60)


def seed(args) -> dict:
    """Written in bulk: the rules are what the tests are for, this is reading."""
    from datetime import timedelta

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from parcours.accounts.models import Membership, MembershipRole, User
    from parcours.accounts.services import add_member, create_organisation
    from parcours.engagement.models import (
        Campaign,
        Delivery,
        Notification,
        Segment,
        Variant,
    )

    rng = random.Random(args.seed)
    now = timezone.now()
    organisation = create_organisation("Bench nudges", slug=SLUG)
    manager = User.objects.create_user("manager@bench.example", display_name="Manager",
                                       locale="en")
    coach = User.objects.create_user("coach@bench.example", display_name="Coach", locale="en")
    add_member(organisation, manager, roles=["manager"])
    add_member(organisation, coach, roles=["coach"])
    password = make_password("bench-password")
    learners = User.objects.bulk_create(
        User(email=f"learner-{n:05d}@bench.example", display_name=f"Learner {n:05d}",
             password=password, locale="en", time_zone="Europe/Paris")
        for n in range(args.learners))
    memberships = Membership.objects.bulk_create(
        Membership(organisation=organisation, user=user) for user in learners)
    MembershipRole.objects.bulk_create(
        MembershipRole(membership=m, role="learner") for m in memberships)
    segment = Segment.objects.create(organisation=organisation, name="Everyone")
    campaign = Campaign.objects.create(organisation=organisation, name="Comeback",
                                       segment=segment, status="finished")
    variants = [Variant.objects.create(campaign=campaign, name=name) for name in "AB"]
    busy = learners[0]
    batch = 5000
    for start in range(0, args.notifications, batch):
        rows = []
        for number in range(start, min(start + batch, args.notifications)):
            at = now - timedelta(minutes=rng.randrange(12 * 7 * 24 * 60))
            kind = rng.choice(KINDS)
            suppressed = rng.random() < 0.125
            rows.append(Notification(
                organisation=organisation,
                recipient=busy if number % 4 == 0 else rng.choice(learners),
                kind=kind, category="rewards", idempotency_key=f"bench:{number}",
                subject=f"Message {number}", body="Keep going: your next step is ready.",
                url="/", status="suppressed" if suppressed else "sent",
                suppressed_reason=rng.choice(REASONS) if suppressed else "",
                created_at=at, deliver_after=at, sent_at=None if suppressed else at,
                read_at=at if rng.random() < 0.6 else None,
                opened_at=at if rng.random() < 0.4 else None,
                clicked_at=at if rng.random() < 0.15 else None,
                converted_at=at if rng.random() < 0.05 else None,
                campaign=campaign if kind == "campaign" else None,
                variant=rng.choice(variants) if kind == "campaign" else None))
        Notification.objects.bulk_create(rows)
        sent = [n for n in rows if n.status == "sent"]
        Delivery.objects.bulk_create(
            [Delivery(notification=n, channel="in_app", status="sent", sent_at=n.sent_at)
             for n in sent]
            + [Delivery(notification=n, channel="email", status="sent", sent_at=n.sent_at)
               for n in sent if n.pk % 2])
    return {"organisation": organisation, "manager": manager, "coach": coach, "busy": busy,
            "counts": f"{args.learners} learners, {args.notifications} notifications"}


def measures(seeded, args):
    from datetime import timedelta

    from django.test import Client
    from django.utils import timezone

    from parcours.engagement.models import Notification

    slug = seeded["organisation"].slug
    learner, manager, coach = Client(), Client(), Client()
    learner.force_login(seeded["busy"])
    manager.force_login(seeded["manager"])
    coach.force_login(seeded["coach"])
    own = Notification.objects.filter(recipient=seeded["busy"]).count()
    yield (f"bell, {own} notifications of one learner",
           [lambda: learner.get("/notifications/bell/")] * args.requests)
    yield ("centre, first page", [lambda: learner.get("/notifications/")] * args.requests)
    yield ("centre, unread, page 10",
           [lambda: learner.get("/notifications/?unread=1&page=10")] * args.requests)
    yield (f"dashboard, 12 weeks of {args.notifications}",
           [lambda: manager.get(f"/o/{slug}/nudges/")] * max(5, args.requests // 5))
    yield ("dashboard CSV, same figures",
           [lambda: manager.get(f"/o/{slug}/nudges/export.csv")] * max(5, args.requests // 5))
    today = timezone.localdate()
    one_kind = (f"/o/{slug}/nudges/?kind=reward_quiz&start={today - timedelta(days=83)}"
                f"&end={today}")
    yield ("dashboard, one kind", [lambda: manager.get(one_kind)] * max(5, args.requests // 5))
    yield ("coaches' view, first page",
           [lambda: coach.get(f"/o/{slug}/nudges/learners/")] * args.requests)


if __name__ == "__main__":
    main()

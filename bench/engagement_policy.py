"""How fast the policy decides: `decide` one notification at a time, and `decide_many`
over the dispatcher's batches.

    .venv/bin/python bench/engagement_policy.py                  # SQLite file in a temp folder
    .venv/bin/python bench/engagement_policy.py --learners 500   # quicker
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours \
        .venv/bin/python bench/engagement_policy.py

It never touches real data (see harness.py). It seeds an organisation with N learners,
each with learning events over 60 days (so their most active hour is learned), a few
nudges sent over the last ten days (some opened), and two planned notifications each,
a nudge and a transactional message, all due. Their kinds are not registered, so no
kind's relevance check (the triggers' own queries) counts in the figures. It then times
the decisions without writing them: every due notification in batches of the
dispatcher's size through `decide_many`, and a sample one by one through `decide`, and
prints decisions per second and queries (the alerts to the coaches of people the engine
backs off from add a few queries each). Timings are figures to compare, not limits:
nothing here fails on time.
"""

import argparse
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from harness import analyse, throwaway_database  # noqa: E402 - bench/ is on sys.path

NOW = datetime(2026, 11, 26, 17, 10, tzinfo=UTC)  # 18:10 in Paris: no quiet hours


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=500, help="the dispatcher's batch size")
    parser.add_argument("--one-by-one", type=int, default=200,
                        help="notifications decided one at a time")
    args = parser.parse_args()
    with throwaway_database():
        run(args)


def seed(learners: int) -> None:
    from parcours.accounts.models import Membership, MembershipRole, Organisation, User
    from parcours.core.models import LearningEvent, Verb
    from parcours.engagement.models import Category, Notification, NotificationStatus

    rng = random.Random(1)  # noqa: S311 - seeded data, not a secret
    organisation = Organisation.objects.create(name="Bench", slug="bench")
    people = User.objects.bulk_create(
        User(email=f"learner{i}@bench.example", display_name=f"Learner {i}",
             time_zone=rng.choice(["Europe/Paris", "Europe/Paris", "America/Montreal"]))
        for i in range(learners))
    memberships = Membership.objects.bulk_create(
        Membership(organisation=organisation, user=person) for person in people)
    MembershipRole.objects.bulk_create(
        MembershipRole(membership=membership, role="learner") for membership in memberships)
    events, notifications = [], []
    for person in people:
        habit = rng.randrange(7, 22)
        for _ in range(20):
            at = NOW - timedelta(days=rng.randrange(1, 60), hours=(17 - habit) % 24,
                                 minutes=rng.randrange(60))
            events.append(LearningEvent(actor=person, verb=Verb.PROGRESSED,
                                        object_type="journeys.pathstep", object_id="1",
                                        organisation=organisation, occurred_at=at))
        for n in range(rng.randrange(0, 4)):
            sent_at = NOW - timedelta(days=rng.randrange(1, 10), hours=n)
            notifications.append(Notification(
                organisation=organisation, recipient=person, kind="bench_nudge",
                category=Category.DEADLINES, nudge=True, priority=50, subject="s", body="b",
                idempotency_key=f"sent:{person.pk}:{n}", context={"path_step": n},
                status=NotificationStatus.SENT, sent_at=sent_at, created_at=sent_at,
                deliver_after=sent_at,
                opened_at=sent_at if rng.random() < 0.3 else None))
        for kind, category, nudge, priority in (
                ("bench_nudge", Category.DEADLINES, True, 50),
                ("bench_notice", Category.SCHEDULE, False, 70)):
            notifications.append(Notification(
                organisation=organisation, recipient=person, kind=kind, category=category,
                nudge=nudge, priority=priority, subject="s", body="b",
                idempotency_key=f"due:{kind}:{person.pk}", context={"path_step": 100},
                created_at=NOW - timedelta(hours=1), deliver_after=NOW - timedelta(hours=1)))
    LearningEvent.objects.bulk_create(events, batch_size=5000)
    Notification.objects.bulk_create(notifications, batch_size=5000)
    print(f"Seeded {learners} learners, {len(events)} learning events, "
          f"{len(notifications)} notifications")


def run(args) -> None:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from parcours.engagement.models import Notification, NotificationStatus
    from parcours.engagement.services.policy import decide, decide_many

    started = time.perf_counter()
    seed(args.learners)
    print(f"in {time.perf_counter() - started:.1f} s")
    analyse()
    due = list(Notification.objects.filter(status=NotificationStatus.PLANNED)
               .select_related("recipient", "organisation")
               .order_by("-priority", "deliver_after", "pk"))
    batches = [due[i:i + args.batch] for i in range(0, len(due), args.batch)]
    sample = due[:args.one_by_one]

    def in_batches(_notifications):
        return [d for batch in batches for d in decide_many(batch, now=NOW)]

    print(f"\n{'how':<34} {'decisions':>10} {'seconds':>8} {'per second':>11} {'queries':>8}")
    # Decisions write coaches' alerts; roll them back so each measure starts the same.
    for label, decide_them, notifications in (
            (f"decide_many (batches of {args.batch})", in_batches, due),
            ("decide (one by one)", lambda ns: [decide(n, now=NOW) for n in ns], sample)):
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            decisions = decide_them(notifications)
            elapsed = time.perf_counter() - started
            transaction.set_rollback(True)
        print(f"{label:<34} {len(decisions):>10} {elapsed:>8.2f} "
              f"{len(decisions) / elapsed:>11.0f} {len(queries):>8}")
    actions: dict[str, int] = {}
    for decision in in_batches(due):
        key = decision.action + (f" {decision.reason}" if decision.reason else "")
        actions[key] = actions.get(key, 0) + 1
    print("\nWhat the batches decided:", ", ".join(f"{k}: {v}" for k, v in sorted(actions.items())))
    # Other work on the machine shows in the figures: say how busy it was.
    print(f"Load average over the last minute: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

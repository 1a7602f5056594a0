"""The time-based triggers' scan (`manage.py run_engagement_triggers`) as learners grow.

    .venv/bin/python bench/engagement_triggers.py                     # SQLite file
    .venv/bin/python bench/engagement_triggers.py --learners 1000     # quicker
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours_bench_triggers \
        .venv/bin/python bench/engagement_triggers.py

It never touches real data (a throwaway database, see harness.py). It seeds one
organisation with `--learners` learners, each enrolled in a programme of four steps
planned a day apart around today (so some are due soon, some overdue), a third of them
active today, the others quiet for 8 to 20 days, a third with a seat in a session
starting in 90 minutes. Then, on a Monday morning, it runs each scan twice: the first
run writes the notifications, the second writes none (the idempotency keys) and shows
the cost of a scan with nothing new to say, which is what every run but one costs.
Figures to compare, not limits.
"""

import argparse
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from harness import analyse, throwaway_database  # noqa: E402 - bench/ is on sys.path

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # a Monday, 9:00 in Paris


def seed(learners: int) -> dict:
    from parcours.accounts.models import Organisation, User
    from parcours.catalog.models import Programme, ProgrammeStatus
    from parcours.classroom.models import Registration, RegistrationStatus, Session
    from parcours.core.models import LearningEvent, Verb
    from parcours.journeys.models import Enrolment, PathStep

    organisation = Organisation.objects.create(name="Bench", slug="bench")
    programme = Programme.objects.create(organisation=organisation, title="Programme",
                                         status=ProgrammeStatus.PUBLISHED, published_at=NOW)
    people = User.objects.bulk_create(
        User(email=f"learner{n}@example.org", display_name=f"Learner {n}", password="!",
             locale="fr", time_zone="Europe/Paris") for n in range(learners))
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(organisation=organisation, programme=programme, learner=person,
                  start_on=(NOW - timedelta(days=20)).date(), minutes_per_week=120,
                  created_at=NOW - timedelta(days=20))
        for person in people)
    today = NOW.date()
    PathStep.objects.bulk_create(
        PathStep(enrolment=enrolment, kind="lesson", title=f"Step {position}",
                 module_title="Module", position=position, estimated_minutes=30,
                 planned_on=today + timedelta(days=position - 2))
        for enrolment in enrolments for position in range(4))
    LearningEvent.objects.bulk_create(
        LearningEvent(actor=person, verb=Verb.LAUNCHED, object_type="catalog.programme",
                      object_id=str(programme.pk), organisation=organisation,
                      occurred_at=NOW - timedelta(days=0 if n % 3 == 0 else 8 + n % 13))
        for n, person in enumerate(people))
    session = Session.objects.create(organisation=organisation, title="Session",
                                     capacity=learners, starts_at=NOW + timedelta(minutes=90),
                                     ends_at=NOW + timedelta(hours=4))
    Registration.objects.bulk_create(
        Registration(session=session, learner=person, status=RegistrationStatus.REGISTERED)
        for person in people[::3])
    return {"learners": learners, "path steps": learners * 4,
            "seats": len(people[::3])}


def run(learners: int) -> None:
    import time_machine
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from parcours.engagement.services.triggers import run_triggers
    from parcours.engagement.triggers.base import TRIGGERS

    started = time.perf_counter()
    print(f"Seeded {seed(learners)} in {time.perf_counter() - started:.1f} s")
    analyse()
    scans = sorted(name for name, spec in TRIGGERS.items() if spec.scan is not None)
    print(f"{'scan':<22} {'run':>6} {'written':>8} {'seconds':>8} {'per s':>8} "
          f"{'queries':>8}")
    with time_machine.travel(NOW, tick=False):
        for name in scans:
            for label in ("first", "again"):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    written = run_triggers(only=[name])[name]
                    elapsed = time.perf_counter() - started
                rate = written / elapsed if written else 0
                print(f"{name:<22} {label:>6} {written:>8} {elapsed:>8.2f} {rate:>8.0f} "
                      f"{len(queries):>8}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=5000)
    args = parser.parse_args()
    with throwaway_database():
        run(args.learners)


if __name__ == "__main__":
    main()

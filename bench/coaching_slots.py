"""How long computing open slots takes: 20 coaches over 8 weeks (target: p95 < 200 ms).

    .venv/bin/python bench/coaching_slots.py                      # SQLite file in a temp folder
    .venv/bin/python bench/coaching_slots.py --runs 30            # a quicker run
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours \
        .venv/bin/python bench/coaching_slots.py

It never touches real data: it creates a throwaway database (a temporary SQLite file, or
`bench_<name>` on PostgreSQL), seeds one organisation with `--coaches` coaches, each with
a usual week of ten periods (mornings and afternoons, Monday to Friday, some in another
time zone), a week of holiday, two extra slots, and `--per-week` booked appointments a
week, then times `coaching.slots.open_slots` for all coaches over `--weeks` weeks (what a
beneficiary followed by a team, or a manager's overview, asks for), and the booking page
of an engagement with all of them as coaches. Prints p50/p95/max and the queries of one
call. Timings are figures to compare, not limits: nothing here fails on time.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

SLUG = "bench-slots"

from harness import analyse, percentile, throwaway_database  # noqa: E402 - bench/ on sys.path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coaches", type=int, default=20)
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--per-week", type=int, default=6,
                        help="appointments booked per coach per week")
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    with throwaway_database():
        started = time.perf_counter()
        seeded = seed(args)
        print(f"Seeded {seeded['counts']} in {time.perf_counter() - started:.1f} s")
        analyse()
        print()
        print(f"{'what':<52} {'runs':>5} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} "
              f"{'cpu p95':>7} {'queries':>7} {'slots':>6}")
        for label, call in measures(seeded, args):
            timings, cpu, queries, size = run(call, args.runs)
            print(f"{label:<52} {len(timings):>5} {percentile(timings, 50):>7.1f} "
                  f"{percentile(timings, 95):>7.1f} {max(timings):>7.1f} "
                  f"{percentile(cpu, 95):>7.1f} {queries:>7} {size:>6}")
        print(f"Load average over the last minute: {os.getloadavg()[0]:.2f}")


def run(call, runs: int) -> tuple[list[float], list[float], int, int]:
    """Wall-clock and CPU times of each run (the CPU time of this process tells the
    cost apart from waiting for a busy machine), the queries and the slots of one."""
    from django.db import connection

    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        size = call()
    timings, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        call()
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return timings, cpu, queries, size


def seed(args) -> dict:
    from datetime import UTC, datetime, timedelta
    from datetime import time as clock

    from django.db import transaction

    from parcours.accounts.models import Membership, MembershipRole, Organisation, User
    from parcours.coaching.models import (
        Appointment,
        AvailabilityException,
        Engagement,
        EngagementCoach,
        EngagementType,
        WeeklyAvailability,
    )

    rng = random.Random(args.seed)
    start = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # a Monday; summer time comes on 29 March
    with transaction.atomic():
        organisation = Organisation.objects.create(name="Bench Coaching", slug=SLUG)
        kind = EngagementType.objects.create(organisation=organisation, name="Coaching",
                                             contracted_minutes=24 * 60)

        def person(email, role, zone="Europe/Paris"):
            user = User.objects.create_user(email=email, password=None, display_name=email,
                                            time_zone=zone)
            membership = Membership.objects.create(organisation=organisation, user=user)
            MembershipRole.objects.create(membership=membership, role=role)
            return user

        beneficiary = person("beneficiary@bench.example", "learner")
        coaches = [person(f"coach{n}@bench.example", "coach",
                          "America/Montreal" if n % 5 == 0 else "Europe/Paris")
                   for n in range(args.coaches)]
        team = Engagement.objects.create(
            organisation=organisation, engagement_type=kind, beneficiary=beneficiary,
            title="Team", contracted_minutes=24 * 60, starts_on=start.date(),
            notice_hours=24, buffer_minutes=15)
        EngagementCoach.objects.bulk_create(
            EngagementCoach(engagement=team, coach=coach, lead=n == 0)
            for n, coach in enumerate(coaches))
        weekly, exceptions, appointments = [], [], []
        for coach in coaches:
            for weekday in range(5):
                for opens, closes in ((clock(9), clock(12, 30)), (clock(14), clock(18))):
                    weekly.append(WeeklyAvailability(
                        organisation=organisation, coach=coach, weekday=weekday,
                        start_time=opens, end_time=closes, time_zone=coach.time_zone,
                        offers_video=True, offers_phone=weekday % 2 == 0))
            holiday = start + timedelta(weeks=rng.randrange(args.weeks))
            exceptions.append(AvailabilityException(
                organisation=organisation, coach=coach, kind="unavailable",
                starts_at=holiday, ends_at=holiday + timedelta(days=5)))
            for _ in range(2):
                extra = start + timedelta(days=rng.randrange(args.weeks * 7), hours=11)
                exceptions.append(AvailabilityException(
                    organisation=organisation, coach=coach, kind="extra", starts_at=extra,
                    ends_at=extra + timedelta(hours=2), offers_video=True))
            for week in range(args.weeks):
                for _ in range(args.per_week):
                    begins = start + timedelta(weeks=week, days=rng.randrange(5),
                                               hours=rng.choice([2, 3, 7, 8, 9]))
                    appointments.append(Appointment(
                        engagement=team, coach=coach, starts_at=begins,
                        ends_at=begins + timedelta(minutes=rng.choice([60, 90])),
                        mode="video"))
        WeeklyAvailability.objects.bulk_create(weekly)
        AvailabilityException.objects.bulk_create(exceptions)
        Appointment.objects.bulk_create(appointments)
    return {"coaches": coaches, "engagement": team, "beneficiary": beneficiary,
            "start": start, "counts": {"coaches": len(coaches), "weekly periods": len(weekly),
                                       "exceptions": len(exceptions),
                                       "appointments": len(appointments)}}


def measures(seeded, args):
    from datetime import timedelta

    import time_machine
    from django.test import Client

    from parcours.coaching.slots import BookingRules, open_slots

    start, coaches = seeded["start"], seeded["coaches"]
    end = start + timedelta(weeks=args.weeks)
    rules = BookingRules.of(seeded["engagement"])
    traveller = time_machine.travel(start - timedelta(days=1), tick=True)
    traveller.start()

    def slots(length):
        return lambda: len(open_slots(coaches, start=start, end=end, length_minutes=length,
                                      engagement_rules=rules))

    yield f"open_slots: {len(coaches)} coaches × {args.weeks} weeks, 60 min", slots(60)
    yield f"open_slots: {len(coaches)} coaches × {args.weeks} weeks, 90 min", slots(90)
    client = Client()
    client.force_login(seeded["beneficiary"])  # not timed: signing in is not the page
    page = f"/o/{SLUG}/coaching/engagements/{seeded['engagement'].pk}/book/"

    def booking_page():
        response = client.get(page)
        assert response.status_code == 200, response.status_code
        return response.content.count(b'name="slot"')

    yield f"GET booking page (2 weeks, {len(coaches)} coaches)", booking_page


if __name__ == "__main__":
    main()

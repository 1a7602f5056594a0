"""How the sessions calendar holds up for an organisation with 500 sessions.

    .venv/bin/python bench/classroom_calendar.py                  # SQLite file in a temp folder
    .venv/bin/python bench/classroom_calendar.py --requests 50    # a quicker run
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours \
        .venv/bin/python bench/classroom_calendar.py

It never touches real data: it creates a throwaway database (a temporary SQLite file, or
`bench_<name>` on PostgreSQL), seeds one organisation with `--sessions` sessions spread
over `--months` months (most of them one day in two half-days, some a single half-day,
some two or three days), `--trainers` trainers, `--rooms` rooms and learners registered
in them, then times whole pages through Django's test client (session, middleware,
selector, template) and prints p50/p95 and the number of queries of one request.
Timings are figures to compare, not limits: nothing here fails on time.
"""

import argparse
import random
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

SLUG = "bench-calendar"
FIRST_MONTH = (2026, 9)  # a term: September to December


from harness import run_pages, throwaway_database  # noqa: E402 - bench/ is on sys.path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=500)
    parser.add_argument("--months", type=int, default=4, help="months the sessions span")
    parser.add_argument("--trainers", type=int, default=25)
    parser.add_argument("--rooms", type=int, default=12)
    parser.add_argument("--learners", type=int, default=600)
    parser.add_argument("--registrations", type=int, default=8,
                        help="learners registered per session, on average")
    parser.add_argument("--requests", type=int, default=200, help="requests measured per page")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    with throwaway_database():
        run_pages(seed, measures, args, width=60)


def measures(seeded, args):
    """(label, list of calls): each call makes one request and checks it answered 200."""
    from datetime import date, timedelta

    from django.test import Client

    organisation = seeded["organisation"]
    calendar = f"/o/{organisation.slug}/sessions/"
    month = seeded["busiest_month"]
    manager, trainer = Client(), Client()
    manager.force_login(seeded["manager"])  # not timed: signing in is not the page
    trainer.force_login(seeded["trainer"])
    api = Client(headers={"Authorization": f"Bearer {seeded['token']}"})

    def get(client, path, query):
        def call():
            return client.get(path, query)
        return call

    counts = seeded["month_counts"]
    yield (f"GET sessions/ month, manager ({counts['manager']} sessions, "
           f"{counts['manager_slots']} slots)",
           [get(manager, calendar, {"date": month})] * args.requests)
    yield (f"GET sessions/ month, trainer ({counts['trainer']} sessions)",
           [get(trainer, calendar, {"date": month})] * args.requests)
    yield ("GET sessions/?view=week, manager",
           [get(manager, calendar, {"date": month, "view": "week"})] * args.requests)
    yield ("GET sessions/?view=list, manager (the month)",
           [get(manager, calendar, {"date": month, "view": "list"})] * args.requests)
    start = date.fromisoformat(month)
    end = (start + timedelta(days=32)).replace(day=1)
    period = {"start": start.isoformat(), "end": end.isoformat()}
    yield ("GET /api/v1/…/sessions (the month), manager",
           [get(api, f"/api/v1/organisations/{organisation.slug}/sessions", period)]
           * max(20, args.requests // 4))


def seed(args) -> dict:
    """One organisation, a manager, trainers, rooms and learners; `sessions` sessions on
    working days over `months` months, from 09:00 to 12:30 and 13:30 to 17:00 (Paris),
    each with a trainer or two, in-person ones in a room, learners registered. Written in
    bulk: the services' checks are what the tests are for, this is about reading."""
    import zoneinfo
    from datetime import date, datetime, time, timedelta

    from django.contrib.auth.hashers import make_password

    from parcours.accounts.models import Membership, MembershipRole, User
    from parcours.accounts.services import add_member, create_organisation
    from parcours.api.services import create_access_token
    from parcours.classroom.models import (
        Registration,
        Room,
        Session,
        SessionTrainer,
        Slot,
    )

    rng = random.Random(args.seed)
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    organisation = create_organisation("Bench calendar", slug=SLUG)
    manager = User.objects.create_user("manager@bench.example", display_name="Manager Bench",
                                       locale="en")
    add_member(organisation, manager, roles=["manager"])
    password = make_password("bench-password")

    def people(prefix, count, role):
        users = User.objects.bulk_create(
            (User(email=f"{prefix}-{n:04d}@bench.example",
                  display_name=f"{prefix.title()} {n:04d}", password=password, locale="en",
                  time_zone="Europe/Paris") for n in range(count)), batch_size=1000)
        memberships = Membership.objects.bulk_create(
            (Membership(organisation=organisation, user=user) for user in users),
            batch_size=1000)
        MembershipRole.objects.bulk_create(
            (MembershipRole(membership=m, role=role) for m in memberships), batch_size=1000)
        return users

    trainers = people("trainer", args.trainers, "trainer")
    learners = people("learner", args.learners, "learner")
    rooms = Room.objects.bulk_create(
        Room(organisation=organisation, name=f"Room {n + 1}", venue=f"Campus {n % 3 + 1}",
             address=f"{n + 1} rue de la Formation, Paris", capacity=rng.choice([12, 16, 20]))
        for n in range(args.rooms))

    year, month = FIRST_MONTH
    first_day = date(year, month, 1)
    last_month = month + args.months - 1
    last_day = date(year + (last_month - 1) // 12, (last_month - 1) % 12 + 1, 1)
    last_day = (last_day + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    working_days = [first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)
                    if (first_day + timedelta(days=n)).weekday() < 5]

    def at(day, hour, minute=0):
        return datetime.combine(day, time(hour, minute), tzinfo=paris)

    plans = []  # (session, [(start, end)], [trainers])
    for number in range(args.sessions):
        day = rng.choice(working_days)
        shape = rng.choices(["day", "morning", "evening", "days"], weights=[70, 15, 5, 10])[0]
        if shape == "morning":
            slots = [(at(day, 9), at(day, 12, 30))]
        elif shape == "evening":
            slots = [(at(day, 18), at(day, 20))]
        else:
            days = [day] if shape == "day" else [day + timedelta(days=d)
                                                  for d in range(rng.choice([2, 3]))]
            slots = [pair for d in days
                     for pair in ((at(d, 9), at(d, 12, 30)), (at(d, 13, 30), at(d, 17)))]
        kind = rng.choices(["in_person", "virtual", "hybrid"], weights=[60, 25, 15])[0]
        session = Session(
            organisation=organisation, title=f"Session {number + 1:03d}: "
            f"{rng.choice(['Excel', 'Word', 'Anglais', 'Management', 'CV', 'Prise de parole'])}",
            kind=kind, capacity=rng.choice([8, 10, 12, 15]),
            room=rng.choice(rooms) if kind != "virtual" else None,
            meeting_url="https://meet.jit.si/bench" if kind != "in_person" else "",
            allows_self_registration=number % 3 == 0, starts_at=slots[0][0],
            ends_at=slots[-1][1], status="cancelled" if number % 40 == 0 else "scheduled",
            created_by=manager)
        plans.append((session, slots, rng.sample(trainers, rng.choice([1, 1, 1, 2]))))
    sessions = Session.objects.bulk_create((plan[0] for plan in plans), batch_size=500)
    slots = Slot.objects.bulk_create(
        (Slot(session=session, starts_at=start, ends_at=end,
              part="morning" if start.hour < 12 else "afternoon" if start.hour < 18
              else "evening")
         for session, (_row, pairs, _trainers) in zip(sessions, plans, strict=True)
         for start, end in pairs), batch_size=2000)
    SessionTrainer.objects.bulk_create(
        (SessionTrainer(session=session, trainer=trainer)
         for session, (_row, _pairs, chosen) in zip(sessions, plans, strict=True)
         for trainer in chosen), batch_size=2000)
    registrations = Registration.objects.bulk_create(
        (Registration(session=session, learner=learner, status="registered",
                      registered_by=manager)
         for session in sessions
         for learner in rng.sample(learners, min(session.capacity,
                                                 rng.randint(0, 2 * args.registrations)))),
        batch_size=2000)

    # The month with the most sessions, and the trainer with the most sessions in it.
    by_month: dict[str, list] = {}
    for session, (_row, pairs, chosen) in zip(sessions, plans, strict=True):
        by_month.setdefault(pairs[0][0].strftime("%Y-%m-01"), []).append((session, pairs,
                                                                         chosen))
    busiest = max(by_month, key=lambda key: len(by_month[key]))
    load: dict[int, int] = {}
    for _session, _pairs, chosen in by_month[busiest]:
        for trainer in chosen:
            load[trainer.pk] = load.get(trainer.pk, 0) + 1
    busiest_trainer = max(trainers, key=lambda t: load.get(t.pk, 0))
    _token, raw = create_access_token(manager, by=manager, name="Bench")
    return {
        "organisation": organisation, "manager": manager, "trainer": busiest_trainer,
        "busiest_month": busiest, "token": raw,
        "month_counts": {"manager": len(by_month[busiest]),
                         "manager_slots": sum(len(p) for _s, p, _t in by_month[busiest]),
                         "trainer": load.get(busiest_trainer.pk, 0)},
        "counts": {"sessions": len(sessions), "slots": len(slots),
                   "registrations": len(registrations), "trainers": len(trainers),
                   "rooms": len(rooms), "learners": len(learners)},
    }


if __name__ == "__main__":
    main()

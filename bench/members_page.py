"""How the members list and the learning event record hold up as an organisation grows.

    .venv/bin/python bench/members_page.py                 # SQLite file in a temp folder
    .venv/bin/python bench/members_page.py --sizes 30 300  # fewer sizes
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours .venv/bin/python bench/members_page.py

It never touches real data: it creates a throwaway database (a temporary SQLite file,
or `test_<name>` on PostgreSQL, as the test suite does), seeds N members each with
some learning events, and prints timings and query counts. Timings are figures to
compare, not limits: nothing here fails on time.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


from harness import throwaway_database  # noqa: E402 - bench/ is on sys.path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[30, 300, 3000])
    parser.add_argument("--events-per-member", type=int, default=20)
    parser.add_argument("--record", type=int, default=2000,
                        help="learning events written to measure record_event")
    args = parser.parse_args()

    with throwaway_database():
        run(args)


def run(args) -> None:
    print(f"{'members':>8} {'events':>8}  {'what':<34} {'median ms':>10} {'min ms':>8} "
          f"{'queries':>8}")
    for size in args.sizes:
        organisation, manager = seed(size, args.events_per_member)
        events = size * args.events_per_member
        for label, call in measures(organisation, manager):
            timings, queries = measure(call, repeat=repeats_for(size))
            print(f"{size:>8} {events:>8}  {label:<34} {statistics.median(timings):>10.1f} "
                  f"{min(timings):>8.1f} {queries:>8}")
    record_throughput(args.record)


def repeats_for(size: int) -> int:
    return 20 if size <= 300 else 10


def measures(organisation, manager):
    from django.test import Client

    from parcours.accounts import selectors

    client = Client()
    client.force_login(manager)
    url = f"/o/{organisation.slug}/members/"

    def page():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    found = [("selectors.members_of", lambda: selectors.members_of(organisation, viewer=manager))]
    if hasattr(selectors, "members_page"):
        found.append(("selectors.members_page (50)", lambda: selectors.members_page(
            organisation, viewer=manager, offset=0, limit=50)))
    found.append((f"GET {url.replace(organisation.slug, '<org>')}", page))
    return found


def measure(call, *, repeat: int) -> tuple[list[float], int]:
    """Time `repeat` calls (fewer if they add up to more than 5 s) and count one's queries.

    Queries are counted with an execute wrapper: the test client's request_started
    signal resets `connection.queries`, which CaptureQueriesContext relies on.
    """
    from django.db import connection

    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        call()  # warm-up, and the query count
    timings: list[float] = []
    while len(timings) < repeat and (len(timings) < 3 or sum(timings) < 5000):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return timings, queries


def seed(size: int, events_per_member: int):
    """An organisation with `size` learners, a manager, and events spread over 90 days."""
    from datetime import timedelta

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from parcours.accounts.models import Membership, MembershipRole, User
    from parcours.accounts.services import add_member, create_organisation
    from parcours.core.models import LearningEvent, Verb

    organisation = create_organisation(f"Bench {size}", slug=f"bench-{size}")
    password = make_password("bench-password")
    manager = User.objects.create_user(f"manager-{size}@bench.example",
                                       display_name=f"Manager {size}")
    add_member(organisation, manager, roles=["manager"])
    users = User.objects.bulk_create(
        User(email=f"learner-{size}-{n}@bench.example", display_name=f"Learner {n:05d}",
             password=password)
        for n in range(size)
    )
    memberships = Membership.objects.bulk_create(
        Membership(organisation=organisation, user=user) for user in users
    )
    MembershipRole.objects.bulk_create(
        MembershipRole(membership=membership, role="learner") for membership in memberships
    )
    now = timezone.now()
    verbs = [Verb.LOGGED_IN, Verb.LAUNCHED, Verb.PROGRESSED, Verb.COMPLETED]
    LearningEvent.objects.bulk_create(
        (
            LearningEvent(
                occurred_at=now - timedelta(minutes=(n * 37 + k * 971) % (90 * 24 * 60)),
                actor=user, verb=verbs[k % len(verbs)], object_type="catalog.step",
                object_id=str(k), organisation=organisation, context={"programme": 1},
            )
            for n, user in enumerate(users)
            for k in range(events_per_member)
        ),
        batch_size=2000,
    )
    return organisation, manager


def record_throughput(count: int) -> None:
    from django.db import transaction

    from parcours.accounts.models import Organisation, User
    from parcours.core.events import record_event
    from parcours.core.models import Verb

    organisation = Organisation.objects.order_by("pk").first()
    actor = User.objects.filter(memberships__organisation=organisation).first()
    print()
    for label, one_transaction in (("one transaction each", False), ("all in one", True)):
        started = time.perf_counter()
        if one_transaction:
            with transaction.atomic():
                for n in range(count):
                    record_event(actor, Verb.PROGRESSED, ("catalog.step", n),
                                 organisation=organisation, result={"completion": False})
        else:
            for n in range(count):
                with transaction.atomic():
                    record_event(actor, Verb.PROGRESSED, ("catalog.step", n),
                                 organisation=organisation, result={"completion": False})
        elapsed = time.perf_counter() - started
        print(f"record_event x{count} ({label}): {elapsed:.2f} s, "
              f"{count / elapsed:,.0f} events/s, {elapsed / count * 1e6:,.0f} µs per event")


if __name__ == "__main__":
    main()

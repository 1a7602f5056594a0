"""How a coach's caseload and an engagement's timeline hold up.

    .venv/bin/python bench/coaching_pages.py                  # SQLite file in a temp folder
    .venv/bin/python bench/coaching_pages.py --requests 50    # a quicker run
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours \
        .venv/bin/python bench/coaching_pages.py

A throwaway database with one coach following `--engagements` beneficiaries (each with a
few appointments, notes, action items and path events), one of whom has a long
engagement whose timeline holds `--entries` entries (appointments, shared notes, action
items, messages, documents, activities and path progress). Pages are timed through
Django's test client; p50/p95 and the queries of one request are printed. Targets:
caseload of 150 under 100 ms, timeline of 2,000 entries under 150 ms (p95).
"""

import argparse
import random
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from harness import percentile, run_pages, throwaway_database  # noqa: E402 - bench/ is on sys.path

SLUG = "bench-coaching"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engagements", type=int, default=150)
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=100, help="requests measured per page")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    with throwaway_database():
        run_pages(seed, measures, args, width=56)
    # On a shared machine the wall clock includes waiting for a core; the process's CPU
    # time is the page's own cost.
    for label, cpu in CPU.items():
        print(f"CPU time, {label}: p50 {percentile(cpu, 50):.1f} ms, "
              f"p95 {percentile(cpu, 95):.1f} ms")


CPU: dict[str, list[float]] = {}


def cpu_timed(label: str, call):
    CPU[label] = []

    def timed():
        started = time.process_time()
        response = call()
        CPU[label].append((time.process_time() - started) * 1000)
        return response

    return timed


def seed(args) -> dict:
    """Written in bulk: the services' rules are what the tests are for, this is reading."""
    from datetime import date, timedelta

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from parcours.accounts.models import Membership, MembershipRole, User
    from parcours.accounts.services import add_member, create_organisation
    from parcours.coaching.models import (
        ActionItem,
        Activity,
        ActivityAssignment,
        Appointment,
        Document,
        Engagement,
        EngagementCoach,
        Message,
        Note,
        Phase,
    )
    from parcours.coaching.tests.factories import engagement_type
    from parcours.core.models import LearningEvent

    rng = random.Random(args.seed)
    now = timezone.now()
    organisation = create_organisation("Bench coaching", slug=SLUG)
    coach = User.objects.create_user("coach@bench.example", display_name="Coach Bench",
                                     locale="en")
    add_member(organisation, coach, roles=["coach"])
    password = make_password("bench-password")
    people = User.objects.bulk_create(
        User(email=f"beneficiary-{n:04d}@bench.example", display_name=f"Beneficiary {n:04d}",
             password=password, locale="en", time_zone="Europe/Paris")
        for n in range(args.engagements))
    memberships = Membership.objects.bulk_create(
        Membership(organisation=organisation, user=user) for user in people)
    MembershipRole.objects.bulk_create(
        MembershipRole(membership=m, role="learner") for m in memberships)
    kind = engagement_type(organisation)
    engagements = Engagement.objects.bulk_create(
        Engagement(organisation=organisation, engagement_type=kind, beneficiary=person,
                   title=f"Bilan — {person.display_name}", contracted_minutes=24 * 60,
                   starts_on=date.today() - timedelta(days=rng.randint(10, 200)),
                   funder=rng.choice(["CPF", "Employer", "Region"]))
        for person in people)
    EngagementCoach.objects.bulk_create(
        EngagementCoach(engagement=e, coach=coach, lead=True) for e in engagements)
    Phase.objects.bulk_create(
        Phase(engagement=e, name=t.name, position=t.position, planned_minutes=t.planned_minutes)
        for e in engagements for t in kind.phases.all())

    def appointments(engagement, count, *, spread_days):
        rows = []
        for n in range(count):
            start = now - timedelta(days=rng.randint(-20, spread_days), hours=n % 7)
            held = start < now
            rows.append(Appointment(
                engagement=engagement, coach=coach, starts_at=start,
                ends_at=start + timedelta(minutes=60),
                status="closed" if held else "booked",
                actual_minutes=rng.choice([45, 60, 90]) if held else None,
                closed_at=now if held else None))
        return rows

    Appointment.objects.bulk_create(
        a for e in engagements for a in appointments(e, rng.randint(1, 6), spread_days=120))
    ActionItem.objects.bulk_create(
        ActionItem(engagement=e, title=f"Action {n}", assignee="beneficiary",
                   due_on=date.today() + timedelta(days=rng.randint(-20, 20)))
        for e in engagements for n in range(rng.randint(0, 4)))
    LearningEvent.objects.bulk_create(
        LearningEvent(actor=person, verb="completed", object_type="journeys.pathstep",
                      object_id=str(n), object_name=f"Step {n}", organisation=organisation,
                      occurred_at=now - timedelta(days=rng.randint(0, 40)))
        for person in people for n in range(rng.randint(0, 5)))

    # One long engagement: its timeline holds about `entries` entries in seven kinds.
    long = engagements[0]
    share = args.entries // 7
    Appointment.objects.bulk_create(appointments(long, share, spread_days=700))
    Note.objects.bulk_create(
        Note(engagement=long, author=coach, visibility="shared", shared_at=now,
             body=f"Shared note {n}: what we worked on.") for n in range(share))
    Note.objects.bulk_create(
        Note(engagement=long, author=coach, visibility="private", body=f"Private {n}")
        for n in range(share))
    ActionItem.objects.bulk_create(
        ActionItem(engagement=long, title=f"Long action {n}", assignee="beneficiary",
                   due_on=date.today()) for n in range(share))
    messages = Message.objects.bulk_create(
        Message(engagement=long, author=rng.choice([coach, long.beneficiary]),
                body=f"Message {n}") for n in range(share))
    Document.objects.bulk_create(
        Document(engagement=long, message=messages[n], uploaded_by=coach,
                 storage_key=f"k{n}", file=f"coaching/{long.pk}/k{n}.pdf",
                 original_name=f"cv-{n}.pdf", content_type="application/pdf", size=1000)
        for n in range(share))
    activity = Activity.objects.create(organisation=organisation, kind="journal",
                                       title="Journal", definition={"prompt": "How was it?"})
    ActivityAssignment.objects.bulk_create(
        ActivityAssignment(activity=activity, engagement=long, status="returned",
                           returned_at=now, saved_at=now, answers={"entry": "fine"})
        for _ in range(share))
    LearningEvent.objects.bulk_create(
        LearningEvent(actor=long.beneficiary, verb="completed",
                      object_type="journeys.pathstep", object_id=str(n),
                      object_name=f"Step {n}", organisation=organisation,
                      occurred_at=now - timedelta(days=n % 300))
        for n in range(args.entries - 6 * share))
    return {"organisation": organisation, "coach": coach, "long": long,
            "counts": f"{len(engagements)} engagements, one with ~{args.entries} entries"}


def measures(seeded, args):
    from django.test import Client

    from parcours.coaching.selectors import engagement_for
    from parcours.coaching.selectors.timeline import engagement_timeline

    organisation, long = seeded["organisation"], seeded["long"]
    coach = Client()
    coach.force_login(seeded["coach"])
    caseload = f"/o/{organisation.slug}/coaching/"
    timeline = f"/o/{organisation.slug}/coaching/engagements/{long.pk}/timeline/"
    # Counted through the page's own selector: without the test environment (which would
    # slow every page measured), responses carry no template context to read it from.
    entries = len(engagement_timeline(*engagement_for(seeded["coach"], organisation, long.pk)))
    for label, path in ((f"caseload, {args.engagements} engagements", caseload),
                        (f"timeline, {entries} entries", timeline)):
        call = cpu_timed(label, lambda path=path: coach.get(path))
        yield label, [call] * args.requests
        CPU[label] = CPU[label][1:]  # the first is the warm-up call that counts queries


if __name__ == "__main__":
    main()

"""How the managers' engagements list and a long engagement's page hold up.

    .venv/bin/python bench/coaching_engagements.py                  # SQLite file in a temp folder
    .venv/bin/python bench/coaching_engagements.py --requests 50    # a quicker run
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours \
        .venv/bin/python bench/coaching_engagements.py

It never touches real data (see harness.py). It seeds one organisation with a manager,
two coaches and `--engagements` engagements of one type (three phases), each with a few
closed appointments; one of them is long: `--appointments` closed appointments, each with
a shared and a private note (a comment on the shared one) and an action item. Then it
times, through Django's test client, the managers' list, the long engagement's page for
its coach and for its beneficiary, and its hours through the API, and prints p50/p95 and
the queries of one request. Timings are figures to compare, not limits.
"""

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import run_pages, throwaway_database  # noqa: E402 - bench/ is on sys.path

SLUG = "bench-engagements"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engagements", type=int, default=100,
                        help="engagements in the list (it shows 100 at most)")
    parser.add_argument("--appointments", type=int, default=200,
                        help="closed appointments of the long engagement")
    parser.add_argument("--requests", type=int, default=200, help="requests measured per page")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    with throwaway_database():
        run_pages(seed, measures, args, width=60)


def seed(args) -> dict:
    from datetime import timedelta

    from django.utils import timezone

    from parcours.accounts.models import Membership, MembershipRole, Organisation, User
    from parcours.coaching.models import (
        ActionItem,
        Appointment,
        AppointmentStatus,
        Engagement,
        EngagementCoach,
        Note,
        NoteComment,
        NoteVisibility,
        Phase,
    )
    from parcours.coaching.tests.factories import engagement_type

    rng = random.Random(args.seed)
    now = timezone.now()
    organisation = Organisation.objects.create(name="Bench Engagements", slug=SLUG)

    def people_with(role, count):
        # Bulk, without hashing a password each: signing in is forced, not timed.
        users = User.objects.bulk_create(
            User(email=f"{role}{n}@bench.example", display_name=f"{role.title()} {n}",
                 password="!") for n in range(count))
        memberships = Membership.objects.bulk_create(
            Membership(organisation=organisation, user=user) for user in users)
        MembershipRole.objects.bulk_create(
            MembershipRole(membership=membership, role=role) for membership in memberships)
        return users

    [manager] = people_with("manager", 1)
    coaches = people_with("coach", 2)
    beneficiaries = people_with("learner", args.engagements)
    kind = engagement_type(organisation)
    engagements = Engagement.objects.bulk_create(
        Engagement(organisation=organisation, engagement_type=kind, beneficiary=person,
                   title=f"Bilan {n}", contracted_minutes=kind.contracted_minutes,
                   starts_on=(now - timedelta(days=90)).date(), funder="CPF")
        for n, person in enumerate(beneficiaries))
    EngagementCoach.objects.bulk_create(
        EngagementCoach(engagement=e, coach=coaches[n % 2], lead=True)
        for n, e in enumerate(engagements))
    phases = Phase.objects.bulk_create(
        Phase(engagement=e, name=t.name, position=t.position, planned_minutes=t.planned_minutes,
              template=t)
        for e in engagements for t in kind.phases.all())
    first_phase = {phase.engagement_id: phase for phase in phases if phase.position == 1}

    def closed(engagement, coach, days_ago):
        starts = now - timedelta(days=days_ago, hours=rng.randint(0, 8))
        return Appointment(engagement=engagement, coach=coach, starts_at=starts,
                           ends_at=starts + timedelta(minutes=60),
                           status=AppointmentStatus.CLOSED, actual_minutes=rng.choice(
                               [45, 60, 75, 90]), phase=first_phase[engagement.pk],
                           closed_at=starts + timedelta(hours=1), closed_by=coach)

    Appointment.objects.bulk_create(
        closed(e, coaches[n % 2], day) for n, e in enumerate(engagements) for day in (10, 20))
    long_one, coach = engagements[0], coaches[0]
    held = Appointment.objects.bulk_create(
        closed(long_one, coach, 30 + n) for n in range(args.appointments))
    notes = Note.objects.bulk_create(
        Note(engagement=long_one, appointment=a, author=coach, visibility=visibility,
             body=f"**Séance du {a.starts_at:%d/%m}**: où nous en sommes.",
             shared_at=now if visibility == NoteVisibility.SHARED else None)
        for a in held for visibility in (NoteVisibility.SHARED, NoteVisibility.PRIVATE))
    NoteComment.objects.bulk_create(
        NoteComment(note=note, author=long_one.beneficiary, body="Merci !")
        for note in notes if note.visibility == NoteVisibility.SHARED)
    ActionItem.objects.bulk_create(
        ActionItem(engagement=long_one, appointment=a, title=f"Action {n}", created_by=coach,
                   due_on=(a.starts_at + timedelta(days=7)).date(),
                   done_at=now if n % 2 else None, done_by=coach if n % 2 else None)
        for n, a in enumerate(held))
    return {"manager": manager, "coach": coach, "engagement": long_one,
            "counts": f"{len(engagements)} engagements, {len(held)} appointments, "
                      f"{len(notes)} notes on the long one"}


def measures(seeded, args):
    from django.test import Client

    from parcours.api.services import create_access_token

    def client_of(user):
        client = Client()
        client.force_login(user)  # not timed: signing in is not the page
        return client

    manager, coach = client_of(seeded["manager"]), client_of(seeded["coach"])
    beneficiary = client_of(seeded["engagement"].beneficiary)
    engagement = seeded["engagement"].pk
    page = f"/o/{SLUG}/coaching/engagements/{engagement}/"
    _row, token = create_access_token(seeded["coach"], by=seeded["coach"], name="Bench")
    api = Client(headers={"Authorization": f"Bearer {token}"})
    yield (f"GET coaching/engagements/ ({args.engagements} engagements)",
           [lambda: manager.get(f"/o/{SLUG}/coaching/engagements/")] * args.requests)
    yield (f"GET engagements/<id>/ as coach ({args.appointments} appointments)",
           [lambda: coach.get(page)] * max(1, args.requests // 4))
    yield (f"GET engagements/<id>/ as beneficiary ({args.appointments} appt.)",
           [lambda: beneficiary.get(page)] * max(1, args.requests // 4))
    yield ("GET api engagements/<id>/hours",
           [lambda: api.get(f"/api/v1/organisations/{SLUG}/engagements/{engagement}/hours")]
           * args.requests)


if __name__ == "__main__":
    main()
